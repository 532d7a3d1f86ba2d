/** Seeded synthetic data for the projection tests: Gaussian clusters and a noisy linear map of them. */
import { Matrix } from '../../../src/engine/core/matrix';
import { Rng } from '../../../src/engine/util/random';

/** n rows in d dims around `clusters` random centres (spread `sigma`), with their cluster labels. */
export function gaussianClusters(
  n: number,
  d: number,
  clusters: number,
  sigma: number,
  seed: number,
): { X: Matrix; labels: Int32Array } {
  const rng = new Rng(seed);
  const centres = Float64Array.from({ length: clusters * d }, () => rng.normal());
  const data = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    labels[i] = c;
    for (let j = 0; j < d; j++) data[i * d + j] = centres[c * d + j] + sigma * rng.normal();
  }
  return { X: { rows: n, cols: d, data }, labels };
}

/** A random linear map to `m` dims plus noise: a deliberately imperfect "projection". */
export function noisyProjection(X: Matrix, m: number, noise: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const W = Float64Array.from({ length: X.cols * m }, () => rng.normal());
  const out = new Float32Array(X.rows * m);
  for (let i = 0; i < X.rows; i++) {
    for (let c = 0; c < m; c++) {
      let s = 0;
      for (let j = 0; j < X.cols; j++) s += X.data[i * X.cols + j] * W[j * m + c];
      out[i * m + c] = s + noise * rng.normal();
    }
  }
  return out;
}
