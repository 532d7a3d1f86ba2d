/**
 * Labels-and-pairs panel, one page for three views:
 *  - modality gap: both groups on a shared PCA map with the gap vector drawn,
 *    retrieval before/after closing the gap, the dimensions that carry the gap;
 *  - neural collapse: the class means' cosine matrix against the ideal −1/(C−1),
 *    the distribution of those cosines, per-class spread;
 *  - compare: CKA / mutual k-NN / Procrustes figures, and the per-row agreement
 *    of the two files' neighbourhoods on the PCA map of either file.
 * Stable ids for UI tests: #findings li, #stats .stat[id^=stat-], #gap-chart,
 * #retrieval-table, #dims-table, #cosine-chart, #offdiag-chart, #classes-table,
 * #agreement-chart, #jaccard-chart, #procrustes-table, #map-select, #k-input, #rerun, #rechoose.
 */
import '../common/elements';
import type { CompareResult, ModalityGapResult, NeuralCollapseResult } from '../../src/shared/protocol/pairs';
import type { PanelLink } from '../../src/shared/webview/common';
import type { Finding, PairsFile, PairsFromWebview, PairsToWebview } from '../../src/shared/webview/pairs';
import { collapseFindings, compareFindings, gapFindings } from '../../src/shared/webview/pairs';
import { connect, send as sendAny } from '../common/vscode';
import { byId, fmt, h, hideError } from '../common/dom';
import { PALETTE, PLOT_CONFIG, Plotly, accent, cssVar, themeLayout } from '../common/plot';

const send = (m: PairsFromWebview) => sendAny(m);

document.head.append(
  h(
    'style',
    {},
    `.plot.square { height: 460px; max-width: 640px; }
#findings { padding-left: 0; list-style: none; }
#findings li { margin: 4px 0; }
.legend-note { font-size: 0.9em; }`,
  ),
);

connect<PairsToWebview>((msg) => {
  switch (msg.type) {
    case 'busy':
    case 'error':
      break; // connect() shows busy and error the same way in every panel
    case 'gap':
      hideError();
      renderGap(msg.file, msg.result, msg.pairColumn, msg.links);
      break;
    case 'collapse':
      hideError();
      renderCollapse(msg.file, msg.result, msg.weights, msg.links);
      break;
    case 'compare':
      hideError();
      renderCompare(msg.fileA, msg.fileB, msg.result, msg.labels, msg.links);
      break;
  }
});

