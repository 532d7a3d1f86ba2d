/**
 * Text in, neighbours out: "Find Neighbours of Text…" (the Search by Text
 * panel), "Embed Text File…" (→ a new .npy + .meta.jsonl), "Choose Model Folder…"
 * (the embeddingLens.model.path setting), "Download Model from Hugging Face…" (only when
 * asked; text/hubCommand.ts), and hover previews of neighbours.
 * Models run in the engine process on onnxruntime; no text leaves the machine.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Metric } from '../../shared/protocol/common';
import type { EmbedFileResult, NeighborsOfTextResult, TextModelInfo } from '../../shared/protocol/text';
import { EmbedFile, NeighborsOfText, TextColumns, TextModelDescribe } from '../../shared/protocol/text';
import type { HostContext } from '../context';
import { asUri } from '../context';
import { openOverview } from '../editor';
import { EngineCancelled, EngineInputError } from '../engine';
import { showFilePanel } from '../panels/filePanels';
import { TextPanel } from '../panels/textPanel';
import { defaultK, defaultMetric } from '../settings';
import { NeighborHovers } from '../text/hover';
import { BUILTIN, modelForRequests, modelLabel, setModelSetting } from '../text/model';
import { addPanelLink } from './links';
import { downloadModelFromHub } from '../text/hubCommand';
import { clearHubToken, setHubToken } from '../text/hubToken';
import { ROW_TEXT_SCHEME, RowTextProvider, showTextColumn } from '../text/rowText';
import { COMMANDS } from '../commands';

const TEXT_INPUTS = ['txt', 'jsonl', 'ndjson', 'csv', 'tsv', 'parquet'];

const textPanels = new WeakMap<vscode.WebviewPanel, TextPanel>();

/** Shows an engine failure to the user; cancellations are silent. */
function report(ctx: HostContext, e: unknown): void {
  if (e instanceof EngineCancelled || e instanceof vscode.CancellationError) return;
  if (!(e instanceof EngineInputError)) ctx.log.appendLine(`[text] ${e instanceof Error ? e.stack : String(e)}`);
  void vscode.window.showErrorMessage(`Embedding Lens: ${e instanceof Error ? e.message : String(e)}`);
}

/** The selection of the active text editor, when it is short enough to be a query. */
function selectedText(): string | undefined {
  const ed = vscode.window.activeTextEditor;
  if (!ed || ed.selection.isEmpty) return undefined;
  const t = ed.document.getText(ed.selection).trim();
  return t && t.length <= 500 ? t : undefined;
}

interface FindTextOptions {
  k?: number;
  metric?: Metric;
  /** false: return the neighbours without opening the panel (tests, scripts). */
  panel?: boolean;
}

/**
 * Embeds `text` (asked for in an input box when absent) and returns the file's nearest rows;
 * shows them in the file's Search by Text panel.
 */
async function findNeighborsOfText(
  ctx: HostContext,
  uriArg?: unknown,
  textArg?: unknown,
  opts: FindTextOptions = {},
): Promise<NeighborsOfTextResult | undefined> {
  const uri = await ctx.pickFile(asUri(uriArg), 'Find neighbours of text in which embedding file?');
  if (!uri) return undefined;
  let text = typeof textArg === 'string' ? textArg : undefined;
  if (text === undefined) {
    text = await vscode.window.showInputBox({
      title: `Find neighbours of text in ${path.basename(uri.fsPath)}`,
      prompt: `Embedded on this machine with ${modelLabel()}.`,
      placeHolder: 'A word or a sentence',
      value: selectedText(),
      validateInput: (v) => (v.trim() ? undefined : 'Type a word or a sentence to search for.'),
    });
    if (text === undefined) return undefined;
  }
  const k = opts.k ?? defaultK();
  const metric = opts.metric ?? defaultMetric();
  try {
    const info = await ctx.datasets.get({ uri });
    const t0 = Date.now();
    const res = await ctx.engine.request(
      NeighborsOfText,
      { datasetId: info.id, text, k, metric, model: modelForRequests() },
      { progressTitle: `Embedding Lens: neighbours of "${text.length > 40 ? text.slice(0, 39) + '…' : text}"` },
    );
    if (opts.panel !== false) {
      const panel = showFilePanel(ctx, { kind: 'text', title: 'Search by Text' }, uri, (p) =>
        textPanels.set(p, new TextPanel(ctx, p, uri)),
      );
      textPanels.get(panel)?.show({ query: text, k, metric, result: res, ms: Date.now() - t0 });
    }
    return res;
  } catch (e) {
    if (opts.panel === false) throw e;
    report(ctx, e);
    return undefined;
  }
}

