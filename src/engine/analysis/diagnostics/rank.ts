/**
 * Rank axes: how many directions the data really uses.
 */
import type { DiagRank } from '../../../shared/protocol/diagnostics';
import { Spectrum } from './spectrum';

/**
 * Effective rank (Roy & Vetterli 2007, "The effective rank: a measure of effective
 * dimensionality", EUSIPCO): exp of the Shannon entropy of p_k = σ_k / Σσ, with
 * 0·ln 0 = 0. `eps` is added to every p_k as RankMe does (Garrido et al. 2023,
 * "RankMe: assessing the downstream performance of pretrained self-supervised
 * representations by their rank", ICML), whose ε = 1e-7.
 */
export function effectiveRank(singularValues: ArrayLike<number>, eps = 0): number {
  let s = 0;
  for (let i = 0; i < singularValues.length; i++) s += Math.abs(singularValues[i]);
  if (!(s > 0)) return NaN;
  let h = 0;
  for (let i = 0; i < singularValues.length; i++) {
    const p = Math.abs(singularValues[i]) / s + eps;
    if (p > 0) h -= p * Math.log(p);
  }
  return Math.exp(h);
}

/** RankMe (Garrido et al. 2023) on the raw, uncentred singular values, ε = 1e-7. */
export function rankMe(singularValues: ArrayLike<number>): number {
  return effectiveRank(singularValues, 1e-7);
}

/** Smallest number of leading eigenvalues whose share of the total reaches `level` (PCA explained variance). */
export function dimsFor(eigenvalues: ArrayLike<number>, level: number): number {
  let total = 0;
  for (let i = 0; i < eigenvalues.length; i++) total += eigenvalues[i];
  if (!(total > 0)) return 0;
  let c = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    c += eigenvalues[i];
    // A relative slack of 1e-12 keeps exact ties (e.g. 9 of 10 equal eigenvalues = 90%) on the lower count, as numpy's
    // >= on exact sums.
    if (c / total >= level - 1e-12) return i + 1;
  }
  return eigenvalues.length;
}

/**
 * Participation ratio (Σλ)² / Σλ² of the covariance eigenvalues (Gao, Trautmann,
 * Yu et al. 2017, "A theory of multineuronal dimensionality, dynamics and measurement").
 */
export function participationRatio(eigenvalues: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    s += eigenvalues[i];
    s2 += eigenvalues[i] * eigenvalues[i];
  }
  return s2 > 0 ? (s * s) / s2 : NaN;
}

export function rankSection(sp: Spectrum): DiagRank {
  const singularValues = Float64Array.from(sp.rawSq, (v) => Math.sqrt(v));
  // Centred singular values: √((n−1)·λ); the scale cancels in p_k, so √λ suffices.
  const centred = Array.from(sp.cov.subarray(0, Math.min(sp.n, sp.d)), (v) => Math.sqrt(v));
  let total = 0;
  for (const v of sp.cov) total += v;
  const cumulative = new Float64Array(sp.cov.length);
  let c = 0;
  sp.cov.forEach((v, j) => {
    c += v;
    cumulative[j] = total > 0 ? c / total : NaN;
  });
  return {
    n: sp.n,
    d: sp.d,
    minND: Math.min(sp.n, sp.d),
    singularValues,
    rankMe: rankMe(singularValues),
    rankMeVariant: 'raw X (uncentred), ε = 1e-7',
    effectiveRank: effectiveRank(centred),
    effectiveRankVariant: 'centred X, ε = 0',
    dims90: dimsFor(sp.cov, 0.9),
    dims95: dimsFor(sp.cov, 0.95),
    participationRatio: participationRatio(sp.cov),
    explainedCumulative: cumulative,
    covarianceEigenvalues: sp.cov.slice(),
  };
}
