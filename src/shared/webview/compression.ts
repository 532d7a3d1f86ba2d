/** Host ↔ webview messages of the Compression Explorer panel, and the recommendation rule both ends use. */
import type { CompressionConfig, CompressionPoint, CompressResult } from '../protocol/compression';
import { COMPRESS_DEFAULTS } from '../defaults';
import type { CommonFromWebview, CommonToWebview, PanelLink } from './common';

export interface CompressionSettings {
  /** Neighbours compared per query (recall@k). */
  k: number;
  /** Rows sampled as queries (seeded). */
  queries: number;
  /** Recall the recommendation must reach. */
  target: number;
}

export const COMPRESSION_DEFAULTS: CompressionSettings = {
  k: COMPRESS_DEFAULTS.k,
  queries: COMPRESS_DEFAULTS.queries,
  target: COMPRESS_DEFAULTS.target,
};
/** Choices offered for the target recall. */
export const TARGET_CHOICES = [0.8, 0.9, 0.95, 0.97, 0.99];

export interface CompressionFile {
  name: string;
  rows: number;
  dims: number;
  fileBytes: number;
}

export type CompressionToWebview =
  | CommonToWebview
  /** The file and the settings the next sweep uses; sent before the sweep starts. */
  | { type: 'file'; file: CompressionFile; settings: CompressionSettings; links: PanelLink[] }
  | { type: 'running'; settings: CompressionSettings }
  /** The engine's progress on the running sweep (percentage 0–100, what it is measuring). */
  | { type: 'progress'; percentage?: number; message?: string }
  | { type: 'result'; result: CompressResult }
  | { type: 'cancelled' }
  | { type: 'exported'; files: string[] };

export type CompressionFromWebview =
  | CommonFromWebview
  | { type: 'run'; settings: CompressionSettings }
  | { type: 'cancel' }
  | { type: 'export'; config: CompressionConfig };

/**
 * The smallest compressed configuration (bytes per vector) whose recall meets
 * `target`; ties go to the higher recall, then the faster one. The float32
 * baseline is never recommended: null means nothing compresses well enough.
 * Shared so the panel re-ranks instantly when the user moves the target.
 */
export function smallestMeeting<P extends CompressionPoint>(points: P[], target: number): P | null {
  let best: P | null = null;
  for (const p of points) {
    if (p.method === 'float32' || !(p.recall >= target)) continue;
    if (
      !best ||
      p.bytesPerVector < best.bytesPerVector ||
      (p.bytesPerVector === best.bytesPerVector &&
        (p.recall > best.recall || (p.recall === best.recall && p.queryTimeRatio < best.queryTimeRatio)))
    ) {
      best = p;
    }
  }
  return best;
}

/** A configuration's name for people: "PCA 128 + int8", "binary + rescore ×10". */
export function describeConfig(c: CompressionConfig, d?: number): string {
  switch (c.method) {
    case 'float32':
      return `float32, all ${c.dims} dims (no compression)`;
    case 'pca':
      return `PCA to ${c.dims} dims`;
    case 'truncate':
      return `first ${c.dims} dims (truncation)`;
    case 'int8':
      return `int8${d ? `, all ${d} dims` : ''}`;
    case 'pca+int8':
      return `PCA to ${c.dims} dims + int8`;
    case 'binary':
      return `binary codes (${c.dims} bits)`;
    case 'binary+rescore':
      return `binary codes + rescore top ${c.rescore}×k`;
  }
}

export function sameConfig(a: CompressionConfig, b: CompressionConfig | null | undefined): boolean {
  return !!b && a.method === b.method && a.dims === b.dims && (a.rescore ?? 0) === (b.rescore ?? 0);
}
