/**
 * Per-dimension 8-bit scalar quantisation (the SQ8 codec of FAISS; Jégou, Douze
 * & Schmid 2011, "Product quantization for nearest neighbor search", IEEE TPAMI
 * 33(1), §II, uses it as the scalar-quantiser baseline):
 *
 *   offset_j = min_i x_ij,   scale_j = (max_i x_ij − offset_j) / 255,
 *   u_ij = round((x_ij − offset_j) / scale_j) ∈ [0, 255]     (round half to even, as numpy),
 *   x̃_ij = offset_j + scale_j · u_ij.
 *
 * The signed int8 code is u − 128. Search must score the dequantised x̃ (or an
 * offset-aware kernel, which ranks identically): a plain dot product of the raw
 * codes drops the per-dimension offset and scale and ranks wrongly (recall@10 by
 * dot product on the 500 CLIP ViT-B/16 caption rows of test/fixtures, every row a
 * query: 0.606 instead of 0.991, reproduced reference values computed with numpy),
 * which is why `rawCodes` exists only as that known-bad baseline for tests.
 *
 * A constant dimension (zero range) gets scale 0 and code 0: it dequantises
 * exactly to its constant and never divides by zero.
 */
import { Matrix } from '../../core/matrix';
import { Cancellation, throwIfCancelled, yieldToEventLoop } from '../../util/errors';

export interface Int8Quantizer {
  d: number;
  offset: Float64Array;
  scale: Float64Array;
}

/** Per-dimension ranges over the rows (all rows are expected finite). */
export function fitInt8(X: Matrix): Int8Quantizer {
  const acc = rangeAccumulator(X.cols);
  scanRange(X, 0, X.rows, acc.lo, acc.hi);
  return acc.finish(X.rows);
}

/** fitInt8 in blocks of rows, yielding between them (one 100k×768 pass holds the thread ~0.3 s otherwise). */
export async function fitInt8Async(X: Matrix, token?: Cancellation): Promise<Int8Quantizer> {
  const acc = rangeAccumulator(X.cols);
  const step = blockRows(X.cols);
  for (let r = 0; r < X.rows; r += step) {
    scanRange(X, r, Math.min(X.rows, r + step), acc.lo, acc.hi);
    await pause(token);
  }
  return acc.finish(X.rows);
}

function rangeAccumulator(d: number) {
  const lo = new Float64Array(d).fill(Infinity);
  const hi = new Float64Array(d).fill(-Infinity);
  return {
    lo,
    hi,
    finish(n: number): Int8Quantizer {
      const scale = new Float64Array(d);
      for (let j = 0; j < d; j++) {
        if (n === 0) lo[j] = 0;
        else scale[j] = (hi[j] - lo[j]) / 255;
      }
      return { d, offset: lo, scale };
    },
  };
}

function scanRange(X: Matrix, from: number, to: number, lo: Float64Array, hi: Float64Array): void {
  const { cols: d, data } = X;
  for (let i = from; i < to; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const v = data[o + j];
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
}

/** Rows per block so each block is ~1M values (a few ms). */
function blockRows(d: number): number {
  return Math.max(1, Math.floor((1 << 20) / Math.max(1, d)));
}

async function pause(token?: Cancellation): Promise<void> {
  throwIfCancelled(token);
  await yieldToEventLoop();
}

/** numpy's np.round: halves go to the even neighbour, so codes match the reference bit for bit. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Unsigned codes u ∈ [0, 255], n×d row-major (u − 128 is the int8 code). */
export function encodeInt8(X: Matrix, q: Int8Quantizer): Uint8Array {
  if (X.cols !== q.d) throw new RangeError(`quantiser has ${q.d} dims, matrix ${X.cols}`);
  const out = new Uint8Array(X.rows * X.cols);
  encodeRange(X, q, 0, X.rows, out);
  return out;
}

/** encodeInt8 in blocks of rows, yielding between them. */
export async function encodeInt8Async(X: Matrix, q: Int8Quantizer, token?: Cancellation): Promise<Uint8Array> {
  if (X.cols !== q.d) throw new RangeError(`quantiser has ${q.d} dims, matrix ${X.cols}`);
  const out = new Uint8Array(X.rows * X.cols);
  const step = blockRows(X.cols);
  for (let r = 0; r < X.rows; r += step) {
    encodeRange(X, q, r, Math.min(X.rows, r + step), out);
    await pause(token);
  }
  return out;
}

function encodeRange(X: Matrix, q: Int8Quantizer, from: number, to: number, out: Uint8Array): void {
  const { cols: d, data } = X;
  for (let i = from; i < to; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const s = q.scale[j];
      if (!(s > 0)) continue;
      const u = roundHalfEven((data[o + j] - q.offset[j]) / s);
      out[o + j] = u < 0 ? 0 : u > 255 ? 255 : u;
    }
  }
}

/** x̃ = offset + scale · u, as float32 (the vectors a correct int8 search ranks by). */
export function decodeInt8(codes: Uint8Array, n: number, q: Int8Quantizer): Matrix {
  const out = new Float32Array(n * q.d);
  decodeRange(codes, q, 0, n, out);
  return { rows: n, cols: q.d, data: out };
}

/** decodeInt8 in blocks of rows, yielding between them. */
export async function decodeInt8Async(
  codes: Uint8Array,
  n: number,
  q: Int8Quantizer,
  token?: Cancellation,
): Promise<Matrix> {
  const out = new Float32Array(n * q.d);
  const step = blockRows(q.d);
  for (let r = 0; r < n; r += step) {
    decodeRange(codes, q, r, Math.min(n, r + step), out);
    await pause(token);
  }
  return { rows: n, cols: q.d, data: out };
}

function decodeRange(codes: Uint8Array, q: Int8Quantizer, from: number, to: number, out: Float32Array): void {
  const d = q.d;
  for (let i = from; i < to; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) out[o + j] = q.offset[j] + q.scale[j] * codes[o + j];
  }
}

/** The signed codes u − 128 as float32 (exact): the known-bad "raw int8 dot product" baseline. */
export function rawCodes(codes: Uint8Array, n: number, d: number): Matrix {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) out[i] = codes[i] - 128;
  return { rows: n, cols: d, data: out };
}
