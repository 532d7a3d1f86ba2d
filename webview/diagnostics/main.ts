/**
 * Diagnostics panel: the findings first (severity, plain words, the number behind
 * each), then one section per diagnostic with its chart and numbers — rank axes,
 * intrinsic dimension, isotropy, hubness, cosine versus dot. Clicking a top hub lists
 * the rows that have it among their nearest neighbours.
 */
import '../common/elements';
import type { DiagnoseResult, Finding, HubnessStats } from '../../src/shared/protocol/diagnostics';
import type {
  DiagnosticsFile,
  DiagnosticsFromWebview,
  DiagnosticsSettings,
  DiagnosticsToWebview,
  PointerItem,
} from '../../src/shared/webview/diagnostics';
import { DIAGNOSTICS_DEFAULTS } from '../../src/shared/webview/diagnostics';
import type { PanelLink } from '../../src/shared/webview/common';
import { connect, send as sendAny } from '../common/vscode';
import { byId, fmt, h, hideError, setBusy } from '../common/dom';
import { PALETTE, PLOT_CONFIG, Plotly, accent, cssVar, themeLayout } from '../common/plot';
import { RunTicker } from '../common/runTicker';
import { SECTIONS, explain } from './text';

const send = (m: DiagnosticsFromWebview) => sendAny(m);

let file: DiagnosticsFile | undefined;
let settings: DiagnosticsSettings = { ...DIAGNOSTICS_DEFAULTS };
let result: DiagnoseResult | undefined;
let running = false;
const ticker = new RunTicker();

document.head.append(
  h(
    'style',
    {},
    `#findings { list-style: none; padding: 0; margin: 6px 0; }
#findings li { cursor: pointer; }
#findings li:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
.finding .sev { font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.04em; margin-right: 6px; color: var(--vscode-descriptionForeground); }
.finding.critical .sev { color: var(--vscode-editorError-foreground); }
.finding.warning .sev { color: var(--vscode-editorWarning-foreground); }
.finding .detail { color: var(--vscode-descriptionForeground); margin-top: 2px; }
section.diag { border-top: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); margin-top: 18px; }
section.diag .explain { max-width: 80ch; }
.section-findings { list-style: none; padding: 0; margin: 4px 0; }
.two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }
@media (max-width: 900px) { .two { grid-template-columns: minmax(0, 1fr); } }
table.compact { width: auto; min-width: 50%; }
#hub-detail { margin-top: 8px; }
#hub-detail ol { columns: 3 14em; margin: 4px 0; }
.notes li { color: var(--vscode-descriptionForeground); }`,
  ),
);

connect<DiagnosticsToWebview>((msg) => {
  switch (msg.type) {
    case 'busy':
      break; // connect() shows busy the same way in every panel
    case 'error': // shown by connect(); the run has ended
      setRunning(false);
      break;
    case 'file':
      file = msg.file;
      settings = msg.settings;
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
      renderResult();
      break;
    case 'cancelled':
      setRunning(false);
      byId('status').textContent = result
        ? 'Cancelled. The results below are from the previous run.'
        : 'Cancelled. Press Recompute to start again.';
      break;
    case 'hub':
      renderHub(msg.row, msg.label, msg.occurrence, msg.pointedBy, msg.capped);
      break;
  }
});

