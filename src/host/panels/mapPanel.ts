/**
 * The Map panel of one embedding file: PCA at once, then UMAP or t-SNE whose
 * intermediate layouts the panel polls from the engine every ~250 ms (the
 * engine keeps the newest per job id), with progress and a Cancel button; the
 * quality scores beside the map; colouring, search, selection summaries; and
 * exports through save dialogs (an existing file is replaced only after the
 * user says so).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DatasetInfo } from '../../shared/protocol/datasets';
import { ColumnValues } from '../../shared/protocol/datasets';
import type { ProjectResult } from '../../shared/protocol/map';
import { ExportCoords, MapSearch, MapSelection, Project, ProjectPoll } from '../../shared/protocol/map';
import { MAP_DEFAULTS } from '../../shared/defaults';
import type { MapFromWebview, MapSettings, MapToWebview } from '../../shared/webview/map';
import type { HostContext } from '../context';
import { EngineCancelled } from '../engine';
import { panelLinks } from '../features/links';
import { scatterMaxPoints } from '../settings';
import { LensPanel } from './panel';
import { COMMANDS } from '../commands';
import type { PanelMessage } from '../../shared/webview/common';

const POLL_MS = 250;
/**
 * Above this many rows the panel opens with PCA only (UMAP/t-SNE need the exact k-NN graph, n² work: ~20 s at 50k
 * here); the user can still ask for them.
 */
const AUTO_METHOD_MAX_ROWS = 50_000;
let jobSeq = 0;

/**
 * `embeddingLens.map.knnGraph`: exact, approximate (recall measured), or auto (approximate above 20k rows with ≥ 128
 * dims when the pilot finds ≥ 80% of the true neighbours).
 */
function knnSetting(): 'auto' | 'exact' | 'approx' {
  const v = vscode.workspace.getConfiguration('embeddingLens').get<string>('map.knnGraph', 'auto');
  return v === 'exact' || v === 'approx' ? v : 'auto';
}

export class MapPanel extends LensPanel<MapToWebview, MapFromWebview> {
  private static readonly byFile = new Map<string, MapPanel>();
  private info: DatasetInfo | undefined;
  private job: { id: string; cts: vscode.CancellationTokenSource } | undefined;
  private lastJobId: string | undefined;
  private metric: 'cosine' | 'euclidean' = 'cosine';
  private finished: ((r: ProjectResult) => void)[] = [];
  /** The newest finished map (tests read it). */
  lastResult: ProjectResult | undefined;

  constructor(
    ctx: HostContext,
    panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
  ) {
    super(ctx, panel, 'map');
    MapPanel.byFile.set(uri.toString(), this);
    this.disposables.push(
      { dispose: () => MapPanel.byFile.delete(uri.toString()) },
      { dispose: () => this.job?.cts.cancel() },
    );
  }

  static forFile(uri: vscode.Uri): MapPanel | undefined {
    return MapPanel.byFile.get(uri.toString());
  }

  /** Resolves with the next finished map (or the current one if nothing is running). */
  whenComputed(): Promise<ProjectResult> {
    if (this.lastResult && !this.job) return Promise.resolve(this.lastResult);
    return new Promise((resolve) => this.finished.push(resolve));
  }

  protected fileUri(): vscode.Uri {
    return this.uri;
  }

  private async dataset(): Promise<DatasetInfo> {
    this.info = await this.ctx.datasets.get({ uri: this.uri }, this.token);
    return this.info;
  }

  protected async refresh(): Promise<void> {
    this.post({ type: 'busy', message: 'Reading the file…' });
    const info = await this.dataset();
    let labels: (string | null)[] | undefined;
    if (info.labelColumn) {
      const col = await this.ctx.engine.request(
        ColumnValues,
        { datasetId: info.id, column: info.labelColumn },
        { token: this.token },
      );
      labels = col.values.map((v) => (v === null ? null : String(v)));
    }
    const settings: MapSettings = {
      method: info.rows <= AUTO_METHOD_MAX_ROWS ? 'umap' : 'pca',
      seed: MAP_DEFAULTS.seed,
      k: MAP_DEFAULTS.k,
      metric: 'cosine',
      maxPoints: scatterMaxPoints(),
    };
    this.post({
      type: 'init',
      init: {
        name: path.basename(this.uri.fsPath),
        rows: info.rows,
        dims: info.dims,
        columns: info.columns,
        labelColumn: info.labelColumn,
        labels,
        settings,
        links: panelLinks().filter((l) => l.command !== COMMANDS.map.show),
      },
    });
    this.post({ type: 'busy' });
    await this.compute(settings);
  }

