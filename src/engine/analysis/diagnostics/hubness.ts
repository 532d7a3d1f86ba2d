/**
 * Hubness: in high dimensions a few rows ("hubs") appear in very many k-NN lists
 * while many ("antihubs") appear in none (Radovanović, Nanopoulos & Ivanović 2010,
 * "Hubs in space: popular nearest neighbors in high-dimensional data", JMLR 11).
 * Statistics follow scikit-hubness (Feldbauer et al. 2020): biased skewness,
 * robin-hood index, antihub share, hub occurrence; ties by lower row index.
 */
import type { HubnessStats } from '../../../shared/protocol/diagnostics';
import { Matrix, rowNorms } from '../../core/matrix';
import { run, tensor } from '../../kernels/ort';
import { matMulTransB } from '../../kernels/graphs';
import { kOccurrence } from '../../kernels/knn';
import { checkpoint, throwIfCancelled, yieldToEventLoop } from '../../util/errors';
import { sampleRows } from '../../util/random';
import type { WorkOptions } from '../overview';
import { skewness } from './stats';

/**
 * Summary of the k-occurrence distribution over the rows that take part:
 *  - skewness: biased moments (scipy.stats.skew default);
 *  - robin-hood index ½Σ|N_k − k| / ΣN_k (Feldbauer, Leodolter, Plant & Flexer 2018,
 *    "Fast approximate hubness reduction for large high-dimensional data", ICBK);
 *  - antihub share: rows with N_k = 0; hub occurrence: ΣN_k over rows with N_k ≥ 2k, over k·n.
 */
export function hubnessStats(occ: ArrayLike<number>, k: number): HubnessStats {
  const n = occ.length;
  let total = 0;
  let dev = 0;
  let anti = 0;
  let hubOcc = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = occ[i];
    total += v;
    dev += Math.abs(v - k);
    if (v === 0) anti++;
    if (v >= 2 * k) hubOcc += v;
    if (v > max) max = v;
  }
  return {
    skewness: skewness(occ),
    robinHood: total > 0 ? dev / (2 * total) : NaN,
    antihubShare: n ? anti / n : NaN,
    hubOccurrence: n ? hubOcc / (k * n) : NaN,
    maxOccurrence: max,
  };
}

/**
 * Hubness from a precomputed n×n distance matrix (row-major), as scikit-hubness's
 * `Hubness(metric='precomputed')`: each row's k nearest other rows, ties by lower index.
 */
export function hubnessFromDistances(
  dist: ArrayLike<number>,
  n: number,
  k: number,
): { occurrence: Int32Array; stats: HubnessStats } {
  const indices = new Int32Array(n * k).fill(-1);
  for (let i = 0; i < n; i++) {
    const order = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .sort((a, b) => dist[i * n + a] - dist[i * n + b] || a - b);
    for (let t = 0; t < Math.min(k, order.length); t++) indices[i * k + t] = order[t];
  }
  const occurrence = kOccurrence(indices, k, n, k);
  return { occurrence, stats: hubnessStats(occurrence, k) };
}

/**
 * Complementary error function to about 1e-14 relative: the Maclaurin series of erf
 * for |x| < 2, and for |x| ≥ 2 the continued fraction erfc(x) = e^{−x²}/√π · 1/(x + ½/(x + 1/(x + 3/2/(x + …))))
 * evaluated by the modified Lentz method (Abramowitz & Stegun 7.1.5 and 7.1.14; Press et al.,
 * Numerical Recipes §5.2). Mutual proximity ranks by products of these tails, so a
 * 1e-7 approximation (NR's erfcc) would reorder near-ties that scipy.stats.norm.sf keeps apart.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = 2/√π Σ (−1)ⁿ x^{2n+1} / (n!(2n+1))
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (x > 27) return 0;
  // Lentz on b0 + a1/(b1 + a2/(b2 + …)) with b = x, a_n = n/2.
  const tiny = 1e-300;
  let f = x;
  let C = f;
  let D = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    D = x + a * D;
    D = D === 0 ? tiny : 1 / D;
    C = x + a / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

/** A candidate graph for re-ranking: n×K neighbours with distances (smaller = closer). */
export interface CandidateGraph {
  n: number;
  K: number;
  indices: Int32Array;
  dist: Float64Array;
}

/** Keeps, for every row, the first k candidates by `score` (ascending), ties by lower row index. */
function rerank(g: CandidateGraph, k: number, score: (i: number, t: number) => number): Int32Array {
  const out = new Int32Array(g.n * k).fill(-1);
  for (let i = 0; i < g.n; i++) {
    const cand: { j: number; s: number }[] = [];
    for (let t = 0; t < g.K; t++) {
      const j = g.indices[i * g.K + t];
      if (j >= 0) cand.push({ j, s: score(i, t) });
    }
    cand.sort((a, b) => a.s - b.s || a.j - b.j);
    for (let t = 0; t < Math.min(k, cand.length); t++) out[i * k + t] = cand[t].j;
  }
  return out;
}

/** Rows whose distances set each row's mutual-proximity Gaussian (all other rows when n ≤ this + 1). */
const MP_SAMPLE = 2000;

