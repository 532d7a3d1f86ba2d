/**
 * Geometry diagnostics: rank axes, intrinsic dimension, isotropy, hubness and
 * cosine versus dot.
 */
import type { DatasetRef, Histogram } from './common';
import { request } from './request';

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
  singularValues: Float64Array;
  rankMe: number;
  rankMeVariant: string;
  effectiveRank: number;
  effectiveRankVariant: string;
  dims90: number;
  dims95: number;
  participationRatio: number;
  /** Cumulative explained variance of the centred data (d values). */
  explainedCumulative: Float64Array;
  covarianceEigenvalues: Float64Array;
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
  cosineContributions: Float64Array;
  topContributors: { dim: number; contribution: number; share: number }[];
  isoScore: number;
  partitionIsotropy: number;
  /** Dimensions whose variance is ≥ 5× the mean per-dimension variance. */
  outlierDimensions: number[];
  /** Per-dimension variance (d values; empty when the rows were too few). */
  dimensionVariance: Float64Array;
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

interface HubInfo {
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
  perRow?: { localId: Float64Array; kOccurrence: Float64Array; norms: Float64Array };
  seconds: number;
}

export const Diagnose = request<DiagnoseParams, DiagnoseResult>('embeddingLens/diagnostics/run');
