/** Host ↔ webview messages of the Diagnostics panel (geometry diagnostics of one file). */
import type { DiagnoseResult } from '../protocol/diagnostics';
import { DEFAULT_K } from '../defaults';
import type { CommonFromWebview, CommonToWebview, PanelLink } from './common';

export interface DiagnosticsSettings {
  /** Neighbours for hubness and cosine vs dot. */
  k: number;
  /** 'auto': ID on euclidean distances, hubness on cosine (the CLI's defaults). */
  metric: 'auto' | 'cosine' | 'euclidean';
  /** Rows for the k-NN parts; 0 = every row (sampled automatically above 100k rows). */
  sample: number;
}

export const DIAGNOSTICS_DEFAULTS: DiagnosticsSettings = { k: DEFAULT_K, metric: 'auto', sample: 0 };

export interface DiagnosticsFile {
  name: string;
  rows: number;
  dims: number;
  /** The metadata column shown as each row's label, if any. */
  labelColumn?: string;
}

export interface PointerItem {
  row: number;
  label?: string;
}

export type DiagnosticsToWebview =
  | CommonToWebview
  /** The file and settings; sent before a run starts. */
  | { type: 'file'; file: DiagnosticsFile; settings: DiagnosticsSettings; links: PanelLink[] }
  | { type: 'running'; settings: DiagnosticsSettings }
  /** The engine's progress on the running diagnosis (percentage 0–100, current stage). */
  | { type: 'progress'; percentage?: number; message?: string }
  | { type: 'result'; result: DiagnoseResult }
  | { type: 'cancelled' }
  /** The rows that have hub `row` among their k nearest neighbours, with their labels. */
  | { type: 'hub'; row: number; label?: string; occurrence: number; pointedBy: PointerItem[]; capped: boolean };

export type DiagnosticsFromWebview =
  | CommonFromWebview
  | { type: 'run'; settings: DiagnosticsSettings }
  | { type: 'cancel' }
  | { type: 'hub'; row: number };

/** Checks settings coming from the page (a typed field can hold anything). */
export function cleanSettings(s: Partial<DiagnosticsSettings>): DiagnosticsSettings {
  const k = Number.isInteger(s.k) && (s.k as number) >= 1 ? Math.min(s.k as number, 1000) : DIAGNOSTICS_DEFAULTS.k;
  const metric = s.metric === 'cosine' || s.metric === 'euclidean' ? s.metric : 'auto';
  const sample = Number.isInteger(s.sample) && (s.sample as number) >= 2 ? (s.sample as number) : 0;
  return { k, metric, sample };
}
