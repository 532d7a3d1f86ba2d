/**
 * Symmetric eigen-decomposition of a dense d×d float64 matrix.
 *
 * - `eigvalsh` (sync, values only): one-stage Householder tridiagonalisation
 *   without accumulating the transformations (band.ts with b = d − 1) and the
 *   implicit QL method, values only.
 * - `eigvalshAsync`: for d ≥ TWO_STAGE_MIN the two-stage solver — dense → band
 *   with float64 GEMMs on onnxruntime (bandReduce.ts), band → tridiagonal by bulge
 *   chasing (band.ts), then QL. Same eigenvalues to O(ε‖A‖), far faster at d ≥ 1000.
 * - `eigh` (sync, all vectors): Householder + implicit QL with accumulation
 *   (EISPACK tred2/tql2, Martin, Reinsch & Wilkinson 1968; as in JAMA), in WebAssembly
 *   (wasm/assembly/eigh.ts); `eighAsync` runs it in steps between event-loop turns.
 * - `topEigenvectors`: the top m eigenpairs by Chebyshev-accelerated block subspace
 *   iteration with Rayleigh–Ritz (Rutishauser 1970, "Simultaneous iteration method
 *   for symmetric matrices"; Saad 2011, "Numerical Methods for Large Eigenvalue
 *   Problems" §5.2, §7.4), products on onnxruntime, falling back to `eigh` when the
 *   gap is too small for it to converge.
 */
import { Cancellation, throwIfCancelled, yieldToEventLoop } from '../util/errors';
import { bandToTridiagonal, bandToTridiagonalAsync, packLowerBand } from './band';
import { reduceToBand } from './bandReduce';
import { run, tensor } from './ort';
import { matMul64, matMulTransA64 } from './graphs';
import { eighKernel, eighStepper } from '../wasm/eigh';

/** Below this size the one-stage JS path is as fast as two stages (no onnxruntime round trips). */
const TWO_STAGE_MIN = 384;
/** Half-bandwidth of the intermediate band: small keeps bulge chasing (∝ b·d²) cheap. */
export const TWO_STAGE_BAND = 16;

export interface Eigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Row i is the unit eigenvector of values[i] (m×d, row-major). */
  vectors: Float64Array;
  d: number;
  /** Number of eigenvector rows returned. */
  m: number;
}

/** All eigenvalues of the symmetric matrix `a` (row-major d×d), descending. `a` is not modified. */
export function eigvalsh(a: Float64Array, d: number): Float64Array {
  assertFinite(a, d);
  if (d === 0) return new Float64Array(0);
  const tri = bandToTridiagonal(packLowerBand(a, d, Math.max(1, d - 1)));
  return tridiagonalEigenvalues(tri.diag, tri.sub);
}

/** NaN/Inf would make the QL iterations fail (or never stop): callers must pass finite matrices. */
function assertFinite(a: Float64Array, d: number): void {
  if (a.length < d * d) throw new RangeError(`matrix needs ${d * d} values, got ${a.length}`);
  for (let i = 0; i < d * d; i++)
    if (!Number.isFinite(a[i]))
      throw new RangeError(`symmetric eigen-solver: entry ${i} of the ${d}×${d} matrix is ${a[i]}`);
}

export interface EigenOptions {
  token?: Cancellation;
  /** The matrix is scratch: eigvalshAsync may overwrite it (saves a d×d buffer). */
  overwrite?: boolean;
}

/**
 * All eigenvalues, descending, by the two-stage solver when d is large. `a` is not modified unless `opts.overwrite`.
 */
export async function eigvalshAsync(a: Float64Array, d: number, opts: EigenOptions = {}): Promise<Float64Array> {
  assertFinite(a, d);
  if (d < TWO_STAGE_MIN) return eigvalsh(a, d);
  const band = await reduceToBand(a, d, TWO_STAGE_BAND, opts);
  const tri = await bandToTridiagonalAsync(band, opts);
  throwIfCancelled(opts.token);
  return tridiagonalEigenvalues(tri.diag, tri.sub);
}

export interface TopEigenOptions extends EigenOptions {
  /** All eigenvalues (descending) if already known: sets the convergence target from the spectral gap. */
  values?: Float64Array;
  /** Target sine of the angle between computed and exact invariant subspaces. */
  tolerance?: number;
  maxIterations?: number;
  /**
   * `a` is positive semi-definite (a covariance or Gram matrix). Without `values`,
   * the iteration then steers by its own Ritz values instead of computing the whole
   * spectrum first (see topEigenvectorsPsd), and `values` in the result holds only
   * the top m eigenvalues.
   */
  psd?: boolean;
}

