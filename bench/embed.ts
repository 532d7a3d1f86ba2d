// Text embedding throughput and hover latency (the text feature: Search by Text, hovers, Embed Text File).
//
//  1. Embedding N lines (default 10,000) with
//     - the built-in GloVe static model, which takes text: tokenisation is inside its ONNX graph, so
//       its "bare session.run" time INCLUDES tokenisation, and ours adds sorting, batching, copying;
//     - the same model the way it was built before (tokenizers.js in JS + a token-id graph with the
//       same table and pooling), for the before/after throughput;
//     - a BERT-shaped random-weight encoder (default 384 dims × 6 layers, MiniLM-L6's shape).
//     Our TextModel.embed (tokenise, sort, batch, pad, run, pool, normalise) against the bare
//     onnxruntime session.run time of the very same batches, measured in the same child
//     process (overhead goal ≤ 10%), and against numpy computing the same network on the same
//     batches (/usr/bin/python3, same run; for the text model numpy gets tokenizers.js's ids).
//     Outputs are checked against numpy's.
//  2. Hover latency on a 100k-row file: the engine process (dist/engine/server.js over Node IPC,
//     as the extension starts it) answers embeddingLens/text/rowNeighbors for 50 random rows
//     (median, p95; the first, cold call builds norms and the search corpus), against numpy's
//     cosine top-k of one row on a pre-normalised matrix. Goal: ≤ 150 ms.
// Peak memory: each child's maxRSS (engine: VmHWM).
//
//   node scripts/build.mjs && npx tsx bench/embed.ts [--lines 10000] [--dims 384] [--layers 6] [--rows 100000]
//     [--hover-dims 384] [--repeats 3] [--embed-only|--hover-only] [--no-bert]
import { execFileSync, fork, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { encodeNpy } from '../src/engine/io/npy';
import { Open } from '../src/shared/protocol/datasets';
import { RowNeighborsWithText } from '../src/shared/protocol/text';
import type { ModelFeed } from '../src/engine/kernels/modelSession';
import { MAX_BATCH, MAX_TEXT_BATCH, TextModel } from '../src/engine/text/model';
import { Tokenizer } from '@huggingface/tokenizers';
import { builtinModelDir } from '../src/engine/text/registry';
import { EncodedBatch, padBatch } from '../src/engine/text/tokenize';
import { Rng } from '../src/engine/util/random';
import { bertShapedModel, randomFloats, TINY_VOCAB, writeModelFolder } from '../test/unit/helpers/textModels';

const ROOT = path.resolve(__dirname, '..');
const PY = '/usr/bin/python3';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const LINES = arg('lines', 10000);
const DIMS = arg('dims', 384);
const LAYERS = arg('layers', 6);
const ROWS = arg('rows', 100000);
const HOVER_DIMS = arg('hover-dims', 384);
const REPEATS = arg('repeats', 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function lines(words: string[], n: number, seed: number): string[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () =>
    Array.from({ length: 4 + rng.int(13) }, () => words[rng.int(words.length)]).join(' '),
  );
}

// ---------------------------------------------------------------------------------------------
// Child: one model's embedding run. Prints one JSON line.

interface EmbedPart {
  part: string;
  lines: number;
  tokens: number;
  batches: number;
  oursS: number;
  bareS: number;
  adaptiveS: number;
  sessionInsideS: number;
  /** tokenizers.js alone on all lines (builtin-ids only). */
  tokenizeS?: number;
  batchDir: string;
  maxRssBytes: number;
}

type Part = 'builtin' | 'builtin-ids' | 'bert';

/**
 * The built-in model as it was before tokenisation moved into its graph: same tokenizer.json
 * (run by tokenizers.js), a token-id graph with the same table and SIF weights: ids → Gather →
 * weighted sum (MatMul) → L2 normalisation.
 */
function tokenIdFolder(builtin: string, into: string): string {
  const m = onnx.ModelProto.decode(fs.readFileSync(path.join(builtin, 'model.onnx')));
  const init = (name: string) => m.graph!.initializer!.find((x) => x.name === name)!;
  const T = onnx.TensorProto.DataType;
  const A = onnx.AttributeProto.AttributeType;
  const dims = Number(init('table').dims![1]);
  const vi = (name: string, t: number, shape: (number | string)[]) => ({
    name,
    type: {
      tensorType: {
        elemType: t,
        shape: { dim: shape.map((x) => (typeof x === 'number' ? { dimValue: x } : { dimParam: x })) },
      },
    },
  });
  const node = (opType: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = []) => ({
    name: output[0],
    opType,
    input,
    output,
    attribute,
  });
  const g = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 18 }],
    graph: {
      name: 'glove_ids',
      input: [vi('input_ids', T.INT64, ['batch', 'tokens']), vi('attention_mask', T.INT64, ['batch', 'tokens'])],
      output: [vi('sentence_embedding', T.FLOAT, ['batch', dims])],
      initializer: [init('table'), init('sif'), init('axis1'), init('axis_last'), init('tiny')],
      node: [
        node('Gather', ['table', 'input_ids'], ['vectors'], [{ name: 'axis', type: A.INT, i: 0 }]),
        node('Gather', ['sif', 'input_ids'], ['w0'], [{ name: 'axis', type: A.INT, i: 0 }]),
        node('Cast', ['attention_mask'], ['mask_f'], [{ name: 'to', type: A.INT, i: T.FLOAT }]),
        node('Mul', ['w0', 'mask_f'], ['w']),
        node('Unsqueeze', ['w', 'axis1'], ['w_row']),
        node('MatMul', ['w_row', 'vectors'], ['sum3']),
        node('Squeeze', ['sum3', 'axis1'], ['sum']),
        node('ReduceL2', ['sum', 'axis_last'], ['norm'], [{ name: 'keepdims', type: A.INT, i: 1 }]),
        node('Max', ['norm', 'tiny'], ['denom']),
        node('Div', ['sum', 'denom'], ['sentence_embedding']),
      ],
    },
  });
  const dir = path.join(into, 'ids-model');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'model.onnx'), onnx.ModelProto.encode(g).finish());
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'modules.json', 'sentence_bert_config.json'])
    fs.copyFileSync(path.join(builtin, f), path.join(dir, f));
  fs.cpSync(path.join(builtin, '1_Pooling'), path.join(dir, '1_Pooling'), { recursive: true });
  return dir;
}

