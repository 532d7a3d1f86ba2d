/**
 * Embedding Lens: activation. Starts nothing heavy until a command or editor
 * needs the engine; the engine process starts on the first request.
 */
import * as vscode from 'vscode';
import { DatasetService } from './datasets';
import { EngineClient } from './engine';
import { HostContext } from './context';
import { FEATURES } from './features/index';

/** What `activate` returns: used by the integration tests and by other extensions. */
export interface EmbeddingLensApi {
  context: HostContext;
}

export function activate(extension: vscode.ExtensionContext): EmbeddingLensApi {
  const log = vscode.window.createOutputChannel('Embedding Lens', { log: true });
  const engine = new EngineClient(extension, log);
  const datasets = new DatasetService(engine);
  const ctx = new HostContext(extension, engine, datasets, log);

  extension.subscriptions.push(log, engine);
  for (const activateFeature of FEATURES) {
    const subs = activateFeature(ctx);
    if (subs) extension.subscriptions.push(...subs);
  }
  return { context: ctx };
}

export function deactivate(): void {
  // Disposables (the engine client among them) are released by VS Code.
}
