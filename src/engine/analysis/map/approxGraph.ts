/**
 * An approximate k-NN graph for large maps, and its measured recall.
 *
 * Candidates come from the rows projected onto their top principal components
 * (the PCA pre-reduction openTSNE/scikit-learn apply before t-SNE), searched
 * with an inverted file (Jégou, Douze & Schmid 2011, "Product quantization for
 * nearest neighbor search", IEEE TPAMI, §4: a k-means coarse quantiser with
 * √n cells, each cell's rows searched exactly, by the onnxruntime GEMM+TopK
 * kernel of the exact graph, among the rows of the `probe` cells nearest to it),
 * so the search costs ~n·probe·√n instead of n² (TopK dominated the n² scan);
 * each row's `candidates` nearest in that space are then re-scored exactly in
 * the full space (float64) and the best k kept. Projection only shrinks
 * distances (‖P(x − y)‖ ≤ ‖x − y‖), so true neighbours rank well in the reduced
 * space whenever the spectrum decays, as it does for learned embeddings.
 *
 * One round of NN-descent's local join (Dong, Moses & Li 2011, "Efficient
 * k-nearest neighbor graph construction for generic similarity measures",
 * WWW) then offers each row its neighbours' neighbours, scored in the full
 * space, which repairs most misses the reduced space made.
 *
 * The recall is not assumed: `graphRecall` compares the graph with the exact
 * neighbours (knnSearch) of a seeded sample of rows and the result reports it.
 */
import type { Matrix } from '../../core/matrix';
import { gatherRows, rowDot64, rowSquaredDistance64 } from '../../core/matrix';
import { knnSearch, prepareCorpus, PreparedCorpus } from '../../kernels/knn';
import { projectRows } from '../../kernels/pca';
import { Cancellation, Progress, throwIfCancelled, yieldToEventLoop } from '../../util/errors';
import type { DistanceGraph } from './graph';
import type { MapMetric } from './quality';
import { sampleRows } from '../../util/random';
import { DEFAULT_SEED } from '../../../shared/defaults';

export interface ApproxGraphOptions {
  /** m×d principal components (row-major), e.g. from the dataset's PCA. */
  components: Float64Array;
  m: number;
  /** Reduced-space neighbours re-scored in the full space per row (default max(3k, 32)). */
  candidates?: number;
  /** NN-descent local-join rounds after the re-scoring (default 1). */
  descentRounds?: number;
  /** Inverted-file cells searched per row (default 20 of ~√n; ≥ the cell count: exact search in the reduced space). */
  probe?: number;
  seed?: number;
  /** The GEMM rows already projected onto the components (n×m), e.g. by `reducedRows` for a pilot. */
  reduced?: Float32Array;
  token?: Cancellation;
  progress?: Progress;
}

/**
 * Reduced-space neighbours re-scored per row: enough that re-scoring recovers what the projection ranks a little low.
 */
export function candidateCount(k: number, n: number, candidates?: number): number {
  return Math.min(n - 1, Math.max(candidates ?? Math.max(3 * k, 32), k));
}

/**
 * The corpus's GEMM rows (unit rows for cosine, centred rows for euclidean) projected onto the
 * components: their euclidean distances order neighbours as the metric does, and so do their projections'.
 */
export function reducedRows(
  corpus: PreparedCorpus,
  components: Float64Array,
  m: number,
  opts: { token?: Cancellation; progress?: Progress } = {},
): Promise<Float32Array> {
  return projectRows(corpus.gemm, components, m, opts);
}

/** Full-space distance of rows i and j as the exact graph defines it (1 − cos, or euclidean). */
function makeDistance(corpus: PreparedCorpus, metric: MapMetric): (i: number, j: number) => number {
  const { source, norms } = corpus;
  const d = source.cols;
  const x = source.data;
  if (metric === 'cosine') return (i, j) => Math.max(0, 1 - rowDot64(x, i * d, x, j * d, d) / (norms[i] * norms[j]));
  return (i, j) => Math.sqrt(rowSquaredDistance64(x, i * d, x, j * d, d));
}

