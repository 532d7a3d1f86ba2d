/**
 * Comparing two representations of the same rows (two models, two checkpoints):
 *  - linear and debiased CKA (Kornblith, Norouzi, Lee & Hinton 2019, ICML; ./cka.ts);
 *  - mutual k-NN alignment (Huh, Cheung, Wang & Isola 2024, "The Platonic
 *    Representation Hypothesis", ICML): mean |N_A(i) ∩ N_B(i)|/k of the cosine
 *    k-NN sets, self excluded, and per row the Jaccard |∩|/|∪| of the same sets;
 *  - orthogonal Procrustes alignment (Schönemann 1966; ./procrustes.ts) on centred
 *    data, with matched retrieval (row i of A should retrieve row i of B) before
 *    and after, and scipy.spatial.procrustes's disparity 1 − (Σσ)²/(‖X̃‖²‖Ỹ‖²).
 *    Different widths: each side is first reduced by its own PCA to min(d_A, d_B)
 *    dims ('pca-orthogonal'), so R stays a rotation;
 *  - relative representations (Moschella, Maiorca, Fumero, Norelli, Locatello &
 *    Rodolà 2023, "Relative representations enable zero-shot latent space
 *    communication", ICLR): each row as its cosines to K anchor rows, compared
 *    across the two files (mean cosine of matched rows, matched top-1).
 */
import type { CompareResult } from '../../../shared/protocol/pairs';
import { PAIRS_DEFAULTS } from '../../../shared/defaults';
import { gatherRows, Matrix, normalizeRows } from '../../core/matrix';
import { cached, Dataset, datasetNorms } from '../../data/dataset';
import { knnGraph, KnnResult, prepareCorpus } from '../../kernels/knn';
import { projectRows } from '../../kernels/pca';
import { matMul64, matMulTransA64, matMulTransB64 } from '../../kernels/graphs';
import { run, tensor } from '../../kernels/ort';
import { Cancellation, InputError, Progress } from '../../util/errors';
import { debiasedCka, linearCka } from './cka';
import { checkAligned } from './columns';
import { jointMoments } from './jointMoments';
import { map2d } from './pca';
import { topComponents } from './pca';
import { orthogonalProcrustes } from './procrustes';
import { sampleRows } from '../../util/random';
import { matchedRetrieval } from './rank';

export interface CompareOptions {
  k?: number;
  idColumn?: string;
  /** Anchor rows for the relative representations (default: a seeded sample of `anchorCount`). */
  anchors?: number[];
  anchorCount?: number;
  /** Matched retrieval uses at most this many query rows (a seeded sample), against all rows. */
  maxQueries?: number;
  seed?: number;
  token?: Cancellation;
  progress?: Progress;
}

export async function compareSpaces(a: Dataset, b: Dataset, opts: CompareOptions = {}): Promise<CompareResult> {
  const progress = opts.progress ?? (() => undefined);
  const token = opts.token;
  const seed = opts.seed ?? PAIRS_DEFAULTS.seed;
  const idColumn = checkAligned(a, b, opts.idColumn) ?? null;
  const n0 = a.matrix.rows;
  // Rows usable on both sides: finite and non-zero (cosine needs a direction).
  const na = datasetNorms(a);
  const nb = datasetNorms(b);
  const used: number[] = [];
  for (let i = 0; i < n0; i++)
    if (na[i] > 0 && Number.isFinite(na[i]) && nb[i] > 0 && Number.isFinite(nb[i])) used.push(i);
  const n = used.length;
  const all = n === n0;
  const k = opts.k ?? PAIRS_DEFAULTS.k;
  if (!Number.isInteger(k) || k < 1) throw new InputError(undefined, `k must be a positive integer, got ${k}`);
  if (n < Math.max(4, k + 1)) {
    throw new InputError(
      b.path,
      `only ${n} row(s) have finite, non-zero vectors in both files; comparing needs at least ${Math.max(4, k + 1)} (k = ${k} neighbours plus the row itself)`,
    );
  }
  const X = all ? a.matrix : gatherRows(a.matrix, used);
  const Y = all ? b.matrix : gatherRows(b.matrix, used);

  progress(0.02, 'moments');
  const jm = await jointMoments(X, Y, { token });
  const lin = linearCka(jm);
  const deb = debiasedCka(jm, X, Y);

  progress(0.1, 'k-NN of the first file');
  const gA = await knnOf(a, X, all, k, token, (f) => progress(0.1 + 0.3 * f, 'k-NN of the first file'));
  progress(0.4, 'k-NN of the second file');
  const gB = await knnOf(b, Y, all, k, token, (f) => progress(0.4 + 0.3 * f, 'k-NN of the second file'));
  const { mutual, jaccard } = neighborhoodAgreement(gA, gB, n);

  progress(0.7, 'Procrustes alignment');
  const queries = sampleRows(n, opts.maxQueries ?? PAIRS_DEFAULTS.queries, seed);
  const procrustes = await procrustesSummary(X, Y, jm, queries, token);

  progress(0.85, 'relative representations');
  const anchorRows = anchorsFor(opts, used, n, seed);
  const relative = await relativeRepresentations(X, Y, anchorRows, queries, token);

  progress(0.92, 'maps');
  const mapA = await datasetMap(a, token);
  const mapB = await datasetMap(b, token);
  // Per-row agreement over all rows of the files (NaN where a row was not usable).
  const jac = new Float64Array(n0).fill(NaN);
  used.forEach((r, t) => (jac[r] = jaccard[t]));
  progress(1);
  return {
    rows: n0,
    usedRows: n,
    dims: [X.cols, Y.cols],
    idColumn,
    linearCka: lin,
    debiasedCka: deb,
    mutualKnn: mutual,
    k,
    procrustes,
    relative,
    retrievalQueries: queries.length,
    jaccard: jac,
    mapA,
    mapB,
  };
}

