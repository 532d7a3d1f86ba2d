/**
 * The modality gap between two groups of rows of one file (e.g. CLIP image and
 * caption embeddings): Liang, Zhang, Kwon, Yeung & Zou 2022, "Mind the Gap:
 * Understanding the Modality Gap in Multi-modal Contrastive Representation
 * Learning" (NeurIPS), and the relative modality gap of Schrodi, Hoffmann,
 * Argus, Fischer & Brox 2025 ("Two Effects, One Trigger", ICLR).
 *
 * Definitions (docs/definitions.md, "Modality gap"):
 *  - L2M = ‖mean(x̂_A) − mean(x̂_B)‖ over unit rows;
 *  - with d(a, b) = (1 − cos)/2: M = mean d over matched pairs, I_A, I_B = mean d
 *    over i ≠ j within a group; RMG = M / (M + (I_A + I_B)/2);
 *  - linear separability = mean held-out accuracy over stratified folds (5 by
 *    default) of an L2 logistic regression (C = 1) on the unit rows;
 *  - matched retrieval A→B and B→A by cosine: top-1 and mean rank; and the same
 *    after "closing the gap" (Liang et al. §4.2: shift each group by half the
 *    gap vector towards the other, re-normalise).
 */
import type { ModalityGapResult, RetrievalSummary } from '../../../shared/protocol/pairs';
import { PAIRS_DEFAULTS } from '../../../shared/defaults';
import { gatherRows, Matrix, normalizeRows } from '../../core/matrix';
import { Dataset, cached, datasetNorms } from '../../data/dataset';
import { Cancellation, InputError, Progress } from '../../util/errors';
import { pairRows, twoGroups } from './columns';
import { crossValidatedAccuracy } from './logreg';
import { sampleRows } from '../../util/random';
import { matchedRetrieval } from './rank';
import { map2d } from './pca';
import { meanOfRows, meanPairwiseCosineUnit, norm } from './rows';

export interface GapOptions {
  group: string;
  pair?: string;
  values?: [string, string];
  folds?: number;
  seed?: number;
  /** Rows per group used for the separability classifier (a seeded sample above it). */
  maxSeparabilityRows?: number;
  /** Points per group on the map (a seeded sample above it). */
  maxMapRows?: number;
  token?: Cancellation;
  progress?: Progress;
}

export async function modalityGap(ds: Dataset, opts: GapOptions): Promise<ModalityGapResult> {
  const progress = opts.progress ?? (() => undefined);
  const groups = twoGroups(ds, opts.group, opts.values);
  const norms = datasetNorms(ds);
  // Unit rows only: NaN/Inf or zero vectors have no direction, so they sit in neither group.
  const usable = (i: number) => Number.isFinite(norms[i]) && norms[i] > 0;
  const rowsA = groups.rows[0].filter(usable);
  const rowsB = groups.rows[1].filter(usable);
  const dropped = groups.rows[0].length + groups.rows[1].length - rowsA.length - rowsB.length;
  for (const [name, rows] of [
    [groups.names[0], rowsA],
    [groups.names[1], rowsB],
  ] as const) {
    if (rows.length < 2)
      throw new InputError(ds.path, `group '${name}' has fewer than 2 rows with finite, non-zero vectors`);
  }
  const unit = cached(ds, 'pairs:unitRows', () => normalizeRows(ds.matrix, norms));
  const d = unit.cols;

  const meanA = meanOfRows(unit, rowsA);
  const meanB = meanOfRows(unit, rowsB);
  const gap = meanA.map((v, j) => v - meanB[j]);
  const l2m = norm(gap);
  const intraA = (1 - meanPairwiseCosineUnit(unit, rowsA)) / 2;
  const intraB = (1 - meanPairwiseCosineUnit(unit, rowsB)) / 2;
  const gapDimensions = topDimensions(gap, 10);

  let rmg: number | null = null;
  let matchedDistance: number | null = null;
  let retrieval: ModalityGapResult['retrieval'] = null;
  let closedGap: ModalityGapResult['closedGap'] = null;
  let pairs: number | null = null;
  if (opts.pair) {
    const keep = new Set([...rowsA, ...rowsB]);
    const p = pairRows(ds, opts.pair, groups);
    const idx = Array.from(p.a.keys()).filter((t) => keep.has(p.a[t]) && keep.has(p.b[t]));
    if (idx.length < 2)
      throw new InputError(
        ds.path,
        `fewer than 2 pairs of column '${opts.pair}' have finite, non-zero vectors on both sides`,
      );
    const pa = Int32Array.from(idx, (t) => p.a[t]);
    const pb = Int32Array.from(idx, (t) => p.b[t]);
    pairs = pa.length;
    let m = 0;
    for (let t = 0; t < pa.length; t++) {
      let c = 0;
      for (let j = 0; j < d; j++) c += unit.data[pa[t] * d + j] * unit.data[pb[t] * d + j];
      m += (1 - c) / 2;
    }
    matchedDistance = m / pa.length;
    rmg = matchedDistance / (matchedDistance + (intraA + intraB) / 2);
    const QA = gatherRows(unit, pa);
    const QB = gatherRows(unit, pb);
    progress(0.1, 'matched retrieval');
    retrieval = await bothWays(QA, QB, opts);
    progress(0.3, 'closing the gap');
    closedGap = await bothWays(shifted(QA, gap, -0.5), shifted(QB, gap, 0.5), opts);
  }

  progress(0.5, 'linear separability');
  const sep = separability(unit, rowsA, rowsB, opts);
  progress(0.8, 'shared PCA map');
  const map = await sharedMap(unit, rowsA, rowsB, meanA, meanB, opts);
  progress(1);
  return {
    column: opts.group,
    groups: { a: { name: groups.names[0], rows: rowsA.length }, b: { name: groups.names[1], rows: rowsB.length } },
    ignoredRows: groups.ignored + dropped,
    l2m,
    rmg,
    matchedDistance,
    intraA,
    intraB,
    separability: sep.accuracy,
    separabilityDetail: sep.detail,
    gapDimensions,
    pairs,
    retrieval,
    closedGap,
    map,
  };
}

