/**
 * The second-order structure every spectral diagnostic reads: eigenvalues of the
 * raw Gram matrix (squared singular values of X; values only, by the two-stage solver),
 * eigenvalues and eigenvectors of the centred covariance C (ddof = 1), and the rows'
 * coordinates on those eigenvectors (raw coordinates are these plus offset = μ·v).
 *
 * Two routes, chosen by shape, give the same non-zero spectrum:
 *  - n ≥ d: XᵀX and C (d×d) from the engine's shifted moments (moments.ts), eigh on d×d;
 *  - n < d: the n×n Gram matrices X·Xᵀ and Xc·Xcᵀ (Xc = X − mean), whose non-zero
 *    eigenvalues equal those of XᵀX and (n−1)·C (the SVD duality, Golub & Van Loan §8.6),
 *    so a 300×20000 file never builds a 20000×20000 matrix.
 * Rows holding NaN/Inf are left out everywhere and counted.
 */
import { Matrix, gatherRows, rowIsFinite } from '../../core/matrix';
import { Dataset, cached } from '../../data/dataset';
import { covariance, rawGram } from '../../kernels/moments';
import { eighAsync, eigvalshAsync } from '../../kernels/eigen';
import { run, tensor } from '../../kernels/ort';
import { matMul64 } from '../../kernels/graphs';
import { projectRows } from '../../kernels/pca';
import { datasetMoments, WorkOptions } from '../overview';
import { throwIfCancelled, yieldToEventLoop } from '../../util/errors';

/**
 * Sizes of the m×m eigenproblems (m = min(n, d)): up to `vectors`, every eigenvector (dense JS
 * solver, O(m³)) and so the coordinates the isotropy previews and I(W) need; up to `values`,
 * eigenvalues only (the faster two-stage solver): rank axes and IsoScore, no I(W)/previews.
 * Mutable so tests can exercise the tiers on small data.
 */
export const SPECTRUM_LIMITS = { vectors: 2048, values: 4096 };
export interface Spectrum {
  /** Finite rows used. */
  n: number;
  d: number;
  /** Rows left out because they hold NaN or ±Inf. */
  nonFinite: number;
  route: 'dxd' | 'nxn';
  /** Eigenvalues of XᵀX (= σ² of raw X), descending, min(n, d) of them, clamped at 0. */
  rawSq: Float64Array;
  /** Eigenvalues of C, descending, zero-padded to d. */
  cov: Float64Array;
  /** Per-dimension variance (diagonal of C). */
  colVar: Float64Array;
  mean: Float64Array;
  /** Number of eigen-directions with coordinates below (those with λ > 0, or all d on the d×d route). */
  r: number;
}

/** Coordinates of the finite rows on the top-r eigenvectors of C: z[i·r + j] = (xᵢ − μ)·vⱼ, and offset[j] = μ·vⱼ. */
export interface Coordinates {
  n: number;
  r: number;
  z: Float32Array;
  offset: Float64Array;
}

export interface SpectralData {
  spectrum: Spectrum;
  /**
   * Computes the coordinates on demand (n×r float32; not cached, it is as large as the data).
   * Absent when min(n, d) is above SPECTRUM_LIMITS.vectors (eigenvalues only).
   */
  coordinates?: (opts?: WorkOptions) => Promise<Coordinates>;
}

/** Finite rows of X (the matrix itself when all are finite). */
function finiteRows(X: Matrix): { matrix: Matrix; rows: Int32Array | undefined } {
  const keep: number[] = [];
  for (let i = 0; i < X.rows; i++) if (rowIsFinite(X, i)) keep.push(i);
  if (keep.length === X.rows) return { matrix: X, rows: undefined };
  return { matrix: gatherRows(X, keep), rows: Int32Array.from(keep) };
}

export function spectralData(ds: Dataset, opts: WorkOptions = {}): Promise<SpectralData> {
  return cached(ds, 'diag:spectrum', async () => {
    const fin = cached(ds, 'diag:finite', () => finiteRows(ds.matrix));
    const n = fin.matrix.rows;
    const d = fin.matrix.cols;
    const m = Math.min(n, d);
    if (m > SPECTRUM_LIMITS.values) throw new SpectrumTooLarge(n, d);
    const valuesOnly = m > SPECTRUM_LIMITS.vectors;
    return n >= d
      ? await viaCovariance(ds, opts, valuesOnly)
      : await viaRowGram(fin.matrix, ds.matrix.rows - n, opts, valuesOnly);
  });
}

export class SpectrumTooLarge extends Error {
  constructor(
    readonly n: number,
    readonly d: number,
  ) {
    super(
      `min(n, d) = ${Math.min(n, d)} is above ${SPECTRUM_LIMITS.values}: the full spectrum is not computed (use --sample to analyse fewer rows when n < d)`,
    );
  }
}

