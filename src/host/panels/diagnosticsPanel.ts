/**
 * Diagnostics panel: runs the engine's geometry diagnostics on one file (with
 * progress in a notification and cancellation from the panel) and answers the
 * page's "who points at this hub?" with the rows and their metadata labels.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { MetadataRows } from '../../shared/protocol/datasets';
import type { DiagnoseResult } from '../../shared/protocol/diagnostics';
import { Diagnose } from '../../shared/protocol/diagnostics';
import { cleanSettings, DIAGNOSTICS_DEFAULTS } from '../../shared/webview/diagnostics';
import type {
  DiagnosticsFromWebview,
  DiagnosticsSettings,
  DiagnosticsToWebview,
  PointerItem,
} from '../../shared/webview/diagnostics';
import { EngineCancelled } from '../engine';
import type { HostContext } from '../context';
import { panelLinks } from '../features/links';
import { LensPanel } from './panel';
import { COMMANDS } from '../commands';
import type { PanelMessage } from '../../shared/webview/common';

export class DiagnosticsPanel extends LensPanel<DiagnosticsToWebview, DiagnosticsFromWebview> {
  private settings: DiagnosticsSettings = { ...DIAGNOSTICS_DEFAULTS };
  private result: DiagnoseResult | undefined;
  /** The last result, for tests and the "pointed by" lookups. */
  get lastResult(): DiagnoseResult | undefined {
    return this.result;
  }

  constructor(
    ctx: HostContext,
    panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
  ) {
    super(ctx, panel, 'diagnostics');
  }

  protected fileUri(): vscode.Uri {
    return this.uri;
  }

  protected async refresh(): Promise<void> {
    await this.run();
  }

  protected async onMessage(msg: PanelMessage<DiagnosticsFromWebview>): Promise<void> {
    switch (msg.type) {
      case 'run':
        this.settings = cleanSettings(msg.settings);
        return this.run();
      case 'cancel':
        this.restartWork();
        return;
      case 'hub':
        return this.showHub(msg.row);
    }
  }

  private async run(): Promise<void> {
    this.restartWork();
    const token = this.token;
    try {
      this.post({ type: 'busy', message: 'Reading the file…' });
      const info = await this.ctx.datasets.get({ uri: this.uri }, token);
      this.post({
        type: 'file',
        file: { name: path.basename(this.uri.fsPath), rows: info.rows, dims: info.dims, labelColumn: info.labelColumn },
        settings: this.settings,
        links: panelLinks().filter((l) => l.command !== COMMANDS.diagnostics.show),
      });
      this.post({ type: 'busy' });
      this.post({ type: 'running', settings: this.settings });
      const { k, metric, sample } = this.settings;
      this.result = await this.ctx.engine.request(
        Diagnose,
        { datasetId: info.id, k, metric: metric === 'auto' ? undefined : metric, sample: sample || undefined },
        {
          token,
          progressTitle: `Embedding Lens: diagnosing ${path.basename(this.uri.fsPath)}`,
          onProgress: (percentage, message) =>
            this.token === token && this.post({ type: 'progress', percentage, message }),
        },
      );
      if (this.token === token) this.post({ type: 'result', result: this.result });
    } catch (e) {
      if (e instanceof EngineCancelled || e instanceof vscode.CancellationError || token.isCancellationRequested) {
        if (this.token === token) this.post({ type: 'cancelled' });
        return;
      }
      throw e;
    }
  }

  /** The rows that list `row` among their k nearest neighbours (from the result), with labels. */
  private async showHub(row: number): Promise<void> {
    const hub = this.result?.hubness.topHubs.find((h) => h.row === row);
    if (!hub) return;
    const info = await this.ctx.datasets.get({ uri: this.uri }, this.token);
    let labels: (string | undefined)[] = [];
    const rows = [row, ...hub.pointedBy];
    if (info.labelColumn) {
      const meta = await this.ctx.engine.request(MetadataRows, { datasetId: info.id, rows }, { token: this.token });
      const c = meta.columns.indexOf(info.labelColumn);
      labels = meta.values.map((v) => (c >= 0 && v[c] !== null && v[c] !== undefined ? String(v[c]) : undefined));
    }
    const pointedBy: PointerItem[] = hub.pointedBy.map((r, i) => ({ row: r, label: labels[i + 1] }));
    this.post({
      type: 'hub',
      row,
      label: labels[0] ?? hub.label,
      occurrence: hub.occurrence,
      pointedBy,
      capped: hub.pointedBy.length < hub.occurrence,
    });
  }
}
