/**
 * Map panel: PCA at once, then UMAP or t-SNE improving while the user watches
 * (layouts streamed from the engine), with the map's trustworthiness, continuity
 * and k-NN recall beside it; colour by metadata, norm, k-occurrence or per-row
 * neighbourhood preservation; search; box/lasso selection with a summary and the
 * selection's neighbours; density view with points on zoom above the scatter
 * limit; PNG/SVG/CSV export through the host's save dialogs.
 */
import '../common/elements';
import type { MapMethod, MapSelectionResult, ProjectQuality, ProjectResult } from '../../src/shared/protocol/map';
import type { MapFromWebview, MapInit, MapToWebview } from '../../src/shared/webview/map';
import { connect, send as sendAny } from '../common/vscode';
import { byId, fmt, h, setBusy } from '../common/dom';
import { PALETTE, PLOT_CONFIG, Plotly, accent, themeLayout } from '../common/plot';
import {
  Box,
  bin2d,
  bounds,
  CellIndex,
  cellIndex,
  densityRgba,
  finiteRows,
  rowsInBoxIndexed,
  thinEvenly,
} from './data';

const send = (m: MapFromWebview) => sendAny(m);
const METHOD_NAMES: Record<MapMethod, string> = { pca: 'PCA', umap: 'UMAP', tsne: 't-SNE' };
const MAX_CATEGORIES = 12;
/**
 * Points drawn over the density view where the user zooms. Software WebGL (no GPU:
 * CI, VMs) redraws ~150k scattergl points in ~300–400 ms per pan step; 12k (at 1×
 * pixel ratio) keep a step's worst frame at ~50 ms median, ~85 ms p95, where 20k gave
 * ~85 / ~120 ms (bench/map-frames.mjs, 1M rows). More rows in view are thinned
 * evenly, and the note says how many are shown.
 */
const VIEW_POINTS = 12_000;
/**
 * plotly draws WebGL at 2× the screen's pixels by default: 4× the fragments for
 * no visible gain on a 1× screen, and software WebGL pays for every one of them.
 */
const MAP_PLOT_CONFIG = { ...PLOT_CONFIG, plotGlPixelRatio: Math.min(2, Math.max(1, window.devicePixelRatio || 1)) };

interface Color {
  name: string;
  kind: 'category' | 'number';
  values: ArrayLike<string | number | null>;
}

let init: MapInit | undefined;
let coords: Float32Array | undefined;
let dims = 2;
let shownStage: MapMethod | undefined;
let jobId: string | undefined;
let running = false;
/** The finished map of the current job. */
let result: ProjectResult | undefined;
const scores = new Map<MapMethod, ProjectQuality & { seconds: number }>();
let colorChoice = '';
let color: Color | undefined;
let searchHits: Int32Array | undefined;
let selection: { rows: number[]; summary?: MapSelectionResult } | undefined;
let hoverCache: { key: unknown; text: (string | undefined)[] } | undefined;

