/**
 * Binary sign codes searched by Hamming distance (Charikar 2002, "Similarity
 * estimation techniques from rounding algorithms", STOC: the sign of each
 * coordinate; here of the coordinates themselves, as embedding providers'
 * "binary quantisation" does), optionally followed by float rescoring of the
 * top r·k Hamming candidates (the re-ranking step of Jégou, Douze & Schmid
 * 2011, IEEE TPAMI 33(1), §IV-B, applied to binary codes).
 *
 * Bit j of a row is 1 when x_j > 0. Codes are packed 32 dimensions to a Uint32
 * word (dimension j in bit j mod 32 of word ⌊j/32⌋); the Hamming distance is a
 * popcount of the XOR, word by word. Ties in distance go to the lower row index,
 * so results are deterministic and match a stable sort.
 */
import { Matrix } from '../../core/matrix';
import type { KnnResult, PreparedCorpus } from '../../kernels/knn';
import { Cancellation, throwIfCancelled, yieldToEventLoop } from '../../util/errors';
import { HAMMING_WASM } from './popcount.wasm';

// A Node global; the project's tsconfig has no DOM lib, so declare the little used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object) => { exports: Record<string, unknown> };
};
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface BinaryCodes {
  n: number;
  d: number;
  /** Uint32 words per row; always even, so a row is whole 64-bit words for the WASM kernel. */
  words: number;
  codes: Uint32Array;
}

export function encodeBinary(X: Matrix): BinaryCodes {
  const b = emptyCodes(X);
  encodeBinaryRange(X, b, 0, X.rows);
  return b;
}

/** encodeBinary in blocks of rows, yielding between them (keeps the engine responsive at 100k×768). */
export async function encodeBinaryAsync(X: Matrix, token?: Cancellation): Promise<BinaryCodes> {
  const b = emptyCodes(X);
  const step = Math.max(1, Math.floor((1 << 20) / Math.max(1, X.cols)));
  for (let r = 0; r < X.rows; r += step) {
    encodeBinaryRange(X, b, r, Math.min(X.rows, r + step));
    throwIfCancelled(token);
    await yieldToEventLoop();
  }
  return b;
}

function emptyCodes(X: Matrix): BinaryCodes {
  const words = 2 * Math.ceil(X.cols / 64);
  return { n: X.rows, d: X.cols, words, codes: new Uint32Array(X.rows * words) };
}

function encodeBinaryRange(X: Matrix, b: BinaryCodes, from: number, to: number): void {
  const { cols: d, data } = X;
  const { words, codes } = b;
  for (let i = from; i < to; i++) {
    const o = i * d;
    const w0 = i * words;
    for (let j = 0; j < d; j++) if (data[o + j] > 0) codes[w0 + (j >>> 5)] |= 1 << (j & 31);
  }
}

/** Packed bits in numpy's `np.packbits(x > 0, axis=1)` layout (big bit order), for export. */
export function packbitsNumpy(b: BinaryCodes): Uint8Array {
  const bytes = Math.ceil(b.d / 8);
  const out = new Uint8Array(b.n * bytes);
  for (let i = 0; i < b.n; i++) {
    for (let j = 0; j < b.d; j++) {
      if ((b.codes[i * b.words + (j >>> 5)] >>> (j & 31)) & 1) out[i * bytes + (j >>> 3)] |= 0x80 >>> (j & 7);
    }
  }
  return out;
}

export interface HammingOptions {
  /** Candidates kept per query. */
  count: number;
  /** Rows that may be returned (e.g. the prepared corpus's valid mask). */
  valid?: Uint8Array;
  /** Per query, the row to leave out (−1 for none). */
  exclude?: Int32Array;
  token?: Cancellation;
  /** 'wasm' (default, native popcount) or 'js' (the portable fallback; tests compare the two). */
  kernel?: 'wasm' | 'js';
}

/**
 * The `count` nearest rows of each query row (given by row index into the codes)
 * by Hamming distance, ordered by (distance, row). Selection is a counting sort
 * over the d + 1 possible distances, O(n + d) per query.
 */
