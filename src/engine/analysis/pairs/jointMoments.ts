/**
 * Centred second moments of two row-aligned matrices in one streamed pass:
 * the scatter matrices X̃ᵀX̃, ỸᵀỸ and the cross product X̃ᵀỸ (X̃ = X − mean).
 *
 * Each row block of [X − Kx | Y − Ky] (Kx, Ky: the first block's means, the
 * shifted-data algorithm of Chan, Golub & LeVeque 1983, as in kernels/moments.ts)
 * goes through one onnxruntime Gram GEMM; the float32 block results are summed
 * in float64 and the shift is removed exactly at the end:
 *   Σ (x−μ)(y−μ)ᵀ = S2 − s1x s1yᵀ / n.
 * Rows where either side has NaN/Inf are skipped (and counted).
 */
import { Matrix } from '../../core/matrix';
import { gramBlock } from '../../kernels/graphs';
import { run, tensor } from '../../kernels/ort';
import { Cancellation, Progress, throwIfCancelled, yieldToEventLoop } from '../../util/errors';

const BLOCK_TARGET_BYTES = 16 << 20;

export interface JointMoments {
  n: number;
  dx: number;
  dy: number;
  skipped: number;
  meanX: Float64Array;
  meanY: Float64Array;
  /** Centred scatter X̃ᵀX̃ (dx×dx), ỸᵀỸ (dy×dy), X̃ᵀỸ (dx×dy), row-major float64. */
  sxx: Float64Array;
  syy: Float64Array;
  sxy: Float64Array;
  /** Which rows were used (1) or skipped (0). */
  used: Uint8Array;
}

export interface JointOptions {
  token?: Cancellation;
  progress?: Progress;
}

export async function jointMoments(X: Matrix, Y: Matrix, opts: JointOptions = {}): Promise<JointMoments> {
  const n = X.rows;
  if (Y.rows !== n) throw new RangeError(`X has ${n} rows, Y ${Y.rows}`);
  const dx = X.cols;
  const dy = Y.cols;
  const w = dx + dy;
  const blockRows = Math.max(64, Math.min(8192, Math.floor(BLOCK_TARGET_BYTES / (4 * w))));
  const used = new Uint8Array(n);
  for (let i = 0; i < n; i++) used[i] = finite(X, i) && finite(Y, i) ? 1 : 0;

  // Pilot shift: mean of the first block's usable rows.
  const shift = new Float64Array(w);
  let cnt = 0;
  for (let i = 0; i < Math.min(n, blockRows); i++) {
    if (!used[i]) continue;
    cnt++;
    for (let j = 0; j < dx; j++) shift[j] += X.data[i * dx + j];
    for (let j = 0; j < dy; j++) shift[dx + j] += Y.data[i * dy + j];
  }
  if (cnt) for (let j = 0; j < w; j++) shift[j] /= cnt;

  const s1 = new Float64Array(w);
  const s2 = new Float64Array(w * w);
  const buf = new Float32Array(blockRows * w);
  let m = 0;
  for (let r0 = 0; r0 < n; r0 += blockRows) {
    throwIfCancelled(opts.token);
    const r1 = Math.min(n, r0 + blockRows);
    let b = 0;
    for (let i = r0; i < r1; i++) {
      if (!used[i]) continue;
      const o = b * w;
      for (let j = 0; j < dx; j++) {
        const v = X.data[i * dx + j] - shift[j];
        buf[o + j] = v;
        s1[j] += v;
      }
      for (let j = 0; j < dy; j++) {
        const v = Y.data[i * dy + j] - shift[dx + j];
        buf[o + dx + j] = v;
        s1[dx + j] += v;
      }
      b++;
    }
    m += b;
    if (b > 0) {
      const out = await run(gramBlock, { A: tensor(buf.subarray(0, b * w), [b, w]) });
      const g = out.G.data as Float32Array;
      for (let t = 0; t < w * w; t++) s2[t] += g[t];
    }
    opts.progress?.(r1 / n);
    await yieldToEventLoop();
  }
  const centred = (i: number, j: number) => (m > 0 ? s2[i * w + j] - (s1[i] * s1[j]) / m : NaN);
  const sxx = new Float64Array(dx * dx);
  const syy = new Float64Array(dy * dy);
  const sxy = new Float64Array(dx * dy);
  for (let i = 0; i < dx; i++) for (let j = 0; j < dx; j++) sxx[i * dx + j] = centred(i, j);
  for (let i = 0; i < dy; i++) for (let j = 0; j < dy; j++) syy[i * dy + j] = centred(dx + i, dx + j);
  for (let i = 0; i < dx; i++) for (let j = 0; j < dy; j++) sxy[i * dy + j] = centred(i, dx + j);
  const meanX = new Float64Array(dx);
  const meanY = new Float64Array(dy);
  for (let j = 0; j < dx; j++) meanX[j] = shift[j] + (m ? s1[j] / m : NaN);
  for (let j = 0; j < dy; j++) meanY[j] = shift[dx + j] + (m ? s1[dx + j] / m : NaN);
  return { n: m, dx, dy, skipped: n - m, meanX, meanY, sxx, syy, sxy, used };
}

function finite(M: Matrix, i: number): boolean {
  const d = M.cols;
  for (let j = 0; j < d; j++) if (!Number.isFinite(M.data[i * d + j])) return false;
  return true;
}
