/**
 * Exact PCA: eigen-decomposition of the sample covariance (see moments.ts),
 * and projection of rows onto components as streamed onnxruntime MatMuls.
 * Component signs follow scikit-learn's svd_flip convention on Vᵀ (the largest
 * |loading| of each component is positive) so coordinates are reproducible.
 */
import { Matrix } from '../core/matrix';
import { Cancellation, Progress, throwIfCancelled, yieldToEventLoop } from '../util/errors';
import { covariance, computeMoments, Moments } from './moments';
import { eigh } from './eigen';
import { run, tensor } from './ort';
import { matMul } from './graphs';

export interface Pca {
  d: number;
  m: number;
  mean: Float64Array;
  /** m×d row-major unit components, by decreasing variance. */
  components: Float64Array;
  /** Variance along each component (eigenvalues of the ddof=1 covariance). */
  explainedVariance: Float64Array;
  /** All d eigenvalues of the covariance, descending (clamped at 0). */
  eigenvalues: Float64Array;
  totalVariance: number;
}

export interface PcaOptions {
  token?: Cancellation;
  progress?: Progress;
  moments?: Moments;
}

export async function fitPca(X: Matrix, m: number, opts: PcaOptions = {}): Promise<Pca> {
  const mom = opts.moments ?? (await computeMoments(X, opts));
  return pcaFromMoments(mom, m);
}

export function pcaFromMoments(mom: Moments, m: number): Pca {
  const d = mom.d;
  const cov = covariance(mom);
  const mm = Math.min(m, d);
  const eig = eigh(cov, d, mm);
  const components = eig.vectors;
  for (let r = 0; r < mm; r++) {
    let best = 0;
    for (let j = 0; j < d; j++) if (Math.abs(components[r * d + j]) > Math.abs(components[r * d + best])) best = j;
    if (components[r * d + best] < 0) for (let j = 0; j < d; j++) components[r * d + j] = -components[r * d + j];
  }
  const eigenvalues = eig.values.map((v) => Math.max(0, v));
  let total = 0;
  for (const v of eigenvalues) total += v;
  return { d, m: mm, mean: mom.mean, components, explainedVariance: eigenvalues.slice(0, mm), eigenvalues, totalVariance: total };
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
export async function projectRows(X: Matrix, W: Float64Array | Float32Array, m: number, opts: ProjectOptions = {}): Promise<Float32Array> {
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
