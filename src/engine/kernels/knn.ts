/**
 * Exact brute-force k-nearest-neighbour search on onnxruntime.
 *
 * Method (what FAISS's IndexFlat does, plus an exact re-rank):
 *  1. score a block of queries against the whole corpus with one float32 GEMM
 *     and keep the best k + 1 + MARGIN candidates per query with TopK, inside
 *     the same onnxruntime graph;
 *  2. re-score those candidates in float64 on the original rows, drop the query's
 *     own row, sort by score (distance ascending for euclidean) and break exact
 *     ties by the lower row index.
 * Step 2 makes scores exact to float64 rounding of the float32 inputs and makes
 * the order independent of GEMM blocking; MARGIN absorbs float32 near-ties.
 * For euclidean the GEMM sees rows centred on the corpus mean (distances are
 * translation invariant): 2q·x − ‖x‖² on uncentred rows far from the origin loses
 * the distance differences to float32 cancellation (CLIP rows shifted by 20 got
 * wrong candidate lists for 62% of rows before this).
 *
 * Memory: O(block × n) for the score block; the block size is chosen so one
 * onnxruntime run does ~BLOCK_FLOPS of work, keeping the event loop free
 * between runs for cancellation and other requests.
 */
import type { Metric } from '../../shared/protocol/common';
import { Matrix, rowDot64, rowNorms, rowSquaredDistance64 } from '../core/matrix';
import { Cancellation, checkpoint, Progress, throwIfCancelled, yieldToEventLoop } from '../util/errors';
import { run, tensor } from './ort';
import { scoreTopK } from './graphs';

const MARGIN = 4;
const BLOCK_FLOPS = 24e9;
const MAX_SCORE_BYTES = 256 << 20;

/** A corpus made ready for one metric: cached norms, the scaled copy and the row mask. */
export interface PreparedCorpus {
  metric: Metric;
  source: Matrix;
  /**
   * The matrix the GEMM sees: unit rows for cosine, rows minus `center` for euclidean (a copy),
   * the source for dot; invalid rows zeroed.
   */
  gemm: Matrix;
  /** float64 L2 norms of the source rows. */
  norms: Float64Array;
  /** Added to every score: −‖x − μ‖² for euclidean, 0 for the others, −inf for rows that can never be a neighbour. */
  bias: Float32Array;
  /** Rows that can be neighbours: finite, and non-zero under cosine. */
  valid: Uint8Array;
  /** Euclidean only: the mean of the valid rows, subtracted from corpus and queries in the GEMM. */
  center?: Float64Array;
}

export function prepareCorpus(source: Matrix, metric: Metric, norms?: Float64Array): PreparedCorpus {
  const { rows: n, cols: d, data } = source;
  const nrm = norms ?? rowNorms(source);
  const valid = new Uint8Array(n);
  const bias = new Float32Array(n);
  let needCopy = metric !== 'dot';
  for (let i = 0; i < n; i++) {
    const ok = Number.isFinite(nrm[i]) && (metric !== 'cosine' || nrm[i] > 0);
    valid[i] = ok ? 1 : 0;
    if (!ok) {
      bias[i] = -Infinity;
      if (!Number.isFinite(nrm[i])) needCopy = true;
    }
  }
  let center: Float64Array | undefined;
  if (metric === 'euclidean') {
    center = new Float64Array(d);
    let cnt = 0;
    for (let i = 0; i < n; i++) {
      if (!valid[i]) continue;
      cnt++;
      const o = i * d;
      for (let j = 0; j < d; j++) center[j] += data[o + j];
    }
    if (cnt > 0) for (let j = 0; j < d; j++) center[j] /= cnt;
  }
  let gemm = source;
  if (needCopy) {
    const out = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      if (!valid[i]) continue;
      const o = i * d;
      if (center) {
        // bias = −‖x − μ‖² of the float32 row the GEMM sees, accumulated in float64.
        let ss = 0;
        for (let j = 0; j < d; j++) {
          const v = Math.fround(data[o + j] - center[j]);
          out[o + j] = v;
          ss += v * v;
        }
        bias[i] = -ss;
      } else {
        const sc = metric === 'cosine' ? 1 / nrm[i] : 1;
        for (let j = 0; j < d; j++) out[o + j] = data[o + j] * sc;
      }
    }
    gemm = { rows: n, cols: d, data: out };
  }
  return { metric, source, gemm, norms: nrm, bias, valid, center };
}

export interface KnnOptions {
  k: number;
  /** For each query, the corpus row to leave out (−1 for none). */
  exclude?: Int32Array;
  token?: Cancellation;
  progress?: Progress;
}

/**
 * Result for q queries: row-major q×k `indices` and `scores`. Queries with fewer
 * than k possible neighbours are padded with index −1 and score NaN.
 */
export interface KnnResult {
  k: number;
  indices: Int32Array;
  scores: Float64Array;
}

/** Queries per onnxruntime run for a corpus of n rows × d dims. */
export function blockRows(n: number, d: number): number {
  const byFlops = Math.floor(BLOCK_FLOPS / (2 * Math.max(1, n) * Math.max(1, d)));
  const byMem = Math.floor(MAX_SCORE_BYTES / (4 * Math.max(1, n)));
  return Math.max(1, Math.min(2048, byFlops, byMem));
}