const pct = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(1)}%`;

/** Title, intro, toolbar (links to the other panels, "choose again"), findings and headline numbers. */
function shell(
  title: string,
  file: PairsFile,
  intro: string,
  rechooseLabel: string,
  links: PanelLink[],
  findings: Finding[],
  stats: [string, string, string, string?][],
): HTMLElement {
  const app = byId('app');
  app.replaceChildren();
  app.setAttribute('aria-busy', 'false');
  app.append(
    h(
      'h1',
      {},
      `${title}: ${file.name} `,
      h('vscode-badge', { id: 'shape-badge' }, `${fmt(file.rows)} × ${fmt(file.dims)}`),
    ),
    h('p', { class: 'muted', id: 'intro' }, intro),
    h(
      'div',
      { class: 'toolbar', id: 'links' },
      h('vscode-button', { id: 'rechoose', onclick: () => send({ type: 'rechoose' }) }, rechooseLabel),
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
      { 'aria-labelledby': 'findings-title' },
      h('h2', { id: 'findings-title' }, 'Findings'),
      h('ul', { id: 'findings' }, ...findings.map((f) => h('li', { class: `finding ${f.severity}` }, f.text))),
    ),
    h(
      'div',
      { class: 'grid', id: 'stats', role: 'list' },
      ...stats.map(([id, label, value, tip]) =>
        h(
          'div',
          { class: 'stat', id: `stat-${id}`, role: 'listitem', title: tip },
          h('div', { class: 'v' }, value),
          h('div', { class: 'k' }, label),
        ),
      ),
    ),
  );
  return app;
}

function table(
  id: string,
  caption: string,
  head: string[],
  rows: (string | number)[][],
  numeric: boolean[] = [],
): HTMLElement {
  return h(
    'table',
    { id },
    h('caption', { class: 'sr-only' }, caption),
    h(
      'thead',
      {},
      h('tr', {}, ...head.map((c, i) => h('th', { scope: 'col', class: numeric[i] ? 'num' : undefined }, c))),
    ),
    h(
      'tbody',
      {},
      ...rows.map((r) =>
        h(
          'tr',
          {},
          ...r.map((c, i) => h('td', { class: numeric[i] ? 'num' : undefined }, typeof c === 'number' ? fmt(c) : c)),
        ),
      ),
    ),
  );
}

function plotBox(id: string, label: string, cls = 'plot'): HTMLElement {
  return h('div', { id, class: cls, role: 'img', 'aria-label': label, tabindex: 0 });
}

// ---------------------------------------------------------------------------
// Modality gap

function renderGap(file: PairsFile, r: ModalityGapResult, pairColumn: string | undefined, links: PanelLink[]): void {
  const a = r.groups.a.name;
  const b = r.groups.b.name;
  const app = shell(
    'Modality Gap',
    file,
    `Rows are split by '${r.column}' into '${a}' (${fmt(r.groups.a.rows)} rows) and '${b}' (${fmt(r.groups.b.rows)} rows)${pairColumn ? `, and matched by '${pairColumn}' (${fmt(r.pairs ?? 0)} pairs)` : ''}. ` +
      `Contrastive models such as CLIP often place the two modalities in separate cones of the sphere (Liang et al. 2022, "Mind the Gap"); these measures say how far apart they are and whether it matters for retrieval.`,
    'Choose Columns Again…',
    links,
    gapFindings(r),
    [
      ['l2m', 'gap distance (L2M)', fmt(r.l2m, 3), '‖mean of unit rows of A − mean of unit rows of B‖'],
      [
        'rmg',
        'relative gap (RMG)',
        r.rmg === null ? '–' : fmt(r.rmg, 3),
        'matched distance / (matched + mean within-group distance), Schrodi et al. 2025',
      ],
      [
        'separability',
        'linear separability',
        pct(r.separability),
        `${r.separabilityDetail.folds}-fold cross-validated logistic regression accuracy`,
      ],
      ['top1-ab', `${a}→${b} top-1`, r.retrieval ? pct(r.retrieval.aToB.top1) : '–'],
      ['top1-ba', `${b}→${a} top-1`, r.retrieval ? pct(r.retrieval.bToA.top1) : '–'],
    ],
  );
  app.append(
    h(
      'section',
      { 'aria-labelledby': 'gap-title' },
      h('h2', { id: 'gap-title' }, 'Both groups on one PCA map'),
      h(
        'p',
        { class: 'muted legend-note' },
        `Unit rows of both groups projected on their shared first two principal components (${pct(r.map.explained[0])} and ${pct(r.map.explained[1] ?? 0)} of the variance). The arrow is the gap vector, from the centre of '${b}' to the centre of '${a}'.`,
      ),
      plotBox(
        'gap-chart',
        `PCA map of the ${a} and ${b} rows with an arrow from the ${b} centre to the ${a} centre`,
        'plot square',
      ),
    ),
  );
  if (r.retrieval && r.closedGap) {
    const rows = [
      [
        `${a} → ${b}`,
        r.retrieval.aToB.top1,
        r.retrieval.aToB.meanRank,
        r.closedGap.aToB.top1,
        r.closedGap.aToB.meanRank,
      ],
      [
        `${b} → ${a}`,
        r.retrieval.bToA.top1,
        r.retrieval.bToA.meanRank,
        r.closedGap.bToA.top1,
        r.closedGap.bToA.meanRank,
      ],
    ];
    app.append(
      h(
        'section',
        { 'aria-labelledby': 'retrieval-title' },
        h('h2', { id: 'retrieval-title' }, 'Matched retrieval, before and after closing the gap'),
        h(
          'p',
          { class: 'muted legend-note' },
          `Each row searches the other group by cosine; rank 1 means its matched partner comes first. Closing the gap moves each group half the gap vector towards the other and re-normalises.`,
        ),
        table(
          'retrieval-table',
          'Matched retrieval',
          ['direction', 'top-1', 'mean rank', 'top-1, gap closed', 'mean rank, gap closed'],
          rows.map((x) => [
            x[0] as string,
            pct(x[1] as number),
            fmt(x[2] as number, 4),
            pct(x[3] as number),
            fmt(x[4] as number, 4),
          ]),
          [false, true, true, true, true],
        ),
      ),
    );
  }
  app.append(
    h(
      'section',
      { 'aria-labelledby': 'dims-title' },
      h('h2', { id: 'dims-title' }, 'Dimensions that carry the gap'),
      table(
        'dims-table',
        'Dimensions with the largest difference between the group means',
        ['dimension', 'mean A − mean B', 'share of ‖gap‖²'],
        r.gapDimensions.map((g) => [String(g.dim), fmt(g.delta, 4), pct(g.share)]),
        [false, true, true],
      ),
    ),
  );
  const n = r.map.group.length;
  const xs: [number[], number[]] = [[], []];
  const ys: [number[], number[]] = [[], []];
  const rowIds: [number[], number[]] = [[], []];
  for (let t = 0; t < n; t++) {
    const g = r.map.group[t];
    xs[g].push(r.map.coords[2 * t]);
    ys[g].push(r.map.coords[2 * t + 1]);
    rowIds[g].push(r.map.rows[t]);
  }
  const traces: Record<string, unknown>[] = [0, 1].map((g) => ({
    type: n > 4000 ? 'scattergl' : 'scatter',
    mode: 'markers',
    name: g === 0 ? a : b,
    x: xs[g],
    y: ys[g],
    customdata: rowIds[g],
    marker: { size: 5, opacity: 0.6, color: PALETTE[g] },
    hovertemplate: `${g === 0 ? a : b}, row %{customdata}<extra></extra>`,
  }));
  traces.push({
    type: 'scatter',
    mode: 'markers+text',
    name: 'group centres',
    x: [r.map.meanA[0], r.map.meanB[0]],
    y: [r.map.meanA[1], r.map.meanB[1]],
    text: [`centre of ${a}`, `centre of ${b}`],
    textposition: 'top center',
    marker: { size: 12, symbol: 'x', color: cssVar('--vscode-editor-foreground', '#ccc') },
    hoverinfo: 'text',
  });
  void Plotly.react(
    byId('gap-chart'),
    traces,
    themeLayout({
      xaxis: { title: { text: 'PC 1' } },
      yaxis: { title: { text: 'PC 2' }, scaleanchor: 'x' },
      hovermode: 'closest',
      annotations: [
        {
          x: r.map.meanA[0],
          y: r.map.meanA[1],
          ax: r.map.meanB[0],
          ay: r.map.meanB[1],
          xref: 'x',
          yref: 'y',
          axref: 'x',
          ayref: 'y',
          showarrow: true,
          arrowhead: 3,
          arrowsize: 1.5,
          arrowwidth: 2.5,
          arrowcolor: accent(),
          text: '',
        },
      ],
    }),
    PLOT_CONFIG,
  );
}

// ---------------------------------------------------------------------------
// Neural collapse

function renderCollapse(
  file: PairsFile,
  r: NeuralCollapseResult,
  weights: string | undefined,
  links: PanelLink[],
): void {
  const C = r.classes;
  const app = shell(
    'Neural Collapse',
    file,
    `Rows are grouped by '${r.column}' into ${fmt(C)} classes (${fmt(r.rows)} rows${weights ? `; classifier weights from ${weights}` : ''}). ` +
      `Late in training, a classifier's last-layer features collapse onto their class means, and the means spread out into a simplex whose pairwise cosines are all −1/(C−1) (Papyan, Han & Donoho 2020).`,
    'Choose Columns Again…',
    links,
    collapseFindings(r),
    [
      [
        'nc1',
        'NC1 = tr(Σ_W Σ_B⁺)/C',
        fmt(r.nc1, 4),
        'within-class variability relative to between-class; 0 at full collapse',
      ],
      ['ratio', 'tr Σ_W / tr Σ_B', fmt(r.withinBetweenRatio, 4)],
      ['equinorm', 'equinorm (CV of mean norms)', fmt(r.nc2.equinorm, 3), 'std/mean of ‖μ_c − μ_G‖; 0 = equal norms'],
      [
        'equiangularity',
        'equiangularity',
        fmt(r.nc2.equiangularity, 3),
        `mean |cos + 1/(C−1)| between class means; 0 = simplex`,
      ],
      ['ncm', 'nearest-class-mean accuracy', pct(r.ncmAccuracy)],
      ['knn', `${r.k}-NN accuracy`, pct(r.knnAccuracy)],
      ...(r.nc3 !== undefined
        ? ([
            ['nc3', 'NC3 (weights vs means)', fmt(r.nc3, 4)],
            ['nc4', 'NC4 (classifier ≠ NCM)', pct(r.nc4)],
          ] as [string, string, string][])
        : []),
    ],
  );
  const ideal = r.nc2.idealCosine;
  app.append(
    h(
      'section',
      { 'aria-labelledby': 'cosine-title' },
      h('h2', { id: 'cosine-title' }, 'Cosines between centred class means'),
      h(
        'p',
        { class: 'muted legend-note' },
        `A simplex has every off-diagonal cosine equal to −1/(C−1) = ${fmt(ideal, 4)}. Cells are coloured by their deviation from that ideal: white is on target.`,
      ),
      h(
        'div',
        { class: 'cols' },
        plotBox('cosine-chart', `Heat map of the ${C} by ${C} cosines between class means`, 'plot square'),
        plotBox('offdiag-chart', `Histogram of the off-diagonal cosines with the ideal ${fmt(ideal, 3)} marked`),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'classes-title' },
      h('h2', { id: 'classes-title' }, 'Classes'),
      table(
        'classes-table',
        'Per-class rows, within-class spread and distance of the class mean from the global mean',
        ['class', 'rows', 'spread (mean ‖x − μ_c‖²)', '‖μ_c − μ_G‖'],
        r.perClass.map((c) => [c.name, fmt(c.rows), fmt(c.spread, 4), fmt(c.meanNorm, 4)]),
        [false, true, true, true],
      ),
    ),
  );
  const z: number[][] = [];
  const dev: number[][] = [];
  for (let i = 0; i < C; i++) {
    z.push(Array.from(r.meanCosines.subarray(i * C, i * C + C)));
    dev.push(z[i].map((v, j) => (i === j ? NaN : v - ideal)));
  }
  const span = Math.max(0.05, ...dev.flat().filter(Number.isFinite).map(Math.abs));
  const names = r.classNames;
  void Plotly.react(
    byId('cosine-chart'),
    [
      {
        type: 'heatmap',
        x: names,
        y: names,
        z: dev,
        customdata: z,
        zmin: -span,
        zmax: span,
        colorscale: [
          [0, '#2166ac'],
          [0.5, '#f7f7f7'],
          [1, '#b2182b'],
        ],
        colorbar: { title: { text: 'cos − ideal' }, thickness: 12 },
        hovertemplate: '%{y} · %{x}: cosine %{customdata:.3f} (ideal ' + ideal.toFixed(3) + ')<extra></extra>',
      },
    ],
    themeLayout({
      xaxis: { type: 'category', tickangle: -45 },
      yaxis: { type: 'category', autorange: 'reversed' },
      margin: { l: 80, r: 16, t: 16, b: 80 },
    }),
    PLOT_CONFIG,
  );
  const off: number[] = [];
  for (let i = 0; i < C; i++) for (let j = i + 1; j < C; j++) off.push(z[i][j]);
  void Plotly.react(
    byId('offdiag-chart'),
    [
      {
        type: 'histogram',
        x: off,
        xbins: { start: -1, end: 1.0001, size: 0.05 },
        marker: { color: PALETTE[0] },
        name: 'class pairs',
        hovertemplate: 'cosine %{x}: %{y} pairs<extra></extra>',
      },
    ],
    themeLayout({
      xaxis: { title: { text: 'cosine between class means' }, range: [-1, 1] },
      yaxis: { title: { text: 'class pairs' } },
      shapes: [
        {
          type: 'line',
          x0: ideal,
          x1: ideal,
          yref: 'paper',
          y0: 0,
          y1: 1,
          line: { color: accent(), width: 2, dash: 'dash' },
        },
      ],
      annotations: [
        {
          x: ideal,
          yref: 'paper',
          y: 1,
          text: `ideal −1/(C−1) = ${ideal.toFixed(3)}`,
          showarrow: false,
          yanchor: 'bottom',
        },
      ],
      bargap: 0.05,
    }),
    PLOT_CONFIG,
  );
}