/**
 * The top-m eigenpairs of the symmetric `a` (row-major d×d), values descending.
 * Block subspace iteration on k = m + oversampling vectors with Chebyshev
 * acceleration (Rutishauser 1970, "Simultaneous iteration method for symmetric
 * matrices", Numer. Math. 16; Zhou & Saad 2007, "A Chebyshev–Davidson algorithm for
 * large symmetric eigenproblems", SIAM J. Matrix Anal. Appl. 29(3)): each step
 * applies T_p of A mapped so that the unwanted eigenvalues [λ_min, λ_{k+1}] (known
 * exactly from `values`) land in [−1, 1], which damps them by 1/T_p(x_m) instead of
 * (λ_{k+1}/λ_m)^p. Products are float64 GEMMs on onnxruntime; Q = orth(Y) by
 * Cholesky QR applied twice (Yamamoto et al. 2015, "Roundoff error analysis of the
 * CholeskyQR2 algorithm"), then Rayleigh–Ritz. Stops when every residual
 * ‖A·u − λu‖ ≤ tolerance × gap, which bounds the angle to the exact invariant
 * subspace by the Davis–Kahan sin θ theorem (Davis & Kahan 1970). Falls back to
 * the dense `eigh` when the gap is too small for iteration to be cheaper.
 */
export async function topEigenvectors(
  a: Float64Array,
  d: number,
  m: number,
  opts: TopEigenOptions = {},
): Promise<Eigen> {
  assertFinite(a, d);
  const mm = Math.min(m, d);
  if (mm === 0) return { values: opts.values ?? eigvalsh(a, d), vectors: new Float64Array(0), d, m: 0 };
  const k = Math.min(d, mm + Math.max(10, mm));
  if (k >= d || d < 64) return eigh(a, d, mm);
  if (!opts.values && opts.psd) return topEigenvectorsPsd(a, d, mm, k, opts);
  const values = opts.values ?? (await eigvalshAsync(a, d, opts));
  const tol = opts.tolerance ?? 1e-7;
  const scale = Math.max(Math.abs(values[0]), Math.abs(values[d - 1]), Number.MIN_VALUE);
  // Residual target: tolerance × the gap that separates the wanted subspace (not below rounding level).
  const gap = values[mm - 1] - values[mm];
  // No usable gap: the wanted subspace is ill-defined and iteration would crawl; the dense solver is exact.
  if (!(gap > 1e-8 * scale)) return { ...eigh(a, d, mm), values };
  const target = Math.max(tol * gap, 1e-13 * scale * Math.sqrt(d));
  // Chebyshev interval of the unwanted eigenvalues, and the filter degree: as high as
  // keeps the amplification of λ₁ over λ_m ≤ MAX_SPREAD (so CholQR2 stays accurate).
  const lo = values[d - 1];
  const hi = values[k];
  const c = (hi + lo) / 2;
  const e = (hi - lo) / 2;
  let deg = 1;
  if (e > 1e-12 * scale) {
    const x1 = (values[0] - c) / e;
    const xm = (values[mm - 1] - c) / e;
    const spread = Math.acosh(Math.max(1, x1)) - Math.acosh(Math.max(1, xm));
    deg = spread > 0 ? Math.floor(Math.log(MAX_SPREAD) / spread) : MAX_DEGREE;
    deg = Math.max(1, Math.min(MAX_DEGREE, deg));
  }
  const maxProducts = opts.maxIterations ?? 600;
  const aT = tensor(a, [d, d]);
  const mul = async (Y: Float64Array) => (await run(matMul64, { A: aT, B: tensor(Y, [d, k]) })).Y.data as Float64Array;
  let Q = startBlock(d, k); // d×k row-major
  let products = 0;
  while (products < maxProducts) {
    throwIfCancelled(opts.token);
    // deg > 1 only when e > 0 (set above).
    const Y = await chebyshevFilter(mul, Q, deg, c, e);
    products += deg;
    Q = (await cholQr2(Y, d, k)) ?? mgs(Y, d, k);
    const rr = await rayleighRitz(aT, Q, d, k, mm);
    products++;
    if (rr.maxResidual <= target) return { values, vectors: rr.vectors, d, m: mm };
    Q = rr.basis;
    await yieldToEventLoop();
  }
  // Not converged (a near-degenerate gap): the dense solver is exact whatever the gap.
  return { ...eigh(a, d, mm), values };
}

