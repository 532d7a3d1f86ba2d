// The engine's biggest answers over Node IPC, as the extension host gets them: the overview of a
// generated rows×dims file (PCA coordinates and norms) and a PCA map of a generated map-rows file
// (coordinates, preservation, norms). The engine process is dist/engine/server.js (or --server),
// started like the host starts it; each answer is decoded as EngineClient does (src/shared/wire.ts;
// a no-op on an engine that sends plain JSON). Per request, median of --repeats runs: time from
// sendRequest to the decoded value, the answer's JSON size, the engine's peak RSS (VmHWM) and this
// process's (the host side's) peak RSS. --server lets a build of another commit be measured.
//
//   npm run build && npx tsx bench/wire.mjs [--rows 100000] [--dims 768] [--map-rows 1000000]
//       [--map-dims 32] [--repeats 3] [--server PATH/dist/engine/server.js] [--only overview,map,message]
import { execFileSync, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { decodeWire } from '../src/shared/wire.ts';

const require = createRequire(import.meta.url);
const rpc = require('vscode-jsonrpc/node');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const ROWS = Number(flag('rows', '100000'));
const DIMS = Number(flag('dims', '768'));
const MAP_ROWS = Number(flag('map-rows', '1000000'));
const MAP_DIMS = Number(flag('map-dims', '32'));
const REPEATS = Number(flag('repeats', '3'));
const SERVER = path.resolve(flag('server', path.join(ROOT, 'dist/engine/server.js')));
const ONLY = flag('only', 'overview,map,message').split(',');
const NODE_BASE64 = {
  encode: (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64'),
  decode: (s) => Buffer.from(s, 'base64'),
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-wire-'));
function generate(rows, dims) {
  const file = path.join(dir, `gen_${rows}x${dims}.npy`);
  execFileSync('/usr/bin/python3', [
    '-c',
    `
import numpy as np
rng = np.random.default_rng(0)
C = rng.normal(size=(64, ${dims})).astype(np.float32)
X = C[rng.integers(0, 64, ${rows})] + 0.5 * rng.normal(size=(${rows}, ${dims})).astype(np.float32)
X[5] = np.nan  # a row with no place on the map: NaN must survive
np.save(${JSON.stringify(file)}, X)
`,
  ]);
  return file;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;

/**
 * One engine process: open `file`, then time `ask` (sendRequest → decoded); `warm`: ask once before (cached analyses).
 */
async function once(file, ask, warm) {
  const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const conn = rpc.createMessageConnection(new rpc.IPCMessageReader(child), new rpc.IPCMessageWriter(child));
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  conn.sendNotification('initialized', {});
  const open = await conn.sendRequest('embeddingLens/datasets/open', { path: file });
  if (warm) await ask(conn, open.dataset.id);
  const t0 = performance.now();
  const raw = await ask(conn, open.dataset.id);
  const tReceived = performance.now();
  const value = decodeWire(raw, NODE_BASE64);
  const tDecoded = performance.now();
  const bytes = JSON.stringify(raw).length;
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024;
  conn.dispose();
  child.kill();
  return { ms: tDecoded - t0, decodeMs: tDecoded - tReceived, bytes, hwm, value };
}

async function measure(name, file, ask, check, warm) {
  const runs = [];
  for (let r = 0; r < REPEATS; r++) runs.push(await once(file, ask, warm));
  const problem = check(runs[0].value);
  // The map reports its own compute time: the rest of the round trip is the message.
  const compute = runs[0].value.timings?.total;
  const message =
    compute === undefined
      ? ''
      : `; engine compute ${median(runs.map((r) => 1000 * r.value.timings.total)).toFixed(0)} ms, round trip − compute ${median(runs.map((r) => r.ms - 1000 * r.value.timings.total)).toFixed(0)} ms`;
  console.log(
    `  ${name}: ${median(runs.map((r) => r.ms)).toFixed(0)} ms (of which decoding ${median(runs.map((r) => r.decodeMs)).toFixed(0)} ms${message}), ` +
      `answer ${mb(runs[0].bytes)} of JSON, engine peak RSS ${mb(Math.max(...runs.map((r) => r.hwm)))}${problem ? ` (${problem})` : ''}`,
  );
}

console.log(`bench/wire.mjs: ${SERVER}, median of ${REPEATS}; ${new Date().toISOString()}, ${os.cpus().length} cores`);
if (ONLY.includes('overview')) {
  const ovFile = generate(ROWS, DIMS);
  await measure(
    `overview of ${ROWS}×${DIMS}`,
    ovFile,
    (conn, datasetId) => conn.sendRequest('embeddingLens/overview/compute', { datasetId }),
    (v) => {
      const c = v.pca.coords;
      if (!ArrayBuffer.isView(c)) return `coords arrive as ${Array.isArray(c) ? 'number[]' : typeof c}`;
      return Number.isNaN(c[10]) ? '' : `row 5's coordinate is ${c[10]}, not NaN`;
    },
    true,
  );
  fs.rmSync(ovFile);
}
if (ONLY.includes('map')) {
  const mapFile = generate(MAP_ROWS, MAP_DIMS);
  let job = 0;
  await measure(
    `PCA map of ${MAP_ROWS}×${MAP_DIMS}`,
    mapFile,
    (conn, datasetId) =>
      conn.sendRequest('embeddingLens/map/project', {
        datasetId,
        jobId: `bench-${++job}`,
        method: 'pca',
        dims: 2,
        seed: 0,
        k: 10,
        metric: 'cosine',
      }),
    (v) => (ArrayBuffer.isView(v.coords) ? '' : `coords arrive as ${typeof v.coords} (the webview decoded base64)`),
    false,
  );
}
console.log(`  host side (this process) peak RSS so far ${mb(process.resourceUsage().maxRSS * 1024)}`);
fs.rmSync(dir, { recursive: true, force: true });

// The map message alone, in-process: the former hand-made base64 fields against the wire format,
// engine side (encode + JSON text) and host side (parse + decode).
if (ONLY.includes('message')) {
  const n = MAP_ROWS;
  const f32 = (k) => Float32Array.from({ length: n * k }, (_, i) => (i % 97) / 7);
  const r = { coords: f32(2), preservation: f32(1), kOccurrence: f32(1), top3: new Int32Array(3 * n), norms: f32(1) };
  r.coords[10] = NaN;
  const b64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  const { encodeWire } = await import('../src/shared/wire.ts');
  const ways = {
    'base64 strings by hand (before; host parses, the webview decoded with atob)': {
      send: () => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, a]) => [k, b64(a)]))),
      read: (text) => JSON.parse(text),
      page: (m) =>
        Object.values(m).map((s) => {
          const bin = atob(s);
          const bytes = new Uint8Array(bin.length);
          for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
          return new Float32Array(bytes.buffer);
        }),
    },
    'wire format (after)': {
      send: () => JSON.stringify(encodeWire(r, NODE_BASE64)),
      read: (text) => decodeWire(JSON.parse(text), NODE_BASE64),
    },
  };
  for (const [name, w] of Object.entries(ways)) {
    const send = [];
    const read = [];
    let text = '';
    const page = [];
    for (let i = 0; i < REPEATS; i++) {
      let t = performance.now();
      text = w.send();
      send.push(performance.now() - t);
      t = performance.now();
      const m = w.read(text);
      read.push(performance.now() - t);
      t = performance.now();
      w.page?.(m);
      page.push(performance.now() - t);
    }
    console.log(
      `  ${n}-point map message, ${name}: engine ${median(send).toFixed(0)} ms, host ${median(read).toFixed(0)} ms` +
        `${w.page ? `, webview ${median(page).toFixed(0)} ms` : ''}, ${mb(text.length)}`,
    );
  }
}