async function viaCovariance(ds: Dataset, opts: WorkOptions, valuesOnly: boolean): Promise<SpectralData> {
  const mom = await datasetMoments(ds, opts);
  const d = mom.d;
  // Raw singular values need eigenvalues only; the covariance needs every eigenvector (coordinates).
  const rawValues = await eigvalshAsync(rawGram(mom), d, { token: opts.token, overwrite: true });
  opts.progress?.(0.3);
  await yieldToEventLoop();
  throwIfCancelled(opts.token);
  const C = covariance(mom);
  const colVar = new Float64Array(d);
  for (let j = 0; j < d; j++) colVar[j] = C[j * d + j];
  if (valuesOnly) {
    const cov = clamp(await eigvalshAsync(C, d, { token: opts.token, overwrite: true }));
    opts.progress?.(1);
    return {
      spectrum: {
        n: mom.n,
        d,
        nonFinite: mom.skipped,
        route: 'dxd',
        rawSq: clamp(rawValues),
        cov,
        colVar,
        mean: mom.mean,
        r: 0,
      },
    };
  }
  const eig = await eighAsync(C, d, d, { token: opts.token });
  opts.progress?.(1);
  const spectrum: Spectrum = {
    n: mom.n,
    d,
    nonFinite: mom.skipped,
    route: 'dxd',
    rawSq: clamp(rawValues),
    cov: clamp(eig.values),
    colVar,
    mean: mom.mean,
    r: d,
  };
  const offset = new Float64Array(d);
  for (let j = 0; j < d; j++) for (let t = 0; t < d; t++) offset[j] += mom.mean[t] * eig.vectors[j * d + t];
  return {
    spectrum,
    async coordinates(o = {}) {
      const fin = cached(ds, 'diag:finite', () => finiteRows(ds.matrix));
      const z = await projectRows(fin.matrix, eig.vectors, d, { mean: mom.mean, token: o.token, progress: o.progress });
      return { n: fin.matrix.rows, r: d, z, offset };
    },
  };
}

async function viaRowGram(X: Matrix, nonFinite: number, opts: WorkOptions, valuesOnly: boolean): Promise<SpectralData> {
  const { rows: n, cols: d, data } = X;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const xc = new Float32Array(n * d);
  const colVar = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j] - mean[j];
      xc[i * d + j] = v;
      colVar[j] += v * v;
    }
  }
  for (let j = 0; j < d; j++) colVar[j] /= Math.max(1, n - 1);
  const G = await gram(X.data.subarray(0, n * d), n, d);
  const Gc = await gram(xc, n, d);
  throwIfCancelled(opts.token);
  const rawSq = clamp(await eigvalshAsync(G, n, { token: opts.token, overwrite: true }));
  const eig = valuesOnly
    ? { values: await eigvalshAsync(Gc, n, { token: opts.token, overwrite: true }), vectors: new Float64Array(0) }
    : await eighAsync(Gc, n, n, { token: opts.token });
  // Non-zero eigenvalues of Xc·Xcᵀ are (n−1)·λ(C); the rest of C's d eigenvalues are 0.
  const cov = new Float64Array(d);
  const scale = 1 / Math.max(1, n - 1);
  const tol = Math.max(1e-12, eig.values[0] * 1e-10);
  let r = 0;
  for (let j = 0; j < n; j++) {
    cov[j] = Math.max(0, eig.values[j]) * scale;
    if (eig.values[j] > tol) r = j + 1;
  }
  if (valuesOnly) return { spectrum: { n, d, nonFinite, route: 'nxn', rawSq, cov, colVar, mean, r: 0 } };
  // Coordinates: (xᵢ − μ)·vⱼ = sⱼ·uᵢⱼ with sⱼ = √(eigenvalue of Gc); μ·vⱼ = (Xc·μ)·uⱼ / sⱼ.
  const xcMu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += xc[i * d + j] * mean[j];
    xcMu[i] = s;
  }
  const z = new Float32Array(n * r);
  const offset = new Float64Array(r);
  for (let j = 0; j < r; j++) {
    const s = Math.sqrt(eig.values[j]);
    let o = 0;
    for (let i = 0; i < n; i++) {
      const u = eig.vectors[j * n + i];
      z[i * r + j] = s * u;
      o += xcMu[i] * u;
    }
    offset[j] = o / s;
  }
  const spectrum: Spectrum = { n, d, nonFinite, route: 'nxn', rawSq, cov, colVar, mean, r };
  return { spectrum, coordinates: () => Promise.resolve({ n, r, z, offset }) };
}

/**
 * A·Aᵀ for the n×d rows A, in float64 on onnxruntime (float32 Gram entries are too
 * coarse for the small eigenvalues whose eigenvectors I(W) reads).
 */
async function gram(a: Float32Array, n: number, d: number): Promise<Float64Array> {
  const a64 = Float64Array.from(a.subarray(0, n * d));
  const at = new Float64Array(d * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) at[j * n + i] = a64[i * d + j];
  const out = new Float64Array(n * n);
  const B = tensor(at, [d, n]);
  const block = Math.max(1, Math.min(n, Math.floor(1e9 / Math.max(1, 2 * n * d))));
  for (let r0 = 0; r0 < n; r0 += block) {
    const r1 = Math.min(n, r0 + block);
    const res = await run(matMul64, { A: tensor(a64.subarray(r0 * d, r1 * d), [r1 - r0, d]), B });
    out.set(res.Y.data as Float64Array, r0 * n);
    await yieldToEventLoop();
  }
  // Symmetrise: GEMM blocks need not be bit-symmetric.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (out[i * n + j] + out[j * n + i]);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

function clamp(v: Float64Array): Float64Array {
  return v.map((x) => Math.max(0, x));
}
