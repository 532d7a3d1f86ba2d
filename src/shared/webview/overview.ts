/** Host ↔ webview messages of the overview panel (the custom editor for .npy/.parquet). */
import type { ColumnKind, Metric } from '../protocol/common';
import type { OverviewResult } from '../protocol/overview';
import type { CommonFromWebview, CommonToWebview, PanelLink } from './common';

export interface NeighborItem {
  row: number;
  score: number;
  /** The row's label (text column) when there is metadata. */
  label?: string;
  meta?: Record<string, string | number | null>;
}

export interface OverviewSettings {
  metric: Metric;
  k: number;
  maxPoints: number;
}

export type OverviewToWebview =
  | CommonToWebview
  | {
      type: 'overview';
      data: OverviewResult;
      settings: OverviewSettings;
      labels?: (string | null)[];
      links: PanelLink[];
    }
  | { type: 'neighbors'; row: number; label?: string; metric: Metric; k: number; items: NeighborItem[] }
  | { type: 'color'; column: string; kind: ColumnKind; values: (string | number | null)[] };

export type OverviewFromWebview =
  | CommonFromWebview
  | { type: 'selectRow'; row: number; metric: Metric; k: number }
  | { type: 'colorBy'; column: string }
  | { type: 'chooseMetadata' };
