/**
 * How faithful a 2-D/3-D map is to the embedding space, per Venna & Kaski
 * ("Neighborhood preservation in nonlinear projection methods: an experimental
 * study", ICANN 2001; and Venna et al., JMLR 11, 2010):
 *
 *   T(k) = 1 − 2/(n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ U_k(i)} (r(i, j) − k)
 *
 * where U_k(i) are the map neighbours of i that are not among its k nearest in
 * the original space and r(i, j) is j's rank by original distance from i
 * (nearest = 1). Continuity C(k) swaps the two spaces. k-NN recall is the mean
 * of |N_k^X(i) ∩ N_k^Y(i)| / k. scikit-learn's `manifold.trustworthiness` is
 * the oracle (tests compare against it on the same data and coordinates).
 *
 * For large n the sums run over a seeded sample S of query rows (all n rows
 * still count as candidates), with the leading n replaced by |S|: an unbiased
 * estimate of the full score. The result says how many rows were used.
 */
import type { Matrix } from '../../core/matrix';
import { Cancellation, checkpoint, InputError, Pacer, Progress, throwIfCancelled } from '../../util/errors';
import { run, tensor } from '../../kernels/ort';
import { matMulTransB } from '../../kernels/graphs';
import { sampleRows } from '../../util/random';
import { DEFAULT_SEED } from '../../../shared/defaults';
import { TopK } from './topk';
import type { ProjectQuality } from '../../../shared/protocol/map';

export type MapMetric = 'cosine' | 'euclidean';

/** The scores of one map (the protocol's ProjectQuality). */
export type MapQuality = ProjectQuality;

export interface QualityOptions {
  k: number;
  metric: MapMetric;
  /** Query rows; default: all rows when the work is small, else a seeded sample. */
  sample?: Int32Array;
  seed?: number;
  token?: Cancellation;
  progress?: Progress;
}

/** About a third of a second of GEMM here: bounds the sampled query count for wide rows. */
const QUALITY_FLOPS = 6e10;
/**
 * About two seconds of the per-query passes over all n rows in JS (top-k selection and
 * rank counting, both spaces): bounds the sampled query count for narrow rows, where the
 * GEMM bound alone allowed 11k queries at 20k×128 (~25 s for a score whose standard
 * error at 2k queries is already ~0.001).
 */
const QUALITY_ROW_VISITS = 5e7;
const MIN_SAMPLE = 1000;

/** Number of query rows used for an n×d dataset: all when cheap, else a seeded sample. */
function qualitySampleSize(n: number, d: number): number {
  const m = Math.min(
    Math.floor(QUALITY_FLOPS / (2 * Math.max(1, n) * Math.max(1, d))),
    Math.floor(QUALITY_ROW_VISITS / Math.max(1, n)),
  );
  return Math.min(n, Math.max(MIN_SAMPLE, m));
}

/**
 * Trustworthiness, continuity and k-NN recall of `coords` (n×dims, row-major)
 * as a map of the rows of X (all rows finite; cosine rows non-zero).
 */
export async function mapQuality(
  X: Matrix,
  coords: Float32Array,
  dims: number,
  opts: QualityOptions,
): Promise<MapQuality> {
  const n = X.rows;
  const k = opts.k;
  if (!Number.isInteger(k) || k < 1) throw new InputError(undefined, `k must be a positive integer, got ${k}`);
  if (k >= n / 2) throw new InputError(undefined, `k = ${k} is too large for ${n} rows: trustworthiness needs k < n/2`);
  const S = opts.sample ?? sampleRows(n, qualitySampleSize(n, X.cols), opts.seed ?? DEFAULT_SEED);
  const m = S.length;
  const corpus = rankCorpus(X, opts.metric);
  const b = Math.max(1, Math.min(512, Math.floor((64 << 20) / (4 * n))));
  const hiTop = new TopK(k);
  const loTop = new TopK(k);
  const lo = new Float64Array(n);
  const qbuf = new Float32Array(b * X.cols);
  let tSum = 0;
  let cSum = 0;
  let hits = 0;
  const cT = tensor(corpus.unit, [n, X.cols]);
  // A block's rows cost O(n) each in JS: yield inside it too, so a cancel is seen within ~50 ms of work.
  const pace = new Pacer(opts.token);
  for (let s0 = 0; s0 < m; s0 += b) {
    throwIfCancelled(opts.token);
    const bb = Math.min(b, m - s0);
    for (let t = 0; t < bb; t++)
      qbuf.set(corpus.unit.subarray(S[s0 + t] * X.cols, (S[s0 + t] + 1) * X.cols), t * X.cols);
    await checkpoint(opts.token);
    const out = await run(matMulTransB, { A: tensor(qbuf.subarray(0, bb * X.cols), [bb, X.cols]), B: cT });
    const dots = out.Y.data as Float32Array;
    for (let t = 0; t < bb; t++) {
      const i = S[s0 + t];
      const hi = dots.subarray(t * n, (t + 1) * n);
      // Rank keys: any value increasing with the true distance from i.
      for (let j = 0; j < n; j++) hi[j] = corpus.bias[j] - 2 * hi[j];
      layoutDistances(coords, dims, i, lo);
      selectK(hi, i, hiTop);
      selectK(lo, i, loTop);
      tSum += rankPenalty(hi, i, loTop, hiTop);
      cSum += rankPenalty(lo, i, hiTop, loTop);
      hits += overlap(hiTop, loTop);
      if (pace.due) await pace.yield();
    }
    opts.progress?.(Math.min(1, (s0 + bb) / m));
    await pace.yield();
  }
  const norm = 2 / (m * k * (2 * n - 3 * k - 1));
  return {
    k,
    trustworthiness: 1 - norm * tSum,
    continuity: 1 - norm * cSum,
    knnRecall: hits / (m * k),
    sampleRows: m,
    rows: n,
  };
}

