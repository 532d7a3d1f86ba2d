/**
 * Compression Explorer panel: recall@k against bytes per vector for every
 * compression the engine measured, a table with sizes and query-time ratios,
 * the smallest configuration meeting the target recall highlighted (moving the
 * target re-ranks without measuring again), and Export on every row.
 */
import '../common/elements';
import type { CompressionPoint, CompressResult } from '../../src/shared/protocol/compression';
import type {
  CompressionFile,
  CompressionFromWebview,
  CompressionSettings,
  CompressionToWebview,
} from '../../src/shared/webview/compression';
import {
  COMPRESSION_DEFAULTS,
  TARGET_CHOICES,
  describeConfig,
  sameConfig,
  smallestMeeting,
} from '../../src/shared/webview/compression';
import type { PanelLink } from '../../src/shared/webview/common';
import { connect, send as sendAny } from '../common/vscode';
import { byId, bytes, fmt, h, hideError, setBusy } from '../common/dom';
import { RunTicker } from '../common/runTicker';
import { PALETTE, PLOT_CONFIG, Plotly, cssVar, themeLayout } from '../common/plot';
import { PANEL_CSS } from './style';

const send = (m: CompressionFromWebview) => sendAny(m);

let file: CompressionFile | undefined;
let settings: CompressionSettings = { ...COMPRESSION_DEFAULTS };
let result: CompressResult | undefined;
let target = COMPRESSION_DEFAULTS.target;
let running = false;
const ticker = new RunTicker();

document.head.append(h('style', {}, PANEL_CSS));

connect<CompressionToWebview>((msg) => {
  switch (msg.type) {
    case 'busy':
      break; // connect() shows busy the same way in every panel
    case 'error': // shown by connect(); the run has ended
      setRunning(false);
      break;
    case 'file':
      file = msg.file;
      settings = msg.settings;
      target = settings.target;
      renderShell(msg.links);
      break;
    case 'running':
      hideError();
      settings = msg.settings;
      setRunning(true);
      break;
    case 'progress':
      ticker.report(msg);
      break;
    case 'result':
      setRunning(false);
      result = msg.result;
      renderResults();
      break;
    case 'cancelled':
      setRunning(false);
      byId('status').textContent = result
        ? 'Cancelled. The results below are from the previous run.'
        : 'Cancelled. Press Measure to start again.';
      break;
    case 'exported':
      byId('export-status').textContent = `Exported: ${msg.files.map((f) => f.split(/[\\/]/).pop()).join(', ')}`;
      break;
  }
});

