/**
 * UMAP's fuzzy simplicial set from an exact k-NN graph (McInnes, Healy &
 * Melville 2018, §3.1 and Algorithms 2–3), following umap-learn 0.5's
 * `smooth_knn_dist`, `compute_membership_strengths` and `fuzzy_simplicial_set`:
 *
 *   ρ_i = distance to the nearest neighbour (local connectivity 1),
 *   σ_i such that Σ_j exp(−max(0, d_ij − ρ_i)/σ_i) = log2(n_neighbors),
 *   w_ij = exp(−max(0, d_ij − ρ_i)/σ_i),
 *   W = A + Aᵀ − A∘Aᵀ  (fuzzy union).
 *
 * umap-learn counts the point itself as its first neighbour; our graph excludes
 * self, so `n_neighbors` = graph k + 1 and the target is log2(k + 1).
 */

/** A symmetric sparse graph as COO edge lists (each undirected edge stored both ways, like umap-learn's). */
export interface EdgeList {
  n: number;
  head: Int32Array;
  tail: Int32Array;
  weight: Float64Array;
}

import { Cancellation, Pacer } from '../../util/errors';

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;

/**
 * ρ and σ for each row from its k neighbour distances (row-major n×k, ascending;
 * NaN marks padding).
 */
async function smoothKnnDist(
  dist: Float64Array,
  n: number,
  k: number,
  nIter = 64,
  pace = new Pacer(),
): Promise<{ rho: Float64Array; sigma: Float64Array }> {
  const target = Math.log2(k + 1);
  const rho = new Float64Array(n);
  const sigma = new Float64Array(n);
  let meanAll = 0;
  let cntAll = 0;
  for (let t = 0; t < n * k; t++) {
    if (!Number.isFinite(dist[t])) continue;
    meanAll += dist[t];
    cntAll++;
  }
  // umap-learn's means include the self column (distance 0): k + 1 entries per row.
  meanAll = cntAll ? meanAll / (cntAll + n) : 0;
  for (let i = 0; i < n; i++) {
    if (pace.due) await pace.yield();
    const o = i * k;
    let sumRow = 0;
    let firstPositive = 0;
    for (let j = 0; j < k; j++) {
      const d = dist[o + j];
      if (!Number.isFinite(d)) continue;
      sumRow += d;
      if (firstPositive === 0 && d > 0) firstPositive = d;
    }
    rho[i] = firstPositive;
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let it = 0; it < nIter; it++) {
      let psum = 0;
      for (let j = 0; j < k; j++) {
        const d = dist[o + j];
        if (!Number.isFinite(d)) continue;
        const r = d - rho[i];
        psum += r > 0 ? Math.exp(-r / mid) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    const floor = MIN_K_DIST_SCALE * (rho[i] > 0 ? sumRow / (k + 1) : meanAll);
    sigma[i] = mid < floor ? floor : mid;
  }
  return { rho, sigma };
}

/**
 * The fuzzy union of the directed membership strengths, as a symmetric edge list
 * sorted by (head, tail).
 */
export async function fuzzySimplicialSet(
  indices: Int32Array,
  dist: Float64Array,
  n: number,
  k: number,
  token?: Cancellation,
): Promise<EdgeList> {
  // O(n·k) with a 64-step search per row: ~1 s at 20k rows, so it yields (and honours a cancel) as it goes.
  const pace = new Pacer(token);
  const { rho, sigma } = await smoothKnnDist(dist, n, k, 64, pace);
  // Directed weights A[i, j], in a hash keyed by i·n + j so Aᵀ lookups are O(1).
  const key = (i: number, j: number): number => i * n + j;
  const directed = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (pace.due) await pace.yield();
    for (let s = 0; s < k; s++) {
      const j = indices[i * k + s];
      if (j < 0 || j === i) continue;
      const r = dist[i * k + s] - rho[i];
      const w = r <= 0 || sigma[i] === 0 ? 1 : Math.exp(-r / sigma[i]);
      directed.set(key(i, j), w);
    }
  }
  // Union: w = a + b − a·b for each unordered pair seen in either direction.
  const headL: number[] = [];
  const tailL: number[] = [];
  const wL: number[] = [];
  let e = 0;
  for (const [kk, a] of directed) {
    if ((++e & 1023) === 0 && pace.due) await pace.yield();
    const i = Math.floor(kk / n);
    const j = kk - i * n;
    const b = directed.get(key(j, i));
    if (b !== undefined && j < i) continue; // the pair is emitted once, from its i < j side
    const w = b === undefined ? a : a + b - a * b;
    headL.push(i, j);
    tailL.push(j, i);
    wL.push(w, w);
  }
  return sortEdges(n, headL, tailL, wL, pace);
}

async function sortEdges(n: number, headL: number[], tailL: number[], wL: number[], pace: Pacer): Promise<EdgeList> {
  const m = headL.length;
  // Counting sort by head, then by tail within each head: deterministic order independent of Map iteration.
  const start = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) start[headL[e] + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const fill = start.slice(0, n);
  const perm = new Int32Array(m);
  for (let e = 0; e < m; e++) perm[fill[headL[e]]++] = e;
  for (let i = 0; i < n; i++) {
    if (pace.due) await pace.yield();
    const seg = Array.from(perm.subarray(start[i], start[i + 1])).sort((x, y) => tailL[x] - tailL[y]);
    perm.set(seg, start[i]);
  }
  const head = new Int32Array(m);
  const tail = new Int32Array(m);
  const weight = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    head[t] = headL[perm[t]];
    tail[t] = tailL[perm[t]];
    weight[t] = wL[perm[t]];
  }
  return { n, head, tail, weight };
}
