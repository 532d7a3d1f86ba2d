/**
 * One projection of a dataset, start to finish: PCA first (shown at once and
 * used as the UMAP/t-SNE initialisation), the k-NN graph (exact, or above
 * APPROX_ABOVE_ROWS approximate with its recall measured), the UMAP or
 * t-SNE optimisation streaming intermediate layouts, then the quality scores
 * and per-row neighbourhood preservation of the final map.
 *
 * Rows that cannot be placed (NaN/Inf, or all-zero under cosine) are left out
 * of the computation and get NaN coordinates; the result says how many.
 */
import { gatherRows, Matrix } from '../../core/matrix';
import { cached, Dataset, datasetNorms } from '../../data/dataset';
import { datasetPca, preparedCorpus } from '../overview';
import { kOccurrence, prepareCorpus, PreparedCorpus } from '../../kernels/knn';
import { projectRows } from '../../kernels/pca';
import { Cancellation, InputError, Progress } from '../../util/errors';
import { distanceGraph, DistanceGraph, sliceGraph } from './graph';
import { fuzzySimplicialSet } from './fuzzy';
import { umapLayout } from './umap';
import { jointP } from './perplexity';
import { tsneLayout } from './tsne';
import { mapQuality, MapQuality, MapMetric, rowPreservation } from './quality';
import { layoutKnn } from './lowdim';
import {
  approximateGraph,
  candidateCount,
  exactSample,
  graphRecall,
  graphRecallOn,
  reducedRows,
  reducedSpaceRecall,
} from './approxGraph';
import type { ProjectKnnGraph } from '../../../shared/protocol/map';
import { MAP_DEFAULTS } from '../../../shared/defaults';

export type MapMethod = 'pca' | 'umap' | 'tsne';
export const MAP_METHODS: readonly MapMethod[] = ['pca', 'umap', 'tsne'];

export interface ProjectSettings {
  method: MapMethod;
  dims: number;
  seed: number;
  /** Neighbourhood size of the quality scores and preservation colouring. */
  k: number;
  metric: MapMetric;
  /** UMAP n_neighbors (counting the point itself, as umap-learn). */
  nNeighbors?: number;
  minDist?: number;
  perplexity?: number;
  /** UMAP epochs / t-SNE iterations (defaults follow umap-learn / scikit-learn). */
  iterations?: number;
  /** Skip per-row preservation when it would need a k-NN graph this large (PCA only). */
  maxGraphRows?: number;
  /**
   * k-NN graph: exact, approximate (PCA-reduced search + refinement, recall measured), or auto (approximate above
   * APPROX_ABOVE_ROWS).
   */
  knn?: KnnMode;
}

export type KnnMode = 'auto' | 'exact' | 'approx';
export const KNN_MODES: readonly KnnMode[] = ['auto', 'exact', 'approx'];

/** How the k-NN graph behind a map was built, and how good it is (the protocol's ProjectKnnGraph). */
type KnnGraphInfo = ProjectKnnGraph;

export interface MapResult {
  settings: ProjectSettings;
  rows: number;
  dims: number;
  /** rows×dims, NaN for rows left out. */
  coords: Float32Array;
  quality: MapQuality;
  /** Per-row share of the k original neighbours kept on the map; NaN where unknown. */
  preservation: Float32Array;
  /** How often each row is among the other rows' k nearest (hubness; NaN where unknown). */
  kOccurrence?: Float32Array;
  /** rows×3: each row's 3 nearest rows in the embedding space (−1: none), for hovers. */
  top3?: Int32Array;
  /** Rows left out (NaN/Inf, zero under cosine). */
  skippedRows: number;
  /** Absent when no graph was computed (large PCA maps). */
  knnGraph?: KnnGraphInfo;
  warnings: string[];
  timings: Record<string, number>;
}

export interface ProjectCallbacks {
  token?: Cancellation;
  progress?: Progress;
  /** Intermediate (and first: PCA) layouts, rows×dims with NaN for rows left out. */
  onLayout?: (coords: Float32Array, stage: string, step: number, steps: number) => void;
}

