/**
 * The overview of one embedding file: what it holds (shape, dtype, bad rows,
 * duplicates, norms) and an exact PCA map where clicking a point lists its
 * nearest neighbours. Hosted by the custom editor for .npy/.parquet.
 */
import * as vscode from 'vscode';
import type { Metric } from '../../shared/protocol/common';
import type { DatasetInfo } from '../../shared/protocol/datasets';
import { ColumnValues, MetadataRows } from '../../shared/protocol/datasets';
import { Neighbors } from '../../shared/protocol/neighbors';
import { Overview } from '../../shared/protocol/overview';
import type { OverviewFromWebview, OverviewToWebview, NeighborItem } from '../../shared/webview/overview';
import type { HostContext } from '../context';
import { defaultK, defaultMetric, scatterMaxPoints } from '../settings';
import { LensPanel } from './panel';
import { panelLinks } from '../features/links';
import type { PanelMessage } from '../../shared/webview/common';

export class OverviewPanel extends LensPanel<OverviewToWebview, OverviewFromWebview> {
  private info: DatasetInfo | undefined;
  private metaPath: string | undefined;
  /** Set once the overview was posted; a row asked for before then waits in `pendingRow`. */
  private shown = false;
  private pendingRow: number | undefined;

  constructor(
    ctx: HostContext,
    panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
  ) {
    super(ctx, panel, 'overview');
    this.disposables.push(
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active && this.info) ctx.setActive({ uri, info: this.info });
      }),
    );
  }

  protected fileUri(): vscode.Uri {
    return this.uri;
  }

  private async dataset(): Promise<DatasetInfo> {
    const info = await this.ctx.datasets.get({ uri: this.uri, metaPath: this.metaPath }, this.token);
    this.info = info;
    if (this.panel.active) this.ctx.setActive({ uri: this.uri, info });
    return info;
  }

  protected async refresh(): Promise<void> {
    this.restartWork();
    this.post({ type: 'busy', message: 'Reading the file…' });
    const info = await this.dataset();
    for (const w of info.warnings) void vscode.window.showWarningMessage(`Embedding Lens: ${w}`);
    this.post({ type: 'busy', message: 'Computing norms and the PCA map…' });
    const data = await this.ctx.engine.request(Overview, { datasetId: info.id }, { token: this.token });
    let labels: (string | null)[] | undefined;
    if (info.labelColumn) {
      const col = await this.ctx.engine.request(
        ColumnValues,
        { datasetId: info.id, column: info.labelColumn },
        { token: this.token },
      );
      labels = col.values.map((v) => (v === null ? null : String(v)));
    }
    this.post({
      type: 'overview',
      data,
      labels,
      settings: { metric: defaultMetric(), k: defaultK(), maxPoints: scatterMaxPoints() },
      links: panelLinks(),
    });
    this.shown = true;
    if (this.pendingRow !== undefined) {
      const row = this.pendingRow;
      this.pendingRow = undefined;
      await this.showNeighbors(row, defaultMetric(), defaultK());
    }
  }

  /** Selects a row as if the user clicked it (e.g. from a hover's "Show in Embedding Lens"). */
  selectRow(row: number): void {
    if (!this.shown) {
      this.pendingRow = row;
      return;
    }
    void this.guard(() => this.showNeighbors(row, defaultMetric(), defaultK()));
  }

  protected async onMessage(msg: PanelMessage<OverviewFromWebview>): Promise<void> {
    switch (msg.type) {
      case 'selectRow':
        return this.showNeighbors(msg.row, msg.metric, msg.k);
      case 'colorBy': {
        const info = await this.dataset();
        const col = await this.ctx.engine.request(
          ColumnValues,
          { datasetId: info.id, column: msg.column },
          { token: this.token },
        );
        this.post({ type: 'color', column: col.column, kind: col.kind, values: col.values });
        return;
      }
      case 'chooseMetadata':
        return this.chooseMetadata();
    }
  }

  /** Lists row `row`'s neighbours with their metadata; the webview highlights them. */
  async showNeighbors(row: number, metric: Metric, k: number): Promise<void> {
    const info = await this.dataset();
    const res = await this.ctx.engine.request(Neighbors, { datasetId: info.id, row, k, metric }, { token: this.token });
    const rows = [row, ...res.neighbors.map((n) => n.row)];
    const meta = info.columns.length
      ? await this.ctx.engine.request(MetadataRows, { datasetId: info.id, rows }, { token: this.token })
      : undefined;
    const record = (i: number) =>
      meta ? Object.fromEntries(meta.columns.map((c, j) => [c, meta.values[i][j]])) : undefined;
    const label = (i: number) => {
      const r = record(i);
      const v = r && info.labelColumn ? r[info.labelColumn] : undefined;
      return v === undefined || v === null ? undefined : String(v);
    };
    const items: NeighborItem[] = res.neighbors.map((n, i) => ({
      row: n.row,
      score: n.score,
      label: label(i + 1),
      meta: record(i + 1),
    }));
    this.post({ type: 'neighbors', row, label: label(0), metric, k, items });
  }

  private async chooseMetadata(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      title: 'Choose the metadata file for these embeddings (one row per vector, with a header)',
      canSelectMany: false,
      defaultUri: vscode.Uri.joinPath(this.uri, '..'),
      filters: { Metadata: ['tsv', 'csv', 'jsonl'] },
    });
    if (!picked?.[0]) return;
    this.metaPath = picked[0].fsPath;
    this.ctx.datasets.remember(this.uri, { metaPath: this.metaPath });
    await this.refresh();
  }
}
