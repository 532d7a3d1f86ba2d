#!/usr/bin/env node
// UI test: the overview panel in a real VS Code (code-server) driven by Chromium, like a user.
//   explorer: right-click glove.npy -> "Embedding Lens: Open"
//   webview:  plotly scatter (#scatter.js-plotly-plot, data-point-count = rows shown)
//   click a point -> #neighbors tr[data-row] lists its neighbours, which must match
//   `embedding-lens neighbors FILE --row I --k K --json`.
//   then from the palette, on the same file: Show Diagnostics (every section charted, findings with
//   numbers), Show Map (all rows, trustworthiness), Compression Explorer (recall per method),
//   Find Neighbours of Text… with the built-in model ("king" → "queen"); on the map: colour by a
//   metadata column, box-select (summary + neighbours of the selection), export the coordinates as CSV.
// Steps run in order; after a failure the remaining steps are reported as not run.
// Screenshots of every step go to test-results/ui-*.png. Exit code 0 only if no step failed.
//
// Environment (defaults in brackets):
//   E2E_WORKSPACE [sample/]  E2E_FILE [glove.npy]  E2E_EXTENSION [repo root, built dist/]
//   E2E_CLI ["node bin/embedding-lens.js"]  E2E_TIMEOUT_MS [900000]  E2E_VERBOSE=1 echoes code-server
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startCodeServer } from '../../scripts/code-server.mjs';
import { exitWhenFlushed } from '../../scripts/exit.mjs';
import {
  RESULTS_DIR,
  explorerContextMenu,
  launchBrowser,
  openWorkbench,
  runCommand,
  screenshot,
  waitInFrame,
} from './helpers.mjs';

const WORKSPACE = path.resolve(process.env.E2E_WORKSPACE || path.join(ROOT, 'sample'));
const FILE = process.env.E2E_FILE || 'glove.npy';
const EXTENSION = path.resolve(process.env.E2E_EXTENSION || ROOT);
const CLI = (process.env.E2E_CLI || `node ${path.join(ROOT, 'bin/embedding-lens.js')}`).split(' ');
const TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS) || 15 * 60_000;
const MENU_ITEM = process.env.E2E_MENU_ITEM || menuLabel(EXTENSION);

const results = [];
// Screenshots of an earlier run would be mistaken for this run's.
for (const f of fs.existsSync(RESULTS_DIR) ? fs.readdirSync(RESULTS_DIR) : []) {
  if (/^ui-.*\.png$/.test(f)) fs.rmSync(path.join(RESULTS_DIR, f));
}
let server, browser, page;

// Hard limit, so a stuck page or server can never hang the run.
const hardTimer = setTimeout(async () => {
  fs.writeSync(2, `ui.test: no result after ${TIMEOUT_MS / 1000}s, giving up\n`);
  if (page) await screenshot(page, 'ui-timeout').catch(() => {});
  await cleanup();
  process.exit(124);
}, TIMEOUT_MS);

async function cleanup() {
  await browser?.close().catch(() => {});
  await server?.stop().catch(() => {});
}

/** Runs one step; a step returns a note (string) or throws. After a failure, later steps are not run. */
async function step(name, fn) {
  if (results.some((r) => r.status === 'FAIL')) {
    results.push({ name, status: 'not run' });
    console.log(`---- ${name} (not run)`);
    return;
  }
  const t = Date.now();
  try {
    const note = await fn();
    results.push({ name, status: 'PASS', note, ms: Date.now() - t });
  } catch (err) {
    results.push({ name, status: 'FAIL', note: err?.message ?? String(err), ms: Date.now() - t });
    if (page) await screenshot(page, `ui-failed-${results.length}`).catch(() => {});
  }
  const r = results.at(-1);
  console.log(
    `${r.status.padEnd(4)} ${name} (${(r.ms / 1000).toFixed(1)}s)${r.note ? `\n     ${r.note.split('\n').join('\n     ')}` : ''}`,
  );
}

let overview; // { frame } of the overview webview
let plotSelector; // the plotly graph div (#scatter itself, or inside it)
let queryRow;