/** The approximate k-NN graph (self excluded, ascending distance, ties by lower index). */
export async function approximateGraph(
  corpus: PreparedCorpus,
  metric: MapMetric,
  k: number,
  opts: ApproxGraphOptions,
): Promise<DistanceGraph> {
  const n = corpus.source.rows;
  const report =
    (a: number, b: number): Progress =>
    (f, msg) =>
      opts.progress?.(a + (b - a) * f, msg);
  const Z =
    opts.reduced ??
    (await reducedRows(corpus, opts.components, opts.m, { token: opts.token, progress: report(0, 0.05) }));
  const kc = candidateCount(k, n, opts.candidates);
  const cand = await invertedFileGraph(
    { rows: n, cols: opts.m, data: Z },
    corpus.valid,
    kc,
    opts.probe ?? 20,
    opts.seed ?? DEFAULT_SEED,
    opts.token,
    report(0.05, 0.6),
  );

  const dist = makeDistance(corpus, metric);
  const indices = new Int32Array(n * k).fill(-1);
  const dd = new Float64Array(n * k).fill(NaN);
  const rowI = new Int32Array(kc);
  const rowD = new Float64Array(kc);
  const order = new Int32Array(kc);
  let lastYield = Date.now();
  for (let i = 0; i < n; i++) {
    if (!corpus.valid[i]) continue;
    let c = 0;
    for (let s = 0; s < kc; s++) {
      const j = cand.indices[i * kc + s];
      if (j < 0) continue;
      rowI[c] = j;
      rowD[c] = dist(i, j);
      c++;
    }
    keepBest(rowI, rowD, order, c, k, indices, dd, i);
    if ((i & 1023) === 1023 && Date.now() - lastYield > 50) {
      opts.progress?.(0.6 + 0.2 * (i / n), 're-scoring candidates');
      await yieldToEventLoop();
      throwIfCancelled(opts.token);
      lastYield = Date.now();
    }
  }
  const g: DistanceGraph = { n, k, indices, dist: dd };
  const rounds = opts.descentRounds ?? 1;
  for (let r = 0; r < rounds; r++)
    await localJoin(g, dist, corpus.valid, {
      token: opts.token,
      progress: report(0.8 + (0.2 * r) / rounds, 0.8 + (0.2 * (r + 1)) / rounds),
    });
  opts.progress?.(1);
  return g;
}

/**
 * Approximate kc nearest (euclidean) of every valid row of Z among the other
 * valid rows: k-means (Lloyd 1982, seeded from a sample of rows, a few
 * iterations) into ~√n cells; the rows of each cell are searched exactly among
 * the rows of the `probe` cells whose centroids are nearest its own.
 */
async function invertedFileGraph(
  Z: Matrix,
  valid: Uint8Array,
  kc: number,
  probe: number,
  seed: number,
  token: Cancellation | undefined,
  progress: Progress,
): Promise<{ indices: Int32Array }> {
  const n = Z.rows;
  const m = Z.cols;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (valid[i]) rows.push(i);
  const nv = rows.length;
  const cells = Math.max(1, Math.min(nv, Math.round(Math.sqrt(nv))));
  const indices = new Int32Array(n * kc).fill(-1);
  const validRows = Int32Array.from(rows);
  const Zv = gatherRows(Z, validRows);
  // Coarse quantiser: centroids start at seeded distinct rows; a few Lloyd steps suffice for a filter.
  const pick = sampleRows(nv, cells, seed ^ 0x1f5);
  const C = new Float32Array(cells * m);
  for (let c = 0; c < cells; c++) C.set(Zv.data.subarray(pick[c] * m, pick[c] * m + m), c * m);
  let assign: Int32Array = new Int32Array(nv);
  for (let it = 0; it < 5; it++) {
    throwIfCancelled(token);
    const near = await knnSearch(prepareCorpus({ rows: cells, cols: m, data: C }, 'euclidean'), Zv, { k: 1, token });
    assign = near.indices;
    const sum = new Float64Array(cells * m);
    const cnt = new Int32Array(cells);
    for (let t = 0; t < nv; t++) {
      const c = assign[t];
      cnt[c]++;
      for (let j = 0; j < m; j++) sum[c * m + j] += Zv.data[t * m + j];
    }
    for (let c = 0; c < cells; c++) if (cnt[c]) for (let j = 0; j < m; j++) C[c * m + j] = sum[c * m + j] / cnt[c];
    progress((0.3 * (it + 1)) / 5, 'clustering');
  }
  // Members of each cell (indices into the valid rows), in row order.
  const start = new Int32Array(cells + 1);
  for (let t = 0; t < nv; t++) start[assign[t] + 1]++;
  for (let c = 0; c < cells; c++) start[c + 1] += start[c];
  const fill = start.slice(0, cells);
  const members = new Int32Array(nv);
  for (let t = 0; t < nv; t++) members[fill[assign[t]]++] = t;
  const P = Math.min(cells, probe);
  const cellCorpus = prepareCorpus({ rows: cells, cols: m, data: C }, 'euclidean');
  const probes = await knnSearch(cellCorpus, { rows: cells, cols: m, data: C }, { k: P, token });
  for (let c = 0; c < cells; c++) {
    const q0 = start[c];
    const q1 = start[c + 1];
    if (q1 === q0) continue;
    // Candidate rows: the members of this cell and of the P − 1 cells nearest to it (its own centroid is its nearest).
    const cand: number[] = [];
    const seen = new Set<number>();
    for (const cc of [c, ...probes.indices.subarray(c * P, c * P + P)]) {
      if (cc < 0 || seen.has(cc)) continue;
      seen.add(cc);
      for (let t = start[cc]; t < start[cc + 1]; t++) cand.push(members[t]);
    }
    const candT = Int32Array.from(cand);
    const qT = members.subarray(q0, q1);
    const res = await knnSearch(prepareCorpus(gatherRows(Zv, candT), 'euclidean'), gatherRows(Zv, qT), {
      k: Math.min(kc + 1, candT.length),
      token,
    });
    for (let t = 0; t < qT.length; t++) {
      const self = qT[t];
      const i = validRows[self];
      let s = 0;
      for (let r = 0; r < res.k && s < kc; r++) {
        const j = res.indices[t * res.k + r];
        if (j < 0 || candT[j] === self) continue;
        indices[i * kc + s++] = validRows[candT[j]];
      }
    }
    if ((c & 15) === 15) {
      progress(0.3 + (0.7 * (c + 1)) / cells, 'searching cells');
      await yieldToEventLoop();
    }
  }
  return { indices };
}