/**
 * topEigenvectors for a PSD matrix whose spectrum is not known: the Chebyshev
 * interval [0, θ_k] and the gap θ_m − θ_{m+1} come from the current Ritz values θ
 * (Zhou & Saad 2007 likewise bound the unwanted interval from Ritz values). θ_k ≤ λ_k,
 * so early intervals may leave λ_{k+1} slightly outside and amplify it a little,
 * which only slows the last vectors of the block; the wanted m converge at the rate
 * set by the estimated gap. This skips the O(d³) all-eigenvalue solve when only the
 * top m pairs are needed (the overview's 2-D PCA map).
 */
async function topEigenvectorsPsd(
  a: Float64Array,
  d: number,
  mm: number,
  k: number,
  opts: TopEigenOptions,
): Promise<Eigen> {
  const tol = opts.tolerance ?? 1e-7;
  const maxProducts = opts.maxIterations ?? 600;
  const aT = tensor(a, [d, d]);
  const mul = async (Y: Float64Array) => (await run(matMul64, { A: aT, B: tensor(Y, [d, k]) })).Y.data as Float64Array;
  let Q = startBlock(d, k);
  let ritz: Float64Array | null = null;
  let products = 0;
  let iterations = 0;
  while (products < maxProducts) {
    throwIfCancelled(opts.token);
    let deg = 1;
    let c = 0;
    let e = 0;
    if (ritz) {
      const scale = Math.max(ritz[0], Number.MIN_VALUE);
      const hi = Math.max(0, ritz[k - 1]);
      c = hi / 2;
      e = hi / 2;
      if (e > 1e-12 * scale) {
        const x1 = (ritz[0] - c) / e;
        const xm = (ritz[mm - 1] - c) / e;
        const spread = Math.acosh(Math.max(1, x1)) - Math.acosh(Math.max(1, xm));
        deg = spread > 0 ? Math.floor(Math.log(MAX_SPREAD) / spread) : MAX_DEGREE;
        deg = Math.max(1, Math.min(MAX_DEGREE, deg));
      }
    }
    const Y = await chebyshevFilter(mul, Q, deg, c, e);
    products += deg;
    Q = (await cholQr2(Y, d, k)) ?? mgs(Y, d, k);
    const rr = await rayleighRitz(aT, Q, d, k, mm);
    products++;
    iterations++;
    ritz = rr.ritz;
    const scale = Math.max(ritz[0], Number.MIN_VALUE);
    const gap = ritz[mm - 1] - ritz[mm];
    // A gap this small after several steps: the subspace is ill-defined; the dense solver is exact.
    if (iterations >= 4 && !(gap > 1e-8 * scale)) break;
    const target = Math.max(tol * gap, 1e-13 * scale * Math.sqrt(d));
    if (iterations >= 2 && rr.maxResidual <= target)
      return { values: ritz.slice(0, mm), vectors: rr.vectors, d, m: mm };
    Q = rr.basis;
    await yieldToEventLoop();
  }
  const full = eigh(a, d, mm);
  return { ...full, values: full.values.slice(0, mm) };
}

/** Largest ratio of the filter's amplification of λ₁ to that of λ_m, and the degree cap. */
const MAX_SPREAD = 1e6;
const MAX_DEGREE = 12;

/**
 * Applies the degree-`deg` Chebyshev polynomial of (A − c)/e to the block Q (one product
 * with A for deg = 1), by the three-term recurrence
 *   Y₀ = Q, Y₁ = (A − c)Q/e, Y_{j+1} = 2(A − c)Y_j/e − Y_{j−1}.
 * Costs `deg` products with A.
 */
async function chebyshevFilter(
  mul: (Y: Float64Array) => Promise<Float64Array>,
  Q: Float64Array,
  deg: number,
  c: number,
  e: number,
): Promise<Float64Array> {
  if (deg === 1) return mul(Q);
  let prev = Q;
  const AQ = await mul(Q);
  let cur = new Float64Array(Q.length);
  for (let t = 0; t < cur.length; t++) cur[t] = (AQ[t] - c * Q[t]) / e;
  for (let j = 1; j < deg; j++) {
    const AY = await mul(cur);
    const next = new Float64Array(Q.length);
    for (let t = 0; t < next.length; t++) next[t] = (2 * (AY[t] - c * cur[t])) / e - prev[t];
    prev = cur;
    cur = next;
  }
  return cur;
}

/**
 * Deterministic start: a fixed pseudo-random d×k block (reproducible results). A constant of the
 * solver, not a seeded sample, so not util/random's Rng: PCA's rounding, and through PCA every map
 * layout, depends on this exact block.
 */
