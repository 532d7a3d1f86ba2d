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

export const ExportCompression = request<ExportCompressionParams, ExportCompressionResult>(
  'embeddingLens/exportCompression',
);

// ---------------------------------------------------------------------------
// Labels and pairs: modality gap, neural collapse, comparing two models (issue 7)

export interface RetrievalSummary {
  /** Share of queries whose matched item ranks first (cosine). */
  top1: number;
  /** Mean 1-based rank of the matched item. */
  meanRank: number;
}

export interface ModalityGapParams extends DatasetRef {
  /** Metadata column with the two groups (e.g. modality = image/text). */
  group: string;
  /** Column whose equal values link one row of each group (e.g. pair_id). */
  pair?: string;
  /** The two group values, when the column has more than two. */
  values?: [string, string];
}

export interface ModalityGapResult {
  column: string;
  groups: { a: { name: string; rows: number }; b: { name: string; rows: number } };
  /** Rows left out: in neither group, or NaN/Inf/zero vectors. */
  ignoredRows: number;
  /** ‖mean(x̂_A) − mean(x̂_B)‖ (Liang et al. 2022). */
  l2m: number;
  /** Relative modality gap M/(M + (I_A + I_B)/2) (Schrodi et al. 2025); null without a pair column. */
  rmg: number | null;
  /** Mean (1 − cos)/2 over matched pairs (M) and within each group over i ≠ j (I_A, I_B). */
  matchedDistance: number | null;
  intraA: number;
  intraB: number;
  /** Cross-validated logistic-regression accuracy telling the groups apart. */
  separability: number;
  separabilityDetail: { folds: number; rows: number; foldAccuracy: number[]; seed: number; C: number };
  /** Dimensions that carry the gap vector, largest |Δ| first; share = Δ_j²/‖Δ‖². */
  gapDimensions: { dim: number; delta: number; share: number }[];
  pairs: number | null;
  retrieval: { aToB: RetrievalSummary; bToA: RetrievalSummary } | null;
  /** The same retrieval after subtracting half the gap vector from A and adding it to B (re-normalised). */
  closedGap: { aToB: RetrievalSummary; bToA: RetrievalSummary } | null;
  /** Both groups in one PCA of the unit rows: n_map×2 coords, the group (0 = A, 1 = B) and dataset row of each point. */
  map: {
    coords: number[];
    group: number[];
    rows: number[];
    meanA: [number, number];
    meanB: [number, number];
    explained: number[];
  };
}

export const ModalityGap = request<ModalityGapParams, ModalityGapResult>('embeddingLens/modalityGap');

export interface NeuralCollapseParams extends DatasetRef {
  labels: string;
  /** Classifier weights, .npy C×d (row c = class c), and optional bias .npy (C). */
  weightsPath?: string;
  biasPath?: string;
  /** k of the leave-one-out k-NN accuracy. */
  k?: number;
}

export interface ClassSpread {
  name: string;
  rows: number;
  /** Mean squared distance of the class's rows to their mean (tr Σ_W^c). */
  spread: number;
  /** ‖μ_c − μ_G‖ */
  meanNorm: number;
}

export interface NeuralCollapseResult {
  column: string;
  classes: number;
  rows: number;
  dims: number;
  /** Rows without a label or with NaN/Inf values, left out. */
  ignoredRows: number;
  /** (1/C)·tr(Σ_W Σ_B⁺) (Papyan, Han & Donoho 2020). */
  nc1: number;
  withinBetweenRatio: number;
  nc2: { equinorm: number; equiangularity: number; meanCosine: number; idealCosine: number };
  ncmAccuracy: number;
  knnAccuracy: number;
  k: number;
  perClass: ClassSpread[];
  /** C×C cosines between centred class means, row-major. */
  meanCosines: number[];
  classNames: string[];
  /** Present with classifier weights. */
  nc3?: number;
  nc4?: number;
  classifierAccuracy?: number;
}

export const NeuralCollapse = request<NeuralCollapseParams, NeuralCollapseResult>('embeddingLens/neuralCollapse');

export interface CompareParams extends DatasetRef {
  /** The second file's dataset (opened with Open). */
  otherId: string;
  k?: number;
  /** Metadata column that must agree row by row (default: an id-like column both files have). */
  idColumn?: string;
  /** Rows used as anchors of the relative representations (default: a seeded sample). */
  anchors?: number[];
}