/**
 * The batches TextModel.embed makes with a fixed budget, as feeds for the bare session
 * (the model's kernels/modelSession.ts handle: onnxruntime's run plus one tensor wrapper per input).
 */
function fixedBatches(
  model: TextModel,
  texts: string[],
  budget: number,
): { order: number[]; feeds: Record<string, ModelFeed>[]; idBatches: EncodedBatch[]; tokens: number } {
  const session = model.session;
  if (model.takesText) {
    // Longest text first, ≤ MAX_TEXT_BATCH texts, sized in characters (model.ts embedTexts).
    const order = texts.map((_, i) => i).sort((a, b) => texts[b].length - texts[a].length || a - b);
    const feeds = [];
    const groups: number[][] = [];
    for (let done = 0; done < order.length;) {
      const b = Math.max(
        1,
        Math.min(MAX_TEXT_BATCH, order.length - done, Math.floor(budget / Math.max(1, texts[order[done]].length))),
      );
      const idx = order.slice(done, done + b);
      groups.push(idx);
      feeds.push({
        [session.inputNames[0]]: { data: idx.map((i) => texts[i]), dims: [b] },
      });
      done += b;
    }
    // numpy gets tokenizers.js's ids for the same batches (not timed).
    const tok = new Tokenizer(JSON.parse(fs.readFileSync(model.spec.tokenizerPath!, 'utf8')), { unk_token: '[UNK]' });
    const idBatches = groups.map((idx) =>
      padBatch(
        idx.map((i) => tok.encode(texts[i], { add_special_tokens: false }).ids),
        1,
      ),
    );
    return { order, feeds, idBatches, tokens: idBatches.reduce((s, e) => s + e.lengths.reduce((a, l) => a + l, 0), 0) };
  }
  const tokenizer = model.tokenizer!;
  const encoded = texts.map((t) => tokenizer.encode(t).ids);
  const order = encoded.map((_, i) => i).sort((a, b) => encoded[b].length - encoded[a].length || a - b);
  const idBatches = [];
  for (let done = 0; done < order.length;) {
    const len = encoded[order[done]].length;
    const b = Math.max(1, Math.min(MAX_BATCH, order.length - done, Math.floor(budget / Math.max(1, len))));
    idBatches.push(
      padBatch(
        order.slice(done, done + b).map((i) => encoded[i]),
        tokenizer.padId,
      ),
    );
    done += b;
  }
  const feeds = idBatches.map((enc) => {
    const shape = [enc.batch, enc.length];
    const f: Record<string, ModelFeed> = { input_ids: { data: enc.ids, dims: shape } };
    if (session.inputNames.includes('attention_mask')) f.attention_mask = { data: enc.mask, dims: shape };
    if (session.inputNames.includes('token_type_ids'))
      f.token_type_ids = { data: new BigInt64Array(enc.ids.length), dims: shape };
    return f;
  });
  return { order, feeds, idBatches, tokens: encoded.reduce((s, e) => s + e.length, 0) };
}