/** Sort c candidates by (distance, index) and write the best k into row i of the graph. */
function keepBest(
  rowI: Int32Array,
  rowD: Float64Array,
  order: Int32Array,
  c: number,
  k: number,
  indices: Int32Array,
  dd: Float64Array,
  i: number,
): void {
  for (let t = 0; t < c; t++) order[t] = t;
  const o = order.subarray(0, c).sort((a, b) => rowD[a] - rowD[b] || rowI[a] - rowI[b]);
  const m = Math.min(k, c);
  for (let t = 0; t < m; t++) {
    indices[i * k + t] = rowI[o[t]];
    dd[i * k + t] = rowD[o[t]];
  }
}

/**
 * One NN-descent round (Dong et al. 2011, Algorithm 1, with the "new" flags
 * dropped: one round only, and forward edges only — the reverse edges of the full
 * algorithm would make a round several times dearer): every row is offered its
 * closest neighbours' closest neighbours; each new candidate is scored once in
 * the full space and inserted if it beats the row's current k-th.
 */
async function localJoin(
  g: DistanceGraph,
  dist: (i: number, j: number) => number,
  valid: Uint8Array,
  opts: { token?: Cancellation; progress?: Progress },
): Promise<void> {
  const { n, k, indices, dist: dd } = g;
  // Only the closest few neighbours feed the join: their lists are the most likely to hold
  // the row's missing neighbours, and the cost is quadratic in how many are used.
  const fan = Math.min(k, 8);
  const prevI = indices.slice();
  const seen = new Int32Array(n).fill(-1);
  let lastYield = Date.now();
  for (let i = 0; i < n; i++) {
    if (!valid[i]) continue;
    const o = i * k;
    seen[i] = i;
    for (let s = 0; s < k; s++) if (prevI[o + s] >= 0) seen[prevI[o + s]] = i;
    for (let s = 0; s < fan; s++) {
      const u = prevI[o + s];
      if (u < 0) continue;
      for (let t = 0; t < fan; t++) {
        const v = prevI[u * k + t];
        if (v < 0 || seen[v] === i) continue;
        seen[v] = i;
        insert(indices, dd, o, k, v, dist(i, v));
      }
    }
    if ((i & 1023) === 1023 && Date.now() - lastYield > 50) {
      opts.progress?.(i / n, 'refining neighbours');
      await yieldToEventLoop();
      throwIfCancelled(opts.token);
      lastYield = Date.now();
    }
  }
}

