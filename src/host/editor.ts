/**
 * Read-only custom editor for .npy (default: nobody wants the bytes) and
 * .parquet (option): the file's overview in an editor tab.
 */
import * as vscode from 'vscode';
import type { HostContext } from './context';
import { OverviewPanel } from './panels/overviewPanel';

const OVERVIEW_EDITOR = 'embeddingLens.overview';
const OVERVIEW_EDITOR_PARQUET = 'embeddingLens.overviewParquet';

/** The open overview of each file, so other features can select a row in it. */
const overviews = new Map<string, OverviewPanel>();

class OverviewEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly ctx: HostContext) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const key = document.uri.toString();
    const p = new OverviewPanel(this.ctx, panel, document.uri);
    overviews.set(key, p);
    panel.onDidDispose(() => {
      if (overviews.get(key) === p) overviews.delete(key);
    });
  }
}

export function registerOverviewEditors(ctx: HostContext): vscode.Disposable[] {
  const provider = new OverviewEditorProvider(ctx);
  const opts = { webviewOptions: { retainContextWhenHidden: true }, supportsMultipleEditorsPerDocument: false };
  return [
    vscode.window.registerCustomEditorProvider(OVERVIEW_EDITOR, provider, opts),
    vscode.window.registerCustomEditorProvider(OVERVIEW_EDITOR_PARQUET, provider, opts),
  ];
}

/** Opens a file's overview in an editor tab. */
export async function openOverview(uri: vscode.Uri): Promise<void> {
  const viewType = uri.fsPath.toLowerCase().endsWith('.npy') ? OVERVIEW_EDITOR : OVERVIEW_EDITOR_PARQUET;
  await vscode.commands.executeCommand('vscode.openWith', uri, viewType);
}

/** Opens (or reveals) a file's overview and selects `row` there, listing its neighbours. */
export async function showRowInOverview(uri: vscode.Uri, row: number): Promise<void> {
  await openOverview(uri);
  overviews.get(uri.toString())?.selectRow(row);
}
