/**
 * `prepareCorpus` (kernels/knn.ts) for the compressed copies the sweep searches,
 * computed in blocks of rows that yield to the event loop: the norms and the
 * scaled copy of a 100k×512 matrix otherwise hold the engine for about a second
 * per configuration. Same rules, field for field (unit tests compare the two):
 * valid rows are finite and, under cosine, non-zero; the GEMM sees unit rows for
 * cosine and the source otherwise, with invalid rows zeroed; the bias is
 * −‖x‖² for euclidean, 0 otherwise, −∞ for invalid rows.
 */
import type { Metric } from '../../../shared/protocol';
import { Matrix, rowNorms, rowSlice } from '../../core/matrix';
import type { PreparedCorpus } from '../../kernels/knn';
import { Cancellation, throwIfCancelled, yieldToEventLoop } from '../../util/errors';

export async function prepareCorpusAsync(source: Matrix, metric: Metric, token?: Cancellation): Promise<PreparedCorpus> {
  const { rows: n, cols: d, data } = source;
  const step = Math.max(1, Math.floor((1 << 20) / Math.max(1, d)));
  const norms = new Float64Array(n);
  const valid = new Uint8Array(n);
  const bias = new Float32Array(n);
  let needCopy = metric === 'cosine';
  for (let r = 0; r < n; r += step) {
    const end = Math.min(n, r + step);
    norms.set(rowNorms(rowSlice(source, r, end)), r);
    for (let i = r; i < end; i++) {
      const ok = Number.isFinite(norms[i]) && (metric !== 'cosine' || norms[i] > 0);
      valid[i] = ok ? 1 : 0;
      if (!ok) {
        bias[i] = -Infinity;
        if (!Number.isFinite(norms[i])) needCopy = true;
      } else if (metric === 'euclidean') bias[i] = -(norms[i] * norms[i]);
    }
    throwIfCancelled(token);
    await yieldToEventLoop();
  }
  let gemm = source;
  if (needCopy) {
    const out = new Float32Array(n * d);
    for (let r = 0; r < n; r += step) {
      const end = Math.min(n, r + step);
      for (let i = r; i < end; i++) {
        if (!valid[i]) continue;
        const o = i * d;
        const s = metric === 'cosine' ? 1 / norms[i] : 1;
        for (let j = 0; j < d; j++) out[o + j] = data[o + j] * s;
      }
      throwIfCancelled(token);
      await yieldToEventLoop();
    }
    gemm = { rows: n, cols: d, data: out };
  }
  return { metric, source, gemm, norms, bias, valid };
}
