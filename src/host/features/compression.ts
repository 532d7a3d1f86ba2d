/**
 * Compression Explorer command: on a .npy/.parquet file from the
 * explorer, the palette or the overview's toolbar, opens (or reveals) the
 * file's Compression panel.
 */
import * as vscode from 'vscode';
import type { HostContext } from '../context';
import { showFilePanel } from '../panels/filePanels';
import { CompressionPanel } from '../panels/compressionPanel';
import { addPanelLink } from './links';
import { COMMANDS } from '../commands';

export function activateCompression(ctx: HostContext): vscode.Disposable[] {
  addPanelLink({ command: COMMANDS.compression.show, title: 'Compression' });
  return [
    vscode.commands.registerCommand(COMMANDS.compression.show, async (uri?: vscode.Uri) => {
      const file = await ctx.pickFile(uri, 'Choose an embedding file to explore compression on');
      if (!file) return;
      showFilePanel(
        ctx,
        { kind: 'compression', title: 'Compression' },
        file,
        (panel) => new CompressionPanel(ctx, panel, file),
      );
    }),
  ];
}