async function embedChild(part: Part): Promise<void> {
  let dir: string;
  let texts: string[];
  let budget: number;
  const batchDir = fs.mkdtempSync(path.join(os.tmpdir(), `el-bench-embed-${part}-`));
  if (part === 'builtin' || part === 'builtin-ids') {
    dir = part === 'builtin' ? builtinModelDir() : tokenIdFolder(builtinModelDir(), batchDir);
    const words = fs
      .readFileSync(path.join(ROOT, 'test/fixtures/glove2k.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t')[0])
      .filter((w) => /^[a-z]+$/.test(w));
    texts = lines(words, LINES, 1);
    budget = part === 'builtin' ? 1 << 16 : 16384;
  } else {
    dir = writeModelFolder({
      onnx: bertShapedModel(TINY_VOCAB.length, DIMS, LAYERS),
      pooling: 'mean',
      normalize: true,
    });
    texts = lines(
      TINY_VOCAB.slice(4).filter((w) => !w.startsWith('##')),
      LINES,
      2,
    );
    budget = 2048;
    // The weights, regenerated with bertShapedModel's seeds, for the numpy reference.
    fs.writeFileSync(
      path.join(batchDir, 'emb.npy'),
      encodeNpy(randomFloats(TINY_VOCAB.length * DIMS, 1, 0.5), [TINY_VOCAB.length, DIMS]),
    );
    for (let l = 0; l < LAYERS; l++) {
      const shapes: [string, number, number][] = [
        ['wq', DIMS, DIMS],
        ['wk', DIMS, DIMS],
        ['wv', DIMS, DIMS],
        ['wo', DIMS, DIMS],
        ['w1', DIMS, 4 * DIMS],
        ['w2', 4 * DIMS, DIMS],
      ];
      shapes.forEach(([name, r, c], i) =>
        fs.writeFileSync(
          path.join(batchDir, `l${l}_${name}.npy`),
          encodeNpy(randomFloats(r * c, 1 + 10 * l + i + 1, 1 / Math.sqrt(r)), [r, c]),
        ),
      );
    }
  }
  const model = await TextModel.load(dir);
  await model.embed(texts.slice(0, 300), { batchTokens: budget }); // warm-up

  const { order, feeds, idBatches, tokens } = fixedBatches(model, texts, budget);
  const session = model.session;
  const outName = session.outputNames.includes('sentence_embedding') ? 'sentence_embedding' : 'last_hidden_state';
  idBatches.forEach((enc, i) => {
    fs.writeFileSync(
      path.join(batchDir, `b${i}_ids.npy`),
      encodeNpy(Int32Array.from(enc.ids, Number), [enc.batch, enc.length]),
    );
    fs.writeFileSync(
      path.join(batchDir, `b${i}_mask.npy`),
      encodeNpy(Int32Array.from(enc.mask, Number), [enc.batch, enc.length]),
    );
  });
  let tokenizeS: number | undefined;
  if (part === 'builtin-ids') {
    const t0 = performance.now();
    for (const t of texts) model.tokenizer!.encode(t);
    tokenizeS = (performance.now() - t0) / 1000;
  }
  const ours: number[] = [];
  const bare: number[] = [];
  const adaptive: number[] = [];
  let inside = 0;
  let result: Float32Array | undefined;
  for (let r = 0; r < REPEATS; r++) {
    // Alternate so drift on the shared machine hits both alike.
    let t0 = performance.now();
    for (const f of feeds) await session.run(f, [outName]);
    bare.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    const res = await model.embed(texts, { batchTokens: budget });
    ours.push((performance.now() - t0) / 1000);
    inside = res.sessionSeconds;
    result = res.matrix.data;
    t0 = performance.now();
    await model.embed(texts);
    adaptive.push((performance.now() - t0) / 1000);
  }
  // Our rows in batch order, for comparison with numpy's.
  const dims = model.dims;
  const inBatchOrder = new Float32Array(order.length * dims);
  order.forEach((row, i) => inBatchOrder.set(result!.subarray(row * dims, (row + 1) * dims), i * dims));
  fs.writeFileSync(path.join(batchDir, 'ours.npy'), encodeNpy(inBatchOrder, [order.length, dims]));
  const out: EmbedPart = {
    part,
    lines: texts.length,
    tokens,
    batches: feeds.length,
    oursS: median(ours),
    bareS: median(bare),
    adaptiveS: median(adaptive),
    sessionInsideS: inside,
    tokenizeS,
    batchDir,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  console.log(JSON.stringify(out));
}

const NUMPY_EMBED = String.raw`
import json, os, sys, time, glob, resource
import numpy as np
d, part, repeats, layers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
nb = len(glob.glob(os.path.join(d, 'b*_ids.npy')))
batches = [(np.load(os.path.join(d, f'b{i}_ids.npy')).astype(np.int64), np.load(os.path.join(d, f'b{i}_mask.npy')).astype(np.float32)) for i in range(nb)]
if part.startswith('builtin'):
    sys.path.insert(0, '')
    table = np.load(os.path.join(d, 'table.npy')); sif = np.load(os.path.join(d, 'sif.npy'))
    def run(ids, mask):
        w = ((ids > 1) * mask * sif[ids]).astype(np.float32)
        s = (table[ids] * w[:, :, None]).sum(1)
        return s / np.maximum(np.linalg.norm(s, axis=1, keepdims=True), 1e-12)
else:
    emb = np.load(os.path.join(d, 'emb.npy'))
    W = [{k: np.load(os.path.join(d, f'l{l}_{k}.npy')) for k in ['wq', 'wk', 'wv', 'wo', 'w1', 'w2']} for l in range(layers)]
    scale = np.float32(1 / np.sqrt(emb.shape[1]))
    def run(ids, mask):
        x = emb[ids]
        for w in W:
            q, k, v = x @ w['wq'], x @ w['wk'], x @ w['wv']
            s = (q @ k.transpose(0, 2, 1)) * scale
            s = np.exp(s - s.max(-1, keepdims=True)); a = s / s.sum(-1, keepdims=True)
            r1 = x + (a @ v) @ w['wo']
            x = r1 + np.maximum(r1 @ w['w1'], 0) @ w['w2']
        p = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
        return p / np.linalg.norm(p, axis=1, keepdims=True)
times = []
for r in range(repeats):
    t0 = time.perf_counter(); out = [run(i, m) for i, m in batches]; times.append(time.perf_counter() - t0)
out = np.concatenate(out)
ours = np.load(os.path.join(d, 'ours.npy'))
print(json.dumps({'numpyS': float(np.median(times)), 'maxAbsDiff': float(np.abs(out.astype(np.float64) - ours).max()), 'maxRssBytes': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
`;

/** The built-in model's table and SIF weights, for numpy (read from the ONNX initialisers). */
function exportBuiltinTables(dir: string): void {
  const m = onnx.ModelProto.decode(fs.readFileSync(path.join(builtinModelDir(), 'model.onnx')));
  for (const name of ['table', 'sif']) {
    const t = m.graph!.initializer!.find((x) => x.name === name)!;
    const raw = t.rawData as Uint8Array;
    const data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    fs.writeFileSync(path.join(dir, `${name}.npy`), encodeNpy(data, (t.dims ?? []).map(Number)));
  }
}

function runChild(args: string[]): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, ...args, ...process.argv.slice(2)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').pop()!;
}

