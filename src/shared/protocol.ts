/**
 * The host ↔ engine channel: every custom request the engine answers, with its
 * parameter and result types, declared once. Both sides import these constants;
 * neither spells a method name as a string anywhere else.
 *
 * Pure TypeScript on purpose (no vscode, no node imports): the webview-free
 * `src/shared` folder is compiled into both the extension host and the engine.
 */

export type Metric = 'cosine' | 'dot' | 'euclidean';
export const METRICS: readonly Metric[] = ['cosine', 'dot', 'euclidean'];

/** A typed request: the phantom fields carry the payload types to both ends. */
export interface RequestDef<P, R> {
  readonly method: string;
  /** Never set; only here so TypeScript keeps P and R attached to the constant. */
  readonly _types?: [P, R];
}
function request<P, R>(method: string): RequestDef<P, R> {
  return { method };
}

/** A typed notification the engine sends to the host (no response). */
export interface NotificationDef<P> {
  readonly method: string;
  readonly _types?: P;
}
function notification<P>(method: string): NotificationDef<P> {
  return { method };
}

// ---------------------------------------------------------------------------
// Datasets

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

/** Where a value came from in the metadata table. */
export type ColumnKind = 'text' | 'category' | 'number';

export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  /** For categories: the distinct values, most frequent first (capped). */
  categories?: string[];
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
export interface OpenNeedsChoice {
  needsChoice: 'column' | 'flatten';
  path: string;
  message: string;
  options: string[];
}

export type OpenResult = { dataset: DatasetInfo } | OpenNeedsChoice;

export const Open = request<OpenParams, OpenResult>('embeddingLens/open');

export interface DatasetRef {
  datasetId: string;
  workDoneToken?: string | number;
}

export const Close = request<DatasetRef, void>('embeddingLens/close');

// ---------------------------------------------------------------------------
// Overview

export interface NormStats {
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation over finite rows. */
  std: number;
  /** std / mean. */
  cv: number;
}

export interface Histogram {
  /** Bin edges, length bins + 1. */
  edges: number[];
  counts: number[];
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

export const Overview = request<DatasetRef, OverviewResult>('embeddingLens/overview');

// ---------------------------------------------------------------------------
// Neighbours

export interface Neighbor {
  row: number;
  /** Cosine similarity, dot product, or euclidean distance. */
  score: number;
}

export interface NeighborsParams extends DatasetRef {
  row: number;
  k: number;
  metric: Metric;
}

export interface NeighborsResult {
  neighbors: Neighbor[];
}

export const Neighbors = request<NeighborsParams, NeighborsResult>('embeddingLens/neighbors');

export interface MetadataRowsParams extends DatasetRef {
  rows: number[];
}

export interface MetadataRowsResult {
  columns: string[];
  /** One entry per requested row: the values in `columns` order. */
  values: (string | number | null)[][];
}

export const MetadataRows = request<MetadataRowsParams, MetadataRowsResult>('embeddingLens/metadataRows');

export interface ColumnValuesParams extends DatasetRef {
  column: string;
}

export interface ColumnValuesResult {
  column: string;
  kind: ColumnKind;
  /** n values; categories are given as strings. */
  values: (string | number | null)[];
}

export const ColumnValues = request<ColumnValuesParams, ColumnValuesResult>('embeddingLens/columnValues');

// ---------------------------------------------------------------------------
// Engine health

export interface PingResult {
  pid: number;
  threads: number;
  uptimeMs: number;
  datasets: number;
}

export const Ping = request<void, PingResult>('embeddingLens/ping');

/** Engine-wide settings the host pushes on start and when the user changes them. */
export interface EngineSettings {
  threads: number;
}

export const Configure = request<EngineSettings, void>('embeddingLens/configure');

/** The engine tells the host a dataset it holds was dropped (e.g. file changed on disk). */
export const DatasetDropped = notification<{ datasetId: string; reason: string }>('embeddingLens/datasetDropped');

// ---------------------------------------------------------------------------
// Compression explorer (issue 8)

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
  /** Mean over queries of |exact top-k ∩ compressed top-k| / k (self excluded). */
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

export const Compress = request<CompressParams, CompressResult>('embeddingLens/compress');

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

export const ExportCompression = request<ExportCompressionParams, ExportCompressionResult>('embeddingLens/exportCompression');
