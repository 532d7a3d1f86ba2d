/**
 * plotly.js (the strict bundle, loaded by the page before this script) with
 * layouts that follow the VS Code theme through its --vscode-* CSS variables.
 */

/** The part of plotly.js the pages use (the bundle ships no types); every call resolves when drawn. */
export interface PlotlyApi {
  react(el: HTMLElement | string, data: object[], layout?: object, config?: object): Promise<HTMLElement>;
  relayout(el: HTMLElement | string, update: object): Promise<HTMLElement>;
  addTraces(el: HTMLElement | string, traces: object | object[]): Promise<HTMLElement>;
  deleteTraces(el: HTMLElement | string, indices: number | number[]): Promise<HTMLElement>;
  toImage(
    el: HTMLElement | string,
    opts: { format: 'png' | 'svg'; width?: number; height?: number; scale?: number },
  ): Promise<string>;
}
export const Plotly = (window as unknown as { Plotly: PlotlyApi }).Plotly;

export function cssVar(name: string, fallback = ''): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export function themeLayout(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const fg = cssVar('--vscode-editor-foreground', '#ccc');
  const grid = cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', '#444'));
  const font = cssVar('--vscode-font-family', 'sans-serif');
  const axis = { gridcolor: grid, zerolinecolor: grid, linecolor: grid, color: fg };
  return {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: fg, family: font, size: 12 },
    margin: { l: 48, r: 16, t: 28, b: 40 },
    xaxis: { ...axis, ...(extra.xaxis ?? {}) },
    yaxis: { ...axis, ...(extra.yaxis ?? {}) },
    legend: { font: { color: fg } },
    hoverlabel: {
      bgcolor: cssVar('--vscode-editorHoverWidget-background', '#252526'),
      font: { color: cssVar('--vscode-editorHoverWidget-foreground', fg) },
    },
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'xaxis' && k !== 'yaxis')),
  };
}

export const PLOT_CONFIG = {
  responsive: true,
  displaylogo: false,
  scrollZoom: true,
  modeBarButtonsToRemove: ['sendDataToCloud'],
};

/** A categorical palette readable on light and dark themes (Tableau 10). */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export function accent(): string {
  return cssVar('--vscode-focusBorder', '#007fd4');
}
