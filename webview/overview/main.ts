/**
 * Overview panel: what the file holds, its norms, an exact PCA map, and the
 * nearest neighbours of any row (click a point, or type a row and press Enter).
 */
import '../common/elements';
import type { Metric } from '../../src/shared/protocol/common';
import type { OverviewResult } from '../../src/shared/protocol/overview';
import { DEFAULT_K, DEFAULT_METRIC, DEFAULT_SCATTER_MAX_POINTS } from '../../src/shared/defaults';
import type {
  NeighborItem,
  OverviewFromWebview,
  OverviewSettings,
  OverviewToWebview,
} from '../../src/shared/webview/overview';
import type { PanelLink } from '../../src/shared/webview/common';
import { connect, send as sendAny } from '../common/vscode';
import { byId, bytes, fmt, h, setBusy } from '../common/dom';
import { PALETTE, PLOT_CONFIG, Plotly, accent, themeLayout } from '../common/plot';

const send = (m: OverviewFromWebview) => sendAny(m);

interface Color {
  column: string;
  kind: 'text' | 'category' | 'number';
  values: ArrayLike<string | number | null>;
}

let data: OverviewResult | undefined;
let labels: (string | null)[] | undefined;
let settings: OverviewSettings = { metric: DEFAULT_METRIC, k: DEFAULT_K, maxPoints: DEFAULT_SCATTER_MAX_POINTS };
let color: Color | undefined;
let selected: { row: number; items: NeighborItem[] } | undefined;
const MAX_CATEGORIES = 12;

connect<OverviewToWebview>((msg) => {
  switch (msg.type) {
    case 'busy':
    case 'error':
      break; // connect() shows busy and error the same way in every panel
    case 'overview':
      setBusy();
      data = msg.data;
      labels = msg.labels;
      settings = msg.settings;
      color = undefined;
      selected = undefined;
      render(msg.links);
      break;
    case 'color':
      color = { column: msg.column, kind: msg.kind, values: msg.values };
      drawScatter();
      break;
    case 'neighbors':
      setBusy();
      selected = { row: msg.row, items: msg.items };
      renderNeighbors(msg.row, msg.label, msg.metric, msg.items);
      drawScatter();
      break;
  }
});