async function bothWays(
  A: Matrix,
  B: Matrix,
  opts: GapOptions,
): Promise<{ aToB: RetrievalSummary; bToA: RetrievalSummary }> {
  const ab = await matchedRetrieval(A, B, undefined, { token: opts.token });
  const ba = await matchedRetrieval(B, A, undefined, { token: opts.token });
  return { aToB: { top1: ab.top1, meanRank: ab.meanRank }, bToA: { top1: ba.top1, meanRank: ba.meanRank } };
}

/** Rows + s·v (float32 copy); matchedRetrieval re-normalises them. */
function shifted(M: Matrix, v: Float64Array, s: number): Matrix {
  const d = M.cols;
  const out = new Float32Array(M.data.length);
  for (let i = 0; i < M.rows; i++) for (let j = 0; j < d; j++) out[i * d + j] = M.data[i * d + j] + s * v[j];
  return { rows: M.rows, cols: d, data: out };
}

function topDimensions(gap: Float64Array, m: number): ModalityGapResult['gapDimensions'] {
  const total = gap.reduce((s, v) => s + v * v, 0);
  return Array.from(gap.keys())
    .sort((a, b) => Math.abs(gap[b]) - Math.abs(gap[a]) || a - b)
    .slice(0, m)
    .map((dim) => ({ dim, delta: gap[dim], share: total > 0 ? (gap[dim] * gap[dim]) / total : 0 }));
}

function separability(unit: Matrix, rowsA: Int32Array, rowsB: Int32Array, opts: GapOptions) {
  const folds = opts.folds ?? PAIRS_DEFAULTS.folds;
  const seed = opts.seed ?? PAIRS_DEFAULTS.seed;
  const cap = opts.maxSeparabilityRows ?? 2000;
  const a = sampleRows(rowsA, cap, seed);
  const b = sampleRows(rowsB, cap, seed + 1);
  const d = unit.cols;
  const n = a.length + b.length;
  const X = new Float64Array(n * d);
  const y = new Uint8Array(n);
  [...a, ...b].forEach((r, t) => {
    for (let j = 0; j < d; j++) X[t * d + j] = unit.data[r * d + j];
    y[t] = t < a.length ? 0 : 1;
  });
  const k = Math.min(folds, a.length, b.length);
  const cv = crossValidatedAccuracy(X, d, y, k, seed, { C: 1 });
  return { accuracy: cv.accuracy, detail: { folds: k, rows: n, foldAccuracy: cv.foldAccuracy, seed, C: 1 } };
}

async function sharedMap(
  unit: Matrix,
  rowsA: Int32Array,
  rowsB: Int32Array,
  meanA: Float64Array,
  meanB: Float64Array,
  opts: GapOptions,
): Promise<ModalityGapResult['map']> {
  const cap = opts.maxMapRows ?? 20000;
  const a = sampleRows(rowsA, cap, 7);
  const b = sampleRows(rowsB, cap, 8);
  const rows = Int32Array.from([...a, ...b]);
  const M = gatherRows(unit, rows);
  const pca = await map2d(M, opts.token);
  const { d, m, vectors } = pca.components;
  const project = (v: Float64Array): [number, number] => {
    const out: [number, number] = [0, 0];
    for (let c = 0; c < m; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (v[j] - pca.mean[j]) * vectors[c * d + j];
      out[c] = s;
    }
    return out;
  };
  return {
    coords: pca.coords,
    group: Uint8Array.from(rows, (_, t) => (t < a.length ? 0 : 1)),
    rows,
    meanA: project(meanA),
    meanB: project(meanB),
    explained: pca.explained,
  };
}
