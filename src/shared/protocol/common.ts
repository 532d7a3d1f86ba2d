/**
 * Types several features' requests share. A type only one feature uses lives
 * in that feature's module.
 */

export type Metric = 'cosine' | 'dot' | 'euclidean';
export const METRICS: readonly Metric[] = ['cosine', 'dot', 'euclidean'];

/** Names a dataset the engine holds (from datasets/open); most requests take one. */
export interface DatasetRef {
  datasetId: string;
  workDoneToken?: string | number;
}

export interface Histogram {
  /** Bin edges, length bins + 1. */
  edges: number[];
  counts: number[];
}

/** Where a value came from in the metadata table. */
export type ColumnKind = 'text' | 'category' | 'number';

export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  /** For categories: the distinct values, most frequent first (capped). */
  categories?: string[];
}

export interface Neighbor {
  row: number;
  /** Cosine similarity, dot product, or euclidean distance. */
  score: number;
}