function embedBench(): void {
  const parts: Part[] = process.argv.includes('--no-bert')
    ? ['builtin-ids', 'builtin']
    : ['builtin-ids', 'builtin', 'bert'];
  const seen: Partial<Record<Part, EmbedPart>> = {};
  for (const part of parts) {
    const res = JSON.parse(runChild(['--child', part])) as EmbedPart;
    seen[part] = res;
    if (part !== 'bert') exportBuiltinTables(res.batchDir);
    const py = JSON.parse(
      execFileSync(PY, ['-c', NUMPY_EMBED, res.batchDir, part, String(REPEATS), String(LAYERS)], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      })
        .trim()
        .split('\n')
        .pop()!,
    );
    fs.rmSync(res.batchDir, { recursive: true, force: true });
    const name = {
      builtin: 'built-in GloVe static model (100-d), text in: tokenisation inside the ONNX graph (now)',
      'builtin-ids': 'built-in GloVe static model (100-d), token ids in: tokenizers.js in JS + token-id graph (before)',
      bert: `BERT-shaped random encoder (${DIMS}-d × ${LAYERS} layers)`,
    }[part];
    const bareWhat =
      part === 'builtin'
        ? 'bare onnxruntime session.run on the same string batches (INCLUDES tokenisation, in the graph)'
        : 'bare onnxruntime session.run, same padded batches (excludes tokenisation)';
    console.log(`\n${name}: ${res.lines} lines, ${res.tokens} tokens, ${res.batches} batches (medians of ${REPEATS})`);
    console.log(
      `  ours (TextModel.embed, fixed batches) ${res.oursS.toFixed(3)} s  = ${Math.round(res.lines / res.oursS)} lines/s`,
    );
    console.log(
      `  ${bareWhat} ${res.bareS.toFixed(3)} s  → overhead ${(100 * (res.oursS / res.bareS - 1)).toFixed(1)}% (goal ≤ 10%)`,
    );
    if (res.tokenizeS !== undefined)
      console.log(
        `  of which tokenizers.js alone: ${res.tokenizeS.toFixed(3)} s (${((1e6 * res.tokenizeS) / res.lines).toFixed(1)} µs/line)`,
      );
    console.log(
      `  ours, adaptive batches (the default) ${res.adaptiveS.toFixed(3)} s = ${Math.round(res.lines / res.adaptiveS)} lines/s; time inside session.run in ours: ${res.sessionInsideS.toFixed(3)} s`,
    );
    console.log(
      `  numpy, same network on the same batches${part === 'builtin' ? " (given tokenizers.js's ids, so no tokenisation)" : ''} ${py.numpyS.toFixed(3)} s  → ours/numpy ${(res.oursS / py.numpyS).toFixed(2)}×; max |ours − numpy| ${py.maxAbsDiff.toExponential(2)}`,
    );
    console.log(
      `  peak memory: ours ${(res.maxRssBytes / 2 ** 20).toFixed(0)} MiB, numpy ${(py.maxRssBytes / 2 ** 20).toFixed(0)} MiB`,
    );
  }
  const before = seen['builtin-ids'];
  const after = seen.builtin;
  if (before && after) {
    console.log(
      `\nbuilt-in model, before → after (same run, fixed batches): ${Math.round(before.lines / before.oursS)} → ${Math.round(after.lines / after.oursS)} lines/s (×${(before.oursS / after.oursS).toFixed(2)}); overhead over the bare session ${(100 * (before.oursS / before.bareS - 1)).toFixed(1)}% → ${(100 * (after.oursS / after.bareS - 1)).toFixed(1)}%`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Hover latency through the engine process.

const NUMPY_HOVER = String.raw`
import json, sys, time, resource
import numpy as np
f, rows, k = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
X = np.load(f)
t0 = time.perf_counter(); Xn = X / np.linalg.norm(X, axis=1, keepdims=True); prep = time.perf_counter() - t0
ts = []
for r in rows:
    t0 = time.perf_counter()
    s = Xn @ Xn[r]; s[r] = -np.inf
    top = np.argpartition(-s, k)[:k]; top = top[np.argsort(-s[top], kind='stable')]
    ts.append(time.perf_counter() - t0)
print(json.dumps({'prepS': prep, 'medianMs': 1000 * float(np.median(ts)), 'maxRssBytes': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
`;

async function hoverBench(): Promise<void> {
  const server = path.join(ROOT, 'dist/engine/server.js');
  if (!fs.existsSync(server)) throw new Error('dist/engine/server.js is missing: run node scripts/build.mjs first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-bench-hover-'));
  const file = path.join(dir, 'items.npy');
  // Clustered rows (64 centres + noise), as real embeddings are; a text sidecar.
  const r = new Rng(7);
  const centres = Float32Array.from({ length: 64 * HOVER_DIMS }, () => r.next() * 2 - 1);
  const X = new Float32Array(ROWS * HOVER_DIMS);
  for (let i = 0; i < ROWS; i++) {
    const c = r.int(64);
    for (let j = 0; j < HOVER_DIMS; j++) X[i * HOVER_DIMS + j] = centres[c * HOVER_DIMS + j] + 0.5 * (r.next() * 2 - 1);
  }
  fs.writeFileSync(file, encodeNpy(X, [ROWS, HOVER_DIMS]));
  fs.writeFileSync(
    path.join(dir, 'items.tsv'),
    'text\n' + Array.from({ length: ROWS }, (_, i) => `item ${i}`).join('\n') + '\n',
  );
  const rpc = await import('vscode-jsonrpc/node');
  const child = fork(server, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const conn = rpc.createMessageConnection(new rpc.IPCMessageReader(child), new rpc.IPCMessageWriter(child));
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  void conn.sendNotification('initialized', {});
  let t0 = performance.now();
  const open = await conn.sendRequest<{ dataset: { id: string } }>(Open.method, { path: file });
  const openMs = performance.now() - t0;
  const k = 10;
  const ask = (row: number) =>
    conn.sendRequest<{ neighbors: unknown[]; ms: number }>(RowNeighborsWithText.method, {
      datasetId: open.dataset.id,
      row,
      k,
      metric: 'cosine',
    });
  t0 = performance.now();
  await ask(0);
  const coldMs = performance.now() - t0;
  const pick = new Rng(11);
  const rows = Array.from({ length: 50 }, () => pick.int(ROWS));
  const times: number[] = [];
  const engineMs: number[] = [];
  for (const row of rows) {
    t0 = performance.now();
    const res = await ask(row);
    times.push(performance.now() - t0);
    engineMs.push(res.ms);
    if (res.neighbors.length !== k) throw new Error(`row ${row}: ${res.neighbors.length} neighbours`);
  }
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
  conn.dispose();
  child.kill();
  const py = JSON.parse(
    execFileSync(PY, ['-c', NUMPY_HOVER, file, JSON.stringify(rows), String(k)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!,
  );
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`\nHover (row neighbours with texts, k=${k}, cosine) on ${ROWS}×${HOVER_DIMS} float32, engine over IPC:`);
  console.log(`  open ${openMs.toFixed(0)} ms; first hover (builds norms + search corpus) ${coldMs.toFixed(0)} ms`);
  console.log(
    `  50 hovers: median ${median(times).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms round trip (engine ${median(engineMs).toFixed(1)} ms) — goal ≤ 150 ms`,
  );
  console.log(
    `  numpy, same rows (pre-normalised matrix, matvec + argpartition): median ${py.medianMs.toFixed(1)} ms (normalising ${(1000 * py.prepS).toFixed(0)} ms) → ours/numpy ${(median(times) / py.medianMs).toFixed(2)}×`,
  );
  console.log(
    `  peak memory: engine ${(hwm / 2 ** 20).toFixed(0)} MiB, numpy ${(py.maxRssBytes / 2 ** 20).toFixed(0)} MiB`,
  );
}

async function main(): Promise<void> {
  const ci = process.argv.indexOf('--child');
  if (ci >= 0) return embedChild(process.argv[ci + 1] as Part);
  console.log(`bench/embed.ts — ${os.cpus().length} CPUs, Node ${process.version}, ${new Date().toISOString()}`);
  const only = process.argv.includes('--hover-only')
    ? 'hover'
    : process.argv.includes('--embed-only')
      ? 'embed'
      : 'all';
  if (only !== 'hover') embedBench();
  if (only !== 'embed') await hoverBench();
}

main().catch((e) => {
  console.error(e);
  // Not process.exit: it could cut the message short when stderr is a pipe.
  process.exitCode = 1;
});