/** Insert (j, d) into the sorted row at offset o if it beats the last entry; ties by lower index. */
function insert(indices: Int32Array, dd: Float64Array, o: number, k: number, j: number, d: number): void {
  const last = o + k - 1;
  if (indices[last] >= 0 && (d > dd[last] || (d === dd[last] && j > indices[last]))) return;
  let p = last;
  while (p > o && (indices[p - 1] < 0 || d < dd[p - 1] || (d === dd[p - 1] && j < indices[p - 1]))) {
    indices[p] = indices[p - 1];
    dd[p] = dd[p - 1];
    p--;
  }
  indices[p] = j;
  dd[p] = d;
}

export interface GraphRecall {
  /** Mean share of each sampled row's exact k nearest that the graph holds. */
  recall: number;
  /** Rows sampled (all rows when n ≤ sample). */
  sample: number;
}

/**
 * The exact k nearest (knnSearch, float64 re-ranked) of a seeded sample of valid rows: the yardstick of every recall
 * here.
 */
export interface ExactSample {
  rows: Int32Array;
  k: number;
  /** rows.length × k, −1 where a row has fewer neighbours. */
  indices: Int32Array;
}

export async function exactSample(
  corpus: PreparedCorpus,
  k: number,
  sample: number,
  seed: number,
  token?: Cancellation,
): Promise<ExactSample> {
  const valid: number[] = [];
  for (let i = 0; i < corpus.valid.length; i++) if (corpus.valid[i]) valid.push(i);
  const pick = sampleRows(valid.length, sample, seed ^ 0x5eed);
  const rows = Int32Array.from(pick, (t) => valid[t]);
  const exact = await knnSearch(corpus, gatherRows(corpus.source, rows), { k, exclude: rows, token });
  return { rows, k, indices: exact.indices };
}

/** Σ|found ∩ exact| / Σ|exact| over the sample; `found(t)` lists what the method holds for sample row t. */
function recallOver(ex: ExactSample, found: (t: number) => ArrayLike<number>): number {
  let hit = 0;
  let total = 0;
  for (let t = 0; t < ex.rows.length; t++) {
    const mine = new Set<number>(Array.from(found(t)));
    for (let s = 0; s < ex.k; s++) {
      const j = ex.indices[t * ex.k + s];
      if (j < 0) continue;
      total++;
      if (mine.has(j)) hit++;
    }
  }
  return total ? hit / total : 1;
}

/** recall@k of `g` against the exact neighbours of a seeded sample of rows. */
export async function graphRecall(
  corpus: PreparedCorpus,
  g: DistanceGraph,
  k: number,
  sample: number,
  seed: number,
  token?: Cancellation,
): Promise<GraphRecall> {
  return graphRecallOn(g, await exactSample(corpus, k, sample, seed, token));
}

export function graphRecallOn(g: DistanceGraph, ex: ExactSample): GraphRecall {
  const recall = recallOver(ex, (t) => g.indices.subarray(ex.rows[t] * g.k, ex.rows[t] * g.k + ex.k));
  return { recall, sample: ex.rows.length };
}

/**
 * A pilot of the approximate graph before building it: the share of the sample's exact
 * neighbours among its `kc` nearest in the reduced space, searched exhaustively. Exact
 * re-scoring keeps every true neighbour that is among the candidates, so this is the recall
 * the re-scored graph reaches (the inverted file loses a little, the local join adds some).
 * It costs one sample-sized search (~0.1 s at 50k×64), so `auto` can refuse an approximate
 * graph that would be poor (data whose neighbours live outside the top components) before
 * paying for it.
 */
export async function reducedSpaceRecall(
  Z: Float32Array,
  m: number,
  valid: Uint8Array,
  ex: ExactSample,
  kc: number,
  token?: Cancellation,
): Promise<number> {
  const n = valid.length;
  const all: Matrix = { rows: n, cols: m, data: Z };
  const zc = prepareCorpus(all, 'euclidean');
  // Rows the full-space metric cannot use (zero under cosine) project to 0 here: mask them as there.
  for (let i = 0; i < n; i++) {
    if (valid[i]) continue;
    zc.valid[i] = 0;
    zc.bias[i] = -Infinity;
  }
  const near = await knnSearch(zc, gatherRows(all, ex.rows), { k: Math.min(kc, n - 1), exclude: ex.rows, token });
  return recallOver(ex, (t) => near.indices.subarray(t * near.k, (t + 1) * near.k));
}