export interface CompareResult {
  rows: number;
  /** Rows with finite, non-zero vectors in both files (the others are left out of every measure). */
  usedRows: number;
  dims: [number, number];
  /** Metadata column checked for row alignment, if any. */
  idColumn: string | null;
  linearCka: number;
  debiasedCka: number;
  /** Mean |N_A ∩ N_B|/k of the k-NN sets (cosine, self excluded; Huh et al. 2024). */
  mutualKnn: number;
  k: number;
  procrustes: {
    /** Cosine retrieval of B's row i by A's row i before alignment (null when the dims differ). */
    top1Before: number | null;
    meanRankBefore: number | null;
    top1After: number;
    meanRankAfter: number;
    /** scipy.spatial.procrustes disparity: 1 − (Σσ)²/(‖X̃‖²‖Ỹ‖²) on centred data. */
    residual: number;
    /** How the two spaces were put in one: 'orthogonal' (same dims) or 'pca-orthogonal' (both reduced by their own PCA to `dims`). */
    alignment: 'orthogonal' | 'pca-orthogonal';
    alignedDims: number;
  };
  relative: { anchors: number; meanCosine: number; top1: number };
  /** Query rows of the matched retrievals (a seeded sample when the files are large), searched against all rows. */
  retrievalQueries: number;
  /** Per-row Jaccard of the two k-NN sets (NaN for rows left out). */
  jaccard: number[];
  /** 2-D PCA maps of each file (n×2 row-major). */
  mapA: number[];
  mapB: number[];
}

export const CompareSpaces = request<CompareParams, CompareResult>('embeddingLens/compareSpaces');

// ---------------------------------------------------------------------------
// Geometry diagnostics (rank axes, intrinsic dimension, isotropy, hubness, cosine vs dot)

export interface DiagnoseParams extends DatasetRef {
  /** Neighbours for hubness and the cosine-vs-dot comparison (default 10). */
  k?: number;
  /** Distance for intrinsic dimension and hubness; default: ID euclidean, hubness cosine. */
  metric?: 'cosine' | 'euclidean';
  /** Run the quadratic (k-NN) parts on this many seeded rows. */
  sample?: number;
  seed?: number;
}

export interface DiagRank {
  n: number;
  d: number;
  minND: number;
  /** Singular values of the raw X, descending (min(n, d) of them). */
  singularValues: number[];
  rankMe: number;
  rankMeVariant: string;
  effectiveRank: number;
  effectiveRankVariant: string;
  dims90: number;
  dims95: number;
  participationRatio: number;
  /** Cumulative explained variance of the centred data (d values). */
  explainedCumulative: number[];
  covarianceEigenvalues: number[];
}

export interface DiagIntrinsicDimension {
  metric: 'cosine' | 'euclidean';
  twoNN: number;
  twoNNDiscard: number;
  mle: number;
  mleK: number;
  rowsUsed: number;
  duplicatesRemoved: number;
  notes: string[];
}

export interface IsotropyPreview {
  name: string;
  components: number;
  meanCosine: number;
  isoScore: number;
  partitionIsotropy: number;
}

export interface DiagIsotropy {
  rowsUsed: number;
  zeroRowsExcluded: number;
  meanCosine: number;
  /** Per-dimension share of the mean cosine (sums to meanCosine). */
  cosineContributions: number[];
  topContributors: { dim: number; contribution: number; share: number }[];
  isoScore: number;
  partitionIsotropy: number;
  /** Dimensions whose variance is ≥ 5× the mean per-dimension variance. */
  outlierDimensions: number[];
  dimensionVariance: number[];
  previews: IsotropyPreview[];
  notes: string[];
}

export interface HubnessStats {
  skewness: number;
  robinHood: number;
  antihubShare: number;
  hubOccurrence: number;
  maxOccurrence: number;
}

export interface HubInfo {
  row: number;
  occurrence: number;
  label?: string;
  /** Rows that have this hub among their k nearest neighbours (capped). */
  pointedBy: number[];
}

export interface DiagHubness extends HubnessStats {
  k: number;
  metric: 'cosine' | 'euclidean';
  rowsUsed: number;
  /** histogram[c] = number of rows with k-occurrence c. */
  occurrenceHistogram: number[];
  topHubs: HubInfo[];
  /** After re-ranking each row's candidates by mutual proximity / CSLS. */
  mutualProximity: HubnessStats;
  csls: HubnessStats;
  candidates: number;
  notes: string[];
}