/** Header, explanation and controls; built once per file so the controls keep focus across runs. */
function renderShell(links: PanelLink[]): void {
  if (!file) return;
  hideError();
  const app = byId('app');
  if (document.getElementById('controls')) {
    setField('k-input', settings.k);
    setField('queries-input', settings.queries);
    return;
  }
  app.replaceChildren();
  app.setAttribute('aria-busy', 'false');
  app.append(
    h(
      'h1',
      {},
      `Compression: ${file.name} `,
      h('vscode-badge', { id: 'shape-badge' }, `${fmt(file.rows)} × ${fmt(file.dims)}`),
    ),
    h(
      'p',
      { class: 'muted', id: 'intro' },
      `How small can these vectors get before search breaks? For a seeded sample of rows used as queries, each compressed copy is searched and its top k is compared with exact full-precision search (the row itself left out). `,
      `Recall@k is the share of the true top k that the compressed search finds. Float32 storage takes ${fmt(4 * file.dims)} bytes per vector (${bytes(4 * file.dims * file.rows)} for the file).`,
    ),
    h(
      'div',
      { class: 'toolbar', id: 'links', hidden: !links.length },
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
    ),
    h(
      'section',
      { id: 'controls', 'aria-label': 'Settings' },
      h(
        'div',
        { class: 'toolbar' },
        h('vscode-label', { for: 'target' }, 'Target recall'),
        targetSelect(),
        h('vscode-label', { for: 'k-input' }, 'k (neighbours)'),
        h('vscode-textfield', {
          id: 'k-input',
          type: 'number',
          min: 1,
          max: 1000,
          value: String(settings.k),
          onkeydown: enterRuns,
        }),
        h('vscode-label', { for: 'queries-input' }, 'Queries'),
        h('vscode-textfield', {
          id: 'queries-input',
          type: 'number',
          min: 1,
          max: 100000,
          value: String(settings.queries),
          onkeydown: enterRuns,
        }),
        h('vscode-button', { id: 'run', onclick: run }, 'Measure'),
        h(
          'vscode-button',
          { id: 'cancel', secondary: true, disabled: true, onclick: () => send({ type: 'cancel' }) },
          'Cancel',
        ),
      ),
      h(
        'div',
        { id: 'status-line', class: 'toolbar' },
        h('vscode-progress-ring', { id: 'progress', hidden: true, 'aria-hidden': 'true' }),
        h('span', { id: 'status', role: 'status', 'aria-live': 'polite' }),
      ),
      h('div', { id: 'controls-error', class: 'warning', role: 'alert', hidden: true }),
    ),
    h(
      'div',
      { id: 'results', hidden: true },
      h(
        'section',
        { id: 'summary', 'aria-labelledby': 'summary-title' },
        h('h2', { id: 'summary-title' }, 'Findings'),
        h('ul', { id: 'findings' }),
        h('div', { id: 'export-status', class: 'muted', role: 'status' }),
      ),
      h(
        'section',
        { 'aria-labelledby': 'tradeoff-title' },
        h('h2', { id: 'tradeoff-title' }, 'Recall against size'),
        h('div', {
          id: 'tradeoff-chart',
          class: 'plot',
          role: 'img',
          'aria-label':
            'Recall at k against bytes per vector (log scale), one line per compression method; the dashed line is the target recall.',
        }),
      ),
      h(
        'section',
        { 'aria-labelledby': 'table-title' },
        h('h2', { id: 'table-title' }, 'Every configuration'),
        h('table', { id: 'results-table', 'aria-labelledby': 'table-title' }),
        h('p', { id: 'table-notes', class: 'muted' }),
      ),
    ),
  );
}

function targetSelect(): HTMLElement {
  const sel = h(
    'vscode-single-select',
    { id: 'target', 'aria-label': 'Target recall' },
    ...TARGET_CHOICES.map((t) => h('vscode-option', { value: String(t), selected: t === target }, String(t))),
  );
  sel.addEventListener('change', () => {
    const v = Number((sel as unknown as { value: string }).value);
    if (!(v > 0 && v <= 1)) return;
    target = v;
    settings = { ...settings, target: v };
    // Recall does not depend on the target: re-rank what was measured.
    if (result) renderResults();
  });
  return sel;
}

function enterRuns(e: Event): void {
  if ((e as KeyboardEvent).key === 'Enter') run();
}

function setField(id: string, v: number): void {
  const el = document.getElementById(id) as unknown as { value: string } | null;
  if (el) el.value = String(v);
}

function readInt(id: string, name: string, min: number, max: number): number | string {
  const raw = (byId(id) as unknown as { value: string }).value.trim();
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max)
    return `${name} must be a whole number from ${fmt(min)} to ${fmt(max)} (got "${raw}").`;
  return v;
}

function run(): void {
  if (!file) return;
  const k = readInt('k-input', 'k', 1, 1000);
  const queries = readInt('queries-input', 'Queries', 1, 100000);
  const problem = [k, queries].find((x): x is string => typeof x === 'string');
  const box = byId('controls-error');
  box.hidden = !problem;
  box.textContent = problem ?? '';
  if (problem) return;
  settings = { k: k as number, queries: queries as number, target };
  send({ type: 'run', settings });
}

function setRunning(on: boolean): void {
  running = on;
  const cancel = document.getElementById('cancel');
  const runBtn = document.getElementById('run');
  const ring = document.getElementById('progress');
  const status = document.getElementById('status');
  if (!cancel || !runBtn || !ring || !status) return;
  cancel.toggleAttribute('disabled', !on);
  ring.hidden = !on;
  runBtn.textContent = on ? 'Restart' : result ? 'Measure Again' : 'Measure';
  document.body.dataset.state = on ? 'running' : result ? 'done' : 'idle';
  if (on) ticker.start(`Measuring ${settings.queries} queries, k = ${settings.k}`);
  else {
    ticker.stop();
    status.textContent = '';
  }
}