// ---------------------------------------------------------------------------
// Compare two files

let compareState:
  { r: CompareResult; labels?: (string | null)[]; a: PairsFile; b: PairsFile; which: 'a' | 'b' } | undefined;

function renderCompare(
  fileA: PairsFile,
  fileB: PairsFile,
  r: CompareResult,
  labels: (string | null)[] | undefined,
  links: PanelLink[],
): void {
  const which = compareState?.which ?? 'a';
  compareState = { r, labels, a: fileA, b: fileB, which };
  const p = r.procrustes;
  const app = shell(
    'Compare',
    fileA,
    `${fileA.name} (A, ${fmt(fileA.dims)} dims) against ${fileB.name} (B, ${fmt(fileB.dims)} dims), row by row: ${fmt(r.rows)} items that should be the same in both files. ` +
      `Do the two models organise the items the same way? CKA compares their overall linear structure (Kornblith et al. 2019), mutual k-NN their neighbourhoods (Huh et al. 2024), Procrustes how well one rotates onto the other.`,
    'Compare With Another File…',
    links,
    compareFindings(r, fileA.name, fileB.name),
    [
      ['cka', 'linear CKA', fmt(r.linearCka, 4)],
      ['debiased-cka', 'debiased CKA', fmt(r.debiasedCka, 4)],
      ['mutual-knn', `mutual k-NN (k = ${r.k})`, fmt(r.mutualKnn, 4)],
      ['top1-before', 'A→B top-1 before alignment', p.top1Before === null ? 'n/a (widths differ)' : pct(p.top1Before)],
      ['top1-after', 'A→B top-1 after Procrustes', pct(p.top1After)],
      ['residual', 'Procrustes disparity', fmt(p.residual, 4)],
    ],
  );
  const sel = h(
    'vscode-single-select',
    { id: 'map-select', 'aria-label': "Which file's PCA map to show" },
    h('vscode-option', { value: 'a', selected: which === 'a' }, `Map of A (${fileA.name})`),
    h('vscode-option', { value: 'b', selected: which === 'b' }, `Map of B (${fileB.name})`),
  );
  sel.addEventListener('change', () => {
    if (!compareState) return;
    compareState.which = (sel as unknown as { value: string }).value === 'b' ? 'b' : 'a';
    drawAgreement();
  });
  const kInput = h('vscode-textfield', {
    id: 'k-input',
    type: 'number',
    min: 1,
    max: 200,
    value: String(r.k),
    onkeydown: (e: Event) => (e as KeyboardEvent).key === 'Enter' && rerun(),
  });
  app.append(
    h(
      'section',
      { 'aria-labelledby': 'agreement-title' },
      h('h2', { id: 'agreement-title' }, 'Where the two files agree'),
      h(
        'p',
        { class: 'muted legend-note' },
        `Each point is a row on the PCA map of one file, coloured by the Jaccard overlap of its ${r.k} nearest neighbours in A and in B (1 = the same neighbours, 0 = none in common).`,
      ),
      h(
        'div',
        { class: 'toolbar' },
        h('vscode-label', { for: 'map-select' }, 'Map'),
        sel,
        h('vscode-label', { for: 'k-input' }, 'k (neighbours)'),
        kInput,
        h('vscode-button', { id: 'rerun', secondary: true, onclick: rerun }, 'Compare Again'),
        h('span', { id: 'k-error', class: 'warning', role: 'alert', hidden: true }),
      ),
      h(
        'div',
        { class: 'cols' },
        plotBox('agreement-chart', 'PCA map coloured by neighbourhood agreement', 'plot square'),
        plotBox('jaccard-chart', 'Histogram of per-row neighbourhood agreement'),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'procrustes-title' },
      h('h2', { id: 'procrustes-title' }, 'Alignment'),
      h(
        'p',
        { class: 'muted legend-note' },
        p.alignment === 'orthogonal'
          ? 'Orthogonal Procrustes on centred data: the rotation that best maps A onto B (Schönemann 1966).'
          : `The files have different widths, so each was first reduced to ${p.alignedDims} dims by its own PCA; then the best rotation between the two was fitted.`,
      ),
      table(
        'procrustes-table',
        'Matched retrieval before and after alignment',
        ['', 'A→B top-1', 'mean rank'],
        [
          [
            'before alignment (cosine)',
            p.top1Before === null ? 'n/a' : pct(p.top1Before),
            p.meanRankBefore === null ? 'n/a' : fmt(p.meanRankBefore, 4),
          ],
          [
            `after ${p.alignment === 'orthogonal' ? 'rotation' : 'PCA + rotation'}`,
            pct(p.top1After),
            fmt(p.meanRankAfter, 4),
          ],
          [`relative representations (${r.relative.anchors} anchors)`, pct(r.relative.top1), '–'],
        ],
        [false, true, true],
      ),
      h(
        'p',
        { class: 'muted' },
        `Retrieval uses ${fmt(r.retrievalQueries)} query rows${r.retrievalQueries < r.usedRows ? ' (a seeded sample)' : ''} against all ${fmt(r.usedRows)} rows.`,
      ),
    ),
  );
  drawAgreement();
  const valid = r.jaccard.filter(Number.isFinite);
  void Plotly.react(
    byId('jaccard-chart'),
    [
      {
        type: 'histogram',
        x: valid,
        xbins: { start: 0, end: 1.0001, size: 0.05 },
        marker: { color: PALETTE[0] },
        hovertemplate: 'Jaccard %{x}: %{y} rows<extra></extra>',
      },
    ],
    themeLayout({
      xaxis: { title: { text: 'neighbourhood agreement (Jaccard)' }, range: [0, 1] },
      yaxis: { title: { text: 'rows' } },
      bargap: 0.05,
    }),
    PLOT_CONFIG,
  );
}