function renderShell(links: PanelLink[]): void {
  if (!file) return;
  const app = byId('app');
  app.replaceChildren(
    h(
      'h1',
      {},
      'Diagnostics: ',
      file.name,
      ' ',
      h('vscode-badge', { id: 'shape-badge' }, `${fmt(file.rows)} × ${fmt(file.dims)}`),
    ),
    h(
      'p',
      { class: 'muted' },
      'Does this space have the problems research keeps finding in embeddings — collapsed dimensions, a shared direction, rogue dimensions, hubs, norms that make cosine and dot disagree? Each finding names the number behind it.',
    ),
    h(
      'div',
      { class: 'toolbar', id: 'controls' },
      h('vscode-label', { for: 'k-input' }, 'Neighbours k'),
      h('vscode-textfield', {
        id: 'k-input',
        type: 'number',
        min: 1,
        max: 1000,
        value: String(settings.k),
        title: 'Neighbours for hubness and the cosine/dot comparison',
      }),
      h('vscode-label', { for: 'metric' }, 'Distance'),
      h(
        'vscode-single-select',
        { id: 'metric', title: 'Distance for intrinsic dimension and hubness' },
        h(
          'vscode-option',
          { value: 'auto', selected: settings.metric === 'auto' },
          'default (ID euclidean, hubness cosine)',
        ),
        h('vscode-option', { value: 'cosine', selected: settings.metric === 'cosine' }, 'cosine'),
        h('vscode-option', { value: 'euclidean', selected: settings.metric === 'euclidean' }, 'euclidean'),
      ),
      h('vscode-label', { for: 'sample-input' }, 'Sample rows'),
      h('vscode-textfield', {
        id: 'sample-input',
        type: 'number',
        min: 0,
        value: settings.sample ? String(settings.sample) : '',
        placeholder: 'all',
        title: 'Run the neighbour-based parts on this many seeded rows (empty: all rows up to 100,000)',
      }),
      h('vscode-button', { id: 'run', onclick: () => run() }, 'Recompute'),
      h(
        'vscode-button',
        { id: 'cancel', secondary: true, disabled: true, onclick: () => send({ type: 'cancel' }) },
        'Cancel',
      ),
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
    h('div', { id: 'status', class: 'muted', role: 'status', 'aria-live': 'polite' }),
    h(
      'section',
      { id: 'summary', 'aria-labelledby': 'findings-title' },
      h('h2', { id: 'findings-title' }, 'Findings'),
      h('ul', { id: 'findings' }),
      h('ul', { id: 'notes', class: 'notes' }),
    ),
    ...SECTIONS.map((s) =>
      h(
        'section',
        { id: `sec-${s.id}`, class: 'diag', 'aria-labelledby': `${s.id}-title`, 'data-section': s.id },
        h('h2', { id: `${s.id}-title` }, s.title),
        h('p', { class: 'explain muted' }, s.intro),
        h('ul', { id: `${s.id}-findings`, class: 'section-findings' }),
        h('div', { id: `${s.id}-stats`, class: 'grid' }),
        h('div', { id: `${s.id}-body` }),
      ),
    ),
  );
  app.setAttribute('aria-busy', 'false');
  for (const id of ['k-input', 'sample-input']) byId(id).addEventListener('keydown', (e) => e.key === 'Enter' && run());
}

function fieldNumber(id: string): number {
  const v = (byId(id) as unknown as { value: string }).value.trim();
  return v === '' ? 0 : Number(v);
}

function run(): void {
  if (running) return;
  const k = fieldNumber('k-input');
  const sample = fieldNumber('sample-input');
  if (!Number.isInteger(k) || k < 1 || k > 1000) {
    byId('status').textContent = 'k must be a whole number from 1 to 1000.';
    return;
  }
  if (!Number.isInteger(sample) || sample === 1 || sample < 0) {
    byId('status').textContent = 'Sample rows must be empty (all rows) or a whole number of at least 2.';
    return;
  }
  const metric = ((byId('metric') as unknown as { value: string }).value || 'auto') as DiagnosticsSettings['metric'];
  send({ type: 'run', settings: { k, metric, sample } });
}

function setRunning(on: boolean): void {
  running = on;
  const runBtn = document.getElementById('run');
  const cancel = document.getElementById('cancel');
  if (runBtn) (runBtn as unknown as { disabled: boolean }).disabled = on;
  if (cancel) (cancel as unknown as { disabled: boolean }).disabled = !on;
  document.getElementById('app')?.setAttribute('aria-busy', on ? 'true' : 'false');
  if (on) {
    ticker.start('Computing the diagnostics');
    setBusy('Computing the diagnostics…');
  } else {
    ticker.stop();
    setBusy();
  }
}

// ---------------------------------------------------------------- result

function renderResult(): void {
  if (!result || !file) return;
  const r = result;
  byId('status').textContent =
    `Computed in ${fmt(r.seconds, 3)} s${r.sample ? ` — neighbour-based sections on a seeded sample of ${fmt(r.sample.rows)} of ${fmt(r.sample.of)} rows` : ''}.`;
  const order = { critical: 0, warning: 1, info: 2 } as const;
  const sorted = [...r.findings].sort((a, b) => order[a.severity] - order[b.severity]);
  byId('findings').replaceChildren(...sorted.map((f) => findingItem(f, true)));
  byId('notes').replaceChildren(...r.notes.map((n) => h('li', {}, n)));
  for (const s of SECTIONS)
    byId(`${s.id}-findings`).replaceChildren(
      ...r.findings.filter((f) => f.section === s.id).map((f) => findingItem(f, false)),
    );
  renderRank(r);
  renderId(r);
  renderIsotropy(r);
  renderHubness(r);
  renderCosineVsDot(r);
}

function findingItem(f: Finding, link: boolean): HTMLElement {
  const go = () => document.getElementById(`sec-${f.section}`)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  return h(
    'li',
    {
      class: `finding ${f.severity}`,
      'data-severity': f.severity,
      'data-section': f.section,
      tabindex: link ? 0 : undefined,
      title: link && f.section !== 'data' ? 'Go to the section' : undefined,
      onclick: link ? go : undefined,
      onkeydown: link ? (e: Event) => (e as KeyboardEvent).key === 'Enter' && go() : undefined,
    },
    h('div', {}, h('span', { class: 'sev' }, f.severity), h('strong', { class: 'title' }, f.title)),
    h('div', { class: 'detail' }, f.detail),
  );
}

function stat(key: string, label: string, v: number | null | undefined, hint?: string, digits = 4): HTMLElement {
  return h(
    'div',
    { class: 'stat', 'data-stat': key, title: hint },
    h('div', { class: 'v' }, fmt(v ?? NaN, digits)),
    h('div', { class: 'k' }, label),
  );
}

function plotDiv(id: string, label: string, small = false): HTMLElement {
  return h('div', { id, class: `plot${small ? ' small' : ''}`, role: 'img', 'aria-label': label, tabindex: 0 });
}

function renderRank(r: DiagnoseResult): void {
  const body = byId('rank-body');
  const k = r.rank;
  if (!k) {
    byId('rank-stats').replaceChildren();
    body.replaceChildren(
      h('p', { class: 'warning' }, r.notes.find((n) => n.includes('spectrum')) ?? 'The spectrum was not computed.'),
    );
    return;
  }
  byId('rank-stats').replaceChildren(
    stat(
      'effectiveRank',
      'effective rank (centred)',
      k.effectiveRank,
      'Roy & Vetterli 2007: exp of the entropy of the normalised singular values',
    ),
    stat('rankMe', 'RankMe (raw X)', k.rankMe, 'Garrido et al. 2023, ε = 1e-7'),
    stat('minND', 'min(n, d)', k.minND),
    stat('participationRatio', 'participation ratio', k.participationRatio, '(Σλ)² / Σλ²'),
    stat('dims90', 'dims for 90% variance', k.dims90),
    stat('dims95', 'dims for 95% variance', k.dims95),
  );
  body.replaceChildren(
    plotDiv(
      'rank-chart',
      `Singular values of the raw matrix on a log scale, and cumulative explained variance; 90% reached at ${k.dims90} and 95% at ${k.dims95} components`,
    ),
    h('p', { class: 'explain muted' }, explain.rank),
  );
  const x = k.singularValues.map((_, i) => i + 1);
  const cum = k.explainedCumulative.slice(0, Math.max(k.singularValues.length, 1));
  const marker = (at: number, label: string, color: string) => ({
    type: 'line',
    xref: 'x',
    yref: 'paper',
    x0: at,
    x1: at,
    y0: 0,
    y1: 1,
    line: { color, dash: 'dot', width: 1.5 },
    label: { text: label, textposition: 'end', font: { color, size: 11 } },
  });
  void Plotly.react(
    'rank-chart',
    [
      {
        type: 'scatter',
        mode: 'lines',
        name: 'singular value (raw X)',
        x,
        y: k.singularValues.map((v) => (v > 0 ? v : NaN)),
        line: { color: accent() },
        hovertemplate: 'σ%{x}: %{y:.4g}<extra></extra>',
      },
      {
        type: 'scatter',
        mode: 'lines',
        name: 'cumulative explained variance',
        x: cum.map((_, i) => i + 1),
        y: cum,
        yaxis: 'y2',
        line: { color: PALETTE[1] },
        hovertemplate: '%{x} components: %{y:.1%}<extra></extra>',
      },
    ],
    themeLayout({
      xaxis: { title: { text: 'component' }, type: k.singularValues.length > 50 ? 'log' : 'linear' },
      yaxis: { title: { text: 'singular value' }, type: 'log', dtick: 'D2' },
      yaxis2: {
        title: { text: 'explained variance' },
        type: 'linear',
        overlaying: 'y',
        side: 'right',
        range: [0, 1.02],
        dtick: 0.1,
        tickformat: '.0%',
        color: cssVar('--vscode-editor-foreground', '#ccc'),
        showgrid: false,
      },
      shapes: [marker(k.dims90, '90%', PALETTE[4]), marker(k.dims95, '95%', PALETTE[2])],
      legend: { orientation: 'h', x: 0, y: 1.12 },
      margin: { l: 56, r: 64, t: 40, b: 48 },
    }),
    PLOT_CONFIG,
  );
}

function renderId(r: DiagnoseResult): void {
  const id = r.intrinsicDimension;
  byId('intrinsicDimension-stats').replaceChildren(
    stat(
      'twoNN',
      'TwoNN',
      id.twoNN,
      `Facco et al. 2017, top ${Math.round(id.twoNNDiscard * 100)}% of ratios discarded`,
    ),
    stat('mle', `MLE (k = ${id.mleK})`, id.mle, 'Levina & Bickel 2004, MacKay–Ghahramani averaging'),
    stat('dims', 'ambient dimensions', r.dims),
    stat('duplicatesRemoved', 'duplicate rows removed', id.duplicatesRemoved),
    stat('rowsUsed', 'rows used', id.rowsUsed),
  );
  const body = byId('intrinsicDimension-body');
  const local = (r.perRow?.localId ?? new Float64Array(0)).filter(Number.isFinite);
  body.replaceChildren(
    local.length
      ? plotDiv(
          'intrinsicDimension-chart',
          `Histogram of the local intrinsic dimension of each row; TwoNN ${fmt(id.twoNN)}, MLE ${fmt(id.mle)}`,
        )
      : h('p', { class: 'muted', id: 'intrinsicDimension-chart' }, 'No local estimates (too few distinct rows).'),
    h('p', { class: 'explain muted' }, explain.intrinsicDimension(id.metric)),
    ...(id.notes.length ? [h('ul', { class: 'notes' }, ...id.notes.map((n) => h('li', {}, n)))] : []),
  );
  if (!local.length) return;
  const sorted = [...local].sort((a, b) => a - b);
  const hi = sorted[Math.floor(0.99 * (sorted.length - 1))];
  const line = (v: number, label: string, color: string) => ({
    type: 'line',
    xref: 'x',
    yref: 'paper',
    x0: v,
    x1: v,
    y0: 0,
    y1: 1,
    line: { color, width: 2 },
    label: { text: label, textposition: 'end', font: { color, size: 11 } },
  });
  void Plotly.react(
    'intrinsicDimension-chart',
    [
      {
        type: 'histogram',
        x: local.filter((v) => v <= hi * 1.05),
        nbinsx: 60,
        marker: { color: accent() },
        hovertemplate: 'local ID %{x}: %{y} rows<extra></extra>',
        name: 'rows',
      },
    ],
    themeLayout({
      xaxis: { title: { text: `local intrinsic dimension (MLE, k = ${id.mleK}; top 1% not drawn)` } },
      yaxis: { title: { text: 'rows' } },
      shapes: [
        Number.isFinite(id.twoNN) ? line(id.twoNN, 'TwoNN', PALETTE[1]) : null,
        Number.isFinite(id.mle) ? line(id.mle, 'MLE', PALETTE[2]) : null,
      ].filter(Boolean),
      bargap: 0.02,
    }),
    PLOT_CONFIG,
  );
}

function renderIsotropy(r: DiagnoseResult): void {
  const iso = r.isotropy;
  const top = iso.topContributors[0];
  byId('isotropy-stats').replaceChildren(
    stat('meanCosine', 'mean pairwise cosine', iso.meanCosine, 'exact, over all pairs of usable rows'),
    stat('isoScore', 'IsoScore', iso.isoScore, 'Rudman et al. 2022: 1 = every direction used equally'),
    stat('partitionIsotropy', 'I(W)', iso.partitionIsotropy, 'Mu & Viswanath 2018: 1 = isotropic'),
    stat('topDimension', top ? `dimension ${top.dim}'s share of the mean cosine` : 'top dimension', top?.share ?? NaN),
    stat('outliers', 'outlier dimensions (variance ≥ 5× mean)', iso.outlierDimensions.length),
  );
  const body = byId('isotropy-body');
  const previews = h(
    'table',
    { id: 'isotropy-previews', class: 'compact', 'aria-label': 'What post-processing would do' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'the rows…'),
        h('th', { class: 'num' }, 'mean cosine'),
        h('th', { class: 'num' }, 'IsoScore'),
        h('th', { class: 'num' }, 'I(W)'),
      ),
    ),
    h(
      'tbody',
      {},
      h(
        'tr',
        { 'data-preview': 'none' },
        h('td', {}, 'as they are'),
        h('td', { class: 'num' }, fmt(iso.meanCosine)),
        h('td', { class: 'num' }, fmt(iso.isoScore)),
        h('td', { class: 'num' }, fmt(iso.partitionIsotropy)),
      ),
      ...iso.previews.map((p, i) =>
        h(
          'tr',
          { 'data-preview': i === 0 ? 'abtt' : 'whitening' },
          h('td', {}, `after ${p.name}`),
          h('td', { class: 'num' }, fmt(p.meanCosine)),
          h('td', { class: 'num' }, fmt(p.isoScore)),
          h('td', { class: 'num' }, fmt(p.partitionIsotropy)),
        ),
      ),
    ),
  );
  const outliers = iso.outlierDimensions.length
    ? h(
        'p',
        { id: 'outlier-dimensions' },
        `Outlier dimensions: ${iso.outlierDimensions.slice(0, 40).join(', ')}${iso.outlierDimensions.length > 40 ? `, … (${iso.outlierDimensions.length} in all)` : ''}.`,
      )
    : h('p', { id: 'outlier-dimensions', class: 'muted' }, 'No outlier dimensions.');
  body.replaceChildren(
    h(
      'div',
      { class: 'two' },
      plotDiv(
        'isotropy-chart',
        `Each dimension's contribution to the mean cosine ${fmt(iso.meanCosine)}${top ? `; dimension ${top.dim} carries ${Math.round(100 * top.share)}%` : ''}`,
      ),
      iso.dimensionVariance.length
        ? plotDiv('isotropy-variance-chart', 'Variance of each dimension with the 5× mean outlier threshold')
        : h('div', {}),
    ),
    outliers,
    h('h3', {}, 'What post-processing would do'),
    previews,
    h('p', { class: 'explain muted' }, explain.isotropy),
    ...(iso.notes.length ? [h('ul', { class: 'notes' }, ...iso.notes.map((n) => h('li', {}, n)))] : []),
  );
  const d = iso.cosineContributions.length;
  const outlier = new Set(iso.outlierDimensions);
  const x = Array.from({ length: d }, (_, j) => j);
  void Plotly.react(
    'isotropy-chart',
    [
      {
        type: 'bar',
        x,
        y: iso.cosineContributions,
        marker: { color: x.map((j) => (top && j === top.dim ? PALETTE[2] : outlier.has(j) ? PALETTE[1] : accent())) },
        hovertemplate: 'dimension %{x}: %{y:.4g}<extra></extra>',
        name: 'contribution',
      },
    ],
    themeLayout({
      xaxis: { title: { text: 'dimension' } },
      yaxis: { title: { text: 'contribution to the mean cosine' } },
      bargap: 0,
      title: { text: 'Who makes the cosines large', font: { size: 12 } },
    }),
    PLOT_CONFIG,
  );
  if (iso.dimensionVariance.length) {
    const mean = iso.dimensionVariance.reduce((a, b) => a + b, 0) / iso.dimensionVariance.length;
    void Plotly.react(
      'isotropy-variance-chart',
      [
        {
          type: 'bar',
          x,
          y: iso.dimensionVariance,
          marker: { color: x.map((j) => (outlier.has(j) ? PALETTE[1] : accent())) },
          hovertemplate: 'dimension %{x}: variance %{y:.4g}<extra></extra>',
          name: 'variance',
        },
      ],
      themeLayout({
        xaxis: { title: { text: 'dimension' } },
        yaxis: { title: { text: 'variance' } },
        bargap: 0,
        title: { text: 'Per-dimension variance (outliers ≥ 5× the mean)', font: { size: 12 } },
        shapes: [
          {
            type: 'line',
            xref: 'paper',
            x0: 0,
            x1: 1,
            y0: 5 * mean,
            y1: 5 * mean,
            line: { color: PALETTE[2], dash: 'dot' },
            label: { text: '5× mean', textposition: 'end', font: { size: 11, color: PALETTE[2] } },
          },
        ],
      }),
      PLOT_CONFIG,
    );
  }
}

