/**
 * Cosine versus dot product: when row norms vary, the two rank neighbours
 * differently, and cosine throws away whatever the norm encodes (e.g. word
 * frequency). Steck, Ekanadham & Kallus (2024, "Is cosine-similarity of embeddings
 * really about similarity?", WWW Companion) show cosine neighbours can also depend on
 * an arbitrary per-dimension scaling that training leaves free; we measure how much.
 */
import type { DiagCosineVsDot, NormCorrelation } from '../../../shared/protocol/diagnostics';
import { Matrix } from '../../core/matrix';
import { knnSearch, prepareCorpus } from '../../kernels/knn';
import { run, tensor } from '../../kernels/ort';
import { matMulTransB } from '../../kernels/graphs';
import type { MetaColumn } from '../../io/metadata';
import { histogram, WorkOptions } from '../overview';
import { Graph } from './graph';
import { quantileSorted, spearman } from './stats';
import { throwIfCancelled, yieldToEventLoop } from '../../util/errors';
import { Rng, sampleRows } from '../../util/random';

/** Below this coefficient of variation the norms count as equal: cosine and dot rank identically. */
export const EQUAL_NORM_CV = 1e-6;
/** Queries used for the per-query rank correlation and for the rescaling test. */
export const RANK_QUERIES = 50;
export const RESCALE_QUERIES = 500;
/** Spread of the random diagonal rescaling: scale_j = exp(σ·z_j), z ~ N(0, 1). */
export const RESCALE_SIGMA = 0.5;

interface NormSummary {
  cv: number;
  mean: number;
  std: number;
  zero: number;
  nonFinite: number;
  quantiles: Record<string, number>;
}

/** Population mean/std, CV = std/mean over finite rows; quantiles (numpy 'linear'). */
function normSummary(norms: Float64Array): NormSummary {
  const fin = Array.from(norms).filter(Number.isFinite);
  const n = fin.length;
  let s = 0;
  for (const v of fin) s += v;
  const mean = n ? s / n : NaN;
  let ss = 0;
  for (const v of fin) ss += (v - mean) ** 2;
  const std = n ? Math.sqrt(ss / n) : NaN;
  const sorted = Float64Array.from(fin).sort();
  const quantiles: Record<string, number> = {};
  for (const q of [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1]) quantiles[String(q)] = quantileSorted(sorted, q);
  return {
    cv: mean > 0 ? std / mean : NaN,
    mean,
    std,
    zero: fin.filter((v) => v === 0).length,
    nonFinite: norms.length - n,
    quantiles,
  };
}

/**
 * Mean over query rows of |A∩B|/|A∪B| and |A∩B|/k between the first k of two k-NN lists
 * (k at most either graph's width; rows with no neighbours skipped).
 */
function topkAgreement(
  a: Graph,
  b: Graph,
  k: number,
  isQuery: (i: number) => boolean,
): { jaccard: number; overlap: number } {
  if (k > a.k || k > b.k) throw new RangeError(`top-${k} agreement of graphs with ${a.k} and ${b.k} neighbours`);
  let sj = 0;
  let so = 0;
  let c = 0;
  for (let i = 0; i < a.n; i++) {
    if (!isQuery(i)) continue;
    const A = new Set<number>();
    for (let t = 0; t < k; t++) if (a.indices[i * a.k + t] >= 0) A.add(a.indices[i * a.k + t]);
    let inter = 0;
    let nb = 0;
    for (let t = 0; t < k; t++) {
      const j = b.indices[i * b.k + t];
      if (j < 0) continue;
      nb++;
      if (A.has(j)) inter++;
    }
    const uni = A.size + nb - inter;
    if (uni === 0) continue;
    sj += inter / uni;
    so += inter / k;
    c++;
  }
  return { jaccard: c ? sj / c : NaN, overlap: c ? so / c : NaN };
}

/**
 * Mean Spearman correlation (Spearman 1904) between a query's dot-product scores and its
 * cosine scores over all other usable rows, for `queries` rows.
 */
async function dotCosineSpearman(
  X: Matrix,
  norms: Float64Array,
  queries: Int32Array,
  valid: (i: number) => boolean,
  opts: WorkOptions = {},
): Promise<number> {
  const { rows: n, cols: d, data } = X;
  if (!queries.length) return NaN;
  const q = new Float32Array(queries.length * d);
  queries.forEach((r, t) => q.set(data.subarray(r * d, r * d + d), t * d));
  const Q = queries.length;
  const scores = new Float32Array(n * Q);
  const block = Math.max(1, Math.floor(4e6 / Q));
  const B = tensor(q, [Q, d]);
  for (let r0 = 0; r0 < n; r0 += block) {
    throwIfCancelled(opts.token);
    const r1 = Math.min(n, r0 + block);
    const out = await run(matMulTransB, { A: tensor(data.subarray(r0 * d, r1 * d), [r1 - r0, d]), B });
    scores.set(out.Y.data as Float32Array, r0 * Q);
    await yieldToEventLoop();
  }
  let s = 0;
  let c = 0;
  for (let t = 0; t < Q; t++) {
    const qi = queries[t];
    const dot: number[] = [];
    const cos: number[] = [];
    for (let j = 0; j < n; j++) {
      if (j === qi || !valid(j)) continue;
      dot.push(scores[j * Q + t]);
      cos.push(scores[j * Q + t] / (norms[qi] * norms[j]));
    }
    const rho = spearman(dot, cos);
    if (Number.isFinite(rho)) {
      s += rho;
      c++;
    }
    if (t % 10 === 9) await yieldToEventLoop();
  }
  return c ? s / c : NaN;
}

