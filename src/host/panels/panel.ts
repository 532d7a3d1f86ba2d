/**
 * Base of every Embedding Lens webview: strict CSP with a fresh nonce per
 * render, resources only from the bundled dist/webview folder, a `ready`
 * handshake before anything is posted, cancellation of in-flight engine work
 * when the panel closes, and a refresh after the engine restarts.
 */
import * as crypto from 'crypto';
import * as vscode from 'vscode';
import type { CommonFromWebview, CommonToWebview, PanelMessage } from '../../shared/webview/common';
import { EngineCancelled, EngineInputError } from '../engine';
import type { HostContext } from '../context';

export abstract class LensPanel<ToWebview extends { type: string }, FromWebview extends { type: string }>
  implements vscode.Disposable
{
  private ready = false;
  private queue: (ToWebview | CommonToWebview)[] = [];
  protected readonly disposables: vscode.Disposable[] = [];
  private cts = new vscode.CancellationTokenSource();
  private disposed = false;

  constructor(
    protected readonly ctx: HostContext,
    readonly panel: vscode.WebviewPanel,
    /** Bundle name under dist/webview (`webview/<bundle>/main.ts`). */
    bundle: string,
  ) {
    const root = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [root] };
    panel.webview.html = renderHtml(panel.webview, root, bundle);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: FromWebview | CommonFromWebview) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
      ctx.engine.onDidRestart(() => {
        // Dataset ids died with the old process: ask again for what the panel shows.
        if (this.ready) void this.guard(() => this.refresh());
      }),
    );
  }

  /** Cancelled when the panel closes or its content is replaced. */
  protected get token(): vscode.CancellationToken {
    return this.cts.token;
  }

  /** Cancels whatever the panel was computing (before starting something that replaces it). */
  protected restartWork(): void {
    this.cts.cancel();
    this.cts.dispose();
    this.cts = new vscode.CancellationTokenSource();
  }

  post(msg: ToWebview | CommonToWebview): void {
    if (this.disposed) return;
    if (!this.ready) {
      this.queue.push(msg);
      return;
    }
    void this.panel.webview.postMessage(msg);
  }

  private receive(m: FromWebview | CommonFromWebview): void {
    if (m.type === 'ready') {
      this.ready = true;
      const q = this.queue;
      this.queue = [];
      for (const x of q) void this.panel.webview.postMessage(x);
      void this.guard(() => this.refresh());
      return;
    }
    if (m.type === 'runCommand') {
      void vscode.commands.executeCommand((m as { command: string }).command, this.fileUri());
      return;
    }
    void this.guard(() => this.onMessage(m as PanelMessage<FromWebview>));
  }

  /** Runs panel work, showing input errors in the panel and ignoring cancellations. */
  protected async guard(fn: () => Promise<void> | void): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (e instanceof EngineCancelled || e instanceof vscode.CancellationError) return;
      const message = e instanceof Error ? e.message : String(e);
      if (!(e instanceof EngineInputError))
        this.ctx.log.appendLine(`[panel] ${e instanceof Error ? e.stack : message}`);
      this.post({ type: 'error', message });
    }
  }

  /** (Re)computes and posts everything the panel shows; called on ready and after an engine restart. */
  protected abstract refresh(): Promise<void>;
  protected abstract onMessage(msg: PanelMessage<FromWebview>): Promise<void> | void;
  /** The file this panel is about, passed to commands run from its toolbar. */
  protected abstract fileUri(): vscode.Uri | undefined;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cts.cancel();
    this.cts.dispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

function nonce(): string {
  return crypto.randomBytes(18).toString('base64').replace(/[+/=]/g, '');
}

/**
 * The page shell. `default-src 'none'`; scripts only with this render's nonce;
 * styles from the bundle plus inline style attributes, which plotly and the
 * web components set at run time; fonts and images from the bundle or data URIs.
 */
function renderHtml(webview: vscode.Webview, root: vscode.Uri, bundle: string): string {
  const n = nonce();
  const src = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, f)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data: blob:`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource} data:`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${src('codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${src('style.css')}">
</head>
<body>
<main id="app" aria-busy="true"><p class="muted">Loading…</p></main>
<script nonce="${n}" src="${src('plotly.min.js')}"></script>
<script nonce="${n}" src="${src(`${bundle}.js`)}"></script>
</body>
</html>`;
}
