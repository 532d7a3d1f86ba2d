/**
 * Orthogonal Procrustes (Schönemann 1966, "A generalized solution of the
 * orthogonal Procrustes problem", Psychometrika 31): the rotation R minimising
 * ‖X̃R − Ỹ‖_F is R = UVᵀ for M = X̃ᵀỸ = UΣVᵀ.
 *
 * The SVD comes from the symmetric eigenproblem MᵀM = VΣ²Vᵀ (kernels/eigen.ts eighAsync),
 * uᵢ = Mvᵢ/σᵢ; the u's are then re-orthonormalised in decreasing σ (Cholesky QR twice,
 * which is Gram–Schmidt in column order; modified Gram–Schmidt when that is too
 * ill-conditioned), and directions with σ ≈ 0 (rank-deficient M, where R is not unique)
 * are completed with any orthonormal vectors. R is thus orthogonal to rounding, and
 * Σσ = tr(RᵀM) is its objective value. The m×m products run as float64 GEMMs on
 * onnxruntime: at m = 768 the same loops in JS took ~4.5 s.
 */
import { cholQr2, eighAsync } from '../../kernels/eigen';
import { matMulTransA64, matMulTransB64 } from '../../kernels/graphs';
import { run, tensor } from '../../kernels/ort';
import { Cancellation } from '../../util/errors';

export interface ProcrustesFit {
  /** m×m row-major rotation: x̃·R ≈ ỹ. */
  R: Float64Array;
  m: number;
  /** Σ σᵢ(M) = tr(RᵀM). */
  traceSigma: number;
}

/** `M` is m×m row-major (X̃ᵀỸ). */
export async function orthogonalProcrustes(M: Float64Array, m: number, token?: Cancellation): Promise<ProcrustesFit> {
  const Mt = tensor(M, [m, m]);
  // MᵀM, made exactly symmetric (a blocked GEMM need not sum both triangles in the same order).
  const A = (await run(matMulTransA64, { A: Mt, B: Mt })).Y.data as Float64Array;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < i; j++) A[i * m + j] = A[j * m + i] = 0.5 * (A[i * m + j] + A[j * m + i]);
  // All m eigenvectors are needed: the dense solver, not subspace iteration.
  const eig = await eighAsync(A, m, m, { token });
  const V = eig.vectors; // row k = v_k
  const sigma = Float64Array.from(eig.values, (v) => Math.sqrt(Math.max(0, v)));
  const tol = sigma[0] * m * 1e-13;
  let r = 0;
  while (r < m && sigma[r] > tol) r++;
  const U = new Float64Array(m * m); // row k = u_k
  if (r > 0) {
    // Y = M·[v₀ … v_{r−1}] / σ, m×r.
    const Y = (await run(matMulTransB64, { A: Mt, B: tensor(V.subarray(0, r * m), [r, m]) })).Y.data as Float64Array;
    for (let i = 0; i < m; i++) for (let k = 0; k < r; k++) Y[i * r + k] /= sigma[k];
    const Q = await cholQr2(Y, m, r);
    const u = new Float64Array(m);
    for (let k = 0; k < r; k++) {
      if (Q) {
        for (let i = 0; i < m; i++) U[k * m + i] = Q[i * r + k];
        continue;
      }
      for (let i = 0; i < m; i++) u[i] = Y[i * r + k];
      if (orthonormalise(u, U, k, m)) U.set(u, k * m);
      else completeRow(U, k, m);
    }
  }
  for (let k = r; k < m; k++) completeRow(U, k, m);
  // R = Σ_k u_k v_kᵀ = UᵀV (rows of U and V are the vectors).
  const R = (await run(matMulTransA64, { A: tensor(U, [m, m]), B: tensor(V, [m, m]) })).Y.data as Float64Array;
  let traceSigma = 0;
  for (let t = 0; t < m * m; t++) traceSigma += R[t] * M[t];
  return { R, m, traceSigma };
}

/** Row k of U: a unit vector orthogonal to rows 0..k−1 (σ ≈ 0: any such vector keeps R orthogonal). */
function completeRow(U: Float64Array, k: number, m: number): void {
  const u = new Float64Array(m);
  for (let e = 0; e < m; e++) {
    u.fill(0);
    u[(e + k) % m] = 1;
    if (orthonormalise(u, U, k, m)) break;
  }
  U.set(u, k * m);
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