  /** Runs one projection, streaming its layouts to the webview until it ends or is cancelled. */
  private async compute(s: Pick<MapSettings, 'method' | 'seed' | 'k' | 'metric'>): Promise<void> {
    this.job?.cts.cancel();
    const info = this.info ?? (await this.dataset());
    const id = `map-${process.pid}-${++jobSeq}`;
    const cts = new vscode.CancellationTokenSource();
    const onClose = this.token.onCancellationRequested(() => cts.cancel());
    this.job = { id, cts };
    this.metric = s.metric;
    this.post({ type: 'started', jobId: id, method: s.method });
    let after = 0;
    let polling = false;
    const poll = async () => {
      if (polling) return;
      polling = true;
      try {
        const p = await this.ctx.engine.request(ProjectPoll, { jobId: id, after });
        if (!p || this.job?.id !== id) return;
        this.post({ type: 'progress', jobId: id, fraction: p.fraction, message: p.message });
        if (p.frame) {
          after = p.frame.seq;
          this.post({
            type: 'layout',
            jobId: id,
            stage: p.frame.stage,
            step: p.frame.step,
            steps: p.frame.steps,
            dims: p.frame.dims,
            coords: p.frame.coords,
          });
        }
      } catch {
        // A missed poll only delays the next picture.
      } finally {
        polling = false;
      }
    };
    const timer = setInterval(() => void poll(), POLL_MS);
    try {
      const result = await this.ctx.engine.request(
        Project,
        {
          datasetId: info.id,
          jobId: id,
          method: s.method,
          dims: 2,
          seed: s.seed,
          k: s.k,
          metric: s.metric,
          knn: knnSetting(),
        },
        { token: cts.token },
      );
      this.lastResult = result;
      this.lastJobId = id;
      this.post({ type: 'result', result });
      const waiting = this.finished;
      this.finished = [];
      for (const f of waiting) f(result);
    } catch (e) {
      if (e instanceof EngineCancelled || cts.token.isCancellationRequested)
        this.post({ type: 'stopped', jobId: id, reason: 'cancelled' });
      else {
        this.post({
          type: 'stopped',
          jobId: id,
          reason: 'failed',
          message: e instanceof Error ? e.message : String(e),
        });
        throw e;
      }
    } finally {
      clearInterval(timer);
      onClose.dispose();
      if (this.job?.id === id) this.job = undefined;
      cts.dispose();
    }
  }

  protected async onMessage(msg: PanelMessage<MapFromWebview>): Promise<void> {
    const info = this.info ?? (await this.dataset());
    switch (msg.type) {
      case 'compute':
        return this.compute(msg);
      case 'cancel':
        this.job?.cts.cancel();
        return;
      case 'colorBy': {
        const col = await this.ctx.engine.request(
          ColumnValues,
          { datasetId: info.id, column: msg.column },
          { token: this.token },
        );
        this.post({ type: 'color', column: col.column, kind: col.kind, values: col.values });
        return;
      }
      case 'select': {
        const result = await this.ctx.engine.request(
          MapSelection,
          { datasetId: info.id, rows: msg.rows, k: MAP_DEFAULTS.k, metric: this.metric, column: msg.column },
          { token: this.token },
        );
        this.post({ type: 'selection', rows: msg.rows.length, result });
        return;
      }
      case 'search': {
        const r = await this.ctx.engine.request(
          MapSearch,
          { datasetId: info.id, text: msg.text, limit: 50_000 },
          { token: this.token },
        );
        this.post({ type: 'search', text: msg.text, rows: r.rows, total: r.total });
        return;
      }
      case 'exportImage':
        return this.exportImage(msg.format, msg.dataUrl);
      case 'exportCsv':
        return this.exportCsv(msg.jobId);
    }
  }

  private async saveTarget(
    ext: string,
    label: string,
    more: Record<string, string[]> = {},
  ): Promise<vscode.Uri | undefined> {
    const stem = path.basename(this.uri.fsPath).replace(/\.(npy|parquet)$/i, '');
    const method = this.lastResult?.method ?? 'map';
    const target = await vscode.window.showSaveDialog({
      title: `Save the ${label}`,
      defaultUri: vscode.Uri.file(path.join(path.dirname(this.uri.fsPath), `${stem}-${method}.${ext}`)),
      filters: { [label]: [ext], ...more },
    });
    if (!target) return undefined;
    const inputs = [this.uri.fsPath, this.info?.metaPath].filter((x): x is string => !!x).map((p) => path.resolve(p));
    if (inputs.includes(path.resolve(target.fsPath))) {
      void vscode.window.showErrorMessage(
        `Embedding Lens: ${path.basename(target.fsPath)} is an input of this map; choose another file.`,
      );
      return undefined;
    }
    if (fs.existsSync(target.fsPath)) {
      const ok = await vscode.window.showWarningMessage(
        `${path.basename(target.fsPath)} already exists. Replace it?`,
        { modal: true },
        'Replace',
      );
      if (ok !== 'Replace') return undefined;
    }
    return target;
  }

  private async exportImage(format: 'png' | 'svg', dataUrl: string): Promise<void> {
    const target = await this.saveTarget(format, format === 'png' ? 'PNG image' : 'SVG image');
    if (!target) return;
    const comma = dataUrl.indexOf(',');
    const head = dataUrl.slice(0, comma);
    const body = dataUrl.slice(comma + 1);
    const bytes = head.endsWith(';base64')
      ? Buffer.from(body, 'base64')
      : Buffer.from(decodeURIComponent(body), 'utf8');
    await vscode.workspace.fs.writeFile(target, bytes);
    this.post({ type: 'exported', what: format, file: target.fsPath });
  }

  private async exportCsv(jobId: string): Promise<void> {
    const info = this.info ?? (await this.dataset());
    const target = await this.saveTarget('csv', 'CSV file', { 'Parquet file': ['parquet'] });
    if (!target) return;
    const r = await this.ctx.engine.request(
      ExportCoords,
      {
        datasetId: info.id,
        jobId: jobId || this.lastJobId || '',
        file: target.fsPath,
        overwrite: fs.existsSync(target.fsPath),
      },
      { token: this.token },
    );
    this.post({ type: 'exported', what: 'csv', file: r.file });
  }
}