function renderHubness(r: DiagnoseResult): void {
  const hb = r.hubness;
  byId('hubness-stats').replaceChildren(
    stat('skewness', `skewness of N${hb.k}`, hb.skewness, 'above 1.2: strong hubness (Radovanović et al. 2010)'),
    stat(
      'robinHood',
      'robin-hood index',
      hb.robinHood,
      'share of neighbour slots that would have to move for every row to be listed k times',
    ),
    stat('antihubShare', 'antihubs (in no list)', hb.antihubShare),
    stat('maxOccurrence', 'largest k-occurrence', hb.maxOccurrence),
    stat('k', 'k', hb.k),
  );
  const row = (name: string, s: HubnessStats, key: string) =>
    h(
      'tr',
      { 'data-reduction': key },
      h('td', {}, name),
      h('td', { class: 'num' }, fmt(s.skewness)),
      h('td', { class: 'num' }, fmt(s.robinHood)),
      h('td', { class: 'num' }, fmt(s.antihubShare)),
      h('td', { class: 'num' }, fmt(s.maxOccurrence)),
    );
  const hubs = h(
    'table',
    { id: 'hubs', class: 'compact', 'aria-label': 'Rows that appear in the most neighbour lists' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { class: 'num' }, '#'),
        h('th', { class: 'num' }, 'row'),
        h('th', {}, file?.labelColumn ?? 'label'),
        h('th', { class: 'num' }, `in how many ${hb.k}-NN lists`),
      ),
    ),
    h(
      'tbody',
      {},
      ...hb.topHubs.map((t, i) =>
        h(
          'tr',
          {
            'data-row': t.row,
            'data-occurrence': t.occurrence,
            tabindex: 0,
            title: 'Show the rows that have it among their nearest neighbours',
            onclick: () => askHub(t.row),
            onkeydown: (e: Event) => (e as KeyboardEvent).key === 'Enter' && askHub(t.row),
          },
          h('td', { class: 'num' }, i + 1),
          h('td', { class: 'num' }, t.row),
          h('td', { class: 'label-cell' }, t.label ?? ''),
          h('td', { class: 'num' }, t.occurrence),
        ),
      ),
    ),
  );
  byId('hubness-body').replaceChildren(
    h(
      'div',
      { class: 'two' },
      plotDiv(
        'hubness-chart',
        `Histogram of k-occurrence: how many rows appear in how many ${hb.k}-nearest-neighbour lists; skewness ${fmt(hb.skewness)}`,
      ),
      h('div', {}, h('h3', {}, 'Top hubs'), hubs, h('div', { id: 'hub-detail', 'aria-live': 'polite' })),
    ),
    h('h3', {}, 'Does hubness reduction help?'),
    h(
      'table',
      { id: 'hubness-reduction', class: 'compact' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'neighbours by'),
          h('th', { class: 'num' }, 'skewness'),
          h('th', { class: 'num' }, 'robin hood'),
          h('th', { class: 'num' }, 'antihubs'),
          h('th', { class: 'num' }, 'largest N'),
        ),
      ),
      h(
        'tbody',
        {},
        row(`${hb.metric} (as is)`, hb, 'none'),
        row('mutual proximity (Schnitzer et al. 2012)', hb.mutualProximity, 'mutualProximity'),
        row('CSLS (Conneau et al. 2018)', hb.csls, 'csls'),
      ),
    ),
    h('p', { class: 'explain muted' }, explain.hubness),
    ...(hb.notes.length ? [h('ul', { class: 'notes' }, ...hb.notes.map((n) => h('li', {}, n)))] : []),
  );
  const hist = hb.occurrenceHistogram;
  void Plotly.react(
    'hubness-chart',
    [
      {
        type: 'bar',
        x: hist.map((_, c) => c),
        y: hist,
        marker: { color: hist.map((_, c) => (c === 0 ? PALETTE[9] : c >= 2 * hb.k ? PALETTE[2] : accent())) },
        hovertemplate: 'in %{x} lists: %{y} rows<extra></extra>',
        name: 'rows',
      },
    ],
    themeLayout({
      xaxis: { title: { text: `k-occurrence N${hb.k} (in how many neighbour lists a row appears)` } },
      yaxis: {
        title: { text: 'rows' },
        type:
          hist.some((v) => v > 0) && Math.max(...hist) > 50 * Math.max(1, Math.min(...hist.filter((v) => v > 0)))
            ? 'log'
            : 'linear',
        dtick: 'D2',
      },
      bargap: 0.05,
      title: { text: `grey: antihubs (in no list) · red: hubs (in ≥ ${2 * hb.k} lists)`, font: { size: 12 } },
    }),
    PLOT_CONFIG,
  );
}