/**
 * Mean and (population) standard deviation of each row's distances to the other usable rows,
 * estimated on a seeded sample of MP_SAMPLE of them — exact when n ≤ MP_SAMPLE + 1. Schnitzer
 * et al. (2012, §4) fit MP's Gaussians to all distances of a row and approximate them with a
 * random sample for large n; fitting them to the k-NN candidates only (the nearest few) gives
 * tiny σ and can make hubness worse (dexter: skewness 3.98 → 4.42 instead of ≈ 1.2).
 * Distances: 1 − cosine, or euclidean.
 */
export async function distanceMoments(
  X: Matrix,
  metric: 'cosine' | 'euclidean',
  valid: (i: number) => boolean,
  seed: number,
  opts: WorkOptions = {},
): Promise<{ mu: Float64Array; sd: Float64Array; sampled: number }> {
  const { rows: n, cols: d } = X;
  const usable: number[] = [];
  for (let i = 0; i < n; i++) if (valid(i)) usable.push(i);
  const picked = usable.length <= MP_SAMPLE + 1 ? usable : Array.from(sampleRows(usable, MP_SAMPLE, seed ^ 0x4d50));
  const S = picked.length;
  const norms = rowNorms(X);
  const cos = metric === 'cosine';
  const scaled = (i: number, out: Float32Array, o: number) => {
    const f = cos ? 1 / norms[i] : 1;
    for (let j = 0; j < d; j++) out[o + j] = X.data[i * d + j] * f;
  };
  const B = new Float32Array(S * d);
  picked.forEach((r, t) => scaled(r, B, t * d));
  const Bt = tensor(B, [S, d]);
  const mu = new Float64Array(n);
  const sd = new Float64Array(n);
  const block = Math.max(1, Math.min(4096, Math.floor((32 << 20) / (4 * Math.max(1, S)))));
  const A = new Float32Array(block * d);
  for (let r0 = 0; r0 < usable.length; r0 += block) {
    throwIfCancelled(opts.token);
    const rows = usable.slice(r0, r0 + block);
    rows.forEach((r, t) => scaled(r, A, t * d));
    await checkpoint(opts.token);
    const y = (await run(matMulTransB, { A: tensor(A.subarray(0, rows.length * d), [rows.length, d]), B: Bt })).Y
      .data as Float32Array;
    rows.forEach((i, t) => {
      let s1 = 0;
      let s2 = 0;
      let c = 0;
      for (let u = 0; u < S; u++) {
        const j = picked[u];
        if (j === i) continue;
        const dot = y[t * S + u];
        const dist = cos ? 1 - dot : Math.sqrt(Math.max(0, norms[i] * norms[i] + norms[j] * norms[j] - 2 * dot));
        s1 += dist;
        s2 += dist * dist;
        c++;
      }
      mu[i] = c ? s1 / c : 0;
      sd[i] = c ? Math.sqrt(Math.max(0, s2 / c - mu[i] * mu[i])) : 0;
    });
    opts.progress?.(Math.min(1, (r0 + block) / usable.length));
    await yieldToEventLoop();
  }
  return { mu, sd, sampled: S };
}

/**
 * Mutual proximity, Gaussian variant (Schnitzer, Flexer, Schedl & Widmer 2012, "Local
 * and global scaling reduce hubs in space", JMLR 13): MP(x, y) = 1 − SF(d; μₓ, σₓ)·SF(d; μ_y, σ_y),
 * with each row's μ, σ from `distanceMoments`. Re-ranks each row's K candidates and returns
 * the top-k (ties by lower row index).
 */
export function mutualProximity(g: CandidateGraph, k: number, mu: Float64Array, sd: Float64Array): Int32Array {
  const sf = (x: number, m: number, s: number) =>
    s > 0 ? 0.5 * erfc((x - m) / (s * Math.SQRT2)) : x < m ? 1 : x > m ? 0 : 0.5;
  return rerank(g, k, (i, t) => {
    const j = g.indices[i * g.K + t];
    const dd = g.dist[i * g.K + t];
    return 1 - sf(dd, mu[i], sd[i]) * sf(dd, mu[j], sd[j]);
  });
}

/**
 * Cross-domain similarity local scaling (Conneau, Lample, Ranzato, Denoyer & Jégou 2018,
 * "Word translation without parallel data", ICLR) within one space:
 * CSLS(x, y) = 2·s(x, y) − r(x) − r(y), r = mean similarity to the kr nearest neighbours,
 * with similarity s = −distance. Re-ranks each row's candidates (r(x) is constant per row).
 */
export function csls(g: CandidateGraph, k: number, kr = 10): Int32Array {
  const r = new Float64Array(g.n);
  for (let i = 0; i < g.n; i++) {
    let s = 0;
    let c = 0;
    for (let t = 0; t < Math.min(kr, g.K); t++) {
      if (g.indices[i * g.K + t] < 0) continue;
      s -= g.dist[i * g.K + t];
      c++;
    }
    r[i] = c ? s / c : 0;
  }
  // Ascending score = descending CSLS: −(2s − r(y)) = 2d + r(y).
  return rerank(g, k, (i, t) => 2 * g.dist[i * g.K + t] + r[g.indices[i * g.K + t]]);
}