connect<MapToWebview>((msg) => {
  switch (msg.type) {
    case 'busy':
    case 'error':
      break; // connect() shows busy and error the same way in every panel
    case 'init':
      init = msg.init;
      render();
      break;
    case 'started':
      jobId = msg.jobId;
      // The old map's scores, preservation and CSV belong to the old layout: drop them until this one finishes.
      result = undefined;
      hoverCache = undefined;
      if (colorChoice.startsWith(':')) color = undefined;
      setRunning(true, `Computing ${METHOD_NAMES[msg.method]}…`, 0);
      break;
    case 'progress':
      if (msg.jobId === jobId && running) setRunning(true, msg.message ?? 'Working…', msg.fraction);
      break;
    case 'layout':
      // A poll answered after the final map must not replace it.
      if (msg.jobId !== jobId || result?.jobId === msg.jobId) break;
      coords = msg.coords;
      dims = msg.dims;
      shownStage = msg.stage;
      byId('map-title').textContent = `${METHOD_NAMES[msg.stage]} map${msg.step < msg.steps ? ' (improving…)' : ''}`;
      drawMap();
      break;
    case 'result':
      onResult(msg.result);
      break;
    case 'stopped':
      if (msg.jobId !== jobId) break;
      setRunning(false);
      byId('map-status').textContent =
        msg.reason === 'cancelled'
          ? `Stopped. The map shows the last layout${shownStage ? ` (${METHOD_NAMES[shownStage]})` : ''}; its quality was not scored.`
          : `Failed: ${msg.message ?? ''}`;
      break;
    case 'color':
      color = { name: msg.column, kind: msg.kind === 'number' ? 'number' : 'category', values: msg.values };
      drawMap();
      break;
    case 'selection':
      setBusy();
      if (selection) selection.summary = msg.result;
      renderSelection();
      drawMap();
      break;
    case 'search':
      setBusy();
      searchHits = msg.rows;
      byId('search-note').textContent =
        msg.total === 0
          ? `No row's metadata contains "${msg.text}".`
          : `${fmt(msg.total)} rows contain "${msg.text}"${msg.total > msg.rows.length ? ` (the first ${fmt(msg.rows.length)} are ringed)` : ' (ringed on the map)'}.`;
      drawMap();
      break;
    case 'exported':
      byId('export-note').textContent = `Saved ${msg.what.toUpperCase()} to ${msg.file}.`;
      break;
  }
});

function onResult(r: ProjectResult): void {
  if (r.jobId !== jobId) return;
  result = r;
  coords = r.coords;
  dims = r.dims;
  shownStage = r.method;
  hoverCache = undefined;
  scores.set(r.method, { ...r.quality, seconds: r.timings.total ?? 0 });
  setRunning(false);
  byId('map-status').textContent = `${METHOD_NAMES[r.method]} done in ${fmt(r.timings.total ?? 0, 3)} s.`;
  byId('map-title').textContent = `${METHOD_NAMES[r.method]} map`;
  byId('warnings').replaceChildren(...r.warnings.map((w) => h('div', { class: 'warning', role: 'note' }, w)));
  if (colorChoice.startsWith(':')) pickColor(colorChoice);
  renderQuality();
  drawMap();
}

