/**
 * Centred kernel alignment between two representations of the same rows.
 *
 * Linear CKA (Kornblith, Norouzi, Lee & Hinton 2019, "Similarity of Neural
 * Network Representations Revisited", ICML, eq. for the linear kernel):
 *   CKA = ‖ỸᵀX̃‖²_F / (‖X̃ᵀX̃‖_F · ‖ỸᵀỸ‖_F), X̃, Ỹ column-centred.
 *
 * Debiased CKA replaces each HSIC by the unbiased estimator of Song, Smola,
 * Gretton, Bedo & Borgwardt 2012 (JMLR 13, eq. 5), as Kornblith's reference
 * notebook does with `center_gram(unbiased=True)` (and Nguyen, Raghu & Kornblith
 * 2021). With K̃ = K with a zero diagonal:
 *   HSIC_u = [tr(K̃L̃) + 1ᵀK̃1·1ᵀL̃1/((n−1)(n−2)) − 2/(n−2)·1ᵀK̃L̃1] / (n(n−3)).
 * HSIC_u is translation invariant, so for linear kernels we evaluate it on the
 * centred data in O(n·d + d²) from the scatter matrices and the row norms,
 * never forming the n×n Gram matrices:
 *   tr(K̃L̃) = ‖X̃ᵀỸ‖²_F − Σ aᵢbᵢ,  (K̃1)ᵢ = x̃ᵢ·Σx̃ − aᵢ,  aᵢ = ‖x̃ᵢ‖².
 */
import { Matrix } from '../../core/matrix';
import { JointMoments } from './jointMoments';

function frob2(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return s;
}

export function linearCka(jm: JointMoments): number {
  return frob2(jm.sxy) / Math.sqrt(frob2(jm.sxx) * frob2(jm.syy));
}

interface RowTerms {
  /** aᵢ = ‖x̃ᵢ‖² */
  sq: Float64Array;
  /** (K̃1)ᵢ */
  k1: Float64Array;
}

function rowTerms(M: Matrix, mean: Float64Array, used: Uint8Array): RowTerms {
  const d = M.cols;
  const rows: number[] = [];
  for (let i = 0; i < M.rows; i++) if (used[i]) rows.push(i);
  const sq = new Float64Array(rows.length);
  const sum = new Float64Array(d);
  const tmp = new Float64Array(d);
  rows.forEach((r, t) => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = M.data[r * d + j] - mean[j];
      sum[j] += v;
      s += v * v;
    }
    sq[t] = s;
  });
  const k1 = new Float64Array(rows.length);
  rows.forEach((r, t) => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      tmp[j] = M.data[r * d + j] - mean[j];
      s += tmp[j] * sum[j];
    }
    k1[t] = s - sq[t];
  });
  return { sq, k1 };
}

function hsicUnbiased(cross2: number, a: RowTerms, b: RowTerms, n: number): number {
  let ab = 0;
  let sumK1 = 0;
  let sumL1 = 0;
  let k1l1 = 0;
  for (let i = 0; i < n; i++) {
    ab += a.sq[i] * b.sq[i];
    sumK1 += a.k1[i];
    sumL1 += b.k1[i];
    k1l1 += a.k1[i] * b.k1[i];
  }
  const trKL = cross2 - ab;
  return (trKL + (sumK1 * sumL1) / ((n - 1) * (n - 2)) - (2 / (n - 2)) * k1l1) / (n * (n - 3));
}

/** Debiased linear CKA; NaN when fewer than 4 rows (the estimator needs n > 3). */
export function debiasedCka(jm: JointMoments, X: Matrix, Y: Matrix): number {
  const n = jm.n;
  if (n < 4) return NaN;
  const a = rowTerms(X, jm.meanX, jm.used);
  const b = rowTerms(Y, jm.meanY, jm.used);
  const xy = hsicUnbiased(frob2(jm.sxy), a, b, n);
  const xx = hsicUnbiased(frob2(jm.sxx), a, a, n);
  const yy = hsicUnbiased(frob2(jm.syy), b, b, n);
  return xy / Math.sqrt(xx * yy);
}
