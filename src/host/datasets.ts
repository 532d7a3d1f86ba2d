/**
 * Opens embedding files in the engine on behalf of panels and commands. Asks
 * the user when the file alone is ambiguous (which parquet column? flatten a
 * 3-D array?), and forgets every dataset id when the engine restarts.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { DatasetInfo } from '../shared/protocol/datasets';
import { Open } from '../shared/protocol/datasets';
import { EngineClient } from './engine';

export interface OpenRequest {
  uri: vscode.Uri;
  metaPath?: string;
  column?: string;
  flattenLeading?: boolean;
}

export class DatasetService {
  /** Open datasets by file path + options, so two panels on one file share the engine's copy. */
  private readonly open = new Map<string, Promise<DatasetInfo>>();
  /** Choices the user already made for a file (column, flatten), reused when re-opening after a restart. */
  private readonly choices = new Map<string, Partial<OpenRequest>>();

  constructor(private readonly engine: EngineClient) {
    engine.onDidRestart(() => this.open.clear());
  }

  async get(req: OpenRequest, token?: vscode.CancellationToken): Promise<DatasetInfo> {
    const remembered = this.choices.get(req.uri.fsPath) ?? {};
    const full: OpenRequest = { ...remembered, ...stripUndefined(req), uri: req.uri };
    const key = JSON.stringify([full.uri.fsPath, full.metaPath, full.column, full.flattenLeading]);
    let p = this.open.get(key);
    if (!p) {
      p = this.load(full, token);
      this.open.set(key, p);
      p.catch(() => this.open.delete(key));
    }
    return p;
  }

  private async load(req: OpenRequest, token?: vscode.CancellationToken): Promise<DatasetInfo> {
    const file = req.uri.fsPath;
    const res = await this.engine.request(
      Open,
      { path: file, metaPath: req.metaPath, column: req.column, flattenLeading: req.flattenLeading },
      { progressTitle: `Embedding Lens: opening ${path.basename(file)}`, token },
    );
    if ('dataset' in res) {
      this.choices.set(file, { column: req.column, flattenLeading: req.flattenLeading, metaPath: req.metaPath });
      return res.dataset;
    }
    if (res.needsChoice === 'column') {
      const pick = await vscode.window.showQuickPick(res.options, {
        title: `${path.basename(file)}: which column holds the embeddings?`,
        placeHolder: 'Several columns could be the embedding column',
      });
      if (!pick) throw new vscode.CancellationError();
      return this.load({ ...req, column: pick }, token);
    }
    const ok = await vscode.window.showWarningMessage(res.message, { modal: true }, 'Flatten Leading Axes');
    if (ok !== 'Flatten Leading Axes') throw new vscode.CancellationError();
    return this.load({ ...req, flattenLeading: true }, token);
  }

  /** Drops the remembered open so the next `get` re-reads the file (e.g. a different sidecar was picked). */
  forget(uri: vscode.Uri): void {
    for (const k of [...this.open.keys()]) if ((JSON.parse(k) as unknown[])[0] === uri.fsPath) this.open.delete(k);
  }

  remember(uri: vscode.Uri, choice: Partial<OpenRequest>): void {
    this.choices.set(uri.fsPath, { ...(this.choices.get(uri.fsPath) ?? {}), ...choice });
    this.forget(uri);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
