/**
 * The exact k-NN graph a projection starts from (knn.ts `knnGraph`: self
 * excluded, ascending distance, ties by lower index), cached per dataset and
 * metric at the largest k asked so UMAP (k = 14), t-SNE (k = 90) and the quality
 * scores (k = 10) share one GEMM pass whenever the larger one ran first.
 */
import { knnGraph, PreparedCorpus } from '../../kernels/knn';
import { Cancellation, Progress } from '../../util/errors';
import type { MapMetric } from './quality';

export interface DistanceGraph {
  n: number;
  k: number;
  indices: Int32Array;
  /** Distances: 1 − cos for cosine, euclidean distance otherwise. */
  dist: Float64Array;
}

export interface GraphCache {
  get(): DistanceGraph | undefined;
  set(g: DistanceGraph): void;
}

export async function distanceGraph(
  corpus: PreparedCorpus,
  metric: MapMetric,
  k: number,
  cache: GraphCache,
  opts: { token?: Cancellation; progress?: Progress } = {},
): Promise<DistanceGraph> {
  const have = cache.get();
  if (have && have.k >= k) return sliceGraph(have, k);
  const res = await knnGraph(corpus, { k, token: opts.token, progress: opts.progress });
  const n = corpus.source.rows;
  const dist = new Float64Array(res.scores.length);
  for (let t = 0; t < dist.length; t++) {
    const s = res.scores[t];
    // Cosine similarity → distance; float rounding can push 1 − cos a hair below 0.
    dist[t] = metric === 'cosine' ? Math.max(0, 1 - s) : s;
  }
  const g: DistanceGraph = { n, k: res.k, indices: res.indices, dist };
  cache.set(g);
  return g;
}

/** The first k columns of a wider graph (same rows, same order). */
export function sliceGraph(g: DistanceGraph, k: number): DistanceGraph {
  if (g.k === k) return g;
  const indices = new Int32Array(g.n * k);
  const dist = new Float64Array(g.n * k);
  for (let i = 0; i < g.n; i++) {
    indices.set(g.indices.subarray(i * g.k, i * g.k + k), i * k);
    dist.set(g.dist.subarray(i * g.k, i * g.k + k), i * k);
  }
  return { n: g.n, k, indices, dist };
}