interface Group {
  name: string;
  line: boolean;
  methods: CompressionPoint['method'][];
}

const GROUPS: Group[] = [
  { name: 'PCA', line: true, methods: ['pca'] },
  { name: 'truncation (first m dims)', line: true, methods: ['truncate'] },
  { name: 'PCA + int8', line: true, methods: ['pca+int8'] },
  { name: 'int8', line: false, methods: ['int8'] },
  { name: 'binary (Hamming) ± rescore', line: false, methods: ['binary', 'binary+rescore'] },
  { name: 'float32 (full precision)', line: false, methods: ['float32'] },
];

function renderResults(): void {
  if (!result || !file) return;
  const r = result;
  const best = smallestMeeting(r.results, target);
  const full = r.results.find((p) => p.method === 'float32');
  const fullBytes = 4 * r.dims;
  document.body.dataset.state = running ? 'running' : 'done';
  byId('results').hidden = false;
  const runBtn = document.getElementById('run');
  if (runBtn && !running) runBtn.textContent = 'Measure Again';

  // Findings: plain sentences, the recommendation first.
  const items: HTMLElement[] = [];
  if (best) {
    items.push(
      h(
        'li',
        {
          id: 'recommendation',
          class: 'finding info',
          'data-method': best.method,
          'data-dims': best.dims,
          'data-rescore': best.rescore ?? '',
        },
        h('strong', {}, `Smallest configuration with recall@${r.k} ≥ ${target}: ${describeConfig(best, r.dims)}. `),
        `${fmt(best.bytesPerVector)} bytes per vector (${(fullBytes / best.bytesPerVector).toFixed(1)}× smaller than float32), ${bytes(best.indexBytes)} for the whole file, recall ${best.recall.toFixed(3)}, query time ${ratio(best.queryTimeRatio)} of full precision. `,
        best.method === 'binary+rescore'
          ? 'Rescoring reads the original vectors, so they must still be kept (on disk, say); the size is what the in-memory index holds. '
          : '',
        h(
          'vscode-button',
          { id: 'export-recommended', secondary: true, onclick: () => send({ type: 'export', config: pick(best) }) },
          'Export…',
        ),
      ),
    );
  } else {
    const top = [...r.results].filter((p) => p.method !== 'float32').sort((a, b) => b.recall - a.recall)[0];
    items.push(
      h(
        'li',
        { id: 'recommendation', class: 'finding warning', 'data-method': '' },
        h('strong', {}, `No compressed configuration reaches recall@${r.k} ≥ ${target}. `),
        top
          ? `The best is ${describeConfig(top, r.dims)} with ${top.recall.toFixed(3)}. Lower the target, or keep full precision.`
          : '',
      ),
    );
  }
  const int8 = r.results.find((p) => p.method === 'int8');
  if (int8)
    items.push(
      h(
        'li',
        { class: 'finding' },
        `int8 keeps recall ${int8.recall.toFixed(3)} at a quarter of the size (scored on dequantised values; scoring the raw codes by dot product is a known mistake that loses recall).`,
      ),
    );
  const pcaAll = r.results.find((p) => p.method === 'pca' && p.dims === r.dims);
  if (pcaAll && pcaAll.recall < 0.99)
    items.push(
      h(
        'li',
        { class: 'finding', id: 'pca-centring' },
        `PCA subtracts the mean vector before projecting: even keeping all ${r.dims} dims, ${r.metric} search on the centred vectors finds only ${pct(pcaAll.recall)} of the neighbours found on the original vectors. The mean direction matters to ${r.metric} here, so truncation or int8 (which keep it) can beat PCA at the same size.`,
      ),
    );
  const bin = r.results.find((p) => p.method === 'binary');
  const res = r.results
    .filter((p) => p.method === 'binary+rescore')
    .sort((a, b) => (b.rescore ?? 0) - (a.rescore ?? 0))[0];
  if (bin && res)
    items.push(
      h(
        'li',
        { class: 'finding' },
        `Binary codes alone find ${pct(bin.recall)} of the true neighbours; re-scoring the top ${res.rescore}×k candidates with the original vectors raises that to ${pct(res.recall)} (the original vectors must then still be stored).`,
      ),
    );
  items.push(
    h(
      'li',
      { class: 'finding muted' },
      `Measured on ${fmt(r.queries)} queries of ${fmt(r.rows)} rows, ${r.metric} similarity, seed ${r.seed}, in ${r.seconds.toFixed(1)} s. Full-precision search of the queries took ${(1000 * r.fullQuerySeconds).toFixed(0)} ms on this machine.`,
    ),
  );
  for (const w of r.warnings) items.push(h('li', { class: 'finding warning' }, w));
  byId('findings').replaceChildren(...items);

  drawChart(best);
  renderTable(best, full);
  const notes = [...new Set(r.results.map((p) => p.note).filter(Boolean))];
  byId('table-notes').textContent = [
    'Query time is the compressed search of all queries (PCA: including projecting them) divided by the full-precision search, both measured now; below 1× is faster. ',
    ...notes.map((n) => `int8: ${n}.`),
  ].join(' ');
}

