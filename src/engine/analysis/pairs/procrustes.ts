/**
 * Orthogonal Procrustes (Schönemann 1966, "A generalized solution of the
 * orthogonal Procrustes problem", Psychometrika 31): the rotation R minimising
 * ‖X̃R − Ỹ‖_F is R = UVᵀ for M = X̃ᵀỸ = UΣVᵀ.
 *
 * The SVD comes from the symmetric eigenproblem MᵀM = VΣ²Vᵀ (kernels/eigen.ts eigh),
 * uᵢ = Mvᵢ/σᵢ; the u's are then re-orthonormalised by modified Gram–Schmidt in
 * decreasing σ, and directions with σ ≈ 0 (rank-deficient M, where R is not
 * unique) are completed with any orthonormal vectors. R is thus orthogonal to
 * rounding, and Σσ = tr(RᵀM) is its objective value.
 */
// All m eigenvectors are needed: the dense solver (eigenvector rows contiguous), not subspace iteration.
import { eigh } from '../../kernels/eigen';

export interface ProcrustesFit {
  /** m×m row-major rotation: x̃·R ≈ ỹ. */
  R: Float64Array;
  m: number;
  /** Σ σᵢ(M) = tr(RᵀM). */
  traceSigma: number;
}

/** `M` is m×m row-major (X̃ᵀỸ). */
export function orthogonalProcrustes(M: Float64Array, m: number): ProcrustesFit {
  // MᵀM
  const A = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += M[k * m + i] * M[k * m + j];
      A[i * m + j] = s;
      A[j * m + i] = s;
    }
  }
  const eig = eigh(A, m, m);
  const V = eig.vectors; // row k = v_k
  const U = new Float64Array(m * m); // row k = u_k
  const tol = Math.sqrt(Math.max(0, eig.values[0])) * m * 1e-13;
  const u = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const sigma = Math.sqrt(Math.max(0, eig.values[k]));
    if (sigma > tol) {
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += M[i * m + j] * V[k * m + j];
        u[i] = s / sigma;
      }
      if (orthonormalise(u, U, k, m)) {
        U.set(u, k * m);
        continue;
      }
    }
    // σ ≈ 0: any unit vector orthogonal to the u's so far keeps R orthogonal.
    let ok = false;
    for (let e = 0; e < m && !ok; e++) {
      u.fill(0);
      u[(e + k) % m] = 1;
      ok = orthonormalise(u, U, k, m);
    }
    U.set(u, k * m);
  }
  const R = new Float64Array(m * m);
  for (let k = 0; k < m; k++) {
    for (let i = 0; i < m; i++) {
      const uik = U[k * m + i];
      if (uik === 0) continue;
      for (let j = 0; j < m; j++) R[i * m + j] += uik * V[k * m + j];
    }
  }
  let traceSigma = 0;
  for (let t = 0; t < m * m; t++) traceSigma += R[t] * M[t];
  return { R, m, traceSigma };
}

/** Makes u orthogonal to rows 0..k−1 of Q (twice, for stability) and unit; false if it vanishes. */
function orthonormalise(u: Float64Array, Q: Float64Array, k: number, m: number): boolean {
  let n0 = 0;
  for (let i = 0; i < m; i++) n0 += u[i] * u[i];
  n0 = Math.sqrt(n0);
  for (let pass = 0; pass < 2; pass++) {
    for (let r = 0; r < k; r++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += u[i] * Q[r * m + i];
      for (let i = 0; i < m; i++) u[i] -= s * Q[r * m + i];
    }
  }
  let nn = 0;
  for (let i = 0; i < m; i++) nn += u[i] * u[i];
  nn = Math.sqrt(nn);
  if (!(nn > 1e-6 * n0) || nn === 0) return false;
  for (let i = 0; i < m; i++) u[i] /= nn;
  return true;
}
