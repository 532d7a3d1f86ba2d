/**
 * Exact k-nearest neighbours in a 2-D or 3-D layout (euclidean), for the
 * quality scores and per-row neighbourhood preservation of a map.
 *
 * A uniform grid over the first two coordinates (counting-sorted, ~2 points per
 * cell) searched in growing square rings: every point outside ring r is at
 * least r·cell away in those two coordinates, hence at least that far in full,
 * so the search stops once the k-th best distance is within that bound. O(n·k)
 * expected on spread-out layouts, exact always (ties by lower row index).
 */
import { TopK } from './topk';

interface LayoutGrid {
  n: number;
  dims: number;
  coords: Float32Array;
  x0: number;
  y0: number;
  cell: number;
  nx: number;
  ny: number;
  /** cellStart[c]..cellStart[c+1] index into `order`. */
  cellStart: Int32Array;
  order: Int32Array;
}

function buildGrid(coords: Float32Array, n: number, dims: number): LayoutGrid {
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = coords[i * dims],
      y = coords[i * dims + 1];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  if (!(x1 >= x0)) {
    // No finite point: any unit box will do.
    x0 = 0;
    x1 = 1;
    y0 = 0;
    y1 = 1;
  }
  const w = Math.max(x1 - x0, 1e-12),
    h = Math.max(y1 - y0, 1e-12);
  const cells = Math.max(1, Math.floor(n / 2));
  const cell = Math.max(Math.sqrt((w * h) / cells), Math.max(w, h) / 4096, 1e-12);
  const nx = Math.min(4096, Math.floor(w / cell) + 1),
    ny = Math.min(4096, Math.floor(h / cell) + 1);
  const cellOf = new Int32Array(n);
  const cellStart = new Int32Array(nx * ny + 1);
  for (let i = 0; i < n; i++) {
    const cx = Math.min(nx - 1, Math.floor((coords[i * dims] - x0) / cell));
    const cy = Math.min(ny - 1, Math.floor((coords[i * dims + 1] - y0) / cell));
    cellOf[i] = cy * nx + cx;
    cellStart[cellOf[i] + 1]++;
  }
  for (let c = 0; c < nx * ny; c++) cellStart[c + 1] += cellStart[c];
  const fill = cellStart.slice(0, nx * ny);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[cellOf[i]]++] = i;
  return { n, dims, coords, x0, y0, cell, nx, ny, cellStart, order };
}

/** Squared euclidean distance between layout rows i and j. */
function dist2(c: Float32Array, dims: number, i: number, j: number): number {
  let s = 0;
  for (let t = 0; t < dims; t++) {
    const v = c[i * dims + t] - c[j * dims + t];
    s += v * v;
  }
  return s;
}

/** The k nearest other rows of row q, written into `top` (squared distances). */
function gridQuery(g: LayoutGrid, q: number, top: TopK): void {
  const { coords, dims, nx, ny, cell, cellStart, order } = g;
  top.reset();
  const cx = Math.min(nx - 1, Math.floor((coords[q * dims] - g.x0) / cell));
  const cy = Math.min(ny - 1, Math.floor((coords[q * dims + 1] - g.y0) / cell));
  const maxR = Math.max(nx, ny);
  for (let r = 0; r <= maxR; r++) {
    for (let y = cy - r; y <= cy + r; y++) {
      if (y < 0 || y >= ny) continue;
      const edgeRow = y === cy - r || y === cy + r;
      const step = edgeRow ? 1 : 2 * r;
      for (let x = cx - r; x <= cx + r; x += step || 1) {
        if (x < 0 || x >= nx) continue;
        const c = y * nx + x;
        for (let p = cellStart[c]; p < cellStart[c + 1]; p++) {
          const j = order[p];
          if (j !== q) top.push(dist2(coords, dims, q, j), j);
        }
      }
    }
    const bound = r * cell;
    if (top.size === top.k && top.worst() <= bound * bound) break;
  }
}

/**
 * Row-major n×k neighbour indices of every row of the layout (self excluded,
 * ascending distance, ties by lower index); −1 pads rows when n − 1 < k.
 */
export function layoutKnn(coords: Float32Array, n: number, dims: number, k: number, rows?: Int32Array): Int32Array {
  const g = buildGrid(coords, n, dims);
  const q = rows ?? Int32Array.from({ length: n }, (_, i) => i);
  const out = new Int32Array(q.length * k).fill(-1);
  const top = new TopK(Math.min(k, Math.max(0, n - 1)));
  if (top.k === 0) return out;
  for (let t = 0; t < q.length; t++) {
    gridQuery(g, q[t], top);
    for (let s = 0; s < top.size; s++) out[t * k + s] = top.idx[s];
  }
  return out;
}
