/**
 * Show Diagnostics: on a .npy/.parquet file from the explorer, the palette
 * or the overview's toolbar, opens (or reveals) the file's Diagnostics panel —
 * rank axes, intrinsic dimension, isotropy, hubness and cosine versus dot.
 */
import * as vscode from 'vscode';
import type { HostContext } from '../context';
import { showFilePanel } from '../panels/filePanels';
import { DiagnosticsPanel } from '../panels/diagnosticsPanel';
import { addPanelLink } from './links';
import { COMMANDS } from '../commands';

export function activateDiagnostics(ctx: HostContext): vscode.Disposable[] {
  addPanelLink({ command: COMMANDS.diagnostics.show, title: 'Diagnostics' });
  return [
    vscode.commands.registerCommand(COMMANDS.diagnostics.show, async (uri?: vscode.Uri) => {
      const file = await ctx.pickFile(uri, 'Choose an embedding file to diagnose');
      if (!file) return;
      showFilePanel(
        ctx,
        { kind: 'diagnostics', title: 'Diagnostics' },
        file,
        (panel) => new DiagnosticsPanel(ctx, panel, file),
      );
    }),
  ];
}
