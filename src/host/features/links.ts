/**
 * Commands other panels offer as links on a file ("Diagnostics", "Compression", ...).
 * A feature adds its command here when it registers it, so only working links show.
 */
import type { PanelLink } from '../../shared/webview/common';

const links: PanelLink[] = [];

export function addPanelLink(link: PanelLink): void {
  if (!links.some((l) => l.command === link.command)) links.push(link);
}

export function panelLinks(): PanelLink[] {
  return [...links];
}
