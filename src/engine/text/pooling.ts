/**
 * Sentence pooling of token vectors, as in Sentence-BERT (Reimers & Gurevych,
 * "Sentence-BERT: Sentence Embeddings using Siamese BERT-Networks", EMNLP 2019):
 * MEAN of the non-padding token vectors, the CLS token's vector, or the
 * element-wise MAX; optionally followed by L2 normalisation. Sums are in float64.
 */
import type { Pooling } from './folder';

/**
 * Pools a batch × length × dims block of token vectors into batch × dims.
 * `mask` marks real tokens; a text with no real token pools to the zero vector.
 */
export function poolTokens(
  hidden: Float32Array,
  mask: BigInt64Array,
  batch: number,
  length: number,
  dims: number,
  mode: Pooling,
  out: Float32Array,
  outOffset = 0,
): void {
  const acc = new Float64Array(dims);
  for (let b = 0; b < batch; b++) {
    const o = outOffset + b * dims;
    if (mode === 'cls') {
      // CLS is position 0 whatever the mask says: the post-processor put it there.
      out.set(hidden.subarray(b * length * dims, b * length * dims + dims), o);
      continue;
    }
    acc.fill(mode === 'max' ? -Infinity : 0);
    let count = 0;
    for (let t = 0; t < length; t++) {
      if (mask[b * length + t] === 0n) continue;
      count++;
      const h = (b * length + t) * dims;
      if (mode === 'max') for (let j = 0; j < dims; j++) acc[j] = Math.max(acc[j], hidden[h + j]);
      else for (let j = 0; j < dims; j++) acc[j] += hidden[h + j];
    }
    for (let j = 0; j < dims; j++) out[o + j] = count === 0 ? 0 : mode === 'max' ? acc[j] : acc[j] / count;
  }
}

/** Scales each row of a rows × dims block to unit L2 norm (float64 norm); zero rows stay zero. */
export function l2NormalizeRows(data: Float32Array, rows: number, dims: number): void {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < dims; j++) s += data[i * dims + j] * data[i * dims + j];
    if (!(s > 0)) continue;
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < dims; j++) data[i * dims + j] *= inv;
  }
}
