/**
 * Maps: PCA, UMAP, t-SNE with quality scores, streamed while they improve;
 * selection summaries, metadata search and the coordinates export.
 *
 * Per-row arrays are typed arrays (float32 as the engine holds the layouts, int32
 * row ids); on the wire they keep their bytes (src/shared/wire.ts), so NaN (rows
 * with no place on the map) survives.
 */
import type { DatasetRef } from './common';
import { notification, request } from './request';

export type MapMethod = 'pca' | 'umap' | 'tsne';

export interface ProjectParams extends DatasetRef {
  /** Chosen by the host; keys the streamed layouts and later requests (export). */
  jobId: string;
  method: MapMethod;
  /** 2 or 3 (t-SNE: 2). */
  dims: number;
  seed: number;
  /** Neighbourhood size of the quality scores and per-row preservation. */
  k: number;
  metric: 'cosine' | 'euclidean';
  nNeighbors?: number;
  minDist?: number;
  perplexity?: number;
  iterations?: number;
  /**
   * k-NN graph: 'auto' (default) is exact up to 20k rows or below 128 dims and approximate otherwise, with its recall
   * measured.
   */
  knn?: 'auto' | 'exact' | 'approx';
  /** Push every intermediate layout as a ProjectLayout notification (else poll with ProjectPoll). */
  notify?: boolean;
}

export interface ProjectQuality {
  k: number;
  trustworthiness: number;
  continuity: number;
  knnRecall: number;
  /** Rows the scores were averaged over: < rows means a seeded sample (the panel says so). */
  sampleRows: number;
  rows: number;
}

export interface ProjectKnnGraph {
  method: 'exact' | 'approximate';
  k: number;
  /** Approximate: recall@k against the exact neighbours of `sample` seeded rows. */
  recall?: number;
  sample?: number;
  components?: number;
  /**
   * Exact chosen by `auto`: the recall the approximate graph's candidate search reached in a pilot on `sample` rows.
   */
  pilotRecall?: number;
}

export interface ProjectResult {
  jobId: string;
  method: MapMethod;
  rows: number;
  dims: number;
  /** rows×dims, row-major; NaN for rows left out. */
  coords: Float32Array;
  /** Per-row share of the k original neighbours kept on the map (NaN: unknown). */
  preservation: Float32Array;
  /** k-occurrence (how often a row is among the others' k nearest; hubs are high), when the graph was computed. */
  kOccurrence?: Float32Array;
  /** rows×3: each row's 3 nearest rows in the embedding space (−1: none), for hovers. */
  top3?: Int32Array;
  /** Row L2 norms (not finite for rows with NaN/Inf), for colouring. */
  norms: Float32Array;
  quality: ProjectQuality;
  /** How the k-NN graph was built; approximate graphs carry their recall@k on a seeded sample of rows. */
  knnGraph?: ProjectKnnGraph;
  skippedRows: number;
  warnings: string[];
  timings: Record<string, number>;
}

export const Project = request<ProjectParams, ProjectResult>('embeddingLens/map/project');

/** One intermediate layout (the first is PCA), every few hundred milliseconds. */
export interface ProjectFrame {
  jobId: string;
  /** Increases with every new layout of the job. */
  seq: number;
  stage: MapMethod;
  step: number;
  steps: number;
  dims: number;
  /** rows×dims, row-major. */
  coords: Float32Array;
}

/**
 * Sent only when Project asked with `notify`: for clients that want every layout. The Map panel
 * polls instead (ProjectPoll), which hands over only the newest one.
 */
export const ProjectLayout = notification<ProjectFrame>('embeddingLens/map/layout');

export interface ProjectPollResult {
  /** Work done so far in [0, 1] and what is under way (e.g. "nearest neighbours", "UMAP: epoch 40/200"). */
  fraction: number;
  message?: string;
  /** The newest layout, when newer than `after`. */
  frame?: ProjectFrame;
}

/** Where a running job is (null when it is not running: finished, cancelled or unknown). */
export const ProjectPoll = request<{ jobId: string; after: number }, ProjectPollResult | null>(
  'embeddingLens/map/poll',
);

export interface MapSelectionParams extends DatasetRef {
  rows: number[];
  /** How many rows nearest the selection's centroid (outside it) to return. */
  k: number;
  metric: 'cosine' | 'euclidean';
  /** Column whose value mix to count (default: the label column). */
  column?: string;
}

export interface MapSelectionResult {
  count: number;
  metric: 'cosine' | 'euclidean';
  column?: string;
  /** Most frequent values first (at most 12, then "other"). */
  mix: { value: string; count: number }[];
  /** Nearest rows to the selection's centroid, outside the selection. */
  neighbors: { row: number; score: number; label?: string }[];
}

export const MapSelection = request<MapSelectionParams, MapSelectionResult>('embeddingLens/map/selection');

export interface MapSearchParams extends DatasetRef {
  text: string;
  /** Search this metadata column only (default: every text and category column). */
  column?: string;
  limit?: number;
}

export interface MapSearchResult {
  /** Matching rows (case-insensitive substring), in row order, at most `limit`. */
  rows: Int32Array;
  total: number;
}

export const MapSearch = request<MapSearchParams, MapSearchResult>('embeddingLens/map/search');

export interface MapExportParams extends DatasetRef {
  jobId: string;
  file: string;
  /** Set only after the user confirmed replacing an existing file. */
  overwrite?: boolean;
}

export interface MapExportResult {
  file: string;
  rows: number;
}

/** Writes the finished map's coordinates (with the metadata) as CSV or Parquet, by the file's extension. */
export const ExportCoords = request<MapExportParams, MapExportResult>('embeddingLens/map/export');
