#!/usr/bin/env node
/**
 * Pan/zoom frame times of the Map panel with a million points, in Debian's
 * Chromium (headless, software WebGL: what CI and VMs have), driven the way the
 * UI test drives it (playwright-core, the same launch flags).
 *
 * The built page (dist/webview/map.js + plotly.min.js + style.css) is loaded
 * with a stub `acquireVsCodeApi` that answers `ready` with the messages the host
 * sends for a finished 1M-point UMAP map (a seeded clustered layout from the
 * engine's Rng, loaded from a script file). Then Plotly.relayout pans and zooms the map step by step, as a
 * wheel or drag ends in, and each step's frame time is measured from the
 * relayout call to the last requestAnimationFrame after the page settled
 * (including the panel's debounced redraw of the points in view): the worst
 * frame the user waits for in that step. Median and p95 over the steps,
 * zoomed out (density heatmap only) and zoomed in (points drawn in view).
 *
 *   npx tsx bench/map-frames.mjs [--rows 1000000] [--steps 20] [--view-points N] [--no-build]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Rng } from '../src/engine/util/random.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const ROWS = Number(flag('rows', '1000000'));
const STEPS = Number(flag('steps', '20'));
// The panel's cap on points drawn in a zoomed view (its default when not given).
const VIEW_POINTS = flag('view-points', '');
// The same flags as test/e2e/helpers.mjs (no GPU: Chromium falls back to software WebGL).
const LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};

if (!argv.includes('--no-build'))
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
const dist = path.join(ROOT, 'dist/webview');
for (const f of ['map.js', 'plotly.min.js', 'style.css'])
  if (!fs.existsSync(path.join(dist, f)))
    throw new Error(`${path.join(dist, f)} is missing; run node scripts/build.mjs`);

// A seeded clustered layout (30 clusters of falling size) and per-row preservation, made here with the
// engine's generator and handed to the page as base64 in a script file, decoded there into the typed arrays postMessage
// delivers.
function layout(n) {
  const r = new Rng(42);
  const c = new Float32Array(2 * n);
  const K = 30;
  const cx = [];
  const cy = [];
  const sd = [];
  for (let k = 0; k < K; k++) {
    cx.push(40 * r.next() - 20);
    cy.push(40 * r.next() - 20);
    sd.push(0.3 + 1.5 * r.next());
  }
  for (let i = 0; i < n; i++) {
    const k = Math.min(K - 1, Math.floor(K * Math.pow(r.next(), 1.5)));
    c[2 * i] = cx[k] + sd[k] * r.normal();
    c[2 * i + 1] = cy[k] + sd[k] * r.normal();
  }
  return { coords: c, clusters: { cx, cy, sd } };
}
const b64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const { coords, clusters } = layout(ROWS);
const pres = new Float32Array(ROWS);
const presRng = new Rng(7);
for (let i = 0; i < ROWS; i++) pres[i] = presRng.int(11) / 10;
const DATA = `window.__clusters = ${JSON.stringify(clusters)};
const f32 = (s) => { const b = atob(s); const u = new Uint8Array(b.length); for (let i = 0; i < b.length; i++) u[i] = b.charCodeAt(i); return new Float32Array(u.buffer); };
window.__data = { coords: f32('${b64(coords)}'), preservation: f32('${b64(pres)}'), norms: f32('${b64(new Float32Array(ROWS).fill(1))}') };`;

const STUB = `
window.__frames = [];
(function loop(t) { window.__frames.push(t); requestAnimationFrame(loop); })(performance.now());
window.acquireVsCodeApi = () => ({
  getState() {}, setState() {},
  postMessage(msg) {
    if (msg.type !== 'ready') return;
    const n = ${ROWS};
    const settings = { method: 'umap', seed: 0, k: 10, metric: 'cosine', maxPoints: 200000${VIEW_POINTS ? `, viewPoints: ${Number(VIEW_POINTS)}` : ''} };
    const init = { name: 'bench.npy', rows: n, dims: 768, columns: [], settings, links: [] };
    const result = { jobId: 'j1', method: 'umap', rows: n, dims: 2, ...window.__data,
      quality: { k: 10, trustworthiness: 0.9, continuity: 0.9, knnRecall: 0.3, sampleRows: 2000, rows: n }, skippedRows: 0, warnings: [], timings: { total: 1 },
      knnGraph: { method: 'approximate', k: 14, recall: 0.9, sample: 1000, components: 64 } };
    const post = (m) => window.postMessage(m, '*');
    setTimeout(() => { post({ type: 'init', init }); post({ type: 'started', jobId: 'j1', method: 'umap' }); post({ type: 'result', result }); }, 0);
  },
});`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-map-frames-'));
const url = (f) => `file://${path.join(dist, f)}`;
fs.writeFileSync(path.join(dir, 'data.js'), DATA);
fs.writeFileSync(
  path.join(dir, 'index.html'),
  `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${url('style.css')}"></head>
<body style="width:1400px"><div id="app" aria-busy="true"></div>
<script src="file://${path.join(dir, 'data.js')}"></script><script>${STUB}</script><script src="${url('plotly.min.js')}"></script><script src="${url('map.js')}"></script></body></html>`,
);

const browser = await chromium.launch(LAUNCH);
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const tLoad = Date.now();
  await page.goto(`file://${path.join(dir, 'index.html')}`);
  await page.waitForSelector('#map-chart.js-plotly-plot[data-mode]', { timeout: 300_000 });
  const firstDraw = (Date.now() - tLoad) / 1000;
  const gl = await page.evaluate(() => {
    const c = document.createElement('canvas').getContext('webgl');
    const ext = c?.getExtension('WEBGL_debug_renderer_info');
    return c ? (ext ? c.getParameter(ext.UNMASKED_RENDERER_WEBGL) : c.getParameter(c.RENDERER)) : 'no WebGL';
  });
  console.log(
    `bench/map-frames.mjs: ${ROWS.toLocaleString('en-US')} points, Chromium ${browser.version()} headless, WebGL: ${gl}; ${new Date().toISOString()}, load average ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  console.log(`  page loaded and first map drawn in ${firstDraw.toFixed(1)} s`);

  /**
   * Runs `steps` relayouts of the view around (cx, cy) with half-width w, returning each step's worst frame (ms) and
   * what the panel said.
   */
  const run = (name, views) =>
    page.evaluate(
      async ({ views }) => {
        const gd = document.getElementById('map-chart');
        const idle = (ms) => new Promise((r) => setTimeout(r, ms));
        const out = [];
        for (const [x0, x1, y0, y1] of views) {
          await idle(400); // the previous step's debounced redraw has run
          const start = performance.now();
          const from = window.__frames.length;
          // The keys a user's drag or wheel produces (plotly_relayout carries them to the panel).
          await window.Plotly.relayout(gd, {
            'xaxis.range[0]': x0,
            'xaxis.range[1]': x1,
            'yaxis.range[0]': y0,
            'yaxis.range[1]': y1,
          });
          await new Promise((r) => requestAnimationFrame(r));
          const relayoutMs = performance.now() - start;
          // Wait past the panel's redraw of the points in view (debounced after the relayout).
          let last = performance.now();
          for (;;) {
            await idle(100);
            const f = window.__frames;
            // settled: frames are arriving at the display rate again, well after the debounce
            if (performance.now() - start > 700 && f.length > from + 3 && f[f.length - 1] - f[f.length - 4] < 60) break;
            if (performance.now() - start > 20000) break;
            last = performance.now();
          }
          const f = window.__frames.slice(from);
          const ts = [start, ...f.filter((t) => t >= start)];
          let worst = 0;
          for (let i = 1; i < ts.length; i++) worst = Math.max(worst, ts[i] - ts[i - 1]);
          out.push({ worst, relayoutMs, mode: gd.dataset.mode, note: document.getElementById('map-note').textContent });
          void last;
        }
        return out;
      },
      { views },
    );

  const ext = await page.evaluate(() => {
    const gd = document.getElementById('map-chart');
    const xa = gd._fullLayout.xaxis.range,
      ya = gd._fullLayout.yaxis.range;
    return { x: xa, y: ya, clusters: window.__clusters };
  });
  const [X0, X1] = ext.x;
  const [Y0, Y1] = ext.y;
  const W = (X1 - X0) / 2;
  const H = (Y1 - Y0) / 2;
  const CX = (X0 + X1) / 2;
  const CY = (Y0 + Y1) / 2;
  // Zoomed out: the whole map, panned and zoomed by a few percent per step.
  const outViews = Array.from({ length: STEPS }, (_, s) => {
    const z = s % 2 ? 1.05 : 1;
    const dx = W * 0.04 * ((s % 4) - 1.5);
    return [CX + dx - W * z, CX + dx + W * z, CY - H * z, CY + H * z];
  });
  // Zoomed in: views 1/8 of the map wide on the densest clusters, panned and zoomed per step.
  const { cx, cy } = ext.clusters;
  const inViews = Array.from({ length: STEPS }, (_, s) => {
    const k = Math.floor(s / 4) % 3; // the three most populated clusters (lowest indices)
    const z = [1, 0.8, 1.2, 1][s % 4];
    const w = (W / 8) * z;
    const h = (H / 8) * z;
    const dx = w * 0.2 * ((s % 3) - 1);
    return [cx[k] + dx - w, cx[k] + dx + w, cy[k] - h, cy[k] + h];
  });
  const stats = (xs, key = 'worst') => {
    const v = xs.map((r) => r[key]).sort((a, b) => a - b);
    const q = (p) => v[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)];
    return `median ${q(0.5).toFixed(0)} ms, p95 ${q(0.95).toFixed(0)} ms, max ${v[v.length - 1].toFixed(0)} ms over ${v.length} steps`;
  };
  const outR = await run('out', outViews);
  console.log(`  zoomed out (${outR[0].mode}): worst frame per pan/zoom step: ${stats(outR)}`);
  const inR = await run('in', inViews);
  console.log(`  zoomed in (${inR[0].mode}): worst frame per pan/zoom step: ${stats(inR)}`);
  console.log(`    of which the relayout frame (plotly moving what is drawn): ${stats(inR, 'relayoutMs')}`);
  const counts = [...new Set(inR.map((r) => (r.note.match(/Showing [^.]*\./) ?? ['?'])[0]))];
  console.log(`  zoomed-in panel notes (first 3 distinct): ${counts.slice(0, 3).join(' | ')}`);
  if (errors.length) console.log(`  page errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
