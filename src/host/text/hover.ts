/**
 * Hover previews of neighbours (the text feature):
 *  - on a line of an opened dataset's sidecar metadata file (.tsv/.csv/.jsonl), that
 *    row's k nearest rows (text, score) with a link that opens the overview on the row;
 *  - with a text model configured, on a selection in any text editor: the selection is
 *    embedded and searched in the active dataset.
 * The engine answers from the dataset's cached norms and search corpus (the first
 * hover of a file builds them).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DatasetInfo } from '../../shared/protocol/datasets';
import { NeighborsOfText, RowNeighborsWithText } from '../../shared/protocol/text';
import type { HostContext } from '../context';
import { EngineCancelled, EngineInputError } from '../engine';
import { defaultK, defaultMetric } from '../settings';
import { modelConfigured, modelForRequests } from './model';
import { csvRecords, mdText, neighborsMarkdown, rowAtLine, sidecarKind } from './rows';
import { parseRowTextUri, ROW_TEXT_SCHEME } from './rowText';
import { COMMANDS } from '../commands';

const MAX_SELECTION_CHARS = 2000;

function norm(p: string): string {
  const r = path.resolve(p);
  return process.platform === 'win32' ? r.toLowerCase() : r;
}

function commandUri(command: string, args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

function trusted(md: string): vscode.MarkdownString {
  const m = new vscode.MarkdownString(md);
  // Only our own two commands may run from the hover's links.
  m.isTrusted = { enabledCommands: [COMMANDS.overview.showRow, COMMANDS.text.findNeighbors] };
  m.supportHtml = false;
  return m;
}

export class NeighborHovers {
  /** Sidecar path → embedding file, learned from the overviews the user focuses. */
  private readonly byMeta = new Map<string, vscode.Uri>();
  private csvCache: { key: string; records: { starts: number[]; end: number } } | undefined;

  constructor(private readonly ctx: HostContext) {}

  register(): vscode.Disposable[] {
    return [
      this.ctx.onDidChangeActiveDataset((a) => {
        if (a?.info.metaPath) this.byMeta.set(norm(a.info.metaPath), a.uri);
      }),
      vscode.languages.registerHoverProvider([{ scheme: 'file', pattern: '**/*.{tsv,csv,jsonl,ndjson}' }], {
        provideHover: (d, p, t) => this.sidecarHover(d, p, t),
      }),
      vscode.languages.registerHoverProvider([{ scheme: 'file' }, { scheme: 'untitled' }], {
        provideHover: (d, p, t) => this.selectionHover(d, p, t),
      }),
      vscode.languages.registerHoverProvider([{ scheme: ROW_TEXT_SCHEME }], {
        provideHover: (d, p, t) => this.rowTextHover(d, p, t),
      }),
    ];
  }

  /**
   * The embedding file whose metadata is `file`: a focused overview's, else the
   * .npy with the same stem (`x.tsv`, `x.meta.jsonl` → `x.npy`) when the engine
   * confirms that file is the one it reads as its metadata.
   */
  async datasetFor(
    file: string,
    token?: vscode.CancellationToken,
  ): Promise<{ uri: vscode.Uri; info: DatasetInfo } | undefined> {
    const key = norm(file);
    const candidates: vscode.Uri[] = [];
    const act = this.ctx.activeDataset;
    if (act?.info.metaPath && norm(act.info.metaPath) === key) candidates.push(act.uri);
    const known = this.byMeta.get(key);
    if (known) candidates.push(known);
    const stem = path.basename(file).replace(/(\.meta)?\.(tsv|csv|jsonl|ndjson)$/i, '');
    const sibling = path.join(path.dirname(file), `${stem}.npy`);
    if (fs.existsSync(sibling)) candidates.push(vscode.Uri.file(sibling));
    for (const uri of candidates) {
      try {
        const info = await this.ctx.datasets.get({ uri }, token);
        if (info.metaPath && norm(info.metaPath) === key) {
          this.byMeta.set(key, uri);
          return { uri, info };
        }
      } catch {
        // Not readable as embeddings (or the user declined a choice): no hover from it.
      }
    }
    return undefined;
  }

  private rowOf(doc: vscode.TextDocument, line: number): number | undefined {
    const kind = sidecarKind(doc.fileName);
    if (!kind) return undefined;
    const starts = () => {
      const key = `${doc.uri.toString()}@${doc.version}`;
      if (this.csvCache?.key !== key) this.csvCache = { key, records: csvRecords(doc.getText()) };
      return this.csvCache.records;
    };
    return rowAtLine(kind, line, doc.lineAt(line).text, starts);
  }

  async sidecarHover(
    doc: vscode.TextDocument,
    pos: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    const row = this.rowOf(doc, pos.line);
    if (row === undefined) return undefined;
    const ds = await this.datasetFor(doc.uri.fsPath, token);
    if (!ds || row >= ds.info.rows || token.isCancellationRequested) return undefined;
    return this.rowHover(ds, row, doc.lineAt(pos.line).range, token);
  }

  /** A text column shown as a document (rowText.ts): line i is row i. */
  async rowTextHover(
    doc: vscode.TextDocument,
    pos: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    const ref = parseRowTextUri(doc.uri);
    if (!ref) return undefined;
    try {
      const info = await this.ctx.datasets.get({ uri: ref.file }, token);
      if (pos.line >= info.rows || token.isCancellationRequested) return undefined;
      return await this.rowHover({ uri: ref.file, info }, pos.line, doc.lineAt(pos.line).range, token);
    } catch (e) {
      return this.errorHover(e);
    }
  }

  private async rowHover(
    ds: { uri: vscode.Uri; info: DatasetInfo },
    row: number,
    range: vscode.Range,
    token: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    const metric = defaultMetric();
    try {
      const res = await this.ctx.engine.request(
        RowNeighborsWithText,
        { datasetId: ds.info.id, row, k: defaultK(), metric },
        { token },
      );
      const md = neighborsMarkdown({
        title: `Neighbours of row ${row}${res.text ? ` · ${mdText(res.text, 60)}` : ''}`,
        metric,
        neighbors: res.neighbors,
        link: { title: 'Show in Embedding Lens', uri: commandUri(COMMANDS.overview.showRow, [ds.uri.toString(), row]) },
        note: `${path.basename(ds.info.path)} · ${Math.round(res.ms)} ms`,
      });
      return new vscode.Hover(trusted(md), range);
    } catch (e) {
      return this.errorHover(e);
    }
  }

  async selectionHover(
    doc: vscode.TextDocument,
    pos: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    if (!modelConfigured()) return undefined;
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document !== doc) return undefined;
    const sel = editor.selection;
    if (sel.isEmpty || !sel.contains(pos)) return undefined;
    const text = doc.getText(sel).trim();
    if (!text || text.length > MAX_SELECTION_CHARS) return undefined;
    const act = this.ctx.activeDataset;
    if (!act) return undefined;
    const metric = defaultMetric();
    try {
      const info = await this.ctx.datasets.get({ uri: act.uri }, token);
      const res = await this.ctx.engine.request(
        NeighborsOfText,
        { datasetId: info.id, text, k: defaultK(), metric, model: modelForRequests() },
        { token },
      );
      const md = neighborsMarkdown({
        title: `Neighbours of the selection in ${mdText(path.basename(info.path), 60)}`,
        metric,
        neighbors: res.neighbors,
        link: { title: 'Search by Text', uri: commandUri(COMMANDS.text.findNeighbors, [act.uri.toString(), text]) },
        note: `model: ${res.model.split(/[\\/]/).pop()}`,
      });
      return new vscode.Hover(trusted(md), sel);
    } catch (e) {
      return this.errorHover(e);
    }
  }

  private errorHover(e: unknown): vscode.Hover | undefined {
    if (e instanceof EngineCancelled || e instanceof vscode.CancellationError) return undefined;
    if (e instanceof EngineInputError)
      return new vscode.Hover(new vscode.MarkdownString(`Embedding Lens: ${mdText(e.message, 300)}`));
    this.ctx.log.appendLine(`[text] hover failed: ${e instanceof Error ? e.stack : String(e)}`);
    return undefined;
  }
}
