/**
 * Exact PCA (Pearson 1901; Jolliffe 2002, "Principal Component Analysis", §3.5 for
 * the n < d dual) and projection of rows onto components as streamed onnxruntime
 * MatMuls.
 *
 * - n ≥ d: the ddof=1 covariance C (d×d, float64 from moments.ts) and its top-m
 *   eigenpairs by Chebyshev-accelerated subspace iteration (topEigenvectors, psd);
 *   no O(d³) dense solve. Total variance = trace C; the full spectrum is computed
 *   only if `eigenvalues` is read.
 * - n < d: the n×n Gram G = X̃X̃ᵀ of the centred rows (float64 GEMM on onnxruntime),
 *   which has the same non-zero eigenvalues as X̃ᵀX̃ = (n−1)·C; a component is
 *   X̃ᵀu/‖X̃ᵀu‖ for an eigenvector u of G. This is O(n²d + n³) instead of O(d³).
 *
 * Component signs follow scikit-learn's svd_flip convention on Vᵀ (the largest
 * |loading| of each component is positive) so coordinates are reproducible.
 */
import { Matrix } from '../core/matrix';
import { Cancellation, Progress, throwIfCancelled, yieldToEventLoop } from '../util/errors';
import { covariance, computeMoments, Moments } from './moments';
import { eigvalsh, eigvalshAsync, topEigenvectors } from './eigen';
import { run, tensor } from './ort';
import { matMul, matMul64 } from './graphs';

export interface Pca {
  d: number;
  m: number;
  mean: Float64Array;
  /** m×d row-major unit components, by decreasing variance. */
  components: Float64Array;
  /** Variance along each component (eigenvalues of the ddof=1 covariance). */
  explainedVariance: Float64Array;
  /**
   * All d eigenvalues of the covariance, descending (clamped at 0). From the
   * covariance route they are computed on first read (the overview never needs them).
   */
  eigenvalues: Float64Array;
  totalVariance: number;
}

export interface PcaOptions {
  token?: Cancellation;
  progress?: Progress;
  moments?: Moments;
}

/** PCA of the finite rows of X with up to m components (the n×n Gram when n < d). */
export async function fitPca(X: Matrix, m: number, opts: PcaOptions = {}): Promise<Pca> {
  const mom = opts.moments ?? (await computeMoments(X, opts));
  const mm = Math.min(m, mom.d);
  // No finite row: no variance to explain; zero components map every row to NaN (mean is NaN).
  if (mom.n === 0) return finish(mom.d, mm, mom.mean, new Float64Array(mm * mom.d), new Float64Array(mom.d));
  // The dual needs m < n (the Gram has at most n − 1 non-zero eigenvalues).
  if (mom.n < mom.d && mm < mom.n && mom.n >= 2) return pcaFromGram(X, mom, mm, opts);
  return pcaFromMoments(mom, m, opts);
}

/** PCA from the covariance of `mom` (n ≥ d, or when the rows are no longer at hand). */
async function pcaFromMoments(mom: Moments, m: number, opts: { token?: Cancellation } = {}): Promise<Pca> {
  const d = mom.d;
  const mm = Math.min(m, d);
  if (mom.n === 0) return finish(d, mm, mom.mean, new Float64Array(mm * d), new Float64Array(d));
  const cov = covariance(mom);
  // Top m pairs without the full spectrum (psd: the iteration steers by its Ritz values);
  // all eigenvalues only if someone reads `eigenvalues`.
  const eig = await topEigenvectors(cov, d, mm, { psd: true, token: opts.token });
  let trace = 0;
  for (let j = 0; j < d; j++) trace += cov[j * d + j];
  const pca = finish(d, mm, mom.mean, eig.vectors, eig.values.length === d ? eig.values : null);
  if (eig.values.length !== d) {
    pca.explainedVariance = Float64Array.from(eig.values.subarray(0, mm), (v) => Math.max(0, v));
    pca.totalVariance = Math.max(0, trace);
    let all: Float64Array | undefined;
    Object.defineProperty(pca, 'eigenvalues', {
      enumerable: true,
      get: () => (all ??= eigvalsh(cov, d).map((v) => Math.max(0, v))),
    });
  }
  return pca;
}