export interface NormCorrelation {
  column: string;
  spearman: number;
  rows: number;
}

export interface DiagCosineVsDot {
  normCv: number;
  normMean: number;
  normStd: number;
  zeroNorms: number;
  normQuantiles: Record<string, number>;
  normHistogram: Histogram;
  k: number;
  topkJaccard: number;
  /** Mean |cosine top-k ∩ dot top-k| / k. */
  topkOverlap: number;
  /** Mean Spearman between a query's dot and cosine scores. */
  rankCorrelation: number;
  /** Mean Jaccard of cosine top-k before/after a random diagonal rescaling (Steck et al. 2024). */
  rescaleJaccard: number;
  rescaleSigma: number;
  normCorrelations: NormCorrelation[];
  notes: string[];
}

export interface Finding {
  severity: 'info' | 'warning' | 'critical';
  section: 'data' | 'rank' | 'intrinsicDimension' | 'isotropy' | 'hubness' | 'cosineVsDot';
  title: string;
  detail: string;
}

export interface DiagnoseResult {
  file: string;
  rows: number;
  dims: number;
  /** Rows left out of everything because they hold NaN/Inf. */
  nonFiniteRows: number;
  zeroRows: number;
  duplicateRows: number;
  /** Present when the k-NN parts ran on a sample. */
  sample?: { rows: number; of: number; seed: number; sections: string[] };
  rank: DiagRank | null;
  intrinsicDimension: DiagIntrinsicDimension;
  isotropy: DiagIsotropy;
  hubness: DiagHubness;
  cosineVsDot: DiagCosineVsDot;
  findings: Finding[];
  notes: string[];
  /** Per-row values for colouring a scatter (dataset row order; NaN where undefined). */
  perRow?: { localId: number[]; kOccurrence: number[]; norms: number[] };
  seconds: number;
}

export const Diagnose = request<DiagnoseParams, DiagnoseResult>('embeddingLens/diagnose');

// ---------------------------------------------------------------------------
// Text embedding: local ONNX text models, text queries, hover neighbours (issue 6)

export interface TextModelRef {
  /** A model folder (model.onnx + tokenizer.json …), or 'builtin'/absent for the built-in GloVe model. */
  model?: string;
}

export interface TextModelInfo {
  dir: string;
  builtin: boolean;
  dims: number;
  maxLength: number;
  pooling: 'mean' | 'cls' | 'max';
  normalize: boolean;
  /** The model's single input is a string tensor: it tokenises (and pools) inside its graph; maxLength does not apply. */
  takesText?: boolean;
  /** Where each choice came from (pooling config, token limit …). */
  notes: string[];
}

export const TextModelDescribe = request<TextModelRef, TextModelInfo>('embeddingLens/text/model');

export interface EmbedTextParams extends TextModelRef {
  texts: string[];
  workDoneToken?: string | number;
}

export interface EmbedTextResult {
  dims: number;
  /** One vector per text, in order. */
  vectors: number[][];
  truncated: number;
}

export const EmbedText = request<EmbedTextParams, EmbedTextResult>('embeddingLens/text/embed');

export interface TextNeighbor extends Neighbor {
  /** The row's text/label from the dataset's metadata, when it has one. */
  text?: string;
}

export interface NeighborsOfTextParams extends DatasetRef, TextModelRef {
  text: string;
  k: number;
  metric: Metric;
}

export interface NeighborsOfTextResult {
  model: string;
  dims: number;
  neighbors: TextNeighbor[];
}

/** Embeds the text and returns the dataset's k nearest rows; a dimension mismatch is an input error naming both. */
export const NeighborsOfText = request<NeighborsOfTextParams, NeighborsOfTextResult>('embeddingLens/text/neighbors');

export interface TextColumnsParams {
  input: string;
}

export interface TextColumnsResult {
  /** .txt files have none (one item per line). */
  columns: string[];
  /** The column used when none is chosen, if the file makes it unambiguous. */
  suggested?: string;
}

export const TextColumns = request<TextColumnsParams, TextColumnsResult>('embeddingLens/text/columns');

export interface EmbedFileParams extends TextModelRef {
  input: string;
  out: string;
  textColumn?: string;
  /** Replace existing output files (the host asks the user first). */
  force?: boolean;
  workDoneToken?: string | number;
}

