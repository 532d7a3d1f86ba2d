/**
 * Matched-pair retrieval: for query i the correct item is candidate target[i];
 * its rank is 1 + the number of candidates scoring strictly higher (cosine).
 * Top-1 is the share of rank 1; mean rank as in Liang et al. 2022 (Mind the Gap,
 * NeurIPS) and the CLIP retrieval literature.
 *
 * One onnxruntime GEMM per query block gives the float32 scores S = Q·Cᵀ; the
 * n_q × n_c matrix is never stored whole. Each query's candidates are counted in
 * one pass: above t + ε (t its target's float32 score) they are above in exact
 * arithmetic too (float32 GEMM error on unit rows is ~1e-6 ≪ ε), below t − 2ε
 * they are below, and only the few inside the band are compared in float64, so
 * ranks do not depend on GEMM rounding or blocking. (An earlier version counted
 * inside the graph and re-scored ambiguous queries in full: on data whose
 * targets rank mid-pack nearly every query is ambiguous, and that doubled the
 * GEMM work.)
 */
import { Matrix, normalizeRows } from '../../core/matrix';
import { blockRows } from '../../kernels/knn';
import { GraphSpec, run, tensor } from '../../kernels/ort';
import { Cancellation, Progress, throwIfCancelled, yieldToEventLoop } from '../../util/errors';

const EPS = 1e-5;

const scoreGraph: GraphSpec = {
  name: 'pairs_matchedScores',
  inputs: [
    { name: 'Q', type: 'float32', shape: ['b', 'd'] },
    { name: 'C', type: 'float32', shape: ['n', 'd'] },
  ],
  outputs: [{ name: 'S', type: 'float32', shape: ['b', 'n'] }],
  nodes: [{ op: 'Gemm', inputs: ['Q', 'C'], outputs: ['S'], attrs: { transB: 1 } }],
};

export interface RetrievalStats {
  top1: number;
  meanRank: number;
  /** 1-based rank of every query's correct candidate. */
  ranks: Int32Array;
}

export interface RankOptions {
  token?: Cancellation;
  progress?: Progress;
}

/**
 * Cosine retrieval of `candidates` by `queries` (same dims); query i's correct
 * candidate is `target[i]` (query i ↔ candidate i when omitted).
 */
export async function matchedRetrieval(
  queries: Matrix,
  candidates: Matrix,
  target?: Int32Array,
  opts: RankOptions = {},
): Promise<RetrievalStats> {
  if (queries.cols !== candidates.cols)
    throw new RangeError(`queries have ${queries.cols} dims, candidates ${candidates.cols}`);
  const q = normalizeRows(queries);
  const c = normalizeRows(candidates);
  const nq = q.rows;
  const n = c.rows;
  const d = c.cols;
  const tgt = target ?? Int32Array.from({ length: nq }, (_, i) => i);
  const ranks = new Int32Array(nq);
  const cT = tensor(c.data, [n, d]);
  const b = blockRows(n, d);
  const exact = (qi: number, j: number) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += q.data[qi * d + t] * c.data[j * d + t];
    return s;
  };
  for (let q0 = 0; q0 < nq; q0 += b) {
    throwIfCancelled(opts.token);
    const qb = Math.min(b, nq - q0);
    const S = (await run(scoreGraph, { Q: tensor(q.data.subarray(q0 * d, (q0 + qb) * d), [qb, d]), C: cT })).S
      .data as Float32Array;
    for (let i = 0; i < qb; i++) {
      const qi = q0 + i;
      const target = tgt[qi];
      const o = i * n;
      const ts = S[o + target];
      const hi = ts + EPS;
      const lo = ts - 2 * EPS;
      let above = 0;
      let band = 0;
      for (let j = 0; j < n; j++) {
        const v = S[o + j];
        if (v > hi) above++;
        else if (v > lo) band++;
      }
      // `band` counts the target itself; anything more is a near-tie to settle exactly.
      if (band > 1) {
        const st = exact(qi, target);
        for (let j = 0; j < n; j++) {
          const v = S[o + j];
          if (j !== target && v <= hi && v > lo && exact(qi, j) > st) above++;
        }
      }
      ranks[qi] = 1 + above;
    }
    opts.progress?.((q0 + qb) / nq);
    await yieldToEventLoop();
  }
  let top1 = 0;
  let sum = 0;
  for (const r of ranks) {
    if (r === 1) top1++;
    sum += r;
  }
  return { top1: nq ? top1 / nq : NaN, meanRank: nq ? sum / nq : NaN, ranks };
}
