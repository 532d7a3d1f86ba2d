/** The engine process: its log, a restart on request, and the settings it runs with. */
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import type { HostContext } from '../context';
import { engineThreads } from '../settings';

export function activateEngine(ctx: HostContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.engine.showLog, () => ctx.log.show()),
    vscode.commands.registerCommand(COMMANDS.engine.restart, async () => {
      await ctx.engine.restart();
      void vscode.window.showInformationMessage('Embedding Lens: engine restarted.');
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('embeddingLens.engine.threads'))
        void ctx.engine.configure({ threads: engineThreads() });
    }),
  ];
}