async function knnOf(
  ds: Dataset,
  M: Matrix,
  all: boolean,
  k: number,
  token?: Cancellation,
  progress?: Progress,
): Promise<KnnResult> {
  const compute = () => knnGraph(prepareCorpus(M, 'cosine'), { k, token, progress });
  // The graph of a whole file is worth keeping: the panel asks again with the other file or k.
  return all ? cached(ds, `pairs:knn:cosine:${k}`, compute) : compute();
}

/** Mean |N_A ∩ N_B|/k (Huh et al. 2024) and per-row Jaccard |∩|/|∪|. */
function neighborhoodAgreement(gA: KnnResult, gB: KnnResult, n: number): { mutual: number; jaccard: Float64Array } {
  const k = gA.k;
  const jaccard = new Float64Array(n);
  const mark = new Int32Array(n).fill(-1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sizeA = 0;
    for (let t = 0; t < k; t++) {
      const r = gA.indices[i * k + t];
      if (r >= 0) {
        mark[r] = i;
        sizeA++;
      }
    }
    let inter = 0;
    let sizeB = 0;
    for (let t = 0; t < k; t++) {
      const r = gB.indices[i * k + t];
      if (r < 0) continue;
      sizeB++;
      if (mark[r] === i) inter++;
    }
    total += inter / k;
    const union = sizeA + sizeB - inter;
    jaccard[i] = union > 0 ? inter / union : 0;
  }
  return { mutual: total / n, jaccard };
}

