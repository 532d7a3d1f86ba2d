/** The overview of one file: shape, bad rows, duplicates, row norms and an exact 2-D PCA map. */
import type { DatasetRef, Histogram } from './common';
import type { DatasetInfo } from './datasets';
import { request } from './request';

export interface NormStats {
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation over finite rows. */
  std: number;
  /** std / mean. */
  cv: number;
}

export interface InspectResult {
  rows: number;
  dims: number;
  dtype: string;
  nanRows: number;
  zeroRows: number;
  duplicateRows: number;
  norm: NormStats;
}

export interface OverviewResult {
  dataset: DatasetInfo;
  inspect: InspectResult;
  normHistogram: Histogram;
  /** Row-major n×2 PCA coordinates, as a plain array (JSON). Rows with NaN get NaN. */
  pca: { coords: number[]; explained: number[]; rows: number };
  /** Per-row L2 norms (n numbers), for colouring and the histogram. */
  norms: number[];
}

export const Overview = request<DatasetRef, OverviewResult>('embeddingLens/overview/compute');
