/**
 * The Compression Explorer: recall@k, memory and query time of each way of
 * storing the vectors, and the export of the chosen one.
 */
import type { DatasetRef, Metric } from './common';
import { request } from './request';

/**
 * How a vector is stored: float32 (baseline), PCA to m dims, prefix truncation
 * (Matryoshka), per-dimension int8 scalar quantisation (scored on dequantised
 * values), PCA then int8, binary sign codes (Hamming), binary + float rescoring.
 */
export type CompressionMethod = 'float32' | 'pca' | 'truncate' | 'int8' | 'pca+int8' | 'binary' | 'binary+rescore';

export interface CompressionConfig {
  method: CompressionMethod;
  /** Dimensions kept (d for float32, int8 and binary). */
  dims: number;
  /** binary+rescore: the top rescore×k Hamming candidates are re-scored in float. */
  rescore?: number;
}

export interface CompressionPoint extends CompressionConfig {
  /** Bits per stored dimension (32, 8 or 1). */
  bits: number;
  bytesPerVector: number;
  /** rows × bytesPerVector plus what the codec keeps (PCA mean + components, int8 ranges). */
  indexBytes: number;
  /**
   * Mean over queries of |exact top-k ∩ compressed top-k| / |exact top-k| (self excluded); the
   * exact list has k rows, as k ≤ usable rows − 1 (docs/definitions.md, "Compression explorer").
   */
  recall: number;
  /** Compressed search time of the query sample / full-precision time, measured in the same run. */
  queryTimeRatio: number;
  querySeconds: number;
  meetsTarget: boolean;
  /** How the query time was measured, when it is not a dedicated kernel. */
  note?: string;
}

export interface CompressParams extends DatasetRef {
  k?: number;
  queries?: number;
  target?: number;
  seed?: number;
  metric?: Metric;
  /** Dimension sweep for PCA / truncation / PCA+int8 (default 8, 16, 32, … below d). */
  dims?: number[];
  /** Rescoring factors for binary codes (default 4 and 10). */
  rescore?: number[];
}

export interface CompressResult {
  rows: number;
  dims: number;
  metric: Metric;
  k: number;
  queries: number;
  seed: number;
  target: number;
  /** Full-precision search time of the query sample (the denominator of every ratio). */
  fullQuerySeconds: number;
  results: CompressionPoint[];
  /** The smallest configuration (bytes per vector) that meets the target recall; null when none does. */
  recommended: CompressionPoint | null;
  seconds: number;
  warnings: string[];
}

export const Compress = request<CompressParams, CompressResult>('embeddingLens/compression/sweep');

/** Where to write each exported array; only the files named are written. */
export interface CompressionExportFiles {
  /** The compressed matrix: float32 (pca, truncate), uint8 codes (int8, pca+int8), packed bits (binary). */
  matrix?: string;
  /** PCA mean, shape (d,), float64. */
  pcaMean?: string;
  /** PCA components, shape (m, d), float64, rows by decreasing variance. */
  pcaComponents?: string;
  /** int8 offsets (per-dimension minimum), shape (dims,), float64: x ≈ offset + scale · code. */
  int8Offset?: string;
  /** int8 scales, shape (dims,), float64. */
  int8Scale?: string;
}

export interface ExportCompressionParams extends DatasetRef {
  config: CompressionConfig;
  files: CompressionExportFiles;
  /** Replace existing files; the host sets it only after the user confirmed. */
  overwrite?: boolean;
}

export interface ExportedArray {
  role: keyof CompressionExportFiles;
  path: string;
  shape: number[];
  dtype: string;
}

export interface ExportCompressionResult {
  written: ExportedArray[];
}

export const ExportCompression = request<ExportCompressionParams, ExportCompressionResult>(
  'embeddingLens/compression/export',
);