function render(links: PanelLink[]): void {
  if (!data) return;
  const { dataset: ds, inspect: ins } = data;
  const err = document.getElementById('error');
  if (err) err.hidden = true;
  const app = byId('app');
  app.replaceChildren();
  app.setAttribute('aria-busy', 'false');
  const name = ds.path.split(/[\\/]/).pop() ?? ds.path;

  app.append(
    h('h1', {}, name, ' ', h('vscode-badge', { id: 'shape-badge' }, `${fmt(ds.rows)} × ${fmt(ds.dims)}`)),
    h(
      'div',
      { class: 'muted' },
      `${ds.format === 'npy' ? 'NumPy' : 'Parquet'} · dtype ${ds.dtype}${ds.column ? ` · column ${ds.column}` : ''} · ${bytes(ds.fileBytes)} on disk · ${bytes(ds.memoryBytes)} in memory${ds.metaPath ? ` · metadata: ${ds.metaPath.split(/[\\/]/).pop()}` : ds.columns.length ? '' : ' · no metadata'}`,
    ),
    h(
      'div',
      { class: 'toolbar', id: 'links' },
      ...links.map((l) =>
        h(
          'vscode-button',
          {
            secondary: true,
            'data-command': l.command,
            onclick: () => sendAny({ type: 'runCommand', command: l.command }),
          },
          l.title,
        ),
      ),
      ds.format === 'npy'
        ? h(
            'vscode-button',
            { secondary: true, id: 'choose-meta', onclick: () => send({ type: 'chooseMetadata' }) },
            ds.columns.length ? 'Change Metadata…' : 'Choose Metadata…',
          )
        : null,
    ),
    ...ds.warnings.map((w) => h('div', { class: 'warning', role: 'note' }, w)),
    h(
      'div',
      { class: 'grid', id: 'stats' },
      stat('rows', ds.rows),
      stat('dimensions', ds.dims),
      stat('NaN/Inf rows', ins.nanRows, ins.nanRows > 0),
      stat('zero rows', ins.zeroRows, ins.zeroRows > 0),
      stat('duplicate rows', ins.duplicateRows, ins.duplicateRows > 0),
      stat('norm min', ins.norm.min),
      stat('norm mean', ins.norm.mean),
      stat('norm max', ins.norm.max),
      stat('norm CV', ins.norm.cv),
    ),
    h(
      'div',
      { class: 'cols' },
      h(
        'section',
        { 'aria-labelledby': 'map-title' },
        h(
          'h2',
          { id: 'map-title' },
          'PCA map ',
          h(
            'span',
            { class: 'muted' },
            `(PC1 ${pct(data.pca.explained[0])}, PC2 ${pct(data.pca.explained[1])} of variance)`,
          ),
        ),
        h(
          'div',
          { class: 'toolbar' },
          h('vscode-label', { for: 'color-by' }, 'Colour by'),
          colorSelect(ds.columns.map((c) => c.name)),
        ),
        h('div', {
          id: 'scatter',
          class: 'plot',
          tabindex: 0,
          role: 'img',
          'aria-label': 'PCA scatter plot of the rows. Press Enter to list the neighbours of the row in the Row field.',
          onkeydown: (e: Event) => {
            if ((e as KeyboardEvent).key === 'Enter') requestRow(rowFieldValue());
          },
        }),
        h('div', { id: 'scatter-note', class: 'muted' }),
      ),
      h(
        'section',
        { 'aria-labelledby': 'norms-title' },
        h('h2', { id: 'norms-title' }, 'Row norms'),
        h('div', { id: 'norm-hist', class: 'plot small', role: 'img', 'aria-label': 'Histogram of row norms' }),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'nn-title' },
      h('h2', { id: 'nn-title' }, 'Nearest neighbours'),
      h(
        'div',
        { class: 'toolbar' },
        h('vscode-label', { for: 'row-input' }, 'Row'),
        h('vscode-textfield', {
          id: 'row-input',
          type: 'number',
          min: 0,
          max: ds.rows - 1,
          value: '0',
          onkeydown: (e: Event) => (e as KeyboardEvent).key === 'Enter' && requestRow(rowFieldValue()),
        }),
        h('vscode-label', { for: 'metric' }, 'Metric'),
        metricSelect(),
        h('vscode-label', { for: 'k-input' }, 'k'),
        h('vscode-textfield', { id: 'k-input', type: 'number', min: 1, max: 1000, value: String(settings.k) }),
        h('vscode-button', { id: 'find-neighbors', onclick: () => requestRow(rowFieldValue()) }, 'Show Neighbours'),
      ),
      h('div', { id: 'nn-caption', class: 'muted' }, 'Click a point on the map, or enter a row number.'),
      h('table', { id: 'neighbors', 'aria-labelledby': 'nn-title' }),
    ),
  );
  drawHistogram();
  drawScatter();
}

function stat(k: string, v: number, warn = false): HTMLElement {
  return h(
    'div',
    { class: `stat${warn ? ' warn' : ''}`, 'data-stat': k },
    h('div', { class: 'v' }, fmt(v)),
    h('div', { class: 'k' }, k),
  );
}

function pct(v: number | undefined): string {
  return v === undefined ? '–' : `${(100 * v).toFixed(1)}%`;
}

function colorSelect(columns: string[]): HTMLElement {
  const sel = h(
    'vscode-single-select',
    { id: 'color-by' },
    h('vscode-option', { value: '' }, '(none)'),
    h('vscode-option', { value: ':norm' }, 'row norm'),
    ...columns.map((c) => h('vscode-option', { value: c }, c)),
  );
  sel.addEventListener('change', () => {
    const v = (sel as unknown as { value: string }).value;
    if (!v) {
      color = undefined;
      drawScatter();
    } else if (v === ':norm') {
      color = { column: 'row norm', kind: 'number', values: data?.norms ?? [] };
      drawScatter();
    } else send({ type: 'colorBy', column: v });
  });
  return sel;
}

function metricSelect(): HTMLElement {
  const metrics: Metric[] = ['cosine', 'dot', 'euclidean'];
  return h(
    'vscode-single-select',
    { id: 'metric' },
    ...metrics.map((m) => h('vscode-option', { value: m, selected: m === settings.metric }, m)),
  );
}

function rowFieldValue(): number {
  return Number((byId('row-input') as unknown as { value: string }).value);
}

function requestRow(row: number): void {
  if (!data) return;
  if (!Number.isInteger(row) || row < 0 || row >= data.dataset.rows) {
    byId('nn-caption').textContent = `Row must be an integer from 0 to ${data.dataset.rows - 1}.`;
    return;
  }
  (byId('row-input') as unknown as { value: string }).value = String(row);
  const metric = (byId('metric') as unknown as { value: Metric }).value || settings.metric;
  const kRaw = Number((byId('k-input') as unknown as { value: string }).value);
  const k = Number.isInteger(kRaw) && kRaw >= 1 ? Math.min(kRaw, 1000) : settings.k;
  setBusy(`Finding the ${k} nearest neighbours of row ${row}…`);
  send({ type: 'selectRow', row, metric, k });
}