function pick(p: CompressionPoint) {
  return { method: p.method, dims: p.dims, ...(p.rescore ? { rescore: p.rescore } : {}) };
}

function ratio(v: number): string {
  return Number.isFinite(v) ? `${v.toFixed(2)}×` : '–';
}

function pct(v: number): string {
  return `${(100 * v).toFixed(1)}%`;
}

function drawChart(best: CompressionPoint | null): void {
  const r = result!;
  const traces: Record<string, unknown>[] = [];
  if (best) {
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: 'smallest meeting the target',
      x: [best.bytesPerVector],
      y: [best.recall],
      customdata: [r.results.indexOf(best)],
      text: [describeConfig(best, r.dims)],
      hovertemplate: `recommended: %{text}<extra></extra>`,
      marker: {
        size: 22,
        symbol: 'star',
        color: 'rgba(0,0,0,0)',
        line: { width: 2, color: cssVar('--vscode-charts-green', '#59a14f') },
      },
    });
  }
  GROUPS.forEach((g, gi) => {
    const pts = r.results
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => g.methods.includes(p.method))
      .sort((a, b) => a.p.bytesPerVector - b.p.bytesPerVector || a.p.recall - b.p.recall);
    if (!pts.length) return;
    traces.push({
      type: 'scatter',
      mode: g.line ? 'lines+markers' : 'markers',
      name: g.name,
      x: pts.map(({ p }) => p.bytesPerVector),
      y: pts.map(({ p }) => p.recall),
      customdata: pts.map(({ i }) => i),
      text: pts.map(({ p }) => describeConfig(p, r.dims)),
      hovertemplate: `%{text}<br>%{x} bytes/vector<br>recall@${r.k} %{y:.3f}<extra></extra>`,
      marker: {
        size: 8,
        color: g.methods[0] === 'float32' ? cssVar('--vscode-foreground', '#888') : PALETTE[gi % PALETTE.length],
        symbol: g.methods[0] === 'float32' ? 'diamond' : 'circle',
      },
      line: { width: 2 },
    });
  });
  const fg = cssVar('--vscode-editorWarning-foreground', '#cca700');
  // Sizes are mostly powers of two: label those instead of plotly's 2-3-5 log ticks.
  const maxBytes = Math.max(...r.results.map((p) => p.bytesPerVector));
  const ticks: number[] = [];
  for (let t = 1; t <= 2 * maxBytes; t *= 2) ticks.push(t);
  const el = byId('tradeoff-chart');
  el.dataset.points = String(r.results.length);
  el.dataset.recommended = best ? `${best.method}:${best.dims}${best.rescore ? `:${best.rescore}` : ''}` : '';
  void Plotly.react(
    el,
    traces,
    themeLayout({
      xaxis: {
        type: 'log',
        title: { text: 'bytes per vector (log scale)' },
        tickvals: ticks,
        ticktext: ticks.map(String),
      },
      yaxis: { title: { text: `recall@${r.k}` }, range: [0, 1.03] },
      shapes: [
        {
          type: 'line',
          xref: 'paper',
          x0: 0,
          x1: 1,
          y0: target,
          y1: target,
          line: { color: fg, dash: 'dash', width: 1 },
        },
      ],
      annotations: [
        {
          xref: 'paper',
          x: 0,
          y: target,
          yanchor: 'bottom',
          xanchor: 'left',
          showarrow: false,
          text: `target ${target}`,
          font: { color: fg },
        },
      ],
      hovermode: 'closest',
      legend: { orientation: 'h', y: -0.22 },
      margin: { l: 56, r: 16, t: 16, b: 90 },
    }),
    PLOT_CONFIG,
  ).then(() => {
    const plot = el as unknown as { on(ev: string, fn: (e: unknown) => void): void; _elBound?: boolean };
    if (plot._elBound) return;
    plot._elBound = true;
    plot.on('plotly_click', (e) => {
      const i = (e as { points?: { customdata?: unknown }[] }).points?.[0]?.customdata;
      if (typeof i === 'number') focusRow(i);
    });
  });
}