try {
  await step('code-server starts with the extension installed', async () => {
    if (!fs.existsSync(path.join(WORKSPACE, FILE)))
      throw new Error(`${path.join(WORKSPACE, FILE)} does not exist (node scripts/make-sample.mjs creates it)`);
    server = await startCodeServer({ folder: WORKSPACE, extensionPath: EXTENSION, log: !!process.env.E2E_VERBOSE });
    return server.url;
  });

  await step('workbench opens and the explorer shows the workspace', async () => {
    browser = await launchBrowser();
    page = await openWorkbench(browser, server);
    page.on('pageerror', (err) => console.log(`     [page error] ${err.message}`));
    await screenshot(page, 'ui-1-workbench');
  });

  await step(`explorer context menu "${MENU_ITEM}" on ${FILE} opens a plotly scatter`, async () => {
    await explorerContextMenu(page, FILE, MENU_ITEM);
    // First open starts the engine process and computes the overview: allow time.
    overview = await waitInFrame(page, '#scatter', { timeout: 120_000 });
    const { frame } = overview;
    await frame.waitForSelector('#scatter.js-plotly-plot, #scatter .js-plotly-plot', { timeout: 120_000 });
    plotSelector = (await frame.$('#scatter.js-plotly-plot')) ? '#scatter.js-plotly-plot' : '#scatter .js-plotly-plot';
    await screenshot(page, 'ui-2-overview');
  });

  await step('#scatter exposes data-point-count matching the file', async () => {
    const { frame } = overview;
    await frame.waitForSelector('#scatter[data-point-count]', { timeout: 60_000 });
    const count = Number(await frame.getAttribute('#scatter', 'data-point-count'));
    const rows = npyRows(path.join(WORKSPACE, FILE));
    if (!(count > 0 && count <= rows)) throw new Error(`data-point-count=${count}, file has ${rows} rows`);
    const drawn = await frame.$eval(plotSelector, (gd) => gd._fullData.reduce((s, t) => s + (t.x?.length ?? 0), 0));
    if (drawn < count) throw new Error(`data-point-count=${count} but plotly holds ${drawn} points`);
    return `${count} points shown, file has ${rows} rows${count === rows ? '' : ' (subsampled)'}`;
  });

  await step('clicking a point lists its neighbours in #neighbors', async () => {
    const { frame } = overview;
    const target = await frame.$eval(plotSelector, pickIsolatedPoint);
    let how;
    if (target) {
      // Page coordinates of the point: the graph's box (Playwright maps frames into page space) + offset.
      const box = await frame.locator(plotSelector).boundingBox();
      await page.mouse.move(box.x + target.px, box.y + target.py);
      await page.waitForTimeout(300); // plotly picks the clicked point from its hover state
      await page.mouse.click(box.x + target.px, box.y + target.py);
      how = `clicked point ${target.index} of trace ${target.trace} at (${target.px.toFixed(0)}, ${target.py.toFixed(0)})`;
      queryRow = target.row;
    }
    const listed = await frame.waitForSelector('#neighbors tr[data-row]', { timeout: 15_000 }).catch(() => null);
    if (!listed) {
      // Fallback contract: keyboard access, Enter on the focused scatter selects row 0.
      await frame.focus('#scatter');
      await page.keyboard.press('Enter');
      how = `${how ? `${how} gave no neighbours; ` : ''}keyboard fallback: Enter on #scatter`;
      queryRow = 0;
      await frame.waitForSelector('#neighbors tr[data-row]', { timeout: 30_000 });
    }
    // If the webview says which row is selected, that is the truth.
    const selected = await frame.getAttribute('#scatter', 'data-selected-row');
    if (selected !== null && selected !== '') queryRow = Number(selected);
    await screenshot(page, 'ui-3-neighbors');
    if (!Number.isInteger(queryRow))
      throw new Error(
        `${how}, but cannot tell which row was selected (expose data-selected-row on #scatter, or customdata/ids on the trace)`,
      );
    return `${how}; query row ${queryRow}`;
  });

  await step('neighbour rows and scores match the CLI', async () => {
    const { frame } = overview;
    let shown = await frame.$$eval('#neighbors tr[data-row]', (trs) =>
      trs.map((tr) => {
        const numbers = [...tr.querySelectorAll('td')]
          .map((td) => td.textContent.trim())
          .filter((t) => /^-?\d*\.\d+(e-?\d+)?$/i.test(t));
        const scoreText = tr.dataset.score ?? numbers.at(-1) ?? null;
        return { row: Number(tr.dataset.row), scoreText };
      }),
    );
    if (shown[0]?.row === queryRow) shown = shown.slice(1); // a table that lists the query itself first
    const k = shown.length;
    if (!fs.existsSync(CLI.at(-1)) && CLI[0] === 'node') throw new Error(`CLI ${CLI.at(-1)} not found (npm run build)`);
    const out = execFileSync(
      CLI[0],
      [...CLI.slice(1), 'neighbors', path.join(WORKSPACE, FILE), '--row', String(queryRow), '--k', String(k), '--json'],
      { encoding: 'utf8' },
    );
    const expected = JSON.parse(out).neighbors;
    const problems = [];
    for (let i = 0; i < k; i++) {
      const s = shown[i],
        e = expected[i];
      if (!e) {
        problems.push(`#${i}: webview row ${s.row}, CLI has no row`);
        continue;
      }
      if (s.scoreText != null) {
        const score = Number(s.scoreText);
        const decimals = (s.scoreText.split('.')[1] ?? '').replace(/e.*$/i, '').length;
        const tol = 0.5 * 10 ** -decimals + 1e-5; // the display rounds; float32 kernels vs float64 reference
        if (Math.abs(score - e.score) > tol) problems.push(`#${i}: score ${s.scoreText} vs CLI ${e.score}`);
      }
      if (s.row !== e.row) {
        // Equal scores may come in either order.
        const tie = expected.find((x) => x.row === s.row && Math.abs(x.score - e.score) < 1e-6);
        if (!tie) problems.push(`#${i}: row ${s.row} vs CLI row ${e.row}`);
      }
    }
    if (!k) problems.push('no neighbour rows besides the query');
    if (problems.length) throw new Error(`query row ${queryRow}, k=${k}:\n${problems.join('\n')}`);
    const scored = shown.filter((s) => s.scoreText != null).length;
    return `query row ${queryRow}: ${k} neighbours match (rows${scored ? `, ${scored} scores` : '; no scores shown'})`;
  });

  // The feature panels, each run from the palette on the focused overview's file, as a user would.
  // Each waits for what the panel computes (a real engine run) and keeps a screenshot.
  await step('palette "Show Diagnostics" renders every section with its chart and findings', async () => {
    await runCommand(page, 'Embedding Lens: Show Diagnostics');
    const { frame } = await waitInFrame(page, '#findings li', { timeout: 240_000 });
    const sections = ['rank', 'intrinsicDimension', 'isotropy', 'hubness', 'cosineVsDot'];
    for (const id of sections)
      await frame.waitForSelector(`#${id}-chart.js-plotly-plot, #${id}-chart .js-plotly-plot, p#${id}-chart`, {
        timeout: 60_000,
      });
    const findings = await frame.$$eval('#findings li', (lis) => lis.map((li) => li.textContent.trim()));
    await screenshot(page, 'ui-4-diagnostics');
    if (!findings.some((f) => /\d/.test(f))) throw new Error(`findings carry no numbers: ${findings.join(' | ')}`);
    return `${sections.length} sections drawn; ${findings.length} findings, e.g. "${findings[0].slice(0, 90)}"`;
  });

  await step('palette "Show Map" draws every row and scores the map', async () => {
    await runCommand(page, 'Embedding Lens: Show Map (PCA / UMAP / t-SNE)');
    const { frame } = await waitInFrame(page, '#map-chart[data-point-count]', { timeout: 120_000 });
    const count = Number(await frame.getAttribute('#map-chart', 'data-point-count'));
    const rows = npyRows(path.join(WORKSPACE, FILE));
    if (count !== rows) throw new Error(`#map-chart data-point-count=${count}, file has ${rows} rows`);
    await frame.waitForSelector('#quality tbody tr[data-method] td[data-score=trustworthiness]', { timeout: 240_000 });
    const t = await frame.$eval('#quality tbody tr[data-method] td[data-score=trustworthiness]', (td) =>
      td.textContent.trim(),
    );
    await screenshot(page, 'ui-5-map');
    if (!(Number(t) > 0.5 && Number(t) <= 1)) throw new Error(`trustworthiness shown as '${t}'`);
    return `${count} points; trustworthiness ${t}`;
  });

  await step('map: colour by a metadata column, box-select a region, export the coordinates as CSV', async () => {
    const { frame } = await waitInFrame(page, '#map-chart[data-point-count]', { timeout: 30_000 });
    const plot = '#map-chart.js-plotly-plot, #map-chart .js-plotly-plot';
    const before = await frame.$eval(plot, (gd) => gd._fullData.length);
    await frame.$eval('#color-by', (sel) => {
      sel.value = 'freq_band';
      sel.dispatchEvent(new Event('change'));
    });
    await frame.waitForFunction(
      (sel) => document.querySelector(sel)?._fullData?.some((t) => /1k/.test(t.name ?? '')),
      plot,
      { timeout: 30_000 },
    );
    const traces = await frame.$eval(plot, (gd) => gd._fullData.map((t) => t.name).filter(Boolean));
    // Box select: drag across the middle of the plot area.
    await frame.click('#tool-box');
    const box = await frame.locator('#map-chart .nsewdrag').first().boundingBox();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 8 });
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.7, { steps: 8 });
    await page.mouse.up();
    await frame.waitForFunction(
      () =>
        /\d+ rows selected/.test(document.getElementById('selection-summary')?.textContent ?? '') &&
        !/summarising/.test(document.getElementById('selection-summary')?.textContent ?? ''),
      null,
      { timeout: 60_000 },
    );
    const summary = await frame.$eval('#selection-summary', (e) => e.textContent.trim());
    await frame.waitForSelector('#selection-neighbors li[data-row]', { timeout: 60_000 });
    await screenshot(page, 'ui-5b-map-selection');
    // Export: VS Code's own save dialog (code-server: the simple file dialog, a quick input holding
    // the proposed path, next to the file). Accept the proposal, check the file, remove it.
    const method = (await frame.$eval('#method', (e) => e.value).catch(() => 'umap')) || 'umap';
    const out = path.join(WORKSPACE, `${path.basename(FILE, '.npy')}-${method}.csv`);
    fs.rmSync(out, { force: true });
    await frame.click('#export-csv');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    const proposed = await input.inputValue();
    await page.keyboard.press('Enter');
    const deadline = Date.now() + 30_000;
    while (!fs.existsSync(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    if (!fs.existsSync(out)) throw new Error(`no ${out} after accepting the save dialog's proposal '${proposed}'`);
    await new Promise((r) => setTimeout(r, 500)); // let the writer finish
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    const rows = npyRows(path.join(WORKSPACE, FILE));
    fs.rmSync(out, { force: true });
    if (before < 1 || traces.length < 2)
      throw new Error(`colouring by freq_band gave traces ${JSON.stringify(traces)}`);
    if (lines.length !== rows + 1 || !lines[0].startsWith('row,x,y'))
      throw new Error(`CSV has ${lines.length} lines, header ${lines[0]}`);
    return `${traces.length} colour groups; ${summary.slice(0, 80)}; CSV with ${lines.length - 1} rows`;
  });

  await step('palette "Compression Explorer" measures recall for each method and recommends one', async () => {
    await runCommand(page, 'Embedding Lens: Compression Explorer');
    // #run exists in other panels too (hidden tabs keep their frames): find the one with #queries-input.
    const { frame } = await waitInFrame(page, '#queries-input', { timeout: 60_000 });
    const state = await frame.$eval('body', (b) => b.dataset.state ?? '');
    if (state !== 'running' && !(await frame.$('#results-table tbody tr[data-recall]'))) await frame.click('#run');
    await frame.waitForSelector('#results-table tbody tr[data-recall]', { timeout: 300_000 });
    const rows = await frame.$$eval('#results-table tbody tr[data-recall]', (trs) =>
      trs.map((tr) => ({ method: tr.dataset.method, recall: Number(tr.dataset.recall) })),
    );
    await screenshot(page, 'ui-6-compression');
    const bad = rows.filter((r) => !(r.recall >= 0 && r.recall <= 1));
    if (bad.length || rows.length < 4)
      throw new Error(`${rows.length} result rows, bad recalls: ${JSON.stringify(bad)}`);
    const rec = await frame.$eval('#recommendation', (li) => li.textContent.trim()).catch(() => 'none');
    return `${rows.length} configurations measured; ${rec.slice(0, 100)}`;
  });

  await step('palette "Find Neighbours of Text…" with the built-in model finds "queen" near "king"', async () => {
    await runCommand(page, 'Embedding Lens: Find Neighbours of Text…');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('king');
    await page.keyboard.press('Enter');
    const { frame } = await waitInFrame(page, '#results tbody tr[data-row][data-score]', { timeout: 120_000 });
    const cells = await frame.$$eval('#results tbody tr[data-row]', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())),
    );
    const words = cells.map((c) => c.join(' '));
    await screenshot(page, 'ui-7-text');
    if (!cells.some((c) => c.includes('queen'))) throw new Error(`no "queen" among: ${words.join(' | ')}`);
    return `${words.length} neighbours listed, "queen" among them`;
  });
} finally {
  clearTimeout(hardTimer);
  await cleanup();
}