interface EmbedFileOptions {
  /** Output .npy; skips the save dialog. */
  out?: string;
  /** Text column (.jsonl/.csv/.tsv/.parquet); skips the column pick. */
  column?: string;
  /** Replace existing outputs without asking (only for callers that asked the user themselves). */
  overwrite?: boolean;
  /** Don't wait for the "Open" offer (tests). */
  quiet?: boolean;
}

/** Sidecar of an output .npy, as the engine writes it (src/engine/text/embedFile.ts). */
function sidecarOf(out: string): string {
  return path.join(path.dirname(out), path.basename(out).replace(/\.npy$/i, '') + '.meta.jsonl');
}

async function embedTextFile(
  ctx: HostContext,
  uriArg?: unknown,
  opts: EmbedFileOptions = {},
): Promise<EmbedFileResult | undefined> {
  let input = asUri(uriArg);
  if (!input || !TEXT_INPUTS.includes(path.extname(input.fsPath).slice(1).toLowerCase())) {
    const picked = await vscode.window.showOpenDialog({
      title: 'Embed a text file: one item per line (.txt), or a text column (.jsonl, .csv, .tsv, .parquet)',
      canSelectMany: false,
      defaultUri: input ?? vscode.workspace.workspaceFolders?.[0]?.uri,
      filters: { 'Text files': TEXT_INPUTS },
    });
    input = picked?.[0];
  }
  if (!input) return undefined;
  try {
    let column = opts.column;
    if (column === undefined) {
      const cols = await ctx.engine.request(TextColumns, { input: input.fsPath });
      if (cols.columns.length === 1) column = cols.columns[0];
      else if (cols.columns.length > 1) {
        const ordered = cols.suggested
          ? [cols.suggested, ...cols.columns.filter((c) => c !== cols.suggested)]
          : cols.columns;
        const pick = await vscode.window.showQuickPick(
          ordered.map((c) => ({
            label: c,
            description: c === cols.suggested ? 'looks like the text column' : undefined,
          })),
          { title: `${path.basename(input.fsPath)}: which column holds the text to embed?` },
        );
        if (!pick) return undefined;
        column = pick.label;
      }
    }
    let out = opts.out;
    if (!out) {
      const stem = path.basename(input.fsPath).replace(/\.[^.]+$/, '');
      const saved = await vscode.window.showSaveDialog({
        title: 'Save the embeddings as (a .meta.jsonl with the texts is written beside it)',
        defaultUri: vscode.Uri.file(path.join(path.dirname(input.fsPath), `${stem}.npy`)),
        filters: { NumPy: ['npy'] },
        saveLabel: 'Embed',
      });
      if (!saved) return undefined;
      out = saved.fsPath;
    }
    if (!out.toLowerCase().endsWith('.npy')) out += '.npy';
    let force = opts.overwrite === true;
    const existing = [out, sidecarOf(out)].filter((f) => fs.existsSync(f));
    if (existing.length && !force) {
      if (opts.overwrite === false) throw new EngineInputError(`${path.basename(existing[0])} already exists`);
      const ok = await vscode.window.showWarningMessage(
        `${existing.map((f) => path.basename(f)).join(' and ')} already exist${existing.length === 1 ? 's' : ''}. Replace ${existing.length === 1 ? 'it' : 'them'}?`,
        { modal: true },
        'Replace',
      );
      if (ok !== 'Replace') return undefined;
      force = true;
    }
    const res = await ctx.engine.request(
      EmbedFile,
      { input: input.fsPath, out, textColumn: column, force, model: modelForRequests() },
      { progressTitle: `Embedding Lens: embedding ${path.basename(input.fsPath)} with ${modelLabel()}` },
    );
    for (const w of res.warnings) void vscode.window.showWarningMessage(`Embedding Lens: ${w}`);
    const done = `Embedded ${res.rows.toLocaleString('en-US')} texts into ${path.basename(res.out)} (${res.dims} dimensions) in ${res.seconds.toFixed(1)} s${res.skippedBlank ? `; ${res.skippedBlank} blank skipped` : ''}.`;
    ctx.log.appendLine(`[text] ${done} model ${res.model}`);
    const offer = vscode.window
      .showInformationMessage(done, 'Open')
      .then((a) => (a === 'Open' ? openOverview(vscode.Uri.file(res.out)) : undefined));
    if (!opts.quiet) await offer;
    return res;
  } catch (e) {
    if (opts.quiet) throw e;
    report(ctx, e);
    return undefined;
  }
}

