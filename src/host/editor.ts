/**
 * Read-only custom editor for .npy (default: nobody wants the bytes) and
 * .parquet (option): the file's overview in an editor tab.
 */
import * as vscode from 'vscode';
import type { HostContext } from './context';
import { OverviewPanel } from './panels/overviewPanel';

export const OVERVIEW_EDITOR = 'embeddingLens.overview';
export const OVERVIEW_EDITOR_PARQUET = 'embeddingLens.overviewParquet';

class OverviewEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly ctx: HostContext) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    new OverviewPanel(this.ctx, panel, document.uri);
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
