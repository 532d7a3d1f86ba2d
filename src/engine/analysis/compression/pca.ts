/**
 * The PCA the compression sweep and its export share (Pearson 1901; components
 * as scikit-learn's `components_`: unit eigenvectors of the ddof = 1 covariance
 * by decreasing variance, each signed so its largest |loading| is positive).
 *
 * Fits keeping fewer than half the dimensions use the kernels' PCA (subspace
 * iteration, which yields to the event loop). Keeping more leaves subspace
 * iteration no room, so those fits decompose the whole covariance with the dense
 * solver in steps between event-loop turns (kernels/eigen.ts eighAsync), cached
 * per dataset, and any m reads a prefix of it.
 */
import { Matrix } from '../../core/matrix';
import { cached, Dataset } from '../../data/dataset';
import { computeMoments, covariance, Moments } from '../../kernels/moments';
import { fitPca, Pca } from '../../kernels/pca';
import { Cancellation } from '../../util/errors';
import { datasetMoments, datasetPca } from '../overview';
import { eighAsync } from '../../kernels/eigen';

/** Below this d subspace iteration gains nothing over the dense solver (milliseconds either way). */
const FULL_MIN_D = 128;

function wantsFullDecomposition(mom: { n: number; d: number }, m: number): boolean {
  // n < d goes through the kernels' n×n dual Gram, which stays small.
  return mom.d >= FULL_MIN_D && 2 * m >= mom.d && mom.n >= mom.d;
}

/** PCA with m components of the dataset's matrix (cached per dataset like datasetPca). */
export async function compressionPca(ds: Dataset, m: number, token?: Cancellation): Promise<Pca> {
  const mom = await datasetMoments(ds, { token });
  if (!wantsFullDecomposition(mom, m)) return datasetPca(ds, m, { token });
  // cached() drops a failed (e.g. cancelled) fit, so the next request starts afresh.
  return prefix(await cached(ds, 'compression:pca-full', () => fullPca(mom, token)), m);
}

/** The same for a matrix that is not a dataset's own (rows were left out). */
export async function matrixPca(X: Matrix, m: number, token?: Cancellation): Promise<Pca> {
  const mom = await computeMoments(X, { token });
  if (!wantsFullDecomposition(mom, m)) return fitPca(X, m, { token, moments: mom });
  return prefix(await fullPca(mom, token), m);
}

async function fullPca(mom: Moments, token?: Cancellation): Promise<Pca> {
  const d = mom.d;
  const eig = await eighAsync(covariance(mom), d, d, { token });
  const components = eig.vectors;
  for (let r = 0; r < d; r++) {
    const o = r * d;
    let best = 0;
    for (let j = 1; j < d; j++) if (Math.abs(components[o + j]) > Math.abs(components[o + best])) best = j;
    if (components[o + best] < 0) for (let j = 0; j < d; j++) components[o + j] = -components[o + j];
  }
  const eigenvalues = eig.values.map((v) => Math.max(0, v));
  let total = 0;
  for (const v of eigenvalues) total += v;
  return { d, m: d, mean: mom.mean, components, explainedVariance: eigenvalues, eigenvalues, totalVariance: total };
}

function prefix(p: Pca, m: number): Pca {
  const mm = Math.min(m, p.d);
  return { ...p, m: mm, components: p.components.subarray(0, mm * p.d), explainedVariance: p.eigenvalues.slice(0, mm) };
}
