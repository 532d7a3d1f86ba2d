/**
 * A 2-D Barnes–Hut quadtree in flat typed arrays (Barnes & Hut 1986, "A
 * hierarchical O(N log N) force-calculation algorithm", Nature 324), rebuilt
 * every t-SNE iteration. Nodes keep their point count and coordinate sums (the
 * centre of mass); a leaf holds one point, or several identical/very close ones
 * once MAX_DEPTH is reached, so duplicate rows cannot recurse forever.
 */
const MAX_DEPTH = 48;

export class QuadTree {
  cap = 0;
  size = 0;
  cx = new Float64Array(0);
  cy = new Float64Array(0);
  half = new Float64Array(0);
  sx = new Float64Array(0);
  sy = new Float64Array(0);
  count = new Int32Array(0);
  /** Index of the first of 4 children, −1 for a leaf. */
  child = new Int32Array(0);
  /** A leaf's representative point (all its points share its position below MAX_DEPTH), −1 for inner nodes. */
  point = new Int32Array(0);
  depth = new Int32Array(0);

  private grow(need: number): void {
    if (need <= this.cap) return;
    const cap = Math.max(need, this.cap * 2, 1024);
    const f = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const g = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.cx = f(this.cx);
    this.cy = f(this.cy);
    this.half = f(this.half);
    this.sx = f(this.sx);
    this.sy = f(this.sy);
    this.count = g(this.count);
    this.child = g(this.child);
    this.point = g(this.point);
    this.depth = g(this.depth);
    this.cap = cap;
  }

  private node(cx: number, cy: number, half: number, depth: number): number {
    const id = this.size++;
    this.cx[id] = cx;
    this.cy[id] = cy;
    this.half[id] = half;
    this.sx[id] = 0;
    this.sy[id] = 0;
    this.count[id] = 0;
    this.child[id] = -1;
    this.point[id] = -1;
    this.depth[id] = depth;
    return id;
  }

  /** Rebuilds the tree over n points stored as interleaved (x, y) in Y. */
  build(Y: Float64Array, n: number): void {
    let x0 = Infinity,
      x1 = -Infinity,
      y0 = Infinity,
      y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = Y[2 * i],
        y = Y[2 * i + 1];
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    const half = Math.max(x1 - x0, y1 - y0, 1e-12) * 0.5 * (1 + 1e-6);
    this.size = 0;
    this.grow(4 * n + 1);
    this.node((x0 + x1) / 2, (y0 + y1) / 2, half, 0);
    for (let i = 0; i < n; i++) this.insert(Y, i);
  }

  private insert(Y: Float64Array, p: number): void {
    const x = Y[2 * p],
      y = Y[2 * p + 1];
    let id = 0;
    for (;;) {
      if (this.child[id] < 0) {
        if (this.count[id] === 0) {
          this.point[id] = p;
          this.add(id, x, y);
          return;
        }
        // A leaf holds points at one position (its representative's), or anything at MAX_DEPTH.
        const q = this.point[id];
        if (this.depth[id] >= MAX_DEPTH || (Y[2 * q] === x && Y[2 * q + 1] === y)) {
          this.add(id, x, y);
          return;
        }
        this.split(id);
        const c = this.childFor(id, Y[2 * q], Y[2 * q + 1]);
        this.point[c] = q;
        this.count[c] = this.count[id];
        this.sx[c] = this.sx[id];
        this.sy[c] = this.sy[id];
        this.point[id] = -1;
      }
      this.add(id, x, y);
      id = this.childFor(id, x, y);
    }
  }

  /** True when (x, y) lies in node id's square (the same half-open rule as childFor). */
  contains(id: number, x: number, y: number): boolean {
    const h = this.half[id];
    return x >= this.cx[id] - h && x < this.cx[id] + h && y >= this.cy[id] - h && y < this.cy[id] + h;
  }

  private add(id: number, x: number, y: number): void {
    this.count[id]++;
    this.sx[id] += x;
    this.sy[id] += y;
  }

  private split(id: number): void {
    this.grow(this.size + 4);
    const h = this.half[id] / 2;
    const d = this.depth[id] + 1;
    const first = this.size;
    this.node(this.cx[id] - h, this.cy[id] - h, h, d);
    this.node(this.cx[id] + h, this.cy[id] - h, h, d);
    this.node(this.cx[id] - h, this.cy[id] + h, h, d);
    this.node(this.cx[id] + h, this.cy[id] + h, h, d);
    this.child[id] = first;
  }

  private childFor(id: number, x: number, y: number): number {
    return this.child[id] + (x >= this.cx[id] ? 1 : 0) + (y >= this.cy[id] ? 2 : 0);
  }
}