function focusRow(i: number): void {
  const row = document.querySelector<HTMLElement>(`#results-table tr[data-index="${i}"]`);
  if (!row) return;
  row.scrollIntoView({ block: 'center' });
  row.focus();
}

function renderTable(best: CompressionPoint | null, full: CompressionPoint | undefined): void {
  const r = result!;
  const fullBytes = full?.bytesPerVector ?? 4 * r.dims;
  const order = r.results
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.bytesPerVector - b.p.bytesPerVector || b.p.recall - a.p.recall);
  byId('results-table').replaceChildren(
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Configuration'),
        h('th', { scope: 'col', class: 'num' }, 'Bytes / vector'),
        h('th', { scope: 'col', class: 'num' }, 'Smaller by'),
        h('th', { scope: 'col', class: 'num' }, 'Index for the file'),
        h('th', { scope: 'col', class: 'num' }, `Recall@${r.k}`),
        h('th', { scope: 'col', class: 'num' }, 'Query time vs full'),
        h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Export')),
      ),
    ),
    h(
      'tbody',
      {},
      ...order.map(({ p, i }) => {
        const isBest = sameConfig(p, best);
        const meets = p.recall >= target;
        return h(
          'tr',
          {
            'data-index': i,
            'data-method': p.method,
            'data-dims': p.dims,
            'data-rescore': p.rescore ?? '',
            'data-recall': p.recall,
            'data-bytes': p.bytesPerVector,
            'data-meets': meets ? 'true' : 'false',
            class: [isBest ? 'recommended' : '', meets ? 'meets' : 'misses'].filter(Boolean).join(' '),
            tabindex: 0,
            'aria-label': `${describeConfig(p, r.dims)}: ${fmt(p.bytesPerVector)} bytes per vector, recall ${p.recall.toFixed(3)}${isBest ? ', recommended' : ''}`,
          },
          h(
            'td',
            {},
            describeConfig(p, r.dims),
            isBest ? h('vscode-badge', { class: 'best-badge' }, 'recommended') : null,
          ),
          h('td', { class: 'num' }, fmt(p.bytesPerVector)),
          h('td', { class: 'num' }, `${(fullBytes / p.bytesPerVector).toFixed(1)}×`),
          h('td', { class: 'num' }, bytes(p.indexBytes)),
          h(
            'td',
            { class: 'num recall' },
            p.recall.toFixed(3),
            h('span', { class: meets ? 'ok' : 'no', 'aria-hidden': 'true' }, meets ? ' ✓' : '  '),
          ),
          h('td', { class: 'num' }, ratio(p.queryTimeRatio)),
          h(
            'td',
            {},
            p.method === 'float32'
              ? null
              : h(
                  'vscode-button',
                  {
                    class: 'export-btn',
                    secondary: true,
                    'aria-label': `Export ${describeConfig(p, r.dims)}`,
                    onclick: () => send({ type: 'export', config: pick(p) }),
                  },
                  'Export…',
                ),
          ),
        );
      }),
    ),
  );
}

// Surfaced for the UI test and for debugging in the webview's devtools.
(window as unknown as { compressionState: () => unknown }).compressionState = () => ({
  file,
  settings,
  target,
  running,
  result,
});
setBusy('Starting…');
