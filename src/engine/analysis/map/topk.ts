/**
 * A fixed-size "k smallest" selector over (distance, index) pairs, ties broken
 * by the lower index so every neighbour list is deterministic. Insertion into a
 * sorted array: k is small (≤ ~100) and most candidates are rejected by one
 * comparison with the current worst, so this beats a heap in practice.
 */
export class TopK {
  readonly dist: Float64Array;
  readonly idx: Int32Array;
  size = 0;

  constructor(readonly k: number) {
    this.dist = new Float64Array(k);
    this.idx = new Int32Array(k);
  }

  reset(): void {
    this.size = 0;
  }

  /** The distance a candidate must beat to enter (Infinity while not full). */
  worst(): number {
    return this.size < this.k ? Infinity : this.dist[this.k - 1];
  }

  push(d: number, i: number): void {
    const k = this.k;
    if (this.size === k) {
      const w = this.dist[k - 1];
      if (d > w || (d === w && i > this.idx[k - 1])) return;
    }
    let p = this.size < k ? this.size++ : k - 1;
    while (p > 0 && (this.dist[p - 1] > d || (this.dist[p - 1] === d && this.idx[p - 1] > i))) {
      this.dist[p] = this.dist[p - 1];
      this.idx[p] = this.idx[p - 1];
      p--;
    }
    this.dist[p] = d;
    this.idx[p] = i;
  }
}