/**
 * Steck et al.'s sensitivity: rescale every dimension by a seeded random factor
 * exp(σ·z), recompute the cosine top-k of sampled queries, and report the mean Jaccard
 * with the original cosine top-k (1 = the neighbours do not depend on the scaling).
 */
async function rescalingSensitivity(
  X: Matrix,
  cosine: Graph,
  k: number,
  queries: Int32Array,
  seed: number,
  opts: WorkOptions = {},
): Promise<number> {
  const { rows: n, cols: d, data } = X;
  if (!queries.length) return NaN;
  const rng = new Rng(seed ^ 0x5eed);
  const scale = Float64Array.from({ length: d }, () => Math.exp(RESCALE_SIGMA * rng.normal()));
  const scaled = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) scaled[i * d + j] = data[i * d + j] * scale[j];
  const Xs = { rows: n, cols: d, data: scaled };
  const corpus = prepareCorpus(Xs, 'cosine');
  const qm = new Float32Array(queries.length * d);
  queries.forEach((row, t) => qm.set(scaled.subarray(row * d, row * d + d), t * d));
  const res = await knnSearch(
    corpus,
    { rows: queries.length, cols: d, data: qm },
    { k, exclude: queries, token: opts.token },
  );
  let s = 0;
  let c = 0;
  queries.forEach((row, t) => {
    const A = new Set<number>();
    for (let u = 0; u < k; u++) if (cosine.indices[row * cosine.k + u] >= 0) A.add(cosine.indices[row * cosine.k + u]);
    let inter = 0;
    let nb = 0;
    for (let u = 0; u < k; u++) {
      const j = res.indices[t * k + u];
      if (j < 0) continue;
      nb++;
      if (A.has(j)) inter++;
    }
    const uni = A.size + nb - inter;
    if (uni > 0) {
      s += inter / uni;
      c++;
    }
  });
  return c ? s / c : NaN;
}

/** Spearman correlation between row norm and every numeric metadata column (rows where both are finite). */
function normCorrelations(norms: Float64Array, columns: MetaColumn[], rowOf: (i: number) => number): NormCorrelation[] {
  const out: NormCorrelation[] = [];
  for (const c of columns) {
    if (c.kind !== 'number') continue;
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < norms.length; i++) {
      const v = c.values[rowOf(i)];
      if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isFinite(norms[i])) continue;
      a.push(norms[i]);
      b.push(v);
    }
    if (a.length >= 3) out.push({ column: c.name, spearman: spearman(a, b), rows: a.length });
  }
  return out.sort((x, y) => Math.abs(y.spearman) - Math.abs(x.spearman));
}

export interface CosineVsDotInput {
  rows: Matrix;
  norms: Float64Array;
  k: number;
  cosine: Graph;
  /** Omitted when the norms are equal (then the dot graph is the cosine graph). */
  dot?: Graph;
  seed: number;
  columns: MetaColumn[];
  rowOf: (i: number) => number;
}

/**
 * Zero and non-finite rows are left out of both neighbour rankings (the dot graph is built
 * without them, graph.ts) and are no query; k is lowered to the usable rows − 1 when fewer.
 */
export async function cosineVsDotSection(inp: CosineVsDotInput, opts: WorkOptions = {}): Promise<DiagCosineVsDot> {
  const { rows, norms, cosine, seed } = inp;
  const ns = normSummary(norms);
  const valid = (i: number) => Number.isFinite(norms[i]) && norms[i] > 0;
  const notes: string[] = [];
  const validRows: number[] = [];
  for (let i = 0; i < rows.rows; i++) if (valid(i)) validRows.push(i);
  const k = Math.max(1, Math.min(inp.k, validRows.length - 1));
  if (k < inp.k && validRows.length >= 2) notes.push(`k lowered to ${k}: only ${validRows.length} usable rows`);
  const pick = (m: number) => sampleRows(validRows, m, seed);
  let agreement = { jaccard: 1, overlap: 1 };
  let spearmanMean = 1;
  if (inp.dot) {
    agreement = topkAgreement(cosine, inp.dot, k, valid);
    spearmanMean = await dotCosineSpearman(rows, norms, pick(RANK_QUERIES), valid, opts);
    if (validRows.length > RANK_QUERIES)
      notes.push(`rank correlation: mean Spearman over ${RANK_QUERIES} seeded query rows against all rows`);
  } else {
    notes.push(`all norms are equal (CV < ${EQUAL_NORM_CV}): cosine and dot product rank neighbours identically`);
  }
  const rq = pick(RESCALE_QUERIES);
  // With k ≥ the other usable rows every list holds every row: nothing to measure (then k = inp.k here).
  const rescale = validRows.length > inp.k ? await rescalingSensitivity(rows, cosine, k, rq, seed, opts) : NaN;
  if (validRows.length > RESCALE_QUERIES) notes.push(`rescaling sensitivity: ${RESCALE_QUERIES} seeded query rows`);
  if (ns.zero) notes.push(`${ns.zero} zero-norm row${ns.zero === 1 ? '' : 's'} left out of the neighbour comparisons`);
  return {
    normCv: ns.cv,
    normMean: ns.mean,
    normStd: ns.std,
    zeroNorms: ns.zero,
    normQuantiles: ns.quantiles,
    normHistogram: histogram(norms),
    k,
    topkJaccard: agreement.jaccard,
    topkOverlap: agreement.overlap,
    rankCorrelation: spearmanMean,
    rescaleJaccard: rescale,
    rescaleSigma: RESCALE_SIGMA,
    normCorrelations: normCorrelations(norms, inp.columns, inp.rowOf),
    notes,
  };
}
