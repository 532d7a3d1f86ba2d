/** Host ↔ webview messages of the "Search by Text" panel. */
import type { Metric } from '../protocol/common';
import type { TextModelInfo, TextNeighbor } from '../protocol/text';
import type { CommonFromWebview, CommonToWebview } from './common';

export interface TextPanelFile {
  name: string;
  rows: number;
  dims: number;
  /** The metadata column shown as each row's text, if any. */
  labelColumn?: string;
}

export type TextToWebview =
  | CommonToWebview
  | {
      type: 'init';
      file: TextPanelFile;
      /** The model the search uses; null when it could not be loaded (see modelError). */
      model: TextModelInfo | null;
      modelError?: string;
      /** Set when the model's dimension differs from the file's: the search cannot run. */
      mismatch?: string;
      settings: { k: number; metric: Metric };
      /** The last search, put back into the fields. */
      query?: string;
      k?: number;
      metric?: Metric;
    }
  | { type: 'results'; query: string; metric: Metric; k: number; neighbors: TextNeighbor[]; ms: number };

export type TextFromWebview =
  | CommonFromWebview
  | { type: 'search'; text: string; k: number; metric: Metric }
  /** Open the file's overview with this row selected. */
  | { type: 'showRow'; row: number }
  | { type: 'chooseModel' };
