/** The nearest rows of one row of a dataset. */
import type { DatasetRef, Metric, Neighbor } from './common';
import { request } from './request';

export interface NeighborsParams extends DatasetRef {
  row: number;
  k: number;
  metric: Metric;
}

export interface NeighborsResult {
  neighbors: Neighbor[];
}

export const Neighbors = request<NeighborsParams, NeighborsResult>('embeddingLens/neighbors/ofRow');
