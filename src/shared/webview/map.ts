/**
 * Host ↔ webview messages of the Map panel (PCA / UMAP / t-SNE with quality
 * scores). Per-row arrays are typed arrays, posted as they are (postMessage keeps
 * typed arrays and their NaN).
 */
import type { ColumnInfo, ColumnKind } from '../protocol/common';
import type { MapMethod, MapSelectionResult, ProjectResult } from '../protocol/map';
import type { CommonFromWebview, CommonToWebview, PanelLink } from './common';

export interface MapSettings {
  method: MapMethod;
  seed: number;
  k: number;
  metric: 'cosine' | 'euclidean';
  /** Above this many points the map is a density heatmap, with points where the user zooms. */
  maxPoints: number;
  /**
   * In the density view, at most this many points are drawn in the zoomed view (default 12,000; sampled evenly, and the
   * panel says so).
   */
  viewPoints?: number;
}

export interface MapInit {
  name: string;
  rows: number;
  dims: number;
  columns: ColumnInfo[];
  labelColumn?: string;
  /** The label column's values, for hovers and search results. */
  labels?: (string | null)[];
  settings: MapSettings;
  links: PanelLink[];
}

export type MapToWebview =
  | CommonToWebview
  | { type: 'init'; init: MapInit }
  /** A job started: the map shows its layouts as they come. */
  | { type: 'started'; jobId: string; method: MapMethod }
  | { type: 'progress'; jobId: string; fraction: number; message?: string }
  | {
      type: 'layout';
      jobId: string;
      stage: MapMethod;
      step: number;
      steps: number;
      dims: number;
      coords: Float32Array;
    }
  | { type: 'result'; result: ProjectResult }
  | { type: 'stopped'; jobId: string; reason: 'cancelled' | 'failed'; message?: string }
  | { type: 'color'; column: string; kind: ColumnKind; values: (string | number | null)[] }
  | { type: 'selection'; rows: number; result: MapSelectionResult }
  | { type: 'search'; text: string; rows: Int32Array; total: number }
  | { type: 'exported'; what: 'png' | 'svg' | 'csv'; file: string };

export type MapFromWebview =
  | CommonFromWebview
  | { type: 'compute'; method: MapMethod; seed: number; k: number; metric: 'cosine' | 'euclidean' }
  | { type: 'cancel' }
  | { type: 'colorBy'; column: string }
  /** `column`: the categorical column the map is coloured by, whose mix the summary counts. */
  | { type: 'select'; rows: number[]; column?: string }
  | { type: 'search'; text: string }
  | { type: 'exportImage'; format: 'png' | 'svg'; dataUrl: string }
  | { type: 'exportCsv'; jobId: string };
