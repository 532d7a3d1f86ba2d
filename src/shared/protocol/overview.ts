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
  /** Row-major n×2 PCA coordinates; rows with NaN/Inf get NaN. `explained`: PC1 and PC2's shares of the variance. */
  pca: { coords: Float32Array; explained: number[]; rows: number };
  /**
   * Per-row L2 norms (n values, float64 as the engine computes them; not finite for rows with NaN/Inf), for colouring.
   */
  norms: Float64Array;
}

export const Overview = request<DatasetRef, OverviewResult>('embeddingLens/overview/compute');
