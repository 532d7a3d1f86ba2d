/**
 * PCA pieces the pairs analyses need (Pearson 1901; Hotelling 1933): the top
 * eigenvectors of a scatter matrix, with scikit-learn's svd_flip sign rule
 * (largest |loading| positive, as kernels/pca.ts), and 2-D maps of a matrix.
 *
 * Only a few leading vectors are needed here, so this uses the kernels' block
 * subspace iteration (`topEigenvectors`, products on onnxruntime) rather than a
 * full decomposition with every eigenvector (`eighAsync`), whose O(d³) cost grows
 * fastest: two vectors took 0.2 s against 0.5 s for all of them at d = 768, and
 * 1.4 s against 21 s at d = 2048 (measured on a busy 2-core machine).
 */
import { Matrix } from '../../core/matrix';
import { computeMoments, covariance } from '../../kernels/moments';
import { eigvalshAsync, topEigenvectors } from '../../kernels/eigen';
import { projectRows } from '../../kernels/pca';
import { Cancellation } from '../../util/errors';

export interface Components {
  d: number;
  m: number;
  /** m×d unit rows, by decreasing eigenvalue. */
  vectors: Float64Array;
  /** All d eigenvalues, descending, clamped at 0. */
  values: Float64Array;
}

export async function topComponents(
  scatter: Float64Array,
  d: number,
  m: number,
  token?: Cancellation,
): Promise<Components> {
  const values = await eigvalshAsync(scatter, d, { token });
  const eig = await topEigenvectors(scatter, d, m, { values, token });
  const v = eig.vectors;
  for (let r = 0; r < eig.m; r++) {
    let best = 0;
    for (let j = 0; j < d; j++) if (Math.abs(v[r * d + j]) > Math.abs(v[r * d + best])) best = j;
    if (v[r * d + best] < 0) for (let j = 0; j < d; j++) v[r * d + j] = -v[r * d + j];
  }
  return { d, m: eig.m, vectors: v, values: values.map((x) => Math.max(0, x)) };
}

export interface Map2d {
  coords: Float32Array;
  mean: Float64Array;
  components: Components;
  explained: number[];
}

/** Rows of M on their first two principal components. */
export async function map2d(M: Matrix, token?: Cancellation): Promise<Map2d> {
  const mom = await computeMoments(M, { token });
  const comps = await topComponents(covariance(mom), M.cols, 2, token);
  const coords = await projectRows(M, comps.vectors, comps.m, { mean: mom.mean, token });
  const total = comps.values.reduce((s, x) => s + x, 0);
  return {
    coords,
    mean: mom.mean,
    components: comps,
    explained: Array.from(comps.values.slice(0, comps.m), (x) => (total > 0 ? x / total : 0)),
  };
}
