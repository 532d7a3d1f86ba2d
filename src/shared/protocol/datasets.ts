/** Opening and closing embedding files in the engine, and reading their metadata table. */
import type { ColumnInfo, ColumnKind, DatasetRef } from './common';
import { request } from './request';

export interface OpenParams {
  path: string;
  /** Sidecar metadata file; when absent the engine looks for one with the same stem. */
  metaPath?: string;
  /** Parquet: name of the embedding column (or comma-separated numeric columns). */
  column?: string;
  /** 3-D .npy: flatten all leading axes into rows. */
  flattenLeading?: boolean;
  /**
   * Work-done progress token created by the host (LSP `window/workDoneProgress`),
   * so long opens show a progress bar.
   */
  workDoneToken?: string | number;
}

export interface DatasetInfo {
  id: string;
  path: string;
  /** File the vectors were read from and, when separate, where the metadata came from. */
  metaPath?: string;
  format: 'npy' | 'parquet';
  rows: number;
  dims: number;
  /** Source dtype as written in the file, e.g. '<f4', '>f8', 'float', 'double'. */
  dtype: string;
  fileBytes: number;
  /** Bytes the engine holds for this dataset (matrix plus caches). */
  memoryBytes: number;
  /** Parquet embedding column, when one was used. */
  column?: string;
  columns: ColumnInfo[];
  /** The metadata column most suited to labels in hovers and tables. */
  labelColumn?: string;
  warnings: string[];
}

/**
 * The engine asks the host to choose when the file alone is ambiguous.
 * The host answers by calling Open again with the choice filled in.
 */
interface OpenNeedsChoice {
  needsChoice: 'column' | 'flatten';
  path: string;
  message: string;
  options: string[];
}

export type OpenResult = { dataset: DatasetInfo } | OpenNeedsChoice;

export const Open = request<OpenParams, OpenResult>('embeddingLens/datasets/open');

export const Close = request<DatasetRef, void>('embeddingLens/datasets/close');

export interface MetadataRowsParams extends DatasetRef {
  rows: number[];
}

export interface MetadataRowsResult {
  columns: string[];
  /** One entry per requested row: the values in `columns` order. */
  values: (string | number | null)[][];
}

export const MetadataRows = request<MetadataRowsParams, MetadataRowsResult>('embeddingLens/datasets/metadataRows');

export interface ColumnValuesParams extends DatasetRef {
  column: string;
}

export interface ColumnValuesResult {
  column: string;
  kind: ColumnKind;
  /** n values; categories are given as strings. */
  values: (string | number | null)[];
}

export const ColumnValues = request<ColumnValuesParams, ColumnValuesResult>('embeddingLens/datasets/columnValues');
