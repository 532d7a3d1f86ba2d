/** What every host feature gets: the engine, opened datasets, the log, and the active file. */
import * as path from 'path';
import * as vscode from 'vscode';
import type { DatasetInfo } from '../shared/protocol/datasets';
import { DatasetService } from './datasets';
import { EngineClient } from './engine';

export interface ActiveDataset {
  uri: vscode.Uri;
  info: DatasetInfo;
}

export class HostContext {
  private active: ActiveDataset | undefined;
  private readonly activeChanged = new vscode.EventEmitter<ActiveDataset | undefined>();
  /** Fires when the user focuses another embedding file's overview. */
  readonly onDidChangeActiveDataset = this.activeChanged.event;

  constructor(
    readonly extension: vscode.ExtensionContext,
    readonly engine: EngineClient,
    readonly datasets: DatasetService,
    readonly log: vscode.LogOutputChannel,
  ) {
    engine.onDidRestart(() => {
      // The active dataset's id is gone; its panel re-opens it and calls setActive again.
      this.active = undefined;
    });
  }

  get activeDataset(): ActiveDataset | undefined {
    return this.active;
  }

  setActive(a: ActiveDataset | undefined): void {
    this.active = a;
    this.activeChanged.fire(a);
  }

  /**
   * The file a command should work on: the one it was invoked on (explorer),
   * else the focused overview, else one the user picks from the workspace.
   */
  async pickFile(uri?: vscode.Uri, title = 'Choose an embedding file'): Promise<vscode.Uri | undefined> {
    if (uri instanceof vscode.Uri) return uri;
    if (this.active) return this.active.uri;
    return pickWorkspaceEmbeddingFile(title);
  }
}

export async function pickWorkspaceEmbeddingFile(title: string): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles('**/*.{npy,parquet}', '**/node_modules/**', 5000);
  if (files.length === 0) {
    const picked = await vscode.window.showOpenDialog({
      title,
      canSelectMany: false,
      filters: { Embeddings: ['npy', 'parquet'] },
    });
    return picked?.[0];
  }
  files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  const item = await vscode.window.showQuickPick(
    files.map((f) => ({
      label: path.basename(f.fsPath),
      description: vscode.workspace.asRelativePath(path.dirname(f.fsPath)),
      uri: f,
    })),
    { title, matchOnDescription: true, placeHolder: 'Search .npy and .parquet files in the workspace' },
  );
  return item?.uri;
}

/** A command's file argument: a Uri, or (from a hover's command link) a URI string or a path. */
export function asUri(v: unknown): vscode.Uri | undefined {
  if (v instanceof vscode.Uri) return v;
  if (typeof v === 'string' && v) return v.includes('://') ? vscode.Uri.parse(v) : vscode.Uri.file(v);
  return undefined;
}