/**
 * PCA computes the exact k-NN graph (for preservation colouring and k-occurrence) only up to this size: ~20 s at
 * 50k×768 here, growing as n².
 */
const DEFAULT_MAX_GRAPH_ROWS = 50_000;

/**
 * `knn: 'auto'` uses the exact graph up to this many rows (2·n²·d flops: ~3 s at
 * 20k×768 here) and the approximate one above it (inverted file in 64 principal
 * components, ~n^1.5, plus a full-space re-score and local join) when d ≥ 128.
 */
const APPROX_ABOVE_ROWS = 20_000;
/** Principal components of the approximate graph's candidate search. */
const APPROX_COMPONENTS = 64;
/** Rows whose exact neighbours measure the approximate graph's recall. */
const RECALL_SAMPLE = 1000;
/**
 * `auto` builds the approximate graph only when a pilot shows its candidate search keeps at
 * least this share of the true neighbours. Learned embeddings pass easily (MNIST 0.98, CLIP
 * 0.91); data whose neighbours live outside the top components (near-isotropic clusters:
 * ~0.2) get the exact graph instead of a map built on mostly wrong neighbours.
 */
const APPROX_MIN_PILOT_RECALL = 0.8;

/** Where the pilot and the graphs of a dataset are cached. */
const graphKey = (metric: MapMetric, approx: boolean) => `projection:graph:${metric}${approx ? ':approx' : ''}`;

/**
 * The k-NN graph behind a map. Exact unless `approx` (set by the caller from the rows, dims and
 * the knn setting); then, under `auto`, a pilot on the recall sample first checks that the reduced
 * space finds enough true neighbours, and the exact graph is built when it does not.
 */
async function neighborGraph(
  ds: Dataset,
  corpus: PreparedCorpus,
  s: ProjectSettings,
  graphK: number,
  approx: boolean,
  comps: number,
  token: Cancellation | undefined,
  progress: Progress,
  timings: Record<string, number>,
): Promise<{ graph: DistanceGraph; info: KnnGraphInfo; warning?: string }> {
  const cacheOf = (a: boolean) => ({
    get: () => ds.cache.get(graphKey(s.metric, a)) as DistanceGraph | undefined,
    set: (g: DistanceGraph) => ds.cache.set(graphKey(s.metric, a), g),
  });
  const exact = async (pilot?: { recall: number; sample: number }) => {
    const t = Date.now();
    const graph = await distanceGraph(corpus, s.metric, graphK, cacheOf(false), { token, progress });
    timings.knn = (Date.now() - t) / 1000;
    if (!pilot) return { graph, info: { method: 'exact' as const, k: graphK } };
    return {
      graph,
      info: { method: 'exact' as const, k: graphK, pilotRecall: pilot.recall, sample: pilot.sample },
      warning:
        `the exact k-NN graph was computed: an approximate one would have found only ${(100 * pilot.recall).toFixed(0)}% of the true neighbours ` +
        `(pilot on ${pilot.sample.toLocaleString('en-US')} seeded rows in ${comps} principal components); the k-NN graph setting can force it`,
    };
  };
  const approximate = (graph: DistanceGraph, recall: { recall: number; sample: number }) => ({
    graph,
    info: {
      method: 'approximate' as const,
      k: graphK,
      recall: recall.recall,
      sample: recall.sample,
      components: comps,
    },
    warning:
      `the k-NN graph is approximate (recall@${graphK} ${recall.recall.toFixed(3)} against the exact neighbours of ${recall.sample.toLocaleString('en-US')} seeded rows): ` +
      `the layout, per-row preservation, k-occurrence and hover neighbours use it; the quality scores use exact neighbours`,
  });
  if (!approx) return exact();

  const pilotKey = `projection:pilot:${s.metric}:${graphK}:${s.seed}`;
  const auto = s.knn !== 'approx';
  const known = ds.cache.get(pilotKey) as { recall: number; sample: number } | undefined;
  if (auto && known && known.recall < APPROX_MIN_PILOT_RECALL) return exact(known);
  const have = cacheOf(true).get();
  if (have && have.k >= graphK) {
    const graph = sliceGraph(have, graphK);
    return approximate(graph, await graphRecall(corpus, graph, graphK, RECALL_SAMPLE, s.seed, token));
  }

  let t = Date.now();
  const pcaM = await datasetPca(ds, comps, { token });
  const ex = await exactSample(corpus, graphK, RECALL_SAMPLE, s.seed, token);
  const Z = await reducedRows(corpus, pcaM.components, pcaM.m, { token });
  if (auto) {
    const pilot = {
      recall: await reducedSpaceRecall(Z, pcaM.m, corpus.valid, ex, candidateCount(graphK, corpus.source.rows), token),
      sample: ex.rows.length,
    };
    ds.cache.set(pilotKey, pilot);
    timings.knnPilot = (Date.now() - t) / 1000;
    if (pilot.recall < APPROX_MIN_PILOT_RECALL) return exact(pilot);
  }
  t = Date.now();
  const graph = await approximateGraph(corpus, s.metric, graphK, {
    components: pcaM.components,
    m: pcaM.m,
    reduced: Z,
    seed: s.seed,
    token,
    progress,
  });
  cacheOf(true).set(graph);
  timings.knn = (Date.now() - t) / 1000;
  return approximate(graph, graphRecallOn(graph, ex));
}