function render(): void {
  if (!init) return;
  const app = byId('app');
  app.replaceChildren();
  app.setAttribute('aria-busy', 'false');
  const s = init.settings;
  app.append(
    h(
      'h1',
      {},
      `Map: ${init.name} `,
      h('vscode-badge', { id: 'shape-badge' }, `${fmt(init.rows)} × ${fmt(init.dims)}`),
    ),
    h(
      'div',
      { class: 'toolbar', id: 'links' },
      ...init.links.map((l) =>
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
    ),
    h(
      'div',
      { class: 'toolbar', id: 'controls' },
      h('vscode-label', { for: 'method' }, 'Method'),
      h(
        'vscode-single-select',
        { id: 'method' },
        ...(['pca', 'umap', 'tsne'] as const).map((m) =>
          h('vscode-option', { value: m, selected: m === s.method }, METHOD_NAMES[m]),
        ),
      ),
      h('vscode-label', { for: 'metric' }, 'Distance'),
      h(
        'vscode-single-select',
        { id: 'metric' },
        ...(['cosine', 'euclidean'] as const).map((m) => h('vscode-option', { value: m, selected: m === s.metric }, m)),
      ),
      h('vscode-label', { for: 'k-input' }, 'Neighbours k'),
      h('vscode-textfield', { id: 'k-input', type: 'number', min: 1, max: 100, value: String(s.k) }),
      h('vscode-label', { for: 'seed-input' }, 'Seed'),
      h('vscode-textfield', { id: 'seed-input', type: 'number', min: 0, value: String(s.seed) }),
      h('vscode-button', { id: 'compute', onclick: compute }, 'Compute Map'),
      h(
        'vscode-button',
        { id: 'cancel', secondary: true, disabled: true, onclick: () => send({ type: 'cancel' }) },
        'Cancel',
      ),
    ),
    h(
      'div',
      { class: 'toolbar', role: 'status', 'aria-live': 'polite' },
      h('progress', { id: 'map-progress', max: 1, value: 0, hidden: true }),
      h('span', { id: 'map-status', class: 'muted' }, ''),
    ),
    h('div', { id: 'warnings' }),
    h(
      'div',
      { class: 'cols' },
      h(
        'section',
        { 'aria-labelledby': 'map-title' },
        h('h2', { id: 'map-title' }, 'Map'),
        h(
          'div',
          { class: 'toolbar' },
          h('vscode-label', { for: 'color-by' }, 'Colour by'),
          colorSelect(),
          h(
            'vscode-button',
            {
              id: 'tool-pan',
              secondary: true,
              onclick: () => setDrag('pan'),
              title: 'Drag to pan; the mouse wheel zooms',
            },
            'Pan',
          ),
          h(
            'vscode-button',
            { id: 'tool-box', secondary: true, onclick: () => setDrag('select'), title: 'Drag a box to select points' },
            'Box Select',
          ),
          h(
            'vscode-button',
            {
              id: 'tool-lasso',
              secondary: true,
              onclick: () => setDrag('lasso'),
              title: 'Draw around points to select them',
            },
            'Lasso Select',
          ),
        ),
        h('div', {
          id: 'map-chart',
          class: 'plot',
          style: 'height: 560px',
          tabindex: 0,
          role: 'img',
          'aria-label':
            'Map of the rows: nearby points are similar rows. Use Box Select or Lasso Select, then read the selection summary.',
        }),
        h('div', { id: 'map-note', class: 'muted' }),
      ),
      h(
        'div',
        {},
        h(
          'section',
          { 'aria-labelledby': 'quality-title' },
          h('h2', { id: 'quality-title' }, 'How much to trust this map'),
          h('table', { id: 'quality' }),
          h('div', { id: 'quality-note', class: 'muted' }, 'Scores appear when a map is finished.'),
          h(
            'details',
            {},
            h('summary', {}, 'What the scores mean'),
            h(
              'p',
              { class: 'muted' },
              'Trustworthiness: are the points near each other on the map really near in the embedding space? (1 = no false neighbours). Continuity: do real neighbours stay together on the map? k-NN recall: the share of each row’s k nearest rows that are also its k nearest on the map. Colour by "neighbourhood preservation" to see where the map is wrong. (Venna & Kaski 2001.)',
            ),
          ),
        ),
        h(
          'section',
          { 'aria-labelledby': 'search-title' },
          h('h2', { id: 'search-title' }, 'Find rows'),
          h(
            'div',
            { class: 'toolbar' },
            h('vscode-textfield', {
              id: 'search',
              placeholder: init.columns.length ? 'Text in the metadata…' : 'No metadata to search',
              disabled: !init.columns.length,
              onkeydown: (e: Event) => (e as KeyboardEvent).key === 'Enter' && search(),
            }),
            h(
              'vscode-button',
              { id: 'search-go', secondary: true, disabled: !init.columns.length, onclick: search },
              'Search',
            ),
          ),
          h('div', { id: 'search-note', class: 'muted' }),
        ),
        h(
          'section',
          { 'aria-labelledby': 'selection-title' },
          h('h2', { id: 'selection-title' }, 'Selection'),
          h('div', { id: 'selection-summary', class: 'muted' }, 'Select points with Box Select or Lasso Select.'),
          h('table', { id: 'selection-mix' }),
          h('div', { id: 'selection-nn-caption', class: 'muted' }),
          h('ol', { id: 'selection-neighbors' }),
        ),
        h(
          'section',
          { 'aria-labelledby': 'export-title' },
          h('h2', { id: 'export-title' }, 'Export'),
          h(
            'div',
            { class: 'toolbar' },
            h(
              'vscode-button',
              { id: 'export-png', secondary: true, onclick: () => void exportImage('png') },
              'Save PNG…',
            ),
            h(
              'vscode-button',
              { id: 'export-svg', secondary: true, onclick: () => void exportImage('svg') },
              'Save SVG…',
            ),
            h(
              'vscode-button',
              {
                id: 'export-csv',
                secondary: true,
                onclick: () =>
                  result
                    ? send({ type: 'exportCsv', jobId: result.jobId })
                    : void (byId('export-note').textContent = 'The coordinates can be saved once a map is finished.'),
              },
              'Save Coordinates CSV…',
            ),
          ),
          h('div', { id: 'export-note', class: 'muted' }),
        ),
      ),
    ),
  );
  const chart = byId('map-chart');
  chart.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') clearSelection();
  });
}

