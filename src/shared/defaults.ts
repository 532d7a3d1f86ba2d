/**
 * The defaults that several places must agree on: the CLI's flags and help text, the
 * engine's analyses and handlers, the host's settings fallbacks and the panels' first
 * values. Each is declared here once; package.json's setting defaults mirror some of
 * them (test/unit/defaults.test.ts checks that they agree).
 */

/** Nearest neighbours per row in neighbour lists and neighbourhood statistics (setting `embeddingLens.k`). */
export const DEFAULT_K = 10;
/** Seed of every seeded sample, fold, anchor set and layout. */
export const DEFAULT_SEED = 0;
/** Similarity for nearest neighbours (setting `embeddingLens.metric`). */
export const DEFAULT_METRIC = 'cosine';
/**
 * Points a scatter draws one by one before it switches to a density view (setting `embeddingLens.scatter.maxPoints`).
 */
export const DEFAULT_SCATTER_MAX_POINTS = 200_000;

/** Compression sweep: recall@k of `queries` seeded query rows; `target` is the recall the advice aims at. */
export const COMPRESS_DEFAULTS = {
  k: DEFAULT_K,
  queries: 1000,
  target: 0.95,
  seed: DEFAULT_SEED,
  metric: DEFAULT_METRIC,
} as const;

/**
 * Two spaces and the modality gap: neighbours, Procrustes/relative-representation query rows
 * (a seeded sample above `queries`), seeded anchors, and cross-validation folds of the
 * separability classifier.
 */
export const PAIRS_DEFAULTS = {
  k: DEFAULT_K,
  queries: 10_000,
  anchors: 300,
  folds: 5,
  seed: DEFAULT_SEED,
} as const;

/** Maps: output dimensions, UMAP's neighbours and minimum distance, t-SNE's perplexity. */
export const MAP_DEFAULTS = {
  dims: 2,
  k: DEFAULT_K,
  seed: DEFAULT_SEED,
  nNeighbors: 15,
  minDist: 0.1,
  perplexity: 30,
} as const;