function checkSettings(s: ProjectSettings, n: number, file?: string): void {
  if (!MAP_METHODS.includes(s.method))
    throw new InputError(undefined, `method must be one of ${MAP_METHODS.join(', ')}, got '${s.method}'`);
  if (s.method === 'tsne' && s.dims !== 2)
    throw new InputError(undefined, `t-SNE supports 2 dimensions only, got --dims ${s.dims}`);
  if (!(s.dims === 2 || s.dims === 3)) throw new InputError(undefined, `dims must be 2 or 3, got ${s.dims}`);
  if (!Number.isInteger(s.k) || s.k < 1) throw new InputError(undefined, `k must be a positive integer, got ${s.k}`);
  if (s.metric !== 'cosine' && s.metric !== 'euclidean')
    throw new InputError(undefined, `projections support the cosine and euclidean metrics, got '${String(s.metric)}'`);
  if (n < 4) throw new InputError(file, `has ${n} usable rows; a projection needs at least 4`);
  if (s.k >= n / 2)
    throw new InputError(file, `k = ${s.k} is too large for ${n} usable rows (the quality scores need k < n/2)`);
  if (s.knn !== undefined && !KNN_MODES.includes(s.knn))
    throw new InputError(undefined, `knn must be one of ${KNN_MODES.join(', ')}, got '${s.knn}'`);
  if (s.perplexity !== undefined && !(s.perplexity > 0 && 3 * s.perplexity < n))
    throw new InputError(file, `perplexity must be > 0 and < n/3 = ${(n / 3).toFixed(1)}, got ${s.perplexity}`);
}

