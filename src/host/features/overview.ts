/**
 * The overview of an embedding file: the read-only custom editor (.npy by
 * default, .parquet as an option), "Open Embedding File", and "Show Row" (the
 * hover's link: opens the overview on a row and lists its neighbours).
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import type { HostContext } from '../context';
import { asUri, pickWorkspaceEmbeddingFile } from '../context';
import { openOverview, registerOverviewEditors, showRowInOverview } from '../editor';

export function activateOverview(ctx: HostContext): vscode.Disposable[] {
  return [
    ...registerOverviewEditors(ctx),
    vscode.commands.registerCommand(COMMANDS.overview.open, async (uri?: vscode.Uri, selected?: vscode.Uri[]) => {
      const targets = selected?.length ? selected : uri ? [uri] : [];
      if (!targets.length) {
        const picked = await pickWorkspaceEmbeddingFile('Open an embedding file');
        if (picked) targets.push(picked);
      }
      for (const t of targets) await openOverview(t);
    }),
    vscode.commands.registerCommand(COMMANDS.overview.openFile, async () => {
      const picked = await pickWorkspaceEmbeddingFile('Open an embedding file');
      if (picked) await openOverview(picked);
    }),
    vscode.commands.registerCommand(COMMANDS.overview.showRow, async (uri: unknown, row: unknown) => {
      const u = asUri(uri);
      if (u && typeof row === 'number') await showRowInOverview(u, row);
    }),
  ];
}