function value(id: string): string {
  return (byId(id) as unknown as { value: string }).value;
}

function compute(): void {
  if (!init) return;
  const k = Number(value('k-input'));
  const seed = Number(value('seed-input'));
  if (!Number.isInteger(k) || k < 1 || k >= init.rows / 2)
    return void (byId('map-status').textContent =
      `k must be an integer from 1 to ${Math.max(1, Math.ceil(init.rows / 2) - 1)}.`);
  if (!Number.isInteger(seed) || seed < 0)
    return void (byId('map-status').textContent = 'The seed must be a whole number ≥ 0.');
  const err = document.getElementById('error');
  if (err) err.hidden = true;
  send({
    type: 'compute',
    method: (value('method') || 'umap') as MapMethod,
    metric: (value('metric') || 'cosine') as 'cosine' | 'euclidean',
    k,
    seed,
  });
}

function setRunning(on: boolean, message?: string, fraction?: number): void {
  running = on;
  const bar = byId<HTMLProgressElement>('map-progress');
  bar.hidden = !on;
  if (fraction !== undefined) bar.value = fraction;
  if (message !== undefined)
    byId('map-status').textContent = on ? `${message} (${Math.round(100 * (fraction ?? 0))}%)` : message;
  (byId('cancel') as unknown as { disabled: boolean }).disabled = !on;
  (byId('compute') as unknown as { disabled: boolean }).disabled = on;
}

function colorSelect(): HTMLElement {
  const opts: [string, string][] = [
    ['', '(none)'],
    [':pres', 'neighbourhood preservation'],
    [':kocc', 'k-occurrence (hubness)'],
    [':norm', 'row norm'],
    ...init!.columns.map((c) => [c.name, c.name] as [string, string]),
  ];
  const sel = h(
    'vscode-single-select',
    { id: 'color-by' },
    ...opts.map(([v, t]) => h('vscode-option', { value: v }, t)),
  );
  sel.addEventListener('change', () => pickColor((sel as unknown as { value: string }).value));
  return sel;
}

function pickColor(v: string): void {
  colorChoice = v;
  if (!v) color = undefined;
  else if (v.startsWith(':')) {
    if (!result) {
      byId('map-note').textContent = 'This colouring is available once the map is finished.';
      color = undefined;
    } else if ((v === ':pres' || v === ':kocc') && !result.kOccurrence) {
      byId('map-note').textContent =
        'Neighbourhood preservation and k-occurrence need the k-NN graph, which this PCA map did not compute (too many rows; see the warning above). UMAP and t-SNE always compute one.';
      color = undefined;
      return;
    } else if (v === ':pres')
      color = {
        name: `neighbourhood preservation (share of ${result.quality.k} nearest kept)`,
        kind: 'number',
        values: result.preservation,
      };
    else if (v === ':kocc')
      color = result.kOccurrence
        ? { name: `k-occurrence (k = ${result.quality.k})`, kind: 'number', values: result.kOccurrence }
        : undefined;
    else color = { name: 'row norm', kind: 'number', values: result.norms };
  } else return send({ type: 'colorBy', column: v });
  drawMap();
}

function search(): void {
  const t = value('search').trim();
  if (!t) {
    searchHits = undefined;
    byId('search-note').textContent = '';
    return drawMap();
  }
  setBusy(`Searching for "${t}"…`);
  send({ type: 'search', text: t });
}

