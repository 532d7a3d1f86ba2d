// Open → first picture for a generated 100k×768 float32 .npy, the way the extension does it:
// the engine process (dist/engine/server.js, over Node IPC like the extension host starts it)
// opens the file and computes the overview (stats, norms, exact PCA map); the overview webview
// bundle then draws it in Chromium. The answer is decoded as the host's EngineClient does
// (src/shared/wire.ts) and posted to the page with its typed arrays, as webview.postMessage does.
// Peak memory is the engine process's VmHWM.
// Baseline in the same run: numpy np.load + the same statistics + exact PCA 2-D (cov + eigh + projection).
//
//   npm run build && npx tsx bench/open-to-picture.mjs [rows] [dims] [repeats]
import { fork, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';
import { decodeWire } from '../src/shared/wire.ts';

const require = createRequire(import.meta.url);
const rpc = require('vscode-jsonrpc/node');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const [rows, dims, repeats] = [
  Number(process.argv[2] ?? 100000),
  Number(process.argv[3] ?? 768),
  Number(process.argv[4] ?? 3),
];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-bench-'));
const file = path.join(dir, `gen_${rows}x${dims}.npy`);
const PY = '/usr/bin/python3';
// The host's base64 (Node's), as src/host/engine.ts passes it.
const NODE_BASE64 = {
  encode: (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64'),
  decode: (s) => Buffer.from(s, 'base64'),
};

execFileSync(PY, [
  '-c',
  `
import numpy as np
rng = np.random.default_rng(0)
C = rng.normal(size=(64, ${dims})).astype(np.float32)
X = C[rng.integers(0, 64, ${rows})] + 0.5 * rng.normal(size=(${rows}, ${dims})).astype(np.float32)
np.save(${JSON.stringify(file)}, X)
`,
]);
const matrixBytes = rows * dims * 4;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function engineOnce() {
  const child = fork(path.join(root, 'dist/engine/server.js'), ['--node-ipc'], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const conn = rpc.createMessageConnection(new rpc.IPCMessageReader(child), new rpc.IPCMessageWriter(child));
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  conn.sendNotification('initialized', {});
  await conn.sendRequest('embeddingLens/engine/ping');
  const t0 = performance.now();
  const open = await conn.sendRequest('embeddingLens/datasets/open', { path: file });
  const ov = decodeWire(
    await conn.sendRequest('embeddingLens/overview/compute', { datasetId: open.dataset.id }),
    NODE_BASE64,
  );
  const tEngine = performance.now() - t0;
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) * 1024;
  conn.dispose();
  child.kill();
  return { tEngine, hwm, ov };
}

async function renderOnce(ov) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--allow-file-access-from-files'],
  });
  const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
  const html = path.join(dir, 'page.html');
  fs.writeFileSync(
    html,
    `<!DOCTYPE html><html><head><link rel="stylesheet" href="${root}/dist/webview/style.css"></head><body><main id="app"></main>
<script>function acquireVsCodeApi(){return {postMessage(){},getState(){},setState(){}}}</script>
<script src="${root}/dist/webview/plotly.min.js"></script><script src="${root}/dist/webview/overview.js"></script></body></html>`,
  );
  await page.goto(`file://${html}`);
  const payload = {
    type: 'overview',
    data: ov,
    settings: { metric: 'cosine', k: 10, maxPoints: 200000 },
    links: [],
  };
  // Time from the message arriving (as the host would post it) to the scatter drawn.
  const t = await page.evaluate(async (p) => {
    const t0 = performance.now();
    window.postMessage(p, '*');
    for (;;) {
      await new Promise((r) => setTimeout(r, 10));
      const el = document.querySelector('#scatter .main-svg');
      if (el && document.querySelector('#scatter')?.dataset.pointCount) return performance.now() - t0;
    }
  }, payload);
  await browser.close();
  return t;
}

function numpyOnce() {
  const out = execFileSync(PY, [
    '-c',
    `
import numpy as np, time, json
t = time.perf_counter()
X = np.load(${JSON.stringify(file)})
norms = np.linalg.norm(X, axis=1)
fin = np.isfinite(norms)
stats = (int((~fin).sum()), int((norms == 0).sum()), len(X) - len(np.unique(X, axis=0)), norms.min(), norms.mean(), norms.max(), norms.std())
mu = X.mean(0)
C = np.cov(X, rowvar=False)
w, V = np.linalg.eigh(C)
Y = (X - mu) @ V[:, ::-1][:, :2]
print(json.dumps(time.perf_counter() - t))
`,
  ]).toString();
  return 1000 * JSON.parse(out);
}

const eng = [];
const ren = [];
const np = [];
let hwm = 0;
for (let r = 0; r < repeats; r++) {
  const e = await engineOnce();
  eng.push(e.tEngine);
  hwm = Math.max(hwm, e.hwm);
  ren.push(await renderOnce(e.ov));
  np.push(numpyOnce());
}
const total = median(eng.map((e, i) => e + ren[i]));
console.log(
  `open → first picture, ${rows}×${dims} float32 (${(matrixBytes / 1e6).toFixed(0)} MB), median of ${repeats}:`,
);
console.log(
  `  engine open + overview: ${median(eng).toFixed(0)} ms   webview draw: ${median(ren).toFixed(0)} ms   total: ${total.toFixed(0)} ms (goal ≤ 3000)`,
);
console.log(
  `  numpy load + stats + exact PCA 2-D: ${median(np).toFixed(0)} ms   ratio engine/numpy: ${(median(eng) / median(np)).toFixed(2)}`,
);
console.log(
  `  engine peak RSS: ${(hwm / 1e6).toFixed(0)} MB = ${(hwm / matrixBytes).toFixed(2)} × matrix (goal ≤ 1.3 × matrix + 300 MB = ${((1.3 * matrixBytes + 300e6) / 1e6).toFixed(0)} MB)`,
);
fs.rmSync(dir, { recursive: true, force: true });
