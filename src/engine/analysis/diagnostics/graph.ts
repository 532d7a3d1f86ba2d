/**
 * The k-NN graphs the diagnostics share. The exact graph is the expensive part
 * (O(n²d)), so each (rows, metric) graph is computed once at the largest k any
 * section needs and cached on the dataset; smaller k are prefixes of it
 * (rows are sorted by score, ties by lower row index, in knn.ts).
 *
 * The dot graph leaves zero rows out, as the cosine graph must: it exists only to be
 * compared with the cosine one, and a zero row (dot 0 with every row) would otherwise
 * outrank every row with a negative dot product.
 */
import type { Metric } from '../../../shared/protocol/common';
import { Matrix } from '../../core/matrix';
import { Dataset, cached } from '../../data/dataset';
import { knnGraph, prepareCorpus, PreparedCorpus } from '../../kernels/knn';
import { preparedCorpus, WorkOptions } from '../overview';

export interface Graph {
  n: number;
  k: number;
  /** n×k neighbour rows (−1 pads rows with fewer possible neighbours). */
  indices: Int32Array;
  /** n×k scores: cosine / dot similarity, or euclidean distance. */
  scores: Float64Array;
  metric: Metric;
}

interface Slot {
  k: number;
  graph: Promise<Graph>;
}

/**
 * The k-NN graph of `rows` (the dataset's own matrix when `key` is 'all') under `metric`.
 * `key` names the row set so different subsets (deduplicated, sampled) get their own cache slot.
 */
export async function neighborGraph(
  ds: Dataset,
  key: string,
  rows: Matrix,
  metric: Metric,
  k: number,
  opts: WorkOptions = {},
): Promise<Graph> {
  const kk = Math.max(1, Math.min(k, rows.rows - 1));
  const slots = cached(ds, 'diag:graphs', () => new Map<string, Slot>());
  const id = `${key}:${metric}`;
  const have = slots.get(id);
  if (have && have.k >= kk) return prefix(await have.graph, kk);
  const graph = (async (): Promise<Graph> => {
    const prepared = key === 'all' ? preparedCorpus(ds, metric) : prepareCorpus(rows, metric);
    const corpus = metric === 'dot' ? withoutZeroRows(prepared) : prepared;
    const r = await knnGraph(corpus, { k: kk, token: opts.token, progress: opts.progress });
    return { n: rows.rows, k: kk, indices: r.indices, scores: r.scores, metric };
  })();
  slots.set(id, { k: kk, graph });
  graph.catch(() => {
    if (slots.get(id)?.graph === graph) slots.delete(id);
  });
  return prefix(await graph, kk);
}

/** The corpus with its zero rows made impossible neighbours (the shared corpus itself is left as it is). */
function withoutZeroRows(c: PreparedCorpus): PreparedCorpus {
  if (!c.norms.some((v) => v === 0)) return c;
  const valid = c.valid.slice();
  const bias = c.bias.slice();
  c.norms.forEach((v, i) => {
    if (v !== 0) return;
    valid[i] = 0;
    bias[i] = -Infinity;
  });
  return { ...c, valid, bias };
}

/** The first k neighbours of every row. */
function prefix(g: Graph, k: number): Graph {
  if (k >= g.k) return g;
  const indices = new Int32Array(g.n * k);
  const scores = new Float64Array(g.n * k);
  for (let i = 0; i < g.n; i++) {
    indices.set(g.indices.subarray(i * g.k, i * g.k + k), i * k);
    scores.set(g.scores.subarray(i * g.k, i * g.k + k), i * k);
  }
  return { ...g, k, indices, scores };
}