function setDrag(mode: 'pan' | 'select' | 'lasso'): void {
  void Plotly.relayout('map-chart', { dragmode: mode });
}

function clearSelection(): void {
  selection = undefined;
  renderSelection();
  drawMap();
}

function labelOf(i: number): string {
  const l = init?.labels?.[i];
  return l === undefined || l === null || l === '' ? `row ${i}` : l;
}

/**
 * Hover text of row i: its label and, once the map is finished, its 3 nearest rows in the embedding space (built on
 * first use: 1M strings up front would stall the page).
 */
function hoverText(i: number): string {
  const key = result ?? init;
  if (!hoverCache || hoverCache.key !== key) hoverCache = { key, text: [] };
  const have = hoverCache.text[i];
  if (have !== undefined) return have;
  let s = labelOf(i);
  const t3 = result?.top3;
  if (t3) {
    const nn = [0, 1, 2]
      .map((r) => t3[i * 3 + r])
      .filter((j) => j >= 0)
      .map(labelOf);
    if (nn.length) s += `<br>nearest: ${nn.join(' · ')}`;
  }
  hoverCache.text[i] = s;
  return s;
}

function trace(
  rows: ArrayLike<number>,
  name: string,
  color: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const c = coords!;
  const m = rows.length;
  const x = new Float32Array(m);
  const y = new Float32Array(m);
  const text = new Array<string>(m);
  for (let t = 0; t < m; t++) {
    const i = rows[t];
    x[t] = c[i * dims];
    y[t] = c[i * dims + 1];
    text[t] = hoverText(i);
  }
  const marker = { size: m > 50000 ? 2.5 : m > 5000 ? 4 : 6, color, opacity: 0.8, ...((extra.marker as object) ?? {}) };
  return {
    type: 'scattergl',
    mode: 'markers',
    name,
    x,
    y,
    customdata: Array.from(rows),
    text,
    hovertemplate: '%{text}<extra>row %{customdata}</extra>',
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'marker')),
    marker,
  };
}

/** Point traces for `rows` under the current colouring. */
function pointTraces(rows: Int32Array): Record<string, unknown>[] {
  if (!color) return [trace(rows, 'rows', accent())];
  if (color.kind === 'number') {
    const vals = Array.from(rows, (i) => {
      const v = color!.values[i];
      return typeof v === 'number' && Number.isFinite(v) ? v : NaN;
    });
    return [
      trace(rows, color.name, vals, {
        marker: {
          colorscale: 'Viridis',
          showscale: true,
          colorbar: { title: { text: color.name, side: 'right' }, thickness: 12 },
        },
      }),
    ];
  }
  const counts = new Map<string, number>();
  const keyOf = (i: number) => {
    const v = color!.values[i];
    return v === null || v === '' ? '(missing)' : String(v);
  };
  for (const i of rows) counts.set(keyOf(i), (counts.get(keyOf(i)) ?? 0) + 1);
  const top = new Set(
    [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_CATEGORIES)
      .map(([k]) => k),
  );
  const groups = new Map<string, number[]>();
  for (const i of rows) {
    const k = top.has(keyOf(i)) ? keyOf(i) : 'other';
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(i);
  }
  let g = 0;
  return [...groups.entries()].map(([k, rs]) => trace(rs, k, k === 'other' ? '#888' : PALETTE[g++ % PALETTE.length]));
}

let viewBox: Box | undefined;
let rowsCache: { coords: Float32Array; rows: Int32Array } | undefined;
let zoomTimer: ReturnType<typeof setTimeout> | undefined;
let gridCache: { coords: Float32Array; box: Box; image: string; max: number; index: CellIndex } | undefined;
const GRID = 256;