function labelOf(i: number): string {
  const l = labels?.[i];
  return l === undefined || l === null || l === '' ? `row ${i}` : l;
}

function drawHistogram(): void {
  if (!data) return;
  const hist = data.normHistogram;
  const x = hist.counts.map((_, i) => (hist.edges[i] + hist.edges[i + 1]) / 2);
  const width = hist.edges.length > 1 ? hist.edges[1] - hist.edges[0] : 1;
  void Plotly.react(
    'norm-hist',
    [
      {
        type: 'bar',
        x,
        y: hist.counts,
        width,
        marker: { color: accent() },
        hovertemplate: 'norm %{x:.4g}: %{y} rows<extra></extra>',
      },
    ],
    themeLayout({ xaxis: { title: { text: 'L2 norm' } }, yaxis: { title: { text: 'rows' } }, bargap: 0.02 }),
    PLOT_CONFIG,
  );
}

/** Finite rows (rows with NaN/Inf have no coordinates). */
function finiteRows(): number[] {
  const c = data!.pca.coords;
  const out: number[] = [];
  for (let i = 0; i < data!.pca.rows; i++) if (Number.isFinite(c[2 * i]) && Number.isFinite(c[2 * i + 1])) out.push(i);
  return out;
}

function pointsTrace(
  rows: number[],
  name: string,
  color: string | number[] | undefined,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const c = data!.pca.coords;
  return {
    type: 'scattergl',
    mode: 'markers',
    name,
    x: rows.map((i) => c[2 * i]),
    y: rows.map((i) => c[2 * i + 1]),
    customdata: rows,
    text: rows.map(labelOf),
    hovertemplate: '%{text}<extra>row %{customdata}</extra>',
    marker: { size: rows.length > 20000 ? 3 : 5, color, opacity: 0.8, ...(extra.marker ?? {}) },
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'marker')),
  };
}