/** k nearest corpus rows of each query row (queries are in the corpus's space, unnormalised). */
export async function knnSearch(corpus: PreparedCorpus, queries: Matrix, opts: KnnOptions): Promise<KnnResult> {
  const { metric, gemm, bias } = corpus;
  const n = gemm.rows;
  const d = gemm.cols;
  if (queries.cols !== d) throw new RangeError(`query has ${queries.cols} dims, corpus ${d}`);
  const k = Math.max(0, Math.floor(opts.k));
  const q = queries.rows;
  const indices = new Int32Array(q * k).fill(-1);
  const scores = new Float64Array(q * k).fill(NaN);
  if (k === 0 || n === 0) return { k, indices, scores };
  const kk = Math.min(n, k + 1 + MARGIN);
  const graph = scoreTopK(metric === 'euclidean' ? 2 : 1);
  const cT = tensor(gemm.data.subarray(0, n * d), [n, d]);
  const biasT = tensor(bias, [n]);
  const kkT = tensor(BigInt64Array.of(BigInt(kk)), [1]);
  const qNorms = rowNorms(queries);
  const b = blockRows(n, d);
  const qbuf = new Float32Array(Math.min(b, q) * d);

  for (let q0 = 0; q0 < q; q0 += b) {
    throwIfCancelled(opts.token);
    const qb = Math.min(b, q - q0);
    // Query block in the GEMM's space: unit rows for cosine; non-finite rows zeroed (they get no neighbours).
    for (let i = 0; i < qb; i++) {
      const src = (q0 + i) * d;
      const nq = qNorms[q0 + i];
      const ok = Number.isFinite(nq) && (metric !== 'cosine' || nq > 0);
      const s = metric === 'cosine' ? 1 / nq : 1;
      const c = corpus.center;
      if (!ok) qbuf.fill(0, i * d, i * d + d);
      else if (c) for (let j = 0; j < d; j++) qbuf[i * d + j] = queries.data[src + j] - c[j];
      else for (let j = 0; j < d; j++) qbuf[i * d + j] = queries.data[src + j] * s;
    }
    await checkpoint(opts.token);
    const out = await run(graph, { Q: tensor(qbuf.subarray(0, qb * d), [qb, d]), C: cT, bias: biasT, kk: kkT });
    const cand = out.indices.data as BigInt64Array;
    for (let i = 0; i < qb; i++) {
      const qi = q0 + i;
      const nq = qNorms[qi];
      if (!Number.isFinite(nq) || (metric === 'cosine' && !(nq > 0))) continue;
      rerank(
        corpus,
        queries,
        qi,
        cand.subarray(i * kk, (i + 1) * kk),
        opts.exclude ? opts.exclude[qi] : -1,
        k,
        indices,
        scores,
      );
    }
    opts.progress?.(Math.min(1, (q0 + qb) / q));
    await yieldToEventLoop();
  }
  return { k, indices, scores };
}

/** Exact float64 re-score of one query's candidates; writes the best k into the result row. */
function rerank(
  corpus: PreparedCorpus,
  queries: Matrix,
  qi: number,
  cand: BigInt64Array,
  exclude: number,
  k: number,
  indices: Int32Array,
  scores: Float64Array,
): void {
  const { metric, source, norms, valid } = corpus;
  const d = source.cols;
  const x = source.data;
  const qd = queries.data;
  const qo = qi * d;
  const qn = metric === 'cosine' ? Math.sqrt(rowDot64(qd, qo, qd, qo, d)) : 0;
  const rows: number[] = [];
  const vals: number[] = [];
  for (let t = 0; t < cand.length; t++) {
    const r = Number(cand[t]);
    if (r === exclude || r < 0 || !valid[r]) continue;
    const xo = r * d;
    let s: number;
    if (metric === 'euclidean') s = Math.sqrt(rowSquaredDistance64(qd, qo, x, xo, d));
    else {
      s = rowDot64(qd, qo, x, xo, d);
      if (metric === 'cosine') s /= qn * norms[r];
    }
    rows.push(r);
    vals.push(s);
  }
  const order = rows.map((_, i) => i);
  const sign = metric === 'euclidean' ? 1 : -1;
  order.sort((a, bb) => sign * (vals[a] - vals[bb]) || rows[a] - rows[bb]);
  const m = Math.min(k, order.length);
  for (let t = 0; t < m; t++) {
    indices[qi * k + t] = rows[order[t]];
    scores[qi * k + t] = vals[order[t]];
  }
}

/** The k-NN graph of the corpus: every row's k nearest other rows (self excluded). */
export async function knnGraph(corpus: PreparedCorpus, opts: Omit<KnnOptions, 'exclude'>): Promise<KnnResult> {
  const n = corpus.source.rows;
  const exclude = new Int32Array(n);
  for (let i = 0; i < n; i++) exclude[i] = i;
  return knnSearch(corpus, corpus.source, { ...opts, exclude });
}

/**
 * k-occurrence N_k(x) (Radovanović, Nanopoulos & Ivanović 2010, "Hubs in space", JMLR 11):
 * how many of the query rows have x among their first k neighbours, from a k-NN list of
 * `rowsK` columns per row (self already excluded, −1 for a missing neighbour). Hubs are high.
 */
export function kOccurrence(
  indices: Int32Array,
  rowsK: number,
  n: number,
  k: number,
  isQuery: (i: number) => boolean = () => true,
): Int32Array {
  const occ = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!isQuery(i)) continue;
    for (let t = 0; t < k; t++) {
      const j = indices[i * rowsK + t];
      if (j >= 0) occ[j]++;
    }
  }
  return occ;
}
