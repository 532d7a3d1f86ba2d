/**
 * Compression Explorer: how small can this file's vectors get before retrieval
 * breaks? Runs the engine's compression sweep (recall@k of PCA, truncation,
 * int8, binary codes against exact search, sizes, query-time ratios) and
 * exports the configuration the user picks as .npy files, asking before it
 * replaces anything.
 */
import * as path from 'path';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { CompressionConfig, CompressionExportFiles } from '../../shared/protocol/compression';
import { Compress, ExportCompression } from '../../shared/protocol/compression';
import { COMPRESSION_DEFAULTS, describeConfig } from '../../shared/webview/compression';
import type {
  CompressionFromWebview,
  CompressionSettings,
  CompressionToWebview,
} from '../../shared/webview/compression';
import { EngineCancelled } from '../engine';
import type { HostContext } from '../context';
import { panelLinks } from '../features/links';
import { LensPanel } from './panel';
import { COMMANDS } from '../commands';
import type { PanelMessage } from '../../shared/webview/common';

type Role = keyof CompressionExportFiles;

/** The arrays each method can export, with what the user sees in the pick list. */
const EXPORTS: Record<string, { role: Role; label: string; detail: string }[]> = {
  pca: [
    { role: 'matrix', label: 'Compressed vectors', detail: 'rows × m float32 PCA coordinates' },
    { role: 'pcaMean', label: 'PCA mean', detail: 'd float64: subtract from a vector before projecting' },
    { role: 'pcaComponents', label: 'PCA components', detail: 'm × d float64: coordinates = (x − mean) · componentsᵀ' },
  ],
  truncate: [
    { role: 'matrix', label: 'Compressed vectors', detail: 'rows × m float32: the first m dims of each vector' },
  ],
  int8: [
    { role: 'matrix', label: 'Compressed vectors', detail: 'rows × d uint8 codes u: x ≈ offset + scale · u' },
    { role: 'int8Offset', label: 'int8 offsets', detail: 'd float64 (per-dimension minimum)' },
    { role: 'int8Scale', label: 'int8 scales', detail: 'd float64 ((max − min) / 255)' },
  ],
  'pca+int8': [
    { role: 'matrix', label: 'Compressed vectors', detail: 'rows × m uint8 codes of the PCA coordinates' },
    { role: 'pcaMean', label: 'PCA mean', detail: 'd float64' },
    { role: 'pcaComponents', label: 'PCA components', detail: 'm × d float64' },
    { role: 'int8Offset', label: 'int8 offsets', detail: 'm float64' },
    { role: 'int8Scale', label: 'int8 scales', detail: 'm float64' },
  ],
  binary: [
    { role: 'matrix', label: 'Compressed vectors', detail: 'rows × ⌈d/8⌉ uint8, np.packbits(x > 0, axis=1) layout' },
  ],
  'binary+rescore': [
    {
      role: 'matrix',
      label: 'Compressed vectors',
      detail: 'rows × ⌈d/8⌉ uint8 sign bits; rescoring needs the original vectors',
    },
  ],
};

const FILE_SUFFIX: Record<Role, string> = {
  matrix: '',
  pcaMean: '.pca_mean',
  pcaComponents: '.pca_components',
  int8Offset: '.int8_offset',
  int8Scale: '.int8_scale',
};

export class CompressionPanel extends LensPanel<CompressionToWebview, CompressionFromWebview> {
  private settings: CompressionSettings = { ...COMPRESSION_DEFAULTS };
  private running = false;

  constructor(
    ctx: HostContext,
    panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
  ) {
    super(ctx, panel, 'compression');
  }

  protected fileUri(): vscode.Uri {
    return this.uri;
  }

  /** Opens the file (again, after an engine restart) and measures with the current settings. */
  protected async refresh(): Promise<void> {
    await this.measure();
  }

  protected async onMessage(msg: PanelMessage<CompressionFromWebview>): Promise<void> {
    switch (msg.type) {
      case 'run':
        this.settings = msg.settings;
        return this.measure();
      case 'cancel':
        if (this.running) this.restartWork();
        return;
      case 'export':
        return this.export(msg.config);
    }
  }

