/**
 * Matched-pair retrieval: for query i the correct item is candidate target[i];
 * its rank is 1 + the number of candidates scoring strictly higher (cosine).
 * Top-1 is the share of rank 1; mean rank as in Liang et al. 2022 (Mind the Gap,
 * NeurIPS) and the CLIP retrieval literature.
 *
 * The n_q × n_c score matrix is never stored: one onnxruntime graph per query
 * block computes S = Q·Cᵀ, gathers each row's target score t and counts the
 * candidates above t + ε and above t − ε. When the two counts disagree by more
 * than the target itself (a float32 near-tie), that query is re-scored exactly
 * in float64, so ranks do not depend on GEMM rounding. Only the candidates
 * inside that ±ε band are re-scored (their float32 scores come from a second,
 * plain GEMM over just the ambiguous queries): on clustered data at 50k rows
 * most queries have a few near-ties, and re-scoring every candidate of each
 * in JS cost minutes.
 */
import { Matrix, normalizeRows } from '../../core/matrix';
import { blockRows } from '../../kernels/knn';
import { GraphSpec, run, tensor } from '../../kernels/ort';
import { Cancellation, Progress, throwIfCancelled, yieldToEventLoop } from '../../util/errors';

const EPS = 1e-5;

const rankGraph: GraphSpec = {
  name: 'pairs_matchedRank',
  inputs: [
    { name: 'Q', type: 'float32', shape: ['b', 'd'] },
    { name: 'C', type: 'float32', shape: ['n', 'd'] },
    { name: 'target', type: 'int64', shape: ['b', 1] },
    { name: 'eps', type: 'float32', shape: [1] },
    { name: 'axes', type: 'int64', shape: [1] },
  ],
  outputs: [
    { name: 'above', type: 'float32', shape: ['b'] },
    { name: 'near', type: 'float32', shape: ['b'] },
  ],
  nodes: [
    { op: 'Gemm', inputs: ['Q', 'C'], outputs: ['S'], attrs: { transB: 1 } },
    { op: 'GatherElements', inputs: ['S', 'target'], outputs: ['t'], attrs: { axis: 1 } },
    { op: 'Add', inputs: ['t', 'eps'], outputs: ['hi'] },
    { op: 'Sub', inputs: ['t', 'eps'], outputs: ['lo'] },
    { op: 'Greater', inputs: ['S', 'hi'], outputs: ['gHi'] },
    { op: 'Greater', inputs: ['S', 'lo'], outputs: ['gLo'] },
    { op: 'Cast', inputs: ['gHi'], outputs: ['fHi'], attrs: { to: 1 } },
    { op: 'Cast', inputs: ['gLo'], outputs: ['fLo'], attrs: { to: 1 } },
    { op: 'ReduceSum', inputs: ['fHi', 'axes'], outputs: ['above'], attrs: { keepdims: 0 } },
    { op: 'ReduceSum', inputs: ['fLo', 'axes'], outputs: ['near'], attrs: { keepdims: 0 } },
  ],
};

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
export async function matchedRetrieval(queries: Matrix, candidates: Matrix, target?: Int32Array, opts: RankOptions = {}): Promise<RetrievalStats> {
  if (queries.cols !== candidates.cols) throw new RangeError(`queries have ${queries.cols} dims, candidates ${candidates.cols}`);
  const q = normalizeRows(queries);
  const c = normalizeRows(candidates);
  const nq = q.rows;
  const n = c.rows;
  const d = c.cols;
  const tgt = target ?? Int32Array.from({ length: nq }, (_, i) => i);
  const ranks = new Int32Array(nq);
  const cT = tensor(c.data, [n, d]);
  const epsT = tensor(Float32Array.of(EPS), [1]);
  const axesT = tensor(BigInt64Array.of(1n), [1]);
  const b = blockRows(n, d);
  for (let q0 = 0; q0 < nq; q0 += b) {
    throwIfCancelled(opts.token);
    const qb = Math.min(b, nq - q0);
    const tb = new BigInt64Array(qb);
    for (let i = 0; i < qb; i++) tb[i] = BigInt(tgt[q0 + i]);
    const out = await run(rankGraph, {
      Q: tensor(q.data.subarray(q0 * d, (q0 + qb) * d), [qb, d]),
      C: cT,
      target: tensor(tb, [qb, 1]),
      eps: epsT,
      axes: axesT,
    });
    const above = out.above.data as Float32Array;
    const near = out.near.data as Float32Array;
    const ambiguous: number[] = [];
    for (let i = 0; i < qb; i++) {
      // `near` counts the target itself; more than that means a near-tie to settle exactly.
      if (near[i] - above[i] > 1) ambiguous.push(q0 + i);
      else ranks[q0 + i] = 1 + above[i];
    }
    if (ambiguous.length) await settleNearTies(q, c, cT, tgt, ambiguous, ranks);
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

/**
 * Exact ranks of the ambiguous queries: candidates scoring above t + ε in float32
 * are above in exact arithmetic too (float32 GEMM error on unit rows is ~1e-6 ≪ ε),
 * those below t − ε are below; only the band between is compared in float64.
 */
async function settleNearTies(q: Matrix, c: Matrix, cT: ReturnType<typeof tensor>, tgt: Int32Array, queries: number[], ranks: Int32Array): Promise<void> {
  const d = c.cols;
  const n = c.rows;
  const Q = new Float32Array(queries.length * d);
  queries.forEach((qi, t) => Q.set(q.data.subarray(qi * d, qi * d + d), t * d));
  const S = (await run(scoreGraph, { Q: tensor(Q, [queries.length, d]), C: cT })).S.data as Float32Array;
  const exact = (qi: number, j: number) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += q.data[qi * d + t] * c.data[j * d + t];
    return s;
  };
  queries.forEach((qi, t) => {
    const target = tgt[qi];
    const row = S.subarray(t * n, t * n + n);
    const ts = row[target];
    const st = exact(qi, target);
    let r = 1;
    for (let j = 0; j < n; j++) {
      if (j === target) continue;
      const v = row[j];
      if (v > ts + EPS) r++;
      else if (v > ts - EPS - EPS && exact(qi, j) > st) r++;
    }
    ranks[qi] = r;
  });
}