const failed = results.filter((r) => r.status === 'FAIL').length;
const counts = ['PASS', 'FAIL', 'not run']
  .map((s) => `${results.filter((r) => r.status === s).length} ${s}`)
  .join(', ');
console.log(`\nui.test: ${counts}; screenshots in test-results/`);
await exitWhenFlushed(failed ? 1 : 0);

/**
 * The label the explorer context menu shows for the extension's "open" command. Menus show a
 * command's title without its category, so it is read from the manifest: the explorer/context
 * entry whose `when` mentions npy (else the first one), preferring a command titled like "Open".
 */
function menuLabel(extensionDir) {
  try {
    const { contributes = {} } = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
    const entries = contributes.menus?.['explorer/context'] ?? [];
    const titles = Object.fromEntries((contributes.commands ?? []).map((c) => [c.command, c.title]));
    const npy = entries.filter((e) => /npy/.test(e.when ?? ''));
    const pool = npy.length ? npy : entries;
    const entry = pool.find((e) => /open/i.test(titles[e.command] ?? '')) ?? pool[0];
    if (entry && titles[entry.command]) return titles[entry.command];
  } catch {
    /* no manifest: use the documented label */
  }
  return 'Embedding Lens: Open';
}

/** Number of rows of a .npy file, from its header. */
function npyRows(file) {
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(4096);
  fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  const m = /'shape':\s*\((\d+)/.exec(head.toString('latin1'));
  if (!m) throw new Error(`cannot read the shape of ${file}`);
  return Number(m[1]);
}

/**
 * Runs in the webview: picks the drawn point farthest from its nearest neighbour on screen (so a
 * click cannot hit another one) and returns its pixel position inside the graph div and its row
 * (customdata, ids, or, for a single full trace, the index).
 */
function pickIsolatedPoint(gd) {
  const fl = gd._fullLayout;
  const pts = [];
  gd._fullData.forEach((tr, t) => {
    if (!tr.visible || tr.visible === 'legendonly' || !tr.x) return;
    const xa = fl[tr.xaxis === 'x' ? 'xaxis' : `xaxis${tr.xaxis.slice(1)}`];
    const ya = fl[tr.yaxis === 'y' ? 'yaxis' : `yaxis${tr.yaxis.slice(1)}`];
    for (let i = 0; i < tr.x.length; i++) {
      const px = xa._offset + xa.l2p(xa.d2l(tr.x[i]));
      const py = ya._offset + ya.l2p(ya.d2l(tr.y[i]));
      const inside =
        px > xa._offset + 5 &&
        px < xa._offset + xa._length - 5 &&
        py > ya._offset + 5 &&
        py < ya._offset + ya._length - 5;
      if (Number.isFinite(px) && Number.isFinite(py)) pts.push({ trace: t, index: i, px, py, inside, tr });
    }
  });
  const candidates = pts.filter((p) => p.inside);
  if (!candidates.length) return null;
  const step = Math.max(1, Math.floor(candidates.length / 300)); // bounded work for big plots
  let best = null;
  for (let c = 0; c < candidates.length; c += step) {
    const p = candidates[c];
    let nearest = Infinity;
    for (const q of pts) if (q !== p) nearest = Math.min(nearest, (p.px - q.px) ** 2 + (p.py - q.py) ** 2);
    if (!best || nearest > best.nearest) best = { ...p, nearest };
  }
  const { tr, index } = best;
  let row = null;
  const cd = tr.customdata?.[index];
  if (typeof cd === 'number') row = cd;
  else if (Array.isArray(cd) && typeof cd[0] === 'number') row = cd[0];
  else if (cd && typeof cd.row === 'number') row = cd.row;
  else if (tr.ids?.[index] != null && /^\d+$/.test(String(tr.ids[index]))) row = Number(tr.ids[index]);
  else if (gd._fullData.length === 1) row = index;
  return { trace: best.trace, index, px: best.px, py: best.py, row };
}