/** Sets embeddingLens.model.path to a folder the engine could load (or to the built-in model). */
async function chooseModelFolder(ctx: HostContext, dirArg?: unknown): Promise<TextModelInfo | undefined> {
  let dir = typeof dirArg === 'string' ? dirArg : dirArg instanceof vscode.Uri ? dirArg.fsPath : undefined;
  if (!dir) {
    const pick = await vscode.window.showQuickPick(
      [
        {
          label: '$(folder-opened) Choose a Model Folder…',
          detail: 'model.onnx (or onnx/model.onnx) with tokenizer.json, e.g. a sentence-transformers ONNX export',
          id: 'folder',
        },
        {
          label: '$(symbol-misc) Use the Built-in GloVe Model',
          detail: '100 dimensions, English words and short phrases, works offline',
          id: BUILTIN,
        },
        {
          label: '$(cloud-download) Download a Model from Hugging Face…',
          detail: "an ONNX export such as sentence-transformers/all-MiniLM-L6-v2, into the extension's storage",
          id: 'download',
        },
      ],
      { title: `Text model (now: ${modelLabel()})` },
    );
    if (!pick) return undefined;
    if (pick.id === 'download') return (await downloadModelFromHub(ctx))?.info;
    if (pick.id === BUILTIN) dir = BUILTIN;
    else {
      const folder = await vscode.window.showOpenDialog({
        title: 'Choose a model folder (model.onnx + tokenizer.json)',
        canSelectFiles: false,
        canSelectFolders: true,
        canSelectMany: false,
        openLabel: 'Use This Model',
      });
      if (!folder?.[0]) return undefined;
      dir = folder[0].fsPath;
    }
  }
  try {
    const info = await ctx.engine.request(
      TextModelDescribe,
      { model: dir === BUILTIN ? undefined : dir },
      { progressTitle: 'Embedding Lens: loading the model' },
    );
    await setModelSetting(dir);
    void vscode.window.showInformationMessage(
      `Embedding Lens: text model set to ${info.builtin ? 'the built-in GloVe model' : path.basename(info.dir)} (${info.dims} dimensions, ${info.takesText ? 'tokenises inside the model' : `${info.pooling} pooling${info.normalize ? ', normalised' : ''}, up to ${info.maxLength} tokens`}).`,
    );
    return info;
  } catch (e) {
    report(ctx, e);
    return undefined;
  }
}

export function activateText(ctx: HostContext): vscode.Disposable[] {
  const hovers = new NeighborHovers(ctx);
  addPanelLink({ command: COMMANDS.text.findNeighbors, title: 'Search by Text' });
  return [
    ...hovers.register(),
    vscode.workspace.registerTextDocumentContentProvider(ROW_TEXT_SCHEME, new RowTextProvider(ctx)),
    vscode.commands.registerCommand(COMMANDS.text.showColumn, (uri?: unknown, column?: unknown) =>
      showTextColumn(ctx, asUri(uri), typeof column === 'string' ? column : undefined),
    ),
    vscode.commands.registerCommand(
      COMMANDS.text.findNeighbors,
      (uri?: unknown, text?: unknown, opts?: FindTextOptions) => findNeighborsOfText(ctx, uri, text, opts),
    ),
    vscode.commands.registerCommand(COMMANDS.text.embedFile, (uri?: unknown, opts?: EmbedFileOptions) =>
      embedTextFile(ctx, uri, opts),
    ),
    vscode.commands.registerCommand(COMMANDS.text.chooseModelFolder, (dir?: unknown) => chooseModelFolder(ctx, dir)),
    vscode.commands.registerCommand(COMMANDS.text.downloadModel, (id?: unknown, opts?: { use?: boolean }) =>
      downloadModelFromHub(ctx, id, opts),
    ),
    vscode.commands.registerCommand(COMMANDS.text.setHubToken, (token?: unknown) => setHubToken(ctx, token)),
    vscode.commands.registerCommand(COMMANDS.text.clearHubToken, (quiet?: unknown) => clearHubToken(ctx, quiet)),
  ];
}