function startBlock(d: number, k: number): Float64Array {
  const q = new Float64Array(d * k);
  let s = 0x9e3779b9;
  for (let i = 0; i < q.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    q[i] = (s >>> 0) / 4294967296 - 0.5;
  }
  return mgs(q, d, k);
}

/** Rayleigh–Ritz on the basis Q: Ritz vectors (rows, top m), a rotated basis (d×k) and the largest residual. */
async function rayleighRitz(aT: ReturnType<typeof tensor>, Q: Float64Array, d: number, k: number, m: number) {
  const qT = tensor(Q, [d, k]);
  const AQ = (await run(matMul64, { A: aT, B: qT })).Y.data as Float64Array;
  const H = (await run(matMulTransA64, { A: qT, B: tensor(AQ, [d, k]) })).Y.data as Float64Array; // Qᵀ A Q
  for (let x = 0; x < k; x++)
    for (let y = 0; y < x; y++) H[x * k + y] = H[y * k + x] = 0.5 * (H[x * k + y] + H[y * k + x]);
  const small = eigh(H, k, k); // rows = eigenvectors of H, descending
  const S = new Float64Array(k * k); // k×k, column c = small.vectors row c
  for (let c = 0; c < k; c++) for (let r = 0; r < k; r++) S[r * k + c] = small.vectors[c * k + r];
  const sT = tensor(S, [k, k]);
  const basis = (await run(matMul64, { A: qT, B: sT })).Y.data as Float64Array;
  const AU = (await run(matMul64, { A: tensor(AQ, [d, k]), B: sT })).Y.data as Float64Array;
  const r2 = new Float64Array(m);
  const vectors = new Float64Array(m * d);
  for (let i = 0; i < d; i++) {
    const o = i * k;
    for (let c = 0; c < m; c++) {
      const u = basis[o + c];
      vectors[c * d + i] = u;
      const r = AU[o + c] - small.values[c] * u;
      r2[c] += r * r;
    }
  }
  let maxResidual = 0;
  for (let c = 0; c < m; c++) maxResidual = Math.max(maxResidual, Math.sqrt(r2[c]));
  return { vectors, basis, maxResidual, ritz: small.values };
}

/** Cholesky QR twice; null when YᵀY is not numerically positive definite. */
export async function cholQr2(Y: Float64Array, d: number, k: number): Promise<Float64Array | null> {
  const once = await cholQr(Y, d, k);
  return once && cholQr(once, d, k);
}

/** Q = Y·R⁻¹ with YᵀY = RᵀR; the d·k² products on onnxruntime, the k×k Cholesky in JS. */
async function cholQr(Y: Float64Array, d: number, k: number): Promise<Float64Array | null> {
  const yT = tensor(Y, [d, k]);
  const G = (await run(matMulTransA64, { A: yT, B: yT })).Y.data as Float64Array;
  // G = Rᵀ R, R upper (stored in G's upper triangle).
  for (let j = 0; j < k; j++) {
    let s = G[j * k + j];
    for (let p = 0; p < j; p++) s -= G[p * k + j] * G[p * k + j];
    if (!(s > 1e-300)) return null;
    const rjj = Math.sqrt(s);
    G[j * k + j] = rjj;
    for (let c = j + 1; c < k; c++) {
      let t = G[j * k + c];
      for (let p = 0; p < j; p++) t -= G[p * k + j] * G[p * k + c];
      G[j * k + c] = t / rjj;
    }
  }
  if (G[(k - 1) * k + (k - 1)] < 1e-10 * G[0]) return null; // too ill-conditioned for CholQR
  // R⁻¹ (upper) by back substitution, column by column.
  const Ri = new Float64Array(k * k);
  for (let c = 0; c < k; c++) {
    Ri[c * k + c] = 1 / G[c * k + c];
    for (let r = c - 1; r >= 0; r--) {
      let t = 0;
      for (let p = r + 1; p <= c; p++) t += G[r * k + p] * Ri[p * k + c];
      Ri[r * k + c] = -t / G[r * k + r];
    }
  }
  return (await run(matMul64, { A: yT, B: tensor(Ri, [k, k]) })).Y.data as Float64Array;
}

