/**
 * Embedding Lens: activation. Starts nothing heavy until a command or editor
 * needs the engine; the engine process starts on the first request.
 */
import * as vscode from 'vscode';
import { DatasetService } from './datasets';
import { EngineClient } from './engine';
import { HostContext, pickWorkspaceEmbeddingFile } from './context';
import { openOverview, registerOverviewEditors } from './editor';
import { FEATURES } from './features/index';
import { engineThreads } from './settings';

/** What `activate` returns: used by the integration tests and by other extensions. */
export interface EmbeddingLensApi {
  context: HostContext;
}

export function activate(extension: vscode.ExtensionContext): EmbeddingLensApi {
  const log = vscode.window.createOutputChannel('Embedding Lens', { log: true });
  const engine = new EngineClient(extension, log);
  const datasets = new DatasetService(engine);
  const ctx = new HostContext(extension, engine, datasets, log);

  extension.subscriptions.push(
    log,
    engine,
    ...registerOverviewEditors(ctx),
    vscode.commands.registerCommand('embeddingLens.open', async (uri?: vscode.Uri, selected?: vscode.Uri[]) => {
      const targets = selected?.length ? selected : uri ? [uri] : [];
      if (!targets.length) {
        const picked = await pickWorkspaceEmbeddingFile('Open an embedding file');
        if (picked) targets.push(picked);
      }
      for (const t of targets) await openOverview(t);
    }),
    vscode.commands.registerCommand('embeddingLens.openFile', async () => {
      const picked = await pickWorkspaceEmbeddingFile('Open an embedding file');
      if (picked) await openOverview(picked);
    }),
    vscode.commands.registerCommand('embeddingLens.showEngineLog', () => log.show()),
    vscode.commands.registerCommand('embeddingLens.restartEngine', async () => {
      await engine.restart();
      void vscode.window.showInformationMessage('Embedding Lens: engine restarted.');
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('embeddingLens.engine.threads')) void engine.configure({ threads: engineThreads() });
    }),
  );
  for (const activateFeature of FEATURES) {
    const subs = activateFeature(ctx);
    if (subs) extension.subscriptions.push(...subs);
  }
  return { context: ctx };
}

export function deactivate(): void {
  // Disposables (the engine client among them) are released by VS Code.
}