function drawScatter(): void {
  if (!data) return;
  const el = byId('scatter');
  const rows = finiteRows();
  const traces: Record<string, unknown>[] = [];
  const dense = rows.length > settings.maxPoints;
  let drawn = 0;
  if (dense) {
    const c = data.pca.coords;
    traces.push({
      type: 'histogram2d',
      x: rows.map((i) => c[2 * i]),
      y: rows.map((i) => c[2 * i + 1]),
      nbinsx: 200,
      nbinsy: 200,
      colorscale: 'Viridis',
      hovertemplate: '%{z} rows<extra></extra>',
      name: 'density',
    });
    byId('scatter-note').textContent =
      `${fmt(rows.length)} rows exceed the scatter limit (${fmt(settings.maxPoints)}, setting embeddingLens.scatter.maxPoints): showing row density. Zoom in to see points.`;
  } else if (color && color.kind !== 'number') {
    const counts = new Map<string, number>();
    for (const i of rows) {
      const v = color.values[i];
      const key = v === null || v === '' ? '(missing)' : String(v);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const top = [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_CATEGORIES)
      .map(([k]) => k);
    const groups = new Map<string, number[]>();
    for (const i of rows) {
      const v = color.values[i];
      let key = v === null || v === '' ? '(missing)' : String(v);
      if (!top.includes(key)) key = 'other';
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(i);
    }
    let gi = 0;
    for (const [key, rs] of groups)
      traces.push(pointsTrace(rs, key, key === 'other' ? '#888' : PALETTE[gi++ % PALETTE.length]));
    drawn = rows.length;
    byId('scatter-note').textContent =
      `${fmt(rows.length)} points coloured by ${color.column}${counts.size > MAX_CATEGORIES ? ` (top ${MAX_CATEGORIES} of ${counts.size} values; the rest as "other")` : ''}.`;
  } else if (color) {
    const vals = rows.map((i) => {
      const v = color!.values[i];
      return typeof v === 'number' ? v : NaN;
    });
    traces.push(
      pointsTrace(rows, color.column, vals, {
        marker: { colorscale: 'Viridis', showscale: true, colorbar: { title: { text: color.column } } },
      }),
    );
    drawn = rows.length;
    byId('scatter-note').textContent = `${fmt(rows.length)} points coloured by ${color.column}.`;
  } else {
    traces.push(pointsTrace(rows, 'rows', accent()));
    drawn = rows.length;
    byId('scatter-note').textContent =
      `${fmt(rows.length)} points${rows.length < data.pca.rows ? ` (${fmt(data.pca.rows - rows.length)} rows with NaN/Inf are not drawn)` : ''}.`;
  }
  if (selected) {
    traces.push(
      pointsTrace(
        selected.items.map((n) => n.row),
        'neighbors',
        'rgba(0,0,0,0)',
        { marker: { size: 11, line: { width: 2, color: '#e15759' } } },
      ),
    );
    traces.push(
      pointsTrace([selected.row], `row ${selected.row}`, '#e15759', { marker: { size: 14, symbol: 'star' } }),
    );
  }
  el.dataset.pointCount = String(drawn);
  el.dataset.mode = dense ? 'density' : 'points';
  void Plotly.react(
    el,
    traces,
    themeLayout({
      showlegend: !!color && color.kind !== 'number',
      dragmode: 'pan',
      hovermode: 'closest',
      uirevision: 'keep',
    }),
    PLOT_CONFIG,
  ).then(() => bindPlotEvents(el, dense));
}

let bound = false;
function bindPlotEvents(el: HTMLElement, dense: boolean): void {
  const plot = el as unknown as { on(ev: string, fn: (e: unknown) => void): void };
  if (!bound) {
    bound = true;
    plot.on('plotly_click', (e) => {
      const p = (e as { points?: { customdata?: unknown }[] }).points?.[0];
      if (p && typeof p.customdata === 'number') requestRow(p.customdata);
    });
    plot.on('plotly_relayout', (e) => zoomPoints(el, e as Record<string, number>));
  }
  if (!dense) return;
}

/** In the density view, draws the actual points inside the zoomed window once few enough are visible. */
function zoomPoints(el: HTMLElement, ev: Record<string, number>): void {
  if (!data || el.dataset.mode !== 'density') return;
  const x0 = ev['xaxis.range[0]'];
  const x1 = ev['xaxis.range[1]'];
  const y0 = ev['yaxis.range[0]'];
  const y1 = ev['yaxis.range[1]'];
  const gd = el as unknown as { data: { name?: string }[] };
  const existing = gd.data.findIndex((t) => t.name === 'zoomed points');
  if (existing >= 0) void Plotly.deleteTraces(el, existing);
  if (![x0, x1, y0, y1].every(Number.isFinite)) return;
  const c = data.pca.coords;
  const rows: number[] = [];
  for (let i = 0; i < data.pca.rows; i++) {
    const x = c[2 * i];
    const y = c[2 * i + 1];
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) rows.push(i);
    if (rows.length > settings.maxPoints) return;
  }
  void Plotly.addTraces(el, pointsTrace(rows, 'zoomed points', '#ffffff', { marker: { size: 4, opacity: 0.9 } }));
  el.dataset.pointCount = String(rows.length);
}

function renderNeighbors(row: number, label: string | undefined, metric: Metric, items: NeighborItem[]): void {
  const table = byId('neighbors');
  // The host may select a row itself (hover link, other panels): keep the Row field in step.
  (byId('row-input') as unknown as { value: string }).value = String(row);
  const metaCols = items[0]?.meta ? Object.keys(items[0].meta) : [];
  const scoreName = metric === 'euclidean' ? 'distance' : metric === 'dot' ? 'dot product' : 'cosine';
  byId('nn-caption').textContent =
    `${items.length} nearest neighbours of row ${row}${label ? ` (${label})` : ''} by ${metric}${metric === 'euclidean' ? ' (smaller is closer)' : ''}. Press Enter on a row to show its neighbours.`;
  table.replaceChildren(
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { class: 'num' }, '#'),
        h('th', { class: 'num' }, 'row'),
        h('th', { class: 'num' }, scoreName),
        ...metaCols.map((c) => h('th', {}, c)),
      ),
    ),
    h(
      'tbody',
      {},
      ...items.map((n, i) =>
        h(
          'tr',
          {
            'data-row': n.row,
            'data-score': n.score,
            tabindex: 0,
            onclick: () => requestRow(n.row),
            onkeydown: (e: Event) => (e as KeyboardEvent).key === 'Enter' && requestRow(n.row),
          },
          h('td', { class: 'num' }, i + 1),
          h('td', { class: 'num' }, n.row),
          h('td', { class: 'num' }, n.score.toPrecision(6)),
          ...metaCols.map((c) =>
            h(
              'td',
              { class: 'label-cell', title: String(n.meta?.[c] ?? '') },
              n.meta?.[c] === null || n.meta?.[c] === undefined ? '' : String(n.meta[c]),
            ),
          ),
        ),
      ),
    ),
  );
}
