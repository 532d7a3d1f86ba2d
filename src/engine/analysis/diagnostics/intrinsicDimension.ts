/**
 * Intrinsic dimension: how many parameters the data manifold has locally,
 * whatever the ambient dimension. Both estimators read nearest-neighbour
 * distances, so exact duplicate rows (distance 0) are removed first and counted.
 */
import type { Metric } from '../../../shared/protocol/common';
import type { DiagIntrinsicDimension } from '../../../shared/protocol/diagnostics';
import { Matrix, gatherRows, normalizeRows, rowNorms } from '../../core/matrix';
import { Dataset } from '../../data/dataset';
import { WorkOptions } from '../overview';
import { neighborGraph } from './graph';

export const MLE_K = 20;
const TWONN_DISCARD = 0.1;

/**
 * TwoNN (Facco, d'Errico, Rodriguez & Laio 2017, "Estimating the intrinsic
 * dimension of datasets by a minimal neighborhood information", Sci. Rep. 7:12140).
 * μᵢ = r₂/r₁; sort; keep the smallest M = ⌊N(1 − discard)⌋; F_emp(i) = i/N for
 * i = 1..M (scikit-dimension's convention since 2024); least-squares slope through
 * the origin of −ln(1 − F) on ln μ.
 */
export function twoNN(r1: ArrayLike<number>, r2: ArrayLike<number>, discard = TWONN_DISCARD): number {
  const N = r1.length;
  const mu: number[] = [];
  for (let i = 0; i < N; i++) mu.push(r2[i] / r1[i]);
  mu.sort((a, b) => a - b);
  // F = N/N would put −ln(0) = ∞ into the fit: with discard 0 the largest μ is left out.
  const M = Math.min(N - 1, Math.floor(N * (1 - discard)));
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < M; i++) {
    const x = Math.log(mu[i]);
    const y = -Math.log(1 - (i + 1) / N);
    sxy += x * y;
    sxx += x * x;
  }
  return sxx > 0 ? sxy / sxx : NaN;
}

/**
 * Maximum-likelihood ID (Levina & Bickel 2004, "Maximum likelihood estimation of
 * intrinsic dimension", NeurIPS) with numerator k − 1, averaged as MacKay &
 * Ghahramani (2005, "Comments on Levina & Bickel") suggest: the global estimate is
 * the inverse of the mean of the inverse local estimates.
 * `dist` is n×kd sorted neighbour distances (self excluded); uses the first k.
 */
export function mle(
  dist: ArrayLike<number>,
  n: number,
  kd: number,
  k = MLE_K,
): { global: number; local: Float64Array } {
  const local = new Float64Array(n);
  let invSum = 0;
  let cnt = 0;
  for (let i = 0; i < n; i++) {
    const o = i * kd;
    const Tk = dist[o + k - 1];
    let s = 0;
    for (let j = 0; j < k - 1; j++) s += Math.log(Tk / dist[o + j]);
    local[i] = (k - 1) / s;
    if (Number.isFinite(s)) {
      invSum += s / (k - 1);
      cnt++;
    }
  }
  return { global: cnt && invSum > 0 ? cnt / invSum : NaN, local };
}

/**
 * First occurrences of each distinct row among the `valid` rows, and for every
 * row the index of its first occurrence (−1 for invalid rows). Hash, then compare exactly.
 */
export function uniqueRows(X: Matrix, valid: (i: number) => boolean): { unique: Int32Array; rep: Int32Array } {
  const { rows: n, cols: d, data } = X;
  const bits = new Uint32Array(data.buffer, data.byteOffset, n * d);
  const buckets = new Map<number, number[]>();
  const unique: number[] = [];
  const rep = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (!valid(i)) continue;
    let h = 0x811c9dc5;
    const o = i * d;
    for (let j = 0; j < d; j++) h = Math.imul(h ^ (bits[o + j] === 0x80000000 ? 0 : bits[o + j]), 0x01000193);
    const list = buckets.get(h) ?? [];
    let found = -1;
    for (const r of list) {
      let eq = true;
      for (let j = 0; j < d && eq; j++) eq = data[r * d + j] === data[o + j];
      if (eq) {
        found = r;
        break;
      }
    }
    if (found >= 0) {
      rep[i] = found;
    } else {
      rep[i] = i;
      list.push(i);
      buckets.set(h, list);
      unique.push(i);
    }
  }
  return { unique: Int32Array.from(unique), rep };
}