export async function project(ds: Dataset, s: ProjectSettings, cb: ProjectCallbacks = {}): Promise<MapResult> {
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number) => (timings[name] = (Date.now() - since) / 1000);
  const n = ds.matrix.rows;
  const valid = usableRows(ds, s.metric);
  const warnings: string[] = [];
  const skipped = n - valid.length;
  if (skipped)
    warnings.push(
      `${skipped} row(s) with NaN/Inf${s.metric === 'cosine' ? ' or zero norm' : ''} have no place on the map`,
    );
  checkSettings(s, valid.length, ds.path);
  const work: Matrix = skipped ? gatherRows(ds.matrix, valid) : ds.matrix;
  const m = work.rows;
  const scatter = (c: Float32Array) => scatterRows(c, valid, n, s.dims, skipped > 0);
  const report =
    (a: number, b: number, label: string): Progress =>
    (f, msg) =>
      cb.progress?.(a + (b - a) * f, msg ? `${label}: ${msg}` : label);

  // 1. PCA: the first picture, and the initial layout of UMAP/t-SNE.
  let t = Date.now();
  const pca = await datasetPca(ds, s.dims, { token: cb.token, progress: report(0, 0.03, 'PCA') });
  const pcaFull = await cached(ds, `pca${s.dims}coords`, () =>
    projectRows(ds.matrix, pca.components, pca.m, { mean: pca.mean, token: cb.token }),
  );
  const pcaWork = skipped ? gatherFlat(pcaFull, valid, s.dims) : pcaFull;
  lap('pca', t);
  cb.onLayout?.(scatter(pcaWork), 'pca', 0, 1);

  // 2. The k-NN graph (exact, or approximate with measured recall), shared by the method and the preservation
  // colouring.
  const graphK = graphNeighbors(s, m);
  let graph: DistanceGraph | undefined;
  let knnInfo: KnnGraphInfo | undefined;
  if (s.method !== 'pca' || m <= (s.maxGraphRows ?? DEFAULT_MAX_GRAPH_ROWS)) {
    const corpus = skipped ? prepareCorpus(work, s.metric) : preparedCorpus(ds, s.metric);
    const comps = Math.min(APPROX_COMPONENTS, ds.matrix.cols);
    // auto: approximate only where it pays: many rows, and at least twice the reduced space's dims
    // (GloVe 50k×100: recall@14 0.80 from 64 of 100 dims; 768-d data gains far more time).
    const d = ds.matrix.cols;
    const approx =
      comps < d &&
      (s.knn === 'approx' || ((s.knn ?? 'auto') === 'auto' && m > APPROX_ABOVE_ROWS && d >= 2 * APPROX_COMPONENTS));
    const built = await neighborGraph(
      ds,
      corpus,
      s,
      graphK,
      approx,
      comps,
      cb.token,
      report(0.03, 0.4, approx ? 'approximate nearest neighbours' : 'nearest neighbours'),
      timings,
    );
    graph = built.graph;
    knnInfo = built.info;
    if (built.warning) warnings.push(built.warning);
  } else {
    warnings.push(
      `per-row neighbourhood preservation needs the exact k-NN graph, which is not computed for PCA above ${(s.maxGraphRows ?? DEFAULT_MAX_GRAPH_ROWS).toLocaleString('en-US')} rows`,
    );
  }

  // 3. The layout itself.
  t = Date.now();
  let coords: Float32Array;
  const onStep = (c: Float32Array, step: number, steps: number) => cb.onLayout?.(scatter(c), s.method, step, steps);
  if (s.method === 'umap') {
    const nn = Math.min(m - 1, (s.nNeighbors ?? MAP_DEFAULTS.nNeighbors) - 1);
    const g = sliceGraph(graph!, nn);
    const fs = await fuzzySimplicialSet(g.indices, g.dist, m, nn, cb.token);
    coords = await umapLayout(fs, {
      dims: s.dims,
      init: pcaWork,
      seed: s.seed,
      nEpochs: s.iterations,
      minDist: s.minDist,
      onLayout: onStep,
      token: cb.token,
      progress: report(0.4, 0.9, 'UMAP'),
    });
  } else if (s.method === 'tsne') {
    const perp = s.perplexity ?? MAP_DEFAULTS.perplexity;
    const kk = Math.min(m - 1, Math.floor(3 * perp + 1));
    const g = sliceGraph(graph!, kk);
    // scikit-learn squares euclidean distances before calibrating, and uses other metrics as they are.
    const d = s.metric === 'euclidean' ? g.dist.map((v) => v * v) : g.dist;
    const P = jointP(g.indices, d, m, kk, perp);
    coords = await tsneLayout(P, {
      init: pcaWork,
      nIter: s.iterations,
      onLayout: onStep,
      token: cb.token,
      progress: report(0.4, 0.9, 't-SNE'),
    });
  } else {
    coords = pcaWork;
  }
  lap(s.method === 'pca' ? 'layout' : s.method, t);

  // 4. How much to trust it.
  t = Date.now();
  const quality = await mapQuality(work, coords, s.dims, {
    k: s.k,
    metric: s.metric,
    seed: s.seed,
    token: cb.token,
    progress: report(0.9, 0.98, 'quality'),
  });
  if (quality.sampleRows < m)
    warnings.push(
      `quality scores are averaged over a seeded sample of ${quality.sampleRows.toLocaleString('en-US')} of ${m.toLocaleString('en-US')} rows`,
    );
  let pres: Float32Array = new Float32Array(m).fill(NaN);
  if (graph) pres = rowPreservation(graph.indices, graph.k, layoutKnn(coords, m, s.dims, s.k), s.k, m);
  const extras = graph ? graphExtras(graph, s.k, valid, n) : undefined;
  lap('quality', t);
  timings.total = (Date.now() - t0) / 1000;
  cb.progress?.(1);
  return {
    settings: s,
    rows: n,
    dims: s.dims,
    coords: scatter(coords),
    quality,
    preservation: skipped ? scatterRows(pres, valid, n, 1, true) : pres,
    ...extras,
    skippedRows: skipped,
    knnGraph: knnInfo,
    warnings,
    timings,
  };
}