/** The density of a layout as a PNG data URL (once per layout), and its largest cell count. */
function densityImage(c: Float32Array, rows: Int32Array): NonNullable<typeof gridCache> {
  const box = bounds(c, dims, rows);
  const grid = bin2d(c, dims, rows, box, GRID, GRID);
  const { rgba, max } = densityRgba(grid.z, GRID, GRID);
  const canvas = document.createElement('canvas');
  canvas.width = GRID;
  canvas.height = GRID;
  canvas.getContext('2d')!.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, GRID, GRID), 0, 0);
  // Rows by cell, so a zoomed view visits only its own cells' rows, not all of them.
  return { coords: c, box, image: canvas.toDataURL('image/png'), max, index: cellIndex(c, dims, rows, box, GRID) };
}

function drawMap(): void {
  if (!init || !coords) return;
  const el = byId('map-chart');
  if (rowsCache?.coords !== coords) rowsCache = { coords, rows: finiteRows(coords, dims) };
  const rows = rowsCache.rows;
  const dense = rows.length > init.settings.maxPoints;
  const traces: Record<string, unknown>[] = [];
  const images: Record<string, unknown>[] = [];
  let note: string;
  if (dense) {
    // Binned once per layout and drawn as an image under the points: moving it costs a pan/zoom step nothing.
    if (gridCache?.coords !== coords) gridCache = densityImage(coords, rows);
    const g = gridCache;
    // Two invisible corner points give plotly's autorange (double-click) the map's extent.
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: 'extent',
      x: [g.box.x0, g.box.x1],
      y: [g.box.y0, g.box.y1],
      marker: { opacity: 0 },
      hoverinfo: 'skip',
      showlegend: false,
    });
    images.push({
      source: g.image,
      xref: 'x',
      yref: 'y',
      x: g.box.x0,
      y: g.box.y1,
      sizex: g.box.x1 - g.box.x0,
      sizey: g.box.y1 - g.box.y0,
      xanchor: 'left',
      yanchor: 'top',
      sizing: 'stretch',
      layer: 'below',
    });
    const inView = viewBox ? rowsInBoxIndexed(g.index, coords, dims, viewBox) : null;
    const drawn =
      inView && inView.length <= init.settings.maxPoints
        ? thinEvenly(coords, dims, inView, viewBox!, init.settings.viewPoints ?? VIEW_POINTS)
        : null;
    if (drawn) traces.push(...pointTraces(drawn));
    el.dataset.viewPoints = String(drawn?.length ?? 0);
    note = `${fmt(rows.length)} rows is more than the ${fmt(init.settings.maxPoints)} points drawn one by one (setting embeddingLens.scatter.maxPoints): the colour shows how many rows fall in each of ${GRID}×${GRID} cells, exactly (Viridis, log scale, 1 to ${fmt(gridCache.max)} rows). ${
      !drawn
        ? 'Zoom in to see individual points.'
        : drawn.length < inView!.length
          ? `Showing ${fmt(drawn.length)} of the ${fmt(inView!.length)} points in this view (a sample: sparse areas keep every point, dense cells are thinned evenly); zoom in further to see them all.`
          : `Showing all ${fmt(drawn.length)} points in this view.`
    }`;
  } else {
    traces.push(...pointTraces(rows));
    note = `All ${fmt(rows.length)} rows drawn${color ? `, coloured by ${color.name}` : ''}.`;
  }
  if (rows.length < init.rows)
    note += ` ${fmt(init.rows - rows.length)} rows with NaN/Inf (or zero vectors under cosine) have no place on the map.`;
  if (searchHits?.length)
    traces.push(
      trace(searchHits, 'search matches', 'rgba(0,0,0,0)', {
        marker: { size: 10, line: { width: 2, color: '#e15759' } },
      }),
    );
  if (selection?.summary?.neighbors.length)
    traces.push(
      trace(
        selection.summary.neighbors.map((n) => n.row),
        'neighbours of selection',
        '#edc948',
        { marker: { size: 10, symbol: 'diamond', line: { width: 1, color: '#000' } } },
      ),
    );
  byId('map-note').textContent = note;
  el.dataset.mode = dense ? 'density' : 'points';
  el.dataset.pointCount = String(dense ? 0 : rows.length);
  el.dataset.stage = shownStage ?? '';
  const layout = themeLayout({
    showlegend: !!color && color.kind === 'category',
    dragmode: (el as unknown as { layout?: { dragmode?: string } }).layout?.dragmode ?? 'pan',
    hovermode: 'closest',
    uirevision: jobId ?? 'map',
    xaxis: { showticklabels: shownStage === 'pca', zeroline: false },
    yaxis: { showticklabels: shownStage === 'pca', zeroline: false, scaleanchor: 'x' },
    margin: { l: 36, r: 16, t: 16, b: 28 },
    images,
  });
  void Plotly.react(el, traces, layout, MAP_PLOT_CONFIG).then(() => bindEvents(el));
}

