/**
 * "Show Map (PCA / UMAP / t-SNE)": on a .npy/.parquet file from the
 * explorer, the palette or the overview's toolbar, opens (or reveals) the
 * file's Map panel. Returns the panel so tests can wait for its first map.
 */
import * as vscode from 'vscode';
import type { HostContext } from '../context';
import { showFilePanel } from '../panels/filePanels';
import { MapPanel } from '../panels/mapPanel';
import { addPanelLink } from './links';
import { COMMANDS } from '../commands';

export function activateMap(ctx: HostContext): vscode.Disposable[] {
  addPanelLink({ command: COMMANDS.map.show, title: 'Map' });
  return [
    vscode.commands.registerCommand(COMMANDS.map.show, async (uri?: vscode.Uri): Promise<MapPanel | undefined> => {
      const file = await ctx.pickFile(uri, 'Choose an embedding file to map');
      if (!file) return undefined;
      let created: MapPanel | undefined;
      showFilePanel(ctx, { kind: 'map', title: 'Map' }, file, (panel) => (created = new MapPanel(ctx, panel, file)));
      return created ?? MapPanel.forFile(file);
    }),
  ];
}