export async function hammingSearch(b: BinaryCodes, queryRows: Int32Array, opts: HammingOptions): Promise<KnnResult> {
  const { n, d, words, codes } = b;
  const k = Math.max(0, Math.min(opts.count, n));
  const q = queryRows.length;
  const indices = new Int32Array(q * k).fill(-1);
  const scores = new Float64Array(q * k).fill(NaN);
  const jsDist: Uint16Array = new Uint16Array(n);
  const hist = new Int32Array(d + 2);
  const qbuf = new Uint32Array(words);
  const kernel = opts.kernel === 'js' ? undefined : hammingKernel(b);
  let lastYield = performance.now();
  throwIfCancelled(opts.token);
  for (let qi = 0; qi < q; qi++) {
    // Keep each stretch of event-loop blocking short (cancellation, other requests).
    if (performance.now() - lastYield > 50) {
      throwIfCancelled(opts.token);
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    const qo = queryRows[qi] * words;
    const skip = opts.exclude ? opts.exclude[qi] : -1;
    hist.fill(0);
    let dist: Uint16Array = jsDist;
    if (kernel) dist = kernel(queryRows[qi]);
    else {
      qbuf.set(codes.subarray(qo, qo + words));
      hammingRow(qbuf, codes, n, words, dist);
    }
    for (let r = 0; r < n; r++) hist[dist[r]]++;
    // Unusable rows go to the overflow bucket d + 1, which is never selected.
    if (skip >= 0) moveToOverflow(dist, hist, skip, d);
    if (opts.valid) for (let r = 0; r < n; r++) if (!opts.valid[r] && dist[r] <= d) moveToOverflow(dist, hist, r, d);
    // Smallest threshold t with at least k rows at distance ≤ t, then a stable
    // counting sort of the rows below t plus the first rows at t: order (distance, row).
    let t = 0;
    let below = 0;
    while (t <= d && below + hist[t] < k) below += hist[t++];
    let needAtT = t <= d ? k - below : 0;
    const start = new Int32Array(t + 1);
    for (let s = 1; s <= t; s++) start[s] = start[s - 1] + hist[s - 1];
    const base = qi * k;
    for (let r = 0; r < n; r++) {
      const s = dist[r];
      if (s < t || (s === t && needAtT > 0)) {
        if (s === t) needAtT--;
        const at = base + start[s]++;
        indices[at] = r;
        scores[at] = s;
      }
    }
  }
  return { k, indices, scores };
}

/**
 * The WASM kernel with the codes copied into its memory once; returns
 * `(row) => distances of row `row` to all rows` (a view into WASM memory),
 * or undefined when WebAssembly is unavailable (the JS loop is used instead).
 * Built once per code set (the copy is index set-up, not query time).
 */
export function hammingKernel(b: BinaryCodes): HammingKernel | undefined {
  if (kernels.has(b)) return kernels.get(b);
  const k = wasmKernel(b);
  kernels.set(b, k);
  return k;
}

/** Distances of row `row` to every row, in a view reused by the next call. */
type HammingKernel = (row: number) => Uint16Array;
const kernels = new WeakMap<BinaryCodes, HammingKernel | undefined>();

function wasmKernel(b: BinaryCodes): HammingKernel | undefined {
  if (typeof WebAssembly === 'undefined') return undefined;
  const codeBytes = b.codes.byteLength;
  const need = codeBytes + 2 * b.n;
  if (need > 2 ** 31) return undefined;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(HAMMING_WASM));
  const mem = inst.exports.mem as WasmMemory;
  const hamming = inst.exports.hamming as (q: number, c: number, n: number, w: number, out: number) => void;
  const pages = Math.ceil(need / 65536) - mem.buffer.byteLength / 65536;
  if (pages > 0) mem.grow(pages);
  new Uint32Array(mem.buffer, 0, b.codes.length).set(b.codes);
  const out = new Uint16Array(mem.buffer, codeBytes, b.n);
  const w64 = b.words / 2;
  const rowBytes = b.words * 4;
  return (row) => {
    hamming(row * rowBytes, 0, b.n, w64, codeBytes);
    return out;
  };
}

/**
 * Hamming distance of one query code to every row. Per word the XOR's bits are
 * counted into its four bytes (SWAR, no final multiply) and the byte lanes are
 * summed once per row, flushing every 31 words before a lane (≤ 8 per word)
 * could pass 255; about 2× faster in V8 than a full popcount per word.
 */
export function hammingRow(qc: Uint32Array, codes: Uint32Array, n: number, words: number, dist: Uint16Array): void {
  for (let r = 0, ro = 0; r < n; r++, ro += words) {
    let total = 0;
    for (let w0 = 0; w0 < words; w0 += 31) {
      const w1 = Math.min(words, w0 + 31);
      let lanes = 0;
      for (let w = w0; w < w1; w++) {
        let v = qc[w] ^ codes[ro + w];
        v = v - ((v >>> 1) & 0x55555555);
        v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
        lanes += (v + (v >>> 4)) & 0x0f0f0f0f;
      }
      lanes = (lanes & 0x00ff00ff) + ((lanes >>> 8) & 0x00ff00ff);
      total += (lanes & 0xffff) + (lanes >>> 16);
    }
    dist[r] = total;
  }
}

function moveToOverflow(dist: Uint16Array, hist: Int32Array, r: number, d: number): void {
  hist[dist[r]]--;
  dist[r] = d + 1;
  hist[d + 1]++;
}

/**
 * Re-scores each query's candidates with the exact metric on the full-precision
 * rows (float64) and keeps the best k, ties by the lower row index.
 */
export function rescore(corpus: PreparedCorpus, queryRows: Int32Array, cand: KnnResult, k: number): KnnResult {
  const { metric, source, norms } = corpus;
  const d = source.cols;
  const x = source.data;
  const q = queryRows.length;
  const c = cand.k;
  const indices = new Int32Array(q * k).fill(-1);
  const scores = new Float64Array(q * k).fill(NaN);
  const rows: number[] = [];
  const vals: number[] = [];
  const sign = metric === 'euclidean' ? 1 : -1;
  for (let qi = 0; qi < q; qi++) {
    const qo = queryRows[qi] * d;
    rows.length = 0;
    vals.length = 0;
    for (let t = 0; t < c; t++) {
      const r = cand.indices[qi * c + t];
      if (r < 0) continue;
      const ro = r * d;
      let s = 0;
      if (metric === 'euclidean') {
        for (let j = 0; j < d; j++) {
          const diff = x[qo + j] - x[ro + j];
          s += diff * diff;
        }
      } else {
        for (let j = 0; j < d; j++) s += x[qo + j] * x[ro + j];
        if (metric === 'cosine') s /= norms[queryRows[qi]] * norms[r];
      }
      rows.push(r);
      vals.push(s);
    }
    const order = rows.map((_, i) => i).sort((a, bb) => sign * (vals[a] - vals[bb]) || rows[a] - rows[bb]);
    for (let t = 0; t < Math.min(k, order.length); t++) {
      indices[qi * k + t] = rows[order[t]];
      scores[qi * k + t] = metric === 'euclidean' ? Math.sqrt(vals[order[t]]) : vals[order[t]];
    }
  }
  return { k, indices, scores };
}
