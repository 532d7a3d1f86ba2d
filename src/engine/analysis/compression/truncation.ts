/**
 * Prefix truncation to the first m dimensions, the way Matryoshka embeddings are
 * meant to be shortened (Kusupati et al. 2022, "Matryoshka Representation
 * Learning", NeurIPS). Cosine search re-normalises the truncated rows (the
 * prepared corpus does that), as the paper does.
 */
import { Matrix } from '../../core/matrix';

export function truncateColumns(X: Matrix, m: number): Matrix {
  const { rows: n, cols: d, data } = X;
  if (m >= d) return X;
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) out.set(data.subarray(i * d, i * d + m), i * m);
  return { rows: n, cols: m, data: out };
}