/** The n < d dual: eigen-decomposition of the n×n Gram of the centred finite rows. */
async function pcaFromGram(X: Matrix, mom: Moments, mm: number, opts: PcaOptions): Promise<Pca> {
  const { d, n, mean } = mom;
  const xc = new Float64Array(n * d); // n×d, centred
  const xt = new Float64Array(d * n); // its transpose
  for (let i = 0, r = 0; i < X.rows; i++) {
    const o = i * d;
    let ok = true;
    for (let j = 0; j < d; j++) if (!Number.isFinite(X.data[o + j])) ok = false;
    if (!ok) continue;
    for (let j = 0; j < d; j++) {
      const v = X.data[o + j] - mean[j];
      xc[r * d + j] = v;
      xt[j * n + r] = v;
    }
    r++;
  }
  throwIfCancelled(opts.token);
  const G = (await run(matMul64, { A: tensor(xc, [n, d]), B: tensor(xt, [d, n]) })).Y.data as Float64Array;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) G[i * n + j] = G[j * n + i] = 0.5 * (G[i * n + j] + G[j * n + i]);
  const gValues = await eigvalshAsync(G, n, { token: opts.token });
  const eig = await topEigenvectors(G, n, mm, { values: gValues, token: opts.token });
  // Components: X̃ᵀu (d×m = (d×n)·(n×m)), normalised.
  const U = new Float64Array(n * mm);
  for (let c = 0; c < mm; c++) for (let i = 0; i < n; i++) U[i * mm + c] = eig.vectors[c * n + i];
  const V = (await run(matMul64, { A: tensor(xt, [d, n]), B: tensor(U, [n, mm]) })).Y.data as Float64Array;
  const components = new Float64Array(mm * d);
  for (let c = 0; c < mm; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += V[j * mm + c] * V[j * mm + c];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) components[c * d + j] = V[j * mm + c] * inv;
  }
  const values = new Float64Array(d);
  for (let i = 0; i < n; i++) values[i] = gValues[i] / (n - 1);
  return finish(d, mm, mean, components, values);
}

/** Sign convention, clamping and totals; `values` null when the caller fills them in. */
function finish(d: number, mm: number, mean: Float64Array, components: Float64Array, values: Float64Array | null): Pca {
  for (let r = 0; r < mm; r++) {
    let best = 0;
    for (let j = 0; j < d; j++) if (Math.abs(components[r * d + j]) > Math.abs(components[r * d + best])) best = j;
    if (components[r * d + best] < 0) for (let j = 0; j < d; j++) components[r * d + j] = -components[r * d + j];
  }
  if (!values)
    return {
      d,
      m: mm,
      mean,
      components,
      explainedVariance: new Float64Array(mm),
      eigenvalues: new Float64Array(0),
      totalVariance: 0,
    };
  const eigenvalues = values.map((v) => Math.max(0, v));
  let total = 0;
  for (const v of eigenvalues) total += v;
  return { d, m: mm, mean, components, explainedVariance: eigenvalues.slice(0, mm), eigenvalues, totalVariance: total };
}

export interface ProjectOptions {
  token?: Cancellation;
  progress?: Progress;
  /** Subtracted from every row before projecting (PCA mean). */
  mean?: Float64Array;
}

/**
 * Y = (X − mean)·Wᵀ for W given as m×d rows (e.g. PCA components), streamed over
 * row blocks. Returns n×m float32, row-major.
 */
export async function projectRows(
  X: Matrix,
  W: Float64Array | Float32Array,
  m: number,
  opts: ProjectOptions = {},
): Promise<Float32Array> {
  const { rows: n, cols: d, data } = X;
  const wt = new Float32Array(d * m); // d×m = Wᵀ
  for (let r = 0; r < m; r++) for (let j = 0; j < d; j++) wt[j * m + r] = W[r * d + j];
  const offset = new Float64Array(m);
  if (opts.mean) for (let r = 0; r < m; r++) for (let j = 0; j < d; j++) offset[r] += opts.mean[j] * W[r * d + j];
  const out = new Float32Array(n * m);
  const wT = tensor(wt, [d, m]);
  const block = Math.max(256, Math.min(65536, Math.floor((32 << 20) / (4 * d))));
  for (let r0 = 0; r0 < n; r0 += block) {
    throwIfCancelled(opts.token);
    const r1 = Math.min(n, r0 + block);
    const res = await run(matMul, { A: tensor(data.subarray(r0 * d, r1 * d), [r1 - r0, d]), B: wT });
    const y = res.Y.data as Float32Array;
    for (let i = 0; i < (r1 - r0) * m; i++) out[r0 * m + i] = y[i] - offset[i % m];
    opts.progress?.(r1 / n);
    await yieldToEventLoop();
  }
  return out;
}
