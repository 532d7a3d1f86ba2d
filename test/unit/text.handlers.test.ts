/**
 * The text feature's engine handlers (src/engine/handlers/text.ts) through the real
 * request context (progress, cancellation, error codes) on a stand-in LSP connection:
 * text queries and the hover's row neighbours agree with numpy on the GloVe fixture,
 * a dimension mismatch names both dimensions, cancelling stops the work and leaves no file.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LSPErrorCodes } from 'vscode-languageserver/node';
import type { DatasetInfo } from '../../src/shared/protocol/datasets';
import { Open } from '../../src/shared/protocol/datasets';
import type { RequestDef } from '../../src/shared/protocol/request';
import {
  EmbedFile,
  EmbedText,
  NeighborsOfText,
  RowNeighborsWithText,
  TextColumns,
  TextModelDescribe,
} from '../../src/shared/protocol/text';
import { ENGINE_ERROR_INPUT } from '../../src/shared/errors';
import { createContext } from '../../src/engine/handlers/context';
import { HANDLERS } from '../../src/engine/handlers/index';
import { builtinModelDir } from '../../src/engine/text/registry';
import { readNpy } from '../../src/engine/io/npy';
import { received, sent } from './helpers/channel';
import { pythonSkipReason, runPython } from './helpers/python';

const FIX = path.resolve(__dirname, '../fixtures');
const pyReason = pythonSkipReason(['numpy']);

function builtinSkip(): string | null {
  try {
    builtinModelDir();
    return null;
  } catch {
    return 'the built-in model is not built (run `node scripts/build.mjs`)';
  }
}
const skip = builtinSkip();

type Handler = (params: unknown, token: { isCancellationRequested: boolean }) => Promise<unknown>;
const handlers = new Map<string, Handler>();
let reports: { pct: number; message?: string }[] = [];
let onReport: ((pct: number) => void) | undefined;
const fakeConnection = {
  onRequest(method: string, fn: Handler) {
    handlers.set(method, fn);
  },
  window: {
    attachWorkDoneProgress: () => ({
      begin() {},
      report(pct: number, message?: string) {
        reports.push({ pct, message });
        onReport?.(pct);
      },
      done() {},
    }),
  },
};
const ctx = createContext(fakeConnection as never);
for (const register of HANDLERS) register(ctx);

async function call<P, R>(def: RequestDef<P, R>, params: P, token = { isCancellationRequested: false }): Promise<R> {
  const fn = handlers.get(def.method);
  assert.ok(fn, `${def.method} is registered`);
  return received<R>(await fn(sent(params), token));
}

async function rejects(p: Promise<unknown>, code: number, ...parts: (string | RegExp)[]): Promise<string> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: number; message: string };
    assert.equal(err.code, code, `code of: ${err.message}`);
    for (const s of parts)
      assert.match(err.message, typeof s === 'string' ? new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : s);
    return err.message;
  }
  assert.fail('expected the request to fail');
}

async function open(file: string): Promise<DatasetInfo> {
  const r = await call(Open, { path: file });
  assert.ok('dataset' in r);
  return r.dataset;
}

let glove: DatasetInfo;
let words: string[];
before(async () => {
  glove = await open(path.join(FIX, 'glove2k.npy'));
  words = fs
    .readFileSync(path.join(FIX, 'glove2k.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t')[0]);
});

test('every text request is registered with the engine', () => {
  for (const def of [TextModelDescribe, EmbedText, NeighborsOfText, TextColumns, EmbedFile, RowNeighborsWithText])
    assert.ok(handlers.has(def.method), def.method);
});

test('the built-in model describes itself', { skip: skip ?? false }, async () => {
  const info = await call(TextModelDescribe, {});
  assert.equal(info.builtin, true);
  assert.equal(info.dims, 100);
  assert.ok(info.notes.length > 0);
});

test(
  'neighbours of a text agree with numpy on the GloVe fixture; "king" finds itself first, then "queen"',
  { skip: skip ?? pyReason ?? false },
  async () => {
    const texts = ['king', 'paris', 'computer software'];
    const emb = await call(EmbedText, { texts });
    assert.equal(emb.dims, 100);
    assert.ok(emb.vectors.every((v) => v instanceof Float32Array && v.length === 100));
    const X = readNpy(path.join(FIX, 'glove2k.npy')).matrix;
    const ref = runPython(
      'text_knn_ref.py',
      {
        X: { data: X.data, shape: [X.rows, X.cols] },
        Q: { data: Float32Array.from(emb.vectors.flatMap((v) => [...v])), shape: [3, 100] },
      },
      { k: 10 },
    );
    for (let q = 0; q < texts.length; q++) {
      const res = await call(NeighborsOfText, {
        datasetId: glove.id,
        text: texts[q],
        k: 10,
        metric: 'cosine',
      });
      assert.equal(res.dims, 100);
      assert.deepEqual(
        res.neighbors.map((n) => n.row),
        ref.json.indices[q],
        texts[q],
      );
      res.neighbors.forEach((n, i) =>
        assert.ok(Math.abs(n.score - ref.json.scores[q][i]) < 1e-5, `${texts[q]} score ${i}`),
      );
      res.neighbors.forEach((n) => assert.equal(n.text, words[n.row]));
    }
    const king = await call(NeighborsOfText, { datasetId: glove.id, text: 'king', k: 10, metric: 'cosine' });
    assert.equal(king.neighbors[0].text, 'king');
    assert.ok(
      king.neighbors.some((n) => n.text === 'queen'),
      king.neighbors.map((n) => n.text).join(' '),
    );
  },
);

test(
  "the hover request: a row's neighbours with their texts agree with numpy (self excluded)",
  { skip: pyReason ?? false },
  async () => {
    const X = readNpy(path.join(FIX, 'glove2k.npy')).matrix;
    const rows = ['paris', 'computer', 'river'].map((w) => words.indexOf(w));
    assert.ok(rows.every((r) => r >= 0));
    const ref = runPython(
      'text_knn_ref.py',
      {
        X: { data: X.data, shape: [X.rows, X.cols] },
        Q: {
          data: Float32Array.from(rows.flatMap((r) => Array.from(X.data.subarray(r * 100, r * 100 + 100)))),
          shape: [3, 100],
        },
      },
      { k: 8, exclude_self: true, rows },
    );
    for (let q = 0; q < rows.length; q++) {
      const res = await call(RowNeighborsWithText, {
        datasetId: glove.id,
        row: rows[q],
        k: 8,
        metric: 'cosine',
      });
      assert.equal(res.text, words[rows[q]]);
      assert.deepEqual(
        res.neighbors.map((n) => n.row),
        ref.json.indices[q],
      );
      res.neighbors.forEach((n, i) => assert.ok(Math.abs(n.score - ref.json.scores[q][i]) < 1e-5));
      assert.ok(res.ms >= 0);
    }
    const paris = await call(RowNeighborsWithText, {
      datasetId: glove.id,
      row: rows[0],
      k: 10,
      metric: 'cosine',
    });
    assert.ok(paris.neighbors.some((n) => n.text === 'france' || n.text === 'london'));
  },
);

test(
  'bad input: dimension mismatch names both dimensions; empty text; unknown dataset; row out of range',
  { skip: skip ?? false },
  async () => {
    const clip = await open(path.join(FIX, 'clip_vitb16_coco500.npy'));
    await rejects(
      call(NeighborsOfText, { datasetId: clip.id, text: 'a dog', k: 5, metric: 'cosine' }),
      ENGINE_ERROR_INPUT,
      '512-dimensional',
      '100-dimensional',
    );
    await rejects(
      call(NeighborsOfText, { datasetId: glove.id, text: '   ', k: 5, metric: 'cosine' }),
      ENGINE_ERROR_INPUT,
      'empty',
    );
    await rejects(
      call(NeighborsOfText, { datasetId: 'nope', text: 'king', k: 5, metric: 'cosine' }),
      ENGINE_ERROR_INPUT,
      'unknown dataset',
    );
    await rejects(
      call(RowNeighborsWithText, { datasetId: glove.id, row: 2000, k: 5, metric: 'cosine' }),
      ENGINE_ERROR_INPUT,
      'out of range',
    );
    await rejects(call(TextModelDescribe, { model: path.join(FIX, 'nowhere') }), ENGINE_ERROR_INPUT, 'does not exist');
  },
);

test('EmbedText reports progress and stops when cancelled', { skip: skip ?? false }, async () => {
  const texts = words.filter((w) => /^[a-z]+$/.test(w));
  const many = Array.from({ length: 6000 }, (_, i) => `${texts[i % texts.length]} ${texts[(i * 7) % texts.length]}`);
  reports = [];
  const done = await call(EmbedText, { texts: many.slice(0, 600), workDoneToken: 't1' });
  assert.equal(done.vectors.length, 600);
  assert.equal(reports.at(-1)?.pct, 100);
  const token = { isCancellationRequested: false };
  reports = [];
  onReport = (pct) => {
    if (pct > 0) token.isCancellationRequested = true;
  };
  try {
    await rejects(
      call(EmbedText, { texts: many, workDoneToken: 't2' }, token),
      LSPErrorCodes.RequestCancelled,
      'cancelled',
    );
  } finally {
    onReport = undefined;
  }
  assert.ok(
    reports.every((r) => r.pct < 100),
    'stopped before the end',
  );
});

test(
  'EmbedFile: columns of a CSV, progress to the end, never overwrites, cancelling leaves no file',
  { skip: skip ?? false },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-texth-'));
    const input = path.join(dir, 'items.csv');
    fs.writeFileSync(input, 'id,sentence\n1,the king and the queen\n2,paris is in france\n3,\n4,computer software\n');
    const before = fs.readFileSync(input);
    const cols = await call(TextColumns, { input });
    assert.deepEqual(cols, { columns: ['id', 'sentence'], suggested: 'sentence' });
    const out = path.join(dir, 'items.npy');
    reports = [];
    const res = await call(EmbedFile, { input, out, textColumn: 'sentence', workDoneToken: 't3' });
    assert.equal(res.rows, 3);
    assert.equal(res.skippedBlank, 1);
    assert.equal(readNpy(out).matrix.rows, 3);
    assert.deepEqual(
      fs
        .readFileSync(res.metadata, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).text),
      ['the king and the queen', 'paris is in france', 'computer software'],
    );
    assert.equal(reports.at(-1)?.pct, 100);
    assert.deepEqual(fs.readFileSync(input), before, 'the input is untouched');
    await rejects(call(EmbedFile, { input, out, textColumn: 'sentence' }), ENGINE_ERROR_INPUT, 'already exists');
    const again = await call(EmbedFile, { input, out, textColumn: 'sentence', force: true });
    assert.equal(again.rows, 3);
    const out2 = path.join(dir, 'cancelled.npy');
    await rejects(
      call(EmbedFile, { input, out: out2, textColumn: 'sentence' }, { isCancellationRequested: true }),
      LSPErrorCodes.RequestCancelled,
    );
    assert.deepEqual(fs.readdirSync(dir).sort(), ['items.csv', 'items.meta.jsonl', 'items.npy']);
    fs.rmSync(dir, { recursive: true, force: true });
  },
);