let bound = false;
function bindEvents(el: HTMLElement): void {
  if (bound) return;
  bound = true;
  const plot = el as unknown as { on(ev: string, fn: (e: unknown) => void): void };
  plot.on('plotly_selected', (e) => {
    const pts = (e as { points?: { customdata?: unknown; data?: { name?: string } }[] } | undefined)?.points ?? [];
    const rows = [
      ...new Set(
        pts
          .filter(
            (p) =>
              typeof p.customdata === 'number' &&
              p.data?.name !== 'neighbours of selection' &&
              p.data?.name !== 'search matches',
          )
          .map((p) => p.customdata as number),
      ),
    ];
    if (!rows.length) return;
    selection = { rows };
    byId('selection-summary').textContent = `${fmt(rows.length)} rows selected; summarising…`;
    const column = color?.kind === 'category' && !colorChoice.startsWith(':') ? colorChoice : undefined;
    send({ type: 'select', rows, column });
  });
  plot.on('plotly_deselect', () => clearSelection());
  plot.on('plotly_relayout', (ev) => {
    const e = ev as Record<string, number | boolean>;
    if (el.dataset.mode !== 'density') return;
    let next: Box | undefined;
    if (!(e['xaxis.autorange'] || e['yaxis.autorange'])) {
      // A drag or wheel gives range[0]/range[1]; a programmatic relayout may give the whole range.
      const xr = e['xaxis.range'] as unknown as number[] | undefined;
      const yr = e['yaxis.range'] as unknown as number[] | undefined;
      const v = [
        e['xaxis.range[0]'] ?? xr?.[0],
        e['xaxis.range[1]'] ?? xr?.[1],
        e['yaxis.range[0]'] ?? yr?.[0],
        e['yaxis.range[1]'] ?? yr?.[1],
      ];
      if (!v.every((x) => typeof x === 'number')) return;
      const [x0, x1, y0, y1] = v;
      next = { x0: Math.min(x0, x1), x1: Math.max(x0, x1), y0: Math.min(y0, y1), y1: Math.max(y0, y1) };
    }
    // The same view again (e.g. the relayout our own redraw causes) must not draw twice.
    if (
      next === viewBox ||
      (next &&
        viewBox &&
        next.x0 === viewBox.x0 &&
        next.x1 === viewBox.x1 &&
        next.y0 === viewBox.y0 &&
        next.y1 === viewBox.y1)
    )
      return;
    viewBox = next;
    // Plotly pans/zooms the density by itself; the points in view follow once the user pauses.
    clearTimeout(zoomTimer);
    zoomTimer = setTimeout(drawMap, 150);
  });
}

function renderQuality(): void {
  const table = byId('quality');
  table.replaceChildren(
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'method'),
        h('th', { class: 'num' }, 'trustworthiness'),
        h('th', { class: 'num' }, 'continuity'),
        h('th', { class: 'num' }, 'k-NN recall'),
        h('th', { class: 'num' }, 'seconds'),
      ),
    ),
    h(
      'tbody',
      {},
      ...[...scores.entries()].map(([m, q]) =>
        h(
          'tr',
          { 'data-method': m, class: m === shownStage ? 'current' : undefined },
          h('td', {}, METHOD_NAMES[m], m === shownStage ? ' (shown)' : ''),
          h('td', { class: 'num', 'data-score': 'trustworthiness' }, q.trustworthiness.toFixed(3)),
          h('td', { class: 'num', 'data-score': 'continuity' }, q.continuity.toFixed(3)),
          h('td', { class: 'num', 'data-score': 'knnRecall' }, q.knnRecall.toFixed(3)),
          h('td', { class: 'num' }, fmt(q.seconds, 3)),
        ),
      ),
    ),
  );
  const q = result?.quality;
  if (!q) return;
  byId('quality-note').textContent =
    `k = ${q.k} nearest rows, ${graphNote(result!)}; ` +
    (q.sampleRows < q.rows
      ? `scores averaged over a seeded random sample of ${fmt(q.sampleRows)} of the ${fmt(q.rows)} mapped rows (every row still counts as a neighbour).`
      : `scores over all ${fmt(q.rows)} mapped rows.`);
}