/** Modified Gram–Schmidt with re-orthogonalisation; dependent columns are replaced by unit vectors. */
function mgs(Y: Float64Array, d: number, k: number): Float64Array {
  const cols: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) v[i] = Y[i * k + c];
    let n0 = 0;
    for (let i = 0; i < d; i++) n0 += v[i] * v[i];
    n0 = Math.sqrt(n0);
    for (let pass = 0; pass < 2; pass++) {
      for (const u of cols) {
        let s = 0;
        for (let i = 0; i < d; i++) s += u[i] * v[i];
        for (let i = 0; i < d; i++) v[i] -= s * u[i];
      }
    }
    let n = 0;
    for (let i = 0; i < d; i++) n += v[i] * v[i];
    n = Math.sqrt(n);
    if (!(n > 1e-10 * n0) || n === 0) {
      v.fill(0);
      v[c % d] = 1; // re-orthogonalised on the next pass of the loop below
      for (const u of cols) {
        let s = 0;
        for (let i = 0; i < d; i++) s += u[i] * v[i];
        for (let i = 0; i < d; i++) v[i] -= s * u[i];
      }
      n = 0;
      for (let i = 0; i < d; i++) n += v[i] * v[i];
      n = Math.sqrt(n);
    }
    for (let i = 0; i < d; i++) v[i] /= n;
    cols.push(v);
  }
  const Q = new Float64Array(d * k);
  for (let c = 0; c < k; c++) for (let i = 0; i < d; i++) Q[i * k + c] = cols[c][i];
  return Q;
}

/**
 * All eigenvalues (descending) and the top-m eigenvectors of the symmetric matrix `a` (not
 * modified), on the calling thread: EISPACK tred2 + tql2 in WebAssembly (wasm/eigh.ts).
 * For large d use eighAsync, which runs the same kernel in steps between event-loop turns.
 */
export function eigh(a: Float64Array, d: number, m = d): Eigen {
  assertFinite(a, d);
  if (d === 0) return { values: new Float64Array(0), vectors: new Float64Array(0), d, m: 0 };
  const { values, rows } = eighKernel(a, d);
  return sortedEigen(values, rows, d, m);
}

/**
 * `eigh` that yields to the event loop about every `sliceMs` (default 100) and stops with
 * CancelledError there when the token fires: at d = 2048 the decomposition takes seconds.
 */
export async function eighAsync(
  a: Float64Array,
  d: number,
  m = d,
  opts: EigenOptions & { sliceMs?: number } = {},
): Promise<Eigen> {
  assertFinite(a, d);
  throwIfCancelled(opts.token);
  if (d === 0) return { values: new Float64Array(0), vectors: new Float64Array(0), d, m: 0 };
  const s = eighStepper(a, d);
  while (!s.run(opts.sliceMs ?? 100)) {
    await yieldToEventLoop();
    throwIfCancelled(opts.token);
  }
  const { values, rows } = s.result();
  return sortedEigen(values, rows, d, m);
}

/**
 * Eigenvalues descending with their vectors: `values` unsorted, row c of `rows` (n×n) the
 * eigenvector of values[c]; keeps the top m vectors.
 */
function sortedEigen(values: Float64Array, rows: Float64Array, n: number, m: number): Eigen {
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => values[y] - values[x]);
  const mm = Math.min(m, n);
  const vectors = new Float64Array(mm * n);
  for (let r = 0; r < mm; r++) vectors.set(rows.subarray(order[r] * n, order[r] * n + n), r * n);
  return { values: Float64Array.from(order, (i) => values[i]), vectors, d: n, m: mm };
}

/**
 * All eigenvalues (descending) of the symmetric tridiagonal matrix with diagonal `diag` and
 * sub-diagonal `sub` (EISPACK tql1: tridiagonalQL without rotations). Inputs are not modified.
 */
export function tridiagonalEigenvalues(diag: Float64Array, sub: Float64Array): Float64Array {
  const n = diag.length;
  const d = Float64Array.from(diag);
  const e = new Float64Array(n);
  for (let i = 0; i + 1 < n; i++) e[i] = sub[i];
  tridiagonalQL(d, e, n);
  return d.sort().reverse();
}

/**
 * The implicit QL method with Wilkinson shifts on a symmetric tridiagonal matrix, in place
 * (EISPACK tql1): `d` (diagonal) becomes the eigenvalues, unsorted; `e[i]` couples rows i and
 * i + 1 (e[n − 1] = 0) and is destroyed. Bowdler, Martin, Reinsch & Wilkinson 1968, "The QR
 * and QL algorithms for symmetric matrices", Numer. Math. 11; as in EISPACK and JAMA. The
 * same iteration with the rotations accumulated (tql2) is in wasm/assembly/eigh.ts.
 */
function tridiagonalQL(d: Float64Array, e: Float64Array, n: number): void {
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new Error('tridiagonal QL did not converge');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.sqrt(p * p + 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.sqrt(p * p + e[i] * e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] = d[l] + f;
    e[l] = 0;
  }
}