async function procrustesSummary(
  X: Matrix,
  Y: Matrix,
  jm: Awaited<ReturnType<typeof jointMoments>>,
  queries: Int32Array,
  token?: Cancellation,
): Promise<CompareResult['procrustes']> {
  const dx = X.cols;
  const dy = Y.cols;
  let before: { top1: number; meanRank: number } | null = null;
  if (dx === dy) before = await matchedRetrieval(gatherRows(X, queries), Y, queries, { token });

  // The two sides as centred n×m matrices: P = (X − μ)·Wxᵀ, Q = (Y − μ)·Wyᵀ, and M = PᵀQ.
  let m: number;
  let Wx: Float64Array;
  let Wy: Float64Array;
  let M: Float64Array;
  let normP2 = 0;
  let normQ2 = 0;
  if (dx === dy) {
    m = dx;
    Wx = identity(m);
    Wy = Wx;
    M = jm.sxy;
    for (let j = 0; j < m; j++) {
      normP2 += jm.sxx[j * m + j];
      normQ2 += jm.syy[j * m + j];
    }
  } else {
    m = Math.min(dx, dy);
    const cx = await topComponents(jm.sxx, dx, m, token);
    const cy = await topComponents(jm.syy, dy, m, token);
    Wx = cx.vectors;
    Wy = cy.vectors;
    for (let j = 0; j < m; j++) {
      normP2 += cx.values[j];
      normQ2 += cy.values[j];
    }
    // M = Wx · Sxy · Wyᵀ (m×m), float64 GEMMs on onnxruntime.
    const T = (await run(matMul64, { A: tensor(Wx, [m, dx]), B: tensor(jm.sxy, [dx, dy]) })).Y.data as Float64Array;
    M = (await run(matMulTransB64, { A: tensor(T, [m, dy]), B: tensor(Wy, [m, dy]) })).Y.data as Float64Array;
  }
  const fit = await orthogonalProcrustes(M, m, token);
  const residual = Math.max(0, 1 - (fit.traceSigma * fit.traceSigma) / (normP2 * normQ2));
  // Aligned A = (X − μx)·Wxᵀ·R, i.e. projection onto the rows of (Wxᵀ R)ᵀ = Rᵀ Wx.
  const A = (await run(matMulTransA64, { A: tensor(fit.R, [m, m]), B: tensor(Wx, [m, dx]) })).Y.data as Float64Array;
  const P = await projectRows(X, A, m, { mean: jm.meanX, token });
  const Q = await projectRows(Y, Wy, m, { mean: jm.meanY, token });
  const Pm: Matrix = { rows: X.rows, cols: m, data: P };
  const Qm: Matrix = { rows: Y.rows, cols: m, data: Q };
  const after = await matchedRetrieval(gatherRows(Pm, queries), Qm, queries, { token });
  return {
    top1Before: before ? before.top1 : null,
    meanRankBefore: before ? before.meanRank : null,
    top1After: after.top1,
    meanRankAfter: after.meanRank,
    residual,
    alignment: dx === dy ? 'orthogonal' : 'pca-orthogonal',
    alignedDims: m,
  };
}

function identity(m: number): Float64Array {
  const I = new Float64Array(m * m);
  for (let i = 0; i < m; i++) I[i * m + i] = 1;
  return I;
}

function anchorsFor(opts: CompareOptions, used: number[], n: number, seed: number): Int32Array {
  if (opts.anchors?.length) {
    const pos = new Map(used.map((r, t) => [r, t]));
    return Int32Array.from(opts.anchors, (r) => {
      const t = pos.get(r);
      if (t === undefined)
        throw new InputError(
          undefined,
          `anchor row ${r} is out of range or has a NaN/Inf/zero vector in one of the files`,
        );
      return t;
    });
  }
  return sampleRows(n, opts.anchorCount ?? PAIRS_DEFAULTS.anchors, seed + 1);
}

/** Cosines of every row to the anchors, in each space; then how well those K-dim codes agree across spaces. */
async function relativeRepresentations(
  X: Matrix,
  Y: Matrix,
  anchors: Int32Array,
  queries: Int32Array,
  token?: Cancellation,
): Promise<CompareResult['relative']> {
  const rel = async (M: Matrix): Promise<Matrix> => {
    const U = normalizeRows(M);
    const anchorRows = gatherRows(U, anchors);
    return {
      rows: M.rows,
      cols: anchors.length,
      data: await projectRows(U, anchorRows.data, anchors.length, { token }),
    };
  };
  const RA = await rel(X);
  const RB = await rel(Y);
  const K = anchors.length;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < RA.rows; i++) {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let j = 0; j < K; j++) {
      const x = RA.data[i * K + j];
      const y = RB.data[i * K + j];
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    if (aa > 0 && bb > 0) {
      sum += ab / Math.sqrt(aa * bb);
      count++;
    }
  }
  const r = await matchedRetrieval(gatherRows(RA, queries), RB, queries, { token });
  return { anchors: K, meanCosine: count ? sum / count : NaN, top1: r.top1 };
}

/** 2-D PCA map of a whole file (n×2, NaN for rows with NaN/Inf), cached on the dataset. */
async function datasetMap(ds: Dataset, token?: Cancellation): Promise<Float32Array> {
  const norms = datasetNorms(ds);
  const coords = await cached(ds, 'pairs:map2d', async () => {
    const finite: number[] = [];
    for (let i = 0; i < ds.matrix.rows; i++) if (Number.isFinite(norms[i])) finite.push(i);
    const full = finite.length === ds.matrix.rows;
    const map = await map2d(full ? ds.matrix : gatherRows(ds.matrix, finite), token);
    const out = new Float32Array(ds.matrix.rows * 2).fill(NaN);
    finite.forEach((r, t) => {
      out[r * 2] = map.coords[t * map.components.m];
      out[r * 2 + 1] = map.components.m > 1 ? map.coords[t * map.components.m + 1] : 0;
    });
    return out;
  });
  return coords.slice();
}