function drawAgreement(): void {
  if (!compareState) return;
  const { r, labels, which } = compareState;
  const coords = which === 'a' ? r.mapA : r.mapB;
  const n = r.rows;
  const x: number[] = [];
  const y: number[] = [];
  const c: number[] = [];
  const text: string[] = [];
  for (let i = 0; i < n; i++) {
    const j = r.jaccard[i];
    if (!Number.isFinite(j) || !Number.isFinite(coords[2 * i])) continue;
    x.push(coords[2 * i]);
    y.push(coords[2 * i + 1]);
    c.push(j);
    const lab = labels?.[i];
    text.push(`row ${i}${lab ? ` · ${lab}` : ''}`);
  }
  void Plotly.react(
    byId('agreement-chart'),
    [
      {
        type: x.length > 4000 ? 'scattergl' : 'scatter',
        mode: 'markers',
        x,
        y,
        text,
        marker: {
          size: 5,
          color: c,
          cmin: 0,
          cmax: 1,
          colorscale: 'Viridis',
          colorbar: { title: { text: 'Jaccard' }, thickness: 12 },
        },
        hovertemplate: '%{text}<br>agreement %{marker.color:.2f}<extra></extra>',
      },
    ],
    themeLayout({
      xaxis: { title: { text: `PC 1 of ${which === 'a' ? 'A' : 'B'}` } },
      yaxis: { title: { text: 'PC 2' } },
      hovermode: 'closest',
      uirevision: which,
    }),
    PLOT_CONFIG,
  );
}

function rerun(): void {
  const raw = (byId('k-input') as unknown as { value: string }).value.trim();
  const k = Number(raw);
  const box = byId('k-error');
  const bad = !Number.isInteger(k) || k < 1 || k > 200;
  box.hidden = !bad;
  box.textContent = bad ? `k must be a whole number from 1 to 200 (got "${raw}").` : '';
  if (!bad) send({ type: 'compareK', k });
}