/** How the neighbour graph behind the map was built: an approximate graph says its measured recall. */
function graphNote(r: ProjectResult): string {
  const g = r.knnGraph;
  if (!g) return r.method === 'pca' ? 'exact PCA, no k-NN graph' : 'the exact k-NN graph';
  if (g.method === 'exact' && g.pilotRecall !== undefined)
    return `${r.method === 'pca' ? 'exact PCA, ' : ''}the exact k-NN graph (an approximate one would have found only ${(100 * g.pilotRecall).toFixed(0)}% of the true neighbours of ${fmt(g.sample)} seeded rows)`;
  if (g.method === 'exact') return `${r.method === 'pca' ? 'exact PCA, ' : ''}the exact k-NN graph`;
  return `${r.method === 'pca' ? 'exact PCA, ' : ''}an approximate k-NN graph (recall@${g.k} ${g.recall!.toFixed(3)} against the exact neighbours of ${fmt(g.sample)} seeded rows)`;
}

function renderSelection(): void {
  const sum = byId('selection-summary');
  const mix = byId('selection-mix');
  const nn = byId('selection-neighbors');
  if (!selection) {
    sum.textContent = 'Select points with Box Select or Lasso Select.';
    mix.replaceChildren();
    nn.replaceChildren();
    byId('selection-nn-caption').textContent = '';
    return;
  }
  const s = selection.summary;
  if (!s) return;
  sum.textContent = `${fmt(s.count)} rows selected (press Escape on the map to clear).${s.column ? ` Mix of ${s.column}:` : ''}`;
  mix.replaceChildren(
    ...(s.mix.length
      ? [
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, s.column ?? 'value'),
              h('th', { class: 'num' }, 'rows'),
              h('th', { class: 'num' }, 'share'),
            ),
          ),
        ]
      : []),
    h(
      'tbody',
      {},
      ...s.mix.map((m) =>
        h(
          'tr',
          { 'data-value': m.value },
          h('td', { class: 'label-cell' }, m.value),
          h('td', { class: 'num' }, fmt(m.count)),
          h('td', { class: 'num' }, `${((100 * m.count) / s.count).toFixed(1)}%`),
        ),
      ),
    ),
  );
  byId('selection-nn-caption').textContent = s.neighbors.length
    ? 'Nearest rows to the selection’s centre, outside it (marked ◆ on the map):'
    : '';
  const scoreName = s.metric === 'euclidean' ? 'distance' : 'cosine';
  nn.replaceChildren(
    ...s.neighbors.map((n) =>
      h('li', { 'data-row': n.row }, `${n.label ?? `row ${n.row}`} (row ${n.row}, ${scoreName} ${n.score.toFixed(3)})`),
    ),
  );
}

async function exportImage(format: 'png' | 'svg'): Promise<void> {
  const el = byId('map-chart');
  try {
    const dataUrl: string = await Plotly.toImage(el, {
      format,
      width: el.clientWidth || 900,
      height: el.clientHeight || 560,
      scale: format === 'png' ? 2 : 1,
    });
    send({ type: 'exportImage', format, dataUrl });
  } catch (e) {
    byId('export-note').textContent = `Could not render the image: ${e instanceof Error ? e.message : String(e)}`;
  }
}