/**
 * Both estimators on `rows` (all rows, or a sample) named by `key` for the graph cache.
 * Euclidean distances on the rows as given, or with metric 'cosine' on L2-normalised rows
 * (chord distance √(2 − 2cos), read from the cosine graph).
 */
export async function intrinsicDimensionSection(
  ds: Dataset,
  key: string,
  rows: Matrix,
  metric: Metric,
  opts: WorkOptions = {},
  /**
   * Every row has the same norm: euclidean neighbours are the cosine neighbours (‖x − y‖² =
   * 2s²(1 − cos)), so read them from the cosine graph the other sections build anyway.
   */
  equalNorms = false,
): Promise<{ section: DiagIntrinsicDimension; localId: Float64Array }> {
  const cosine = metric === 'cosine';
  const norms = rowNorms(rows);
  const valid = (i: number) => Number.isFinite(norms[i]) && (!cosine || norms[i] > 0);
  const space = cosine ? normalizeRows(rows, norms) : rows;
  const { unique, rep } = uniqueRows(space, valid);
  let nValid = 0;
  for (let i = 0; i < rows.rows; i++) if (valid(i)) nValid++;
  const nu = unique.length;
  const notes: string[] = [];
  const localId = new Float64Array(rows.rows).fill(NaN);
  const base = {
    metric: cosine ? ('cosine' as const) : ('euclidean' as const),
    rowsUsed: nu,
    duplicatesRemoved: nValid - nu,
  };
  if (nu < 3) {
    notes.push(
      `only ${nu} distinct usable row${nu === 1 ? '' : 's'}: both estimators need at least 3, so they are not defined (NaN)`,
    );
    return { section: { ...base, twoNN: NaN, mle: NaN, mleK: MLE_K, twoNNDiscard: TWONN_DISCARD, notes }, localId };
  }
  const k = Math.min(MLE_K, nu - 1);
  if (k < MLE_K) notes.push(`MLE uses k = ${k} (only ${nu} distinct rows; the convention is k = ${MLE_K})`);
  const sub = nu === rows.rows ? rows : gatherRows(rows, unique);
  const subKey = nu === rows.rows ? key : `${key}:unique`;
  const viaCosine = cosine || (equalNorms && nu === rows.rows && norms.every((v) => v > 0));
  const g = await neighborGraph(ds, subKey, sub, viaCosine ? 'cosine' : 'euclidean', Math.max(k, 2), opts);
  let dist = g.scores;
  if (cosine) dist = g.scores.map((s) => Math.sqrt(Math.max(0, 2 - 2 * s)));
  else if (viaCosine) {
    // Exact euclidean distances of the (same) neighbours from the norms and the cosine.
    dist = new Float64Array(g.scores.length);
    for (let i = 0; i < nu; i++) {
      for (let t = 0; t < g.k; t++) {
        const j = g.indices[i * g.k + t];
        const a = norms[i];
        const b = j >= 0 ? norms[j] : NaN;
        dist[i * g.k + t] = Math.sqrt(Math.max(0, a * a + b * b - 2 * a * b * g.scores[i * g.k + t]));
      }
    }
  }
  const r1 = new Float64Array(nu);
  const r2 = new Float64Array(nu);
  for (let i = 0; i < nu; i++) {
    r1[i] = dist[i * g.k];
    r2[i] = dist[i * g.k + 1];
  }
  const est = mle(dist, nu, g.k, k);
  for (let u = 0; u < nu; u++) localId[unique[u]] = est.local[u];
  for (let i = 0; i < rows.rows; i++) if (rep[i] >= 0 && rep[i] !== i) localId[i] = localId[rep[i]];
  if (nValid < rows.rows)
    notes.push(
      `${rows.rows - nValid} row${rows.rows - nValid === 1 ? '' : 's'} left out (${cosine ? 'zero, NaN or Inf' : 'NaN or Inf'})`,
    );
  return {
    section: { ...base, twoNN: twoNN(r1, r2), mle: est.global, mleK: k, twoNNDiscard: TWONN_DISCARD, notes },
    localId,
  };
}
