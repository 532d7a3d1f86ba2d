/**
 * Labels and pairs: the modality gap between two groups of rows, neural
 * collapse of labelled features, and comparing two embedding files row by row.
 */
import type { DatasetRef } from './common';
import { request } from './request';

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
  /**
   * Both groups in one PCA of the unit rows: n_map×2 coords, the group (0 = A, 1 = B) and dataset row of each point.
   */
  map: {
    coords: Float32Array;
    group: Uint8Array;
    rows: Int32Array;
    meanA: [number, number];
    meanB: [number, number];
    explained: number[];
  };
}

export const ModalityGap = request<ModalityGapParams, ModalityGapResult>('embeddingLens/pairs/gap');

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
  meanCosines: Float64Array;
  classNames: string[];
  /** Present with classifier weights. */
  nc3?: number;
  nc4?: number;
  classifierAccuracy?: number;
}

export const NeuralCollapse = request<NeuralCollapseParams, NeuralCollapseResult>('embeddingLens/pairs/collapse');

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
    /**
     * How the two spaces were put in one: 'orthogonal' (same dims) or 'pca-orthogonal' (both reduced by their own PCA
     * to `dims`).
     */
    alignment: 'orthogonal' | 'pca-orthogonal';
    alignedDims: number;
  };
  relative: { anchors: number; meanCosine: number; top1: number };
  /** Query rows of the matched retrievals (a seeded sample when the files are large), searched against all rows. */
  retrievalQueries: number;
  /** Per-row Jaccard of the two k-NN sets (NaN for rows left out). */
  jaccard: Float64Array;
  /** 2-D PCA maps of each file (n×2 row-major; NaN for rows with NaN/Inf). */
  mapA: Float32Array;
  mapB: Float32Array;
}

export const Compare = request<CompareParams, CompareResult>('embeddingLens/pairs/compare');