  private async measure(): Promise<void> {
    this.restartWork();
    const token = this.token;
    this.running = true;
    try {
      this.post({ type: 'busy', message: 'Reading the file…' });
      const info = await this.ctx.datasets.get({ uri: this.uri }, token);
      this.post({
        type: 'file',
        file: { name: path.basename(this.uri.fsPath), rows: info.rows, dims: info.dims, fileBytes: info.fileBytes },
        settings: this.settings,
        links: panelLinks().filter((l) => l.command !== COMMANDS.compression.show),
      });
      this.post({ type: 'busy' });
      this.post({ type: 'running', settings: this.settings });
      const { k, queries, target } = this.settings;
      const result = await this.ctx.engine.request(
        Compress,
        { datasetId: info.id, k, queries, target },
        {
          token,
          progressTitle: `Embedding Lens: measuring compression of ${path.basename(this.uri.fsPath)}`,
          onProgress: (percentage, message) =>
            this.token === token && this.post({ type: 'progress', percentage, message }),
        },
      );
      this.post({ type: 'result', result });
    } catch (e) {
      if (e instanceof EngineCancelled || e instanceof vscode.CancellationError || token.isCancellationRequested) {
        // Replaced by a newer run, or the user pressed Cancel: the newer run (if any) reports itself.
        if (this.token === token) this.post({ type: 'cancelled' });
        return;
      }
      throw e;
    } finally {
      if (this.token === token) this.running = false;
    }
  }

  /** Asks which arrays to write and where (never over a file without asking), then exports them. */
  private async export(config: CompressionConfig): Promise<void> {
    const options = EXPORTS[config.method];
    if (!options) {
      void vscode.window.showInformationMessage('The float32 baseline is the file itself; there is nothing to export.');
      return;
    }
    const name = describeConfig(config);
    let roles = options.map((o) => o.role);
    if (options.length > 1) {
      const picked = await vscode.window.showQuickPick(
        options.map((o) => ({ label: o.label, detail: o.detail, picked: true, role: o.role })),
        {
          title: `Export ${name}: which arrays?`,
          canPickMany: true,
          placeHolder: 'Each array is saved as its own .npy file',
        },
      );
      if (!picked?.length) return;
      roles = picked.map((p) => p.role);
    }
    const stem = this.uri.fsPath.replace(/\.(npy|parquet|pq)$/i, '');
    const tag = `${config.method.replace('+', '_')}${config.method === 'int8' || config.method.startsWith('binary') ? '' : config.dims}`;
    // One save dialog: the first array goes where the user says, the others beside it with a suffix.
    const target = await vscode.window.showSaveDialog({
      title:
        roles.length > 1
          ? `Export ${name}: choose a file name (the other arrays are saved beside it)`
          : `Export ${name}`,
      defaultUri: vscode.Uri.file(`${stem}.${tag}${FILE_SUFFIX[roles[0]]}.npy`),
      filters: { 'NumPy array': ['npy'] },
      saveLabel: 'Export',
    });
    if (!target) return;
    const chosen = /\.npy$/i.test(target.fsPath) ? target.fsPath : `${target.fsPath}.npy`;
    // "glove.pca_int8_64.pca_mean.npy" chosen for the mean → base "glove.pca_int8_64" for the rest.
    const firstSuffix = FILE_SUFFIX[roles[0]];
    let base = chosen.slice(0, -'.npy'.length);
    if (firstSuffix && base.endsWith(firstSuffix)) base = base.slice(0, -firstSuffix.length);
    const files: CompressionExportFiles = {};
    roles.forEach((role, i) => (files[role] = i === 0 ? chosen : `${base}${FILE_SUFFIX[role] || '.matrix'}.npy`));
    const paths = Object.values(files) as string[];
    if (paths.some((f) => path.resolve(f) === path.resolve(this.uri.fsPath))) {
      void vscode.window.showErrorMessage(
        `Embedding Lens: ${path.basename(this.uri.fsPath)} is the file being analysed; an export never replaces it.`,
      );
      return;
    }
    const existing = paths.filter((f) => fs.existsSync(f));
    let overwrite = false;
    if (existing.length) {
      const ok = await vscode.window.showWarningMessage(
        existing.length === 1
          ? `${path.basename(existing[0])} already exists. Replace it?`
          : `${existing.length} of the files already exist. Replace them?`,
        { modal: true, detail: existing.join('\n') },
        'Replace',
      );
      if (ok !== 'Replace') return;
      overwrite = true;
    }
    const info = await this.ctx.datasets.get({ uri: this.uri }, this.token);
    const res = await this.ctx.engine.request(
      ExportCompression,
      { datasetId: info.id, config, files, overwrite },
      { token: this.token, progressTitle: `Embedding Lens: exporting ${name}` },
    );
    const written = res.written.map((w) => w.path);
    this.post({ type: 'exported', files: written });
    const open = await vscode.window.showInformationMessage(
      `Embedding Lens: exported ${name}: ${res.written.map((w) => `${path.basename(w.path)} (${w.shape.join('×')} ${w.dtype})`).join(', ')}.`,
      'Reveal in Explorer',
    );
    if (open) void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(written[0]));
  }
}
