/**
 * One feature panel per (kind, file): running "Diagnostics" twice on the same file
 * reveals the panel that is already open instead of computing everything again.
 * Every feature that shows a file in a webview panel opens it through here.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { HostContext } from '../context';

interface Opened {
  panel: vscode.WebviewPanel;
}

const open = new Map<string, Opened>();

export interface FilePanelSpec {
  /** Distinguishes features, e.g. 'diagnostics'. Also the webview panel's viewType suffix. */
  kind: string;
  /** Tab title prefix, e.g. 'Diagnostics' → "Diagnostics: glove.npy". */
  title: string;
}

/**
 * Reveals the panel of this kind for `uri`, or creates one: `create` builds the
 * LensPanel around the fresh vscode.WebviewPanel (the base class sets its HTML/CSP).
 * Additional files (e.g. the second file of a comparison) go into the key via `extraKey`.
 */
export function showFilePanel(
  ctx: HostContext,
  spec: FilePanelSpec,
  uri: vscode.Uri,
  create: (panel: vscode.WebviewPanel) => unknown,
  extraKey = '',
): vscode.WebviewPanel {
  const key = `${spec.kind}\u0000${uri.toString()}\u0000${extraKey}`;
  const existing = open.get(key);
  if (existing) {
    existing.panel.reveal();
    return existing.panel;
  }
  const panel = vscode.window.createWebviewPanel(
    `embeddingLens.${spec.kind}`,
    `${spec.title}: ${path.basename(uri.fsPath)}`,
    { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
    // localResourceRoots and scripts are set by LensPanel; keeping the context saves recomputing on tab switches.
    { retainContextWhenHidden: true },
  );
  open.set(key, { panel });
  panel.onDidDispose(() => open.delete(key));
  create(panel);
  ctx.log.info(`[panel] ${spec.kind} ${uri.fsPath}${extraKey ? ` ${extraKey}` : ''}`);
  return panel;
}
