/** Typed access to the extension's settings (contributed in package.json). */
import * as vscode from 'vscode';
import type { Metric } from '../shared/protocol/common';
import { METRICS } from '../shared/protocol/common';

function cfg(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('embeddingLens');
}

export function defaultMetric(): Metric {
  const m = cfg().get<string>('metric', 'cosine');
  return (METRICS as readonly string[]).includes(m) ? (m as Metric) : 'cosine';
}

export function defaultK(): number {
  return Math.max(1, Math.min(1000, Math.floor(cfg().get<number>('k', 10))));
}

/** Points the scatter draws before switching to a density view. */
export function scatterMaxPoints(): number {
  return Math.max(1000, Math.floor(cfg().get<number>('scatter.maxPoints', 200000)));
}

/** onnxruntime intra-op threads; 0 means all cores. */
export function engineThreads(): number {
  return Math.max(0, Math.floor(cfg().get<number>('engine.threads', 0)));
}