interface RankCorpus {
  /** Rows the GEMM sees: unit rows (cosine) or the rows themselves (euclidean). */
  unit: Float32Array;
  /** key(i, j) = bias[j] − 2·⟨q_i, x_j⟩ orders j by distance from i. */
  bias: Float32Array;
}

function rankCorpus(X: Matrix, metric: MapMetric): RankCorpus {
  const { rows: n, cols: d, data } = X;
  const bias = new Float32Array(n);
  if (metric === 'euclidean') {
    // ‖q − x‖² = ‖q‖² + ‖x‖² − 2⟨q,x⟩; ‖q‖² is constant per query.
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += data[i * d + j] * data[i * d + j];
      bias[i] = s;
    }
    return { unit: data.subarray(0, n * d), bias };
  }
  // Cosine distance 1 − cos = (2 − 2cos)/2 on unit rows: same order as −2cos.
  const unit = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += data[i * d + j] * data[i * d + j];
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) unit[i * d + j] = data[i * d + j] * inv;
  }
  return { unit, bias };
}

function layoutDistances(coords: Float32Array, dims: number, i: number, out: Float64Array): void {
  const n = out.length;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < dims; t++) {
      const v = coords[j * dims + t] - coords[i * dims + t];
      s += v * v;
    }
    out[j] = s;
  }
}

/** The k smallest keys of a row, self excluded, ties by lower index. */
function selectK(keys: ArrayLike<number>, self: number, top: TopK): void {
  top.reset();
  const n = keys.length;
  for (let j = 0; j < n; j++) if (j !== self && keys[j] <= top.worst()) top.push(keys[j], j);
}

/**
 * Σ (rank_keys(j) − k) over j in `found` but not in `truth`, where rank is
 * 1 + the number of other rows closer under `keys` (ties by lower index, the
 * same order `selectK` uses, so members of `truth` rank ≤ k).
 */
function rankPenalty(keys: ArrayLike<number>, self: number, found: TopK, truth: TopK): number {
  const cand: number[] = [];
  for (let s = 0; s < found.size; s++) {
    const j = found.idx[s];
    let inTruth = false;
    for (let u = 0; u < truth.size; u++) if (truth.idx[u] === j) inTruth = true;
    if (!inTruth) cand.push(j);
  }
  if (!cand.length) return 0;
  const thr = cand.map((j) => keys[j]);
  let maxThr = -Infinity;
  for (const v of thr) if (v > maxThr) maxThr = v;
  const cnt = new Array<number>(cand.length).fill(0);
  const n = keys.length;
  for (let l = 0; l < n; l++) {
    const v = keys[l];
    if (v > maxThr || l === self) continue;
    for (let c = 0; c < cand.length; c++) if (v < thr[c] || (v === thr[c] && l < cand[c])) cnt[c]++;
  }
  let pen = 0;
  for (const c of cnt) pen += c + 1 - truth.k;
  return pen;
}

function overlap(a: TopK, b: TopK): number {
  let h = 0;
  for (let s = 0; s < a.size; s++) for (let u = 0; u < b.size; u++) if (a.idx[s] === b.idx[u]) h++;
  return h;
}

/**
 * Per-row neighbourhood preservation |N_k^X(i) ∩ N_k^Y(i)| / k for every row,
 * from the original-space k-NN graph (row-major, ≥ k columns, nearest first)
 * and the map's own exact k-NN (`layoutKnn`): what the panel colours by, so
 * users see where the map is wrong (the per-point form of k-NN recall).
 */
export function rowPreservation(
  graph: Int32Array,
  graphK: number,
  mapKnn: Int32Array,
  k: number,
  n: number,
): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0;
    for (let s = 0; s < k; s++) {
      const a = graph[i * graphK + s];
      if (a < 0) continue;
      for (let u = 0; u < k; u++) if (mapKnn[i * k + u] === a) h++;
    }
    out[i] = h / k;
  }
  return out;
}