function askHub(row: number): void {
  byId('hub-detail').textContent = `Finding the rows that list row ${row}…`;
  send({ type: 'hub', row });
}

function renderHub(
  row: number,
  label: string | undefined,
  occurrence: number,
  items: PointerItem[],
  capped: boolean,
): void {
  byId('hub-detail').replaceChildren(
    h(
      'div',
      {},
      h('strong', {}, `Row ${row}${label ? ` (${label})` : ''}`),
      ` is among the nearest neighbours of ${occurrence} rows${capped ? `; the first ${items.length}` : ''}:`,
    ),
    h(
      'ol',
      { id: 'hub-pointers' },
      ...items.map((it) => h('li', { 'data-row': it.row }, it.label ? `${it.label} (row ${it.row})` : `row ${it.row}`)),
    ),
  );
}

function renderCosineVsDot(r: DiagnoseResult): void {
  const c = r.cosineVsDot;
  byId('cosineVsDot-stats').replaceChildren(
    stat('normCv', 'norm CV (std / mean)', c.normCv),
    stat('topkJaccard', `top-${c.k} Jaccard, cosine vs dot`, c.topkJaccard, '1 = the same neighbours'),
    stat('topkOverlap', `shared top-${c.k} neighbours`, c.topkOverlap),
    stat('rankCorrelation', 'Spearman, cosine vs dot scores', c.rankCorrelation),
    stat(
      'rescaleJaccard',
      'cosine top-k kept after rescaling',
      c.rescaleJaccard,
      `Steck et al. 2024: each dimension scaled by exp(${c.rescaleSigma}·z)`,
    ),
    stat('zeroNorms', 'zero vectors', c.zeroNorms),
  );
  const corr = c.normCorrelations.length
    ? h(
        'table',
        { id: 'norm-correlations', class: 'compact' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'metadata column'),
            h('th', { class: 'num' }, 'Spearman with the norm'),
            h('th', { class: 'num' }, 'rows'),
          ),
        ),
        h(
          'tbody',
          {},
          ...c.normCorrelations.map((n) =>
            h(
              'tr',
              {},
              h('td', {}, n.column),
              h('td', { class: 'num' }, fmt(n.spearman)),
              h('td', { class: 'num' }, fmt(n.rows)),
            ),
          ),
        ),
      )
    : h('p', { id: 'norm-correlations', class: 'muted' }, 'No numeric metadata column to compare the norms with.');
  byId('cosineVsDot-body').replaceChildren(
    h(
      'div',
      { class: 'two' },
      plotDiv('cosineVsDot-chart', `Histogram of row norms, coefficient of variation ${fmt(c.normCv)}`),
      h('div', {}, h('h3', {}, 'Does the norm carry information?'), corr),
    ),
    h('p', { class: 'explain muted' }, explain.cosineVsDot),
    ...(c.notes.length ? [h('ul', { class: 'notes' }, ...c.notes.map((n) => h('li', {}, n)))] : []),
  );
  const hist = c.normHistogram;
  const x = hist.counts.map((_, i) => (hist.edges[i] + hist.edges[i + 1]) / 2);
  void Plotly.react(
    'cosineVsDot-chart',
    [
      {
        type: 'bar',
        x,
        y: hist.counts,
        width: hist.edges.length > 1 ? hist.edges[1] - hist.edges[0] : 1,
        marker: { color: accent() },
        hovertemplate: 'norm %{x:.4g}: %{y} rows<extra></extra>',
        name: 'rows',
      },
    ],
    themeLayout({ xaxis: { title: { text: 'L2 norm' } }, yaxis: { title: { text: 'rows' } }, bargap: 0.02 }),
    PLOT_CONFIG,
  );
}
