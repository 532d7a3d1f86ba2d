/**
 * The labels-and-pairs panels, one class for three views of a file:
 *  - 'gap': the modality gap between two groups of rows (a metadata column);
 *  - 'collapse': neural collapse of labelled features (optional classifier weights);
 *  - 'compare': the file against a second file with the same rows.
 * The feature (features/pairs.ts) asks for the columns / second file first; the
 * panel runs the engine request, posts the result, and lets the user choose again.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { DatasetInfo } from '../../shared/protocol/datasets';
import { ColumnValues } from '../../shared/protocol/datasets';
import { Compare, ModalityGap, NeuralCollapse } from '../../shared/protocol/pairs';
import type { PairsFile, PairsFromWebview, PairsToWebview } from '../../shared/webview/pairs';
import type { HostContext } from '../context';
import { panelLinks } from '../features/links';
import { LensPanel } from './panel';
import { COMMANDS } from '../commands';
import type { PanelMessage } from '../../shared/webview/common';

export type PairsSpec =
  | { mode: 'gap'; group: string; pair?: string; values?: [string, string] }
  | { mode: 'collapse'; labels: string; weightsPath?: string; biasPath?: string }
  | { mode: 'compare'; other: vscode.Uri; k: number };

/** Asks the user again for what the panel needs (columns, files); undefined when they cancel. */
export type Rechoose = (uri: vscode.Uri, current: PairsSpec) => Promise<PairsSpec | undefined>;

/** The command that opens each mode (its link is left out of the panel's own toolbar). */
const MODE_COMMANDS = {
  gap: COMMANDS.pairs.modalityGap,
  collapse: COMMANDS.pairs.neuralCollapse,
  compare: COMMANDS.pairs.compareWith,
} as const;

export class PairsPanel extends LensPanel<PairsToWebview, PairsFromWebview> {
  constructor(
    ctx: HostContext,
    panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
    private spec: PairsSpec,
    private readonly rechoose: Rechoose,
  ) {
    super(ctx, panel, 'pairs');
  }

  protected fileUri(): vscode.Uri {
    return this.uri;
  }

  protected async refresh(): Promise<void> {
    this.restartWork();
    const token = this.token;
    const name = path.basename(this.uri.fsPath);
    this.post({ type: 'busy', message: `Reading ${name}…` });
    const info = await this.ctx.datasets.get({ uri: this.uri }, token);
    const file = fileOf(this.uri, info);
    const links = panelLinks().filter((l) => l.command !== MODE_COMMANDS[this.spec.mode]);
    const spec = this.spec;
    if (spec.mode === 'gap') {
      this.post({ type: 'busy', message: `Measuring the gap between the groups of '${spec.group}'…` });
      const result = await this.ctx.engine.request(
        ModalityGap,
        { datasetId: info.id, group: spec.group, pair: spec.pair, values: spec.values },
        { token, progressTitle: `Embedding Lens: modality gap of ${name}` },
      );
      this.post({ type: 'busy' });
      this.post({ type: 'gap', file, result, pairColumn: spec.pair, links });
    } else if (spec.mode === 'collapse') {
      this.post({ type: 'busy', message: `Measuring neural collapse by '${spec.labels}'…` });
      const result = await this.ctx.engine.request(
        NeuralCollapse,
        { datasetId: info.id, labels: spec.labels, weightsPath: spec.weightsPath, biasPath: spec.biasPath },
        { token, progressTitle: `Embedding Lens: neural collapse of ${name}` },
      );
      this.post({ type: 'busy' });
      this.post({
        type: 'collapse',
        file,
        result,
        weights: spec.weightsPath && path.basename(spec.weightsPath),
        links,
      });
    } else {
      const otherName = path.basename(spec.other.fsPath);
      this.post({ type: 'busy', message: `Reading ${otherName}…` });
      const other = await this.ctx.datasets.get({ uri: spec.other }, token);
      this.post({
        type: 'busy',
        message: `Comparing ${name} with ${otherName} (k-NN of both files, CKA, Procrustes)…`,
      });
      const result = await this.ctx.engine.request(
        Compare,
        { datasetId: info.id, otherId: other.id, k: spec.k },
        { token, progressTitle: `Embedding Lens: comparing ${name} with ${otherName}` },
      );
      let labels: (string | null)[] | undefined;
      if (info.labelColumn) {
        const col = await this.ctx.engine.request(
          ColumnValues,
          { datasetId: info.id, column: info.labelColumn },
          { token },
        );
        labels = col.values.map((v) => (v === null ? null : String(v)));
      }
      this.post({ type: 'busy' });
      this.post({ type: 'compare', fileA: file, fileB: fileOf(spec.other, other), result, labels, links });
    }
  }

  protected async onMessage(msg: PanelMessage<PairsFromWebview>): Promise<void> {
    switch (msg.type) {
      case 'rechoose': {
        const next = await this.rechoose(this.uri, this.spec);
        if (!next) return;
        this.spec = next;
        return this.refresh();
      }
      case 'compareK':
        if (this.spec.mode !== 'compare' || !Number.isInteger(msg.k) || msg.k < 1) return;
        this.spec = { ...this.spec, k: msg.k };
        return this.refresh();
    }
  }
}

function fileOf(uri: vscode.Uri, info: DatasetInfo): PairsFile {
  return { name: path.basename(uri.fsPath), rows: info.rows, dims: info.dims };
}