export interface EmbedFileResult {
  out: string;
  /** The sidecar written beside `out`: one {"text", "source_row"} JSON object per vector. */
  metadata: string;
  rows: number;
  dims: number;
  model: string;
  modelNotes: string[];
  skippedBlank: number;
  truncated: number;
  seconds: number;
  warnings: string[];
}

export const EmbedFile = request<EmbedFileParams, EmbedFileResult>('embeddingLens/text/embedFile');

export interface RowNeighborsParams extends DatasetRef {
  row: number;
  k: number;
  metric: Metric;
}

export interface RowNeighborsResult {
  row: number;
  text?: string;
  neighbors: TextNeighbor[];
  /** Engine time for the answer (the hover's budget is 150 ms). */
  ms: number;
}

/** A row's neighbours with their texts: what the metadata-file hover shows. */
export const RowNeighborsWithText = request<RowNeighborsParams, RowNeighborsResult>('embeddingLens/text/rowNeighbors');

// ---------------------------------------------------------------------------
// Projection maps: PCA, UMAP, t-SNE with quality scores (issue 5)
//
// Float arrays travel as base64 of little-endian float32 (int32 for row ids):
// a 1M-point map is 8 MB that way instead of ~20 MB of JSON digits, and NaN
// (rows with no place on the map) survives, which JSON would turn into null.

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
  /** k-NN graph: 'auto' (default) is exact up to 20k rows or below 128 dims and approximate otherwise, with its recall measured. */
  knn?: 'auto' | 'exact' | 'approx';
  /** Push every intermediate layout as a ProjectLayout notification (else poll with ProjectFrame). */
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
  /** Exact chosen by `auto`: the recall the approximate graph's candidate search reached in a pilot on `sample` rows. */
  pilotRecall?: number;
}

export interface ProjectResult {
  jobId: string;
  method: MapMethod;
  rows: number;
  dims: number;
  /** base64 float32 rows×dims; NaN for rows left out. */
  coords: string;
  /** base64 float32 per-row share of the k original neighbours kept on the map (NaN: unknown). */
  preservation: string;
  /** base64 float32 k-occurrence (how often a row is among the others' k nearest; hubs are high), when the graph was computed. */
  kOccurrence?: string;
  /** base64 int32 rows×3: each row's 3 nearest rows in the embedding space (−1: none), for hovers. */
  top3?: string;
  /** base64 float32 row L2 norms (NaN for NaN/Inf rows), for colouring. */
  norms: string;
  quality: ProjectQuality;
  /** How the k-NN graph was built; approximate graphs carry their recall@k on a seeded sample of rows. */
  knnGraph?: ProjectKnnGraph;
  skippedRows: number;
  warnings: string[];
  timings: Record<string, number>;
}

export const Project = request<ProjectParams, ProjectResult>('embeddingLens/project');

/** One intermediate layout (the first is PCA), every few hundred milliseconds. */
export interface ProjectFrame {
  jobId: string;
  /** Increases with every new layout of the job. */
  seq: number;
  stage: MapMethod;
  step: number;
  steps: number;
  dims: number;
  /** base64 float32 rows×dims. */
  coords: string;
}

export const ProjectLayout = notification<ProjectFrame>('embeddingLens/projectLayout');

export interface ProjectPollResult {
  /** Work done so far in [0, 1] and what is under way (e.g. "nearest neighbours", "UMAP: epoch 40/200"). */
  fraction: number;
  message?: string;
  /** The newest layout, when newer than `after`. */
  frame?: ProjectFrame;
}

/** Where a running job is (null when it is not running: finished, cancelled or unknown). */
export const ProjectPoll = request<{ jobId: string; after: number }, ProjectPollResult | null>(
  'embeddingLens/projectPoll',
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

export const MapSelection = request<MapSelectionParams, MapSelectionResult>('embeddingLens/mapSelection');

export interface MapSearchParams extends DatasetRef {
  text: string;
  /** Search this metadata column only (default: every text and category column). */
  column?: string;
  limit?: number;
}

export interface MapSearchResult {
  /** Matching rows (case-insensitive substring), in row order, at most `limit`. */
  rows: number[];
  total: number;
}

export const MapSearch = request<MapSearchParams, MapSearchResult>('embeddingLens/mapSearch');

export interface MapExportParams extends DatasetRef {
  jobId: string;
  file: string;
  /** Set only after the user confirmed replacing an existing file. */
  overwrite?: boolean;
}

export const MapExportCsv = request<MapExportParams, { file: string; rows: number }>('embeddingLens/mapExportCsv');
