/**
 * The extension host's side of the engine channel: starts the engine process
 * with vscode-languageclient over Node IPC, sends the typed requests declared in
 * the feature modules of src/shared/protocol/ with progress and cancellation (typed arrays
 * both ways in the channel's one array format, src/shared/wire.ts), and tells listeners
 * when the process was restarted (after a crash or on the user's command) so
 * open panels can ask again for what they show.
 */
import * as vscode from 'vscode';
import {
  CancellationTokenSource,
  LanguageClient,
  LanguageClientOptions,
  ResponseError,
  ServerOptions,
  State,
  TransportKind,
  WorkDoneProgress,
} from 'vscode-languageclient/node';
import type { EngineSettings } from '../shared/protocol/engine';
import { Configure } from '../shared/protocol/engine';
import type { RequestDef } from '../shared/protocol/request';
import { Base64Codec, decodeWire, encodeWire } from '../shared/wire';
import { ENGINE_ERROR_INPUT } from '../shared/errors';
import { engineThreads } from './settings';

/** Node's native base64 for the wire's typed arrays (src/shared/wire.ts). */
const NODE_BASE64: Base64Codec = {
  encode: (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64'),
  decode: (s) => Buffer.from(s, 'base64'),
};

export interface RequestOptions {
  /** Show a notification with progress and a Cancel button, titled so. */
  progressTitle?: string;
  /** Cancels the request (e.g. the panel closed). */
  token?: vscode.CancellationToken;
  /** The engine's work-done progress (percentage 0–100, message), e.g. for a panel's own progress bar. */
  onProgress?: (percentage: number | undefined, message?: string) => void;
}

/** An error whose message is for the user (bad file, bad column...). */
export class EngineInputError extends Error {
  constructor(
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export class EngineCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export class EngineClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private generation = 0;
  private readonly restarted = new vscode.EventEmitter<void>();
  /** Fires after the engine process was replaced: every dataset id it gave out is gone. */
  readonly onDidRestart = this.restarted.event;
  private progressSeq = 0;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
  ) {}

  private async ensure(): Promise<LanguageClient> {
    if (this.client?.state === State.Running) return this.client;
    if (!this.starting) this.starting = this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<LanguageClient> {
    if (this.client) return this.client.state === State.Running ? this.client : this.waitRunning(this.client);
    const module = this.context.asAbsolutePath('dist/engine/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [],
      outputChannel: this.log,
      initializationOptions: { threads: engineThreads() } satisfies EngineSettings,
    };
    const client = new LanguageClient('embeddingLens.engine', 'Embedding Lens Engine', serverOptions, clientOptions);
    let wasRunning = false;
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        // The client restarts a crashed process by itself; a second Running means a new process.
        if (wasRunning) {
          this.generation++;
          this.log.appendLine(`[host] engine restarted (generation ${this.generation})`);
          this.restarted.fire();
        }
        wasRunning = true;
      }
    });
    this.client = client;
    await client.start();
    return client;
  }

  private waitRunning(client: LanguageClient): Promise<LanguageClient> {
    return new Promise((resolve) => {
      const sub = client.onDidChangeState((e) => {
        if (e.newState === State.Running) {
          sub.dispose();
          resolve(client);
        }
      });
    });
  }

  /** The number of times the engine was replaced; panels compare it to know when to re-open. */
  get restarts(): number {
    return this.generation;
  }

  async request<P, R>(def: RequestDef<P, R>, params: P, opts: RequestOptions = {}): Promise<R> {
    const client = await this.ensure();
    const run = async (
      token: vscode.CancellationToken,
      report?: (pct: number | undefined, msg?: string) => void,
    ): Promise<R> => {
      let sub: vscode.Disposable | undefined;
      let withToken = params;
      if ((report || opts.onProgress) && params && typeof params === 'object') {
        const workDoneToken = `el-${process.pid}-${++this.progressSeq}`;
        let last = 0;
        sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
          if (v.kind === 'end') return;
          const pct = v.percentage;
          opts.onProgress?.(pct, v.message);
          report?.(pct === undefined ? undefined : Math.max(0, pct - last), v.message);
          if (pct !== undefined) last = pct;
        });
        withToken = { ...params, workDoneToken };
      }
      const cts = new CancellationTokenSource();
      const onCancel = token.onCancellationRequested(() => cts.cancel());
      try {
        const result = await client.sendRequest<unknown>(def.method, encodeWire(withToken, NODE_BASE64), cts.token);
        return decodeWire(result, NODE_BASE64) as R;
      } catch (e) {
        throw translate(e, token);
      } finally {
        onCancel.dispose();
        sub?.dispose();
        cts.dispose();
      }
    };
    if (!opts.progressTitle) return run(opts.token ?? new vscode.CancellationTokenSource().token);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: opts.progressTitle, cancellable: true },
      (progress, token) => {
        const both = new vscode.CancellationTokenSource();
        token.onCancellationRequested(() => both.cancel());
        opts.token?.onCancellationRequested(() => both.cancel());
        return run(both.token, (inc, message) => progress.report({ increment: inc, message }));
      },
    );
  }

  async restart(): Promise<void> {
    const client = await this.ensure();
    this.log.appendLine('[host] restarting engine on request');
    await client.restart();
  }

  /** Sends the settings the engine needs now (after a configuration change). */
  async configure(settings: EngineSettings): Promise<void> {
    if (this.client?.state === State.Running) await this.request(Configure, settings);
  }

  dispose(): void {
    this.restarted.dispose();
    void this.client?.stop().catch(() => undefined);
  }
}

function translate(e: unknown, token: vscode.CancellationToken): Error {
  if (token.isCancellationRequested) return new EngineCancelled();
  if (e instanceof ResponseError) {
    if (e.code === ENGINE_ERROR_INPUT) return new EngineInputError(e.message, e.data);
    if (e.code === -32800) return new EngineCancelled();
    return new Error(`Embedding Lens engine: ${e.message}`);
  }
  return e instanceof Error ? e : new Error(String(e));
}
