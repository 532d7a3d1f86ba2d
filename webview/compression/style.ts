/** The Compression panel's own styles (the shared sheet is webview/common/style.css); theme variables only. */
export const PANEL_CSS = `
#intro { max-width: 80ch; }
#findings { list-style: none; padding: 0; margin: 4px 0; }
#findings li { margin: 6px 0; }
#findings li vscode-button { margin-left: 6px; vertical-align: middle; }
#results-table { width: auto; min-width: 70%; }
#results-table tr:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
#results-table tr:hover { background: var(--vscode-list-hoverBackground); }
#results-table tr.recommended { background: var(--vscode-list-inactiveSelectionBackground); }
#results-table tr.recommended td:first-child { box-shadow: inset 3px 0 0 var(--vscode-charts-green, var(--vscode-focusBorder)); }
#results-table tr.misses td.recall { color: var(--vscode-descriptionForeground); }
#results-table .ok { color: var(--vscode-charts-green, inherit); }
#results-table td { vertical-align: middle; }
.best-badge { margin-left: 6px; }
#status-line { min-height: 28px; }
vscode-progress-ring { width: 20px; height: 20px; }
#controls-error:empty { display: none; }
body[data-state='running'] #summary, body[data-state='running'] #results-table, body[data-state='running'] #tradeoff-chart { opacity: 0.55; }
`;
