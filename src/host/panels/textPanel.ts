/**
 * "Search by Text": type a word or sentence, see the file's nearest rows. The text
 * is embedded by the configured model (or the built-in GloVe model) in the engine,
 * and searched with the engine's exact k-NN. A model whose dimension differs from
 * the file's is reported by name and both dimensions before any search is tried.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { Metric } from '../../shared/protocol/common';
import type { DatasetInfo } from '../../shared/protocol/datasets';
import type { NeighborsOfTextResult, TextModelInfo } from '../../shared/protocol/text';
import { NeighborsOfText, TextModelDescribe } from '../../shared/protocol/text';
import type { TextFromWebview, TextToWebview } from '../../shared/webview/text';
import type { HostContext } from '../context';
import { showRowInOverview } from '../editor';
import { defaultK, defaultMetric } from '../settings';
import { modelForRequests, MODEL_SETTING } from '../text/model';
import { LensPanel } from './panel';
import { COMMANDS } from '../commands';
import type { PanelMessage } from '../../shared/webview/common';

/** A search and its answer, shown again after the panel re-renders. */
export interface TextSearch {
  query: string;
  k: number;
  metric: Metric;
  result: NeighborsOfTextResult;
  /** Wall time of the request, embedding included. */
  ms: number;
}

export class TextPanel extends LensPanel<TextToWebview, TextFromWebview> {
  private info: DatasetInfo | undefined;
  private last: TextSearch | undefined;
  /** The page has its controls (the init message was posted), so results can be shown. */
  private initialised = false;

  constructor(
    ctx: HostContext,
    panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
  ) {
    super(ctx, panel, 'text');
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`embeddingLens.${MODEL_SETTING}`)) void this.guard(() => this.refresh());
      }),
    );
  }

  protected fileUri(): vscode.Uri {
    return this.uri;
  }

  /** Shows a search done elsewhere (the command's input box); waits for the page if it is not up yet. */
  show(search: TextSearch): void {
    this.last = search;
    if (this.initialised) this.postResults(search);
  }

  private postResults(s: TextSearch): void {
    this.post({ type: 'results', query: s.query, metric: s.metric, k: s.k, neighbors: s.result.neighbors, ms: s.ms });
  }

  protected async refresh(): Promise<void> {
    this.restartWork();
    this.post({ type: 'busy', message: 'Reading the file and loading the model…' });
    const info = await this.ctx.datasets.get({ uri: this.uri }, this.token);
    this.info = info;
    let model: TextModelInfo | null = null;
    let modelError: string | undefined;
    try {
      model = await this.ctx.engine.request(TextModelDescribe, { model: modelForRequests() }, { token: this.token });
    } catch (e) {
      modelError = e instanceof Error ? e.message : String(e);
    }
    const mismatch =
      model && model.dims !== info.dims
        ? `${path.basename(info.path)} has ${info.dims}-dimensional vectors but the model (${model.builtin ? 'built-in GloVe' : path.basename(model.dir)}) gives ${model.dims}-dimensional ones. Choose the model that made this file (setting embeddingLens.model.path).`
        : undefined;
    this.post({
      type: 'init',
      file: { name: path.basename(info.path), rows: info.rows, dims: info.dims, labelColumn: info.labelColumn },
      model,
      modelError,
      mismatch,
      settings: { k: defaultK(), metric: defaultMetric() },
      query: this.last?.query,
      k: this.last?.k,
      metric: this.last?.metric,
    });
    this.initialised = true;
    this.post({ type: 'busy' });
    if (this.last && !mismatch) this.postResults(this.last);
  }

  protected async onMessage(msg: PanelMessage<TextFromWebview>): Promise<void> {
    switch (msg.type) {
      case 'search':
        await this.search(msg.text, msg.k, msg.metric);
        return;
      case 'showRow':
        return showRowInOverview(this.uri, msg.row);
      case 'chooseModel':
        await vscode.commands.executeCommand(COMMANDS.text.chooseModelFolder);
        return;
    }
  }

  async search(text: string, k: number, metric: Metric): Promise<NeighborsOfTextResult> {
    this.restartWork();
    const info = this.info ?? (await this.ctx.datasets.get({ uri: this.uri }, this.token));
    this.post({
      type: 'busy',
      message: `Embedding "${text.length > 40 ? text.slice(0, 39) + '…' : text}" and searching ${info.rows.toLocaleString('en-US')} rows…`,
    });
    const t0 = Date.now();
    const res = await this.ctx.engine.request(
      NeighborsOfText,
      { datasetId: info.id, text, k, metric, model: modelForRequests() },
      { token: this.token },
    );
    this.last = { query: text, k, metric, result: res, ms: Date.now() - t0 };
    this.postResults(this.last);
    this.post({ type: 'busy' });
    return res;
  }
}