/** k of the graph a method needs: max(quality k, UMAP n_neighbors − 1, t-SNE 3·perplexity + 1). */
function graphNeighbors(s: ProjectSettings, m: number): number {
  let k = s.k;
  if (s.method === 'umap') k = Math.max(k, (s.nNeighbors ?? MAP_DEFAULTS.nNeighbors) - 1);
  if (s.method === 'tsne') k = Math.max(k, Math.floor(3 * (s.perplexity ?? MAP_DEFAULTS.perplexity) + 1));
  return Math.min(k, m - 1);
}

/**
 * k-occurrence N_k(x) (kernels/knn.ts) and each row's 3 nearest, both in the original
 * row numbering (rows left out: NaN / −1); the graph's rows are the `valid` rows.
 */
function graphExtras(
  g: DistanceGraph,
  k: number,
  valid: Int32Array,
  n: number,
): { kOccurrence: Float32Array; top3: Int32Array } {
  const occ = kOccurrence(g.indices, g.k, g.n, Math.min(k, g.k));
  const perRow = new Float32Array(n).fill(NaN);
  for (let t = 0; t < g.n; t++) perRow[valid[t]] = occ[t];
  const top3 = new Int32Array(n * 3).fill(-1);
  for (let t = 0; t < g.n; t++) {
    for (let s = 0; s < Math.min(3, k, g.k); s++) {
      const j = g.indices[t * g.k + s];
      if (j >= 0) top3[valid[t] * 3 + s] = valid[j];
    }
  }
  return { kOccurrence: perRow, top3 };
}

function usableRows(ds: Dataset, metric: MapMetric): Int32Array {
  const norms = datasetNorms(ds);
  const out: number[] = [];
  for (let i = 0; i < norms.length; i++)
    if (Number.isFinite(norms[i]) && (metric !== 'cosine' || norms[i] > 0)) out.push(i);
  return Int32Array.from(out);
}

function gatherFlat(c: Float32Array, rows: Int32Array, dims: number): Float32Array {
  const out = new Float32Array(rows.length * dims);
  for (let t = 0; t < rows.length; t++) for (let j = 0; j < dims; j++) out[t * dims + j] = c[rows[t] * dims + j];
  return out;
}

/** Back to all n rows, NaN for the rows left out. */
function scatterRows(c: Float32Array, rows: Int32Array, n: number, dims: number, needed: boolean): Float32Array {
  if (!needed) return c;
  const out = new Float32Array(n * dims).fill(NaN);
  for (let t = 0; t < rows.length; t++) for (let j = 0; j < dims; j++) out[rows[t] * dims + j] = c[t * dims + j];
  return out;
}
