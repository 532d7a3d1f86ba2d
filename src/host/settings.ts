/** Typed access to the extension's settings (contributed in package.json). */
import * as vscode from 'vscode';
import type { Metric } from '../shared/protocol/common';
import { METRICS } from '../shared/protocol/common';
import { DEFAULT_K, DEFAULT_METRIC, DEFAULT_SCATTER_MAX_POINTS } from '../shared/defaults';

function cfg(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('embeddingLens');
}

export function defaultMetric(): Metric {
  const m = cfg().get<string>('metric', DEFAULT_METRIC);
  return (METRICS as readonly string[]).includes(m) ? (m as Metric) : DEFAULT_METRIC;
}

export function defaultK(): number {
  return Math.max(1, Math.min(1000, Math.floor(cfg().get<number>('k', DEFAULT_K))));
}

/** Points the scatter draws before switching to a density view. */
export function scatterMaxPoints(): number {
  return Math.max(1000, Math.floor(cfg().get<number>('scatter.maxPoints', DEFAULT_SCATTER_MAX_POINTS)));
}

/** onnxruntime intra-op threads; 0 means all cores. */
export function engineThreads(): number {
  return Math.max(0, Math.floor(cfg().get<number>('engine.threads', 0)));
}
