/**
 * `prepareCorpus` (kernels/knn.ts) for the compressed copies the sweep searches,
 * in blocks of rows that yield to the event loop: the norms and the scaled copy
 * of a 100k×512 matrix otherwise hold the engine for about a second per
 * configuration.
 *
 * The kernel stays the single definition: the norms are computed here in blocks
 * (the kernel takes them precomputed), and under cosine, where every row is
 * prepared on its own (unit rows, zero-norm rows masked), the kernel runs on one
 * block of rows at a time. Dot and euclidean use corpus-wide state (the
 * euclidean centre), so the kernel prepares those in one call. Unit tests check
 * the result equals the kernel's on the whole matrix, field for field.
 */
import type { Metric } from '../../../shared/protocol/common';
import { Matrix, rowNorms, rowSlice } from '../../core/matrix';
import { prepareCorpus, PreparedCorpus } from '../../kernels/knn';
import { Cancellation, throwIfCancelled, yieldToEventLoop } from '../../util/errors';

export async function prepareCorpusAsync(
  source: Matrix,
  metric: Metric,
  token?: Cancellation,
): Promise<PreparedCorpus> {
  const { rows: n, cols: d } = source;
  const step = Math.max(1, Math.floor((1 << 20) / Math.max(1, d)));
  const norms = new Float64Array(n);
  for (let r = 0; r < n; r += step) {
    norms.set(rowNorms(rowSlice(source, r, Math.min(n, r + step))), r);
    throwIfCancelled(token);
    await yieldToEventLoop();
  }
  if (metric !== 'cosine') return prepareCorpus(source, metric, norms);
  const valid = new Uint8Array(n);
  const bias = new Float32Array(n);
  const out = new Float32Array(n * d);
  for (let r = 0; r < n; r += step) {
    const end = Math.min(n, r + step);
    const part = prepareCorpus(rowSlice(source, r, end), metric, norms.subarray(r, end));
    valid.set(part.valid, r);
    bias.set(part.bias, r);
    out.set(part.gemm.data, r * d);
    throwIfCancelled(token);
    await yieldToEventLoop();
  }
  return { metric, source, gemm: { rows: n, cols: d, data: out }, norms, bias, valid };
}
