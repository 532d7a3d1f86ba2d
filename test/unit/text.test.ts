/**
 * Text models from a folder: tokenisation (tokenizers.js on a WordPiece tokenizer.json
 * with ids worked out by hand), truncation, pooling and normalisation (by hand and
 * against numpy), batching, cancellation and bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TextModel } from '../../src/engine/text/model';
import { embedQuery, neighborsOfText } from '../../src/engine/text/query';
import { padBatch } from '../../src/engine/text/tokenize';
import { loadDataset } from '../../src/engine/data/dataset';
import { encodeNpy } from '../../src/engine/io/npy';
import { encodeModel } from '../../src/engine/kernels/ort';
import { matMul } from '../../src/engine/kernels/graphs';
import { CancelledError, InputError } from '../../src/engine/util/errors';
import {
  lookupModel,
  pooledModel,
  randomFloats,
  textInputModel,
  TINY_VOCAB,
  writeModelFolder,
} from './helpers/textModels';
import { pythonSkipReason, runPython } from './helpers/python';
import { slow } from './helpers/tier';

const V = TINY_VOCAB.length;
/** Row i of the hand table is [i, 10·i]: pooled values can be read off the token ids. */
const handTable = new Float32Array(V * 2);
for (let i = 0; i < V; i++) {
  handTable[2 * i] = i;
  handTable[2 * i + 1] = 10 * i;
}

async function handModel(
  opts: { pooling?: 'mean' | 'cls' | 'max'; normalize?: boolean; maxSeqLength?: number } = {},
): Promise<TextModel> {
  return TextModel.load(
    writeModelFolder({
      onnx: lookupModel(handTable, 2),
      pooling: opts.pooling ?? 'mean',
      normalize: opts.normalize,
      maxSeqLength: opts.maxSeqLength,
    }),
  );
}

const rows = (m: { rows: number; cols: number; data: Float32Array }) =>
  Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));

test('WordPiece tokenisation matches ids worked out by hand, with [CLS]/[SEP] around the text', async () => {
  const m = await handModel();
  // the=4 cat=5 ,=11 play=9 ##ing=10 .=12; [CLS]=2 [SEP]=3; unknown words → [UNK]=1.
  assert.deepEqual(m.tokenizer!.encode('The cat, playing.').ids, [2, 4, 5, 11, 9, 10, 12, 3]);
  assert.deepEqual(m.tokenizer!.encode('Zebra  SAT').ids, [2, 1, 6, 3]);
  assert.deepEqual(m.tokenizer!.encode('').ids, [2, 3]);
});

test("truncation keeps the special tokens and cuts the text to the folder's max_seq_length", async () => {
  const m = await handModel({ maxSeqLength: 5 });
  assert.equal(m.spec.maxLength, 5);
  assert.deepEqual(m.tokenizer!.encode('the cat sat on the mat').ids, [2, 4, 5, 6, 3]);
  const r = await m.embed(['the cat sat on the mat', 'cat']);
  assert.equal(r.truncated, 1);
  // mean of ids 2,4,5,6,3 = 4 → [4, 40]; "cat" → ids 2,5,3 → [10/3, 100/3].
  assert.deepEqual(rows(r.matrix)[0], [4, 40]);
  assert.ok(Math.abs(rows(r.matrix)[1][0] - 10 / 3) < 1e-6);
});

test('mean, CLS and max pooling by hand, padding excluded', async () => {
  const texts = ['the cat', 'the cat sat on the mat'];
  // "the cat" → [2,4,5,3]; padded to 8 tokens with [PAD]=0 inside the batch.
  const mean = rows((await (await handModel({ pooling: 'mean' })).embed(texts, { batchTokens: 1000 })).matrix);
  assert.deepEqual(mean[0], [3.5, 35]);
  assert.deepEqual(mean[1], [(2 + 4 + 5 + 6 + 7 + 4 + 8 + 3) / 8, (10 * (2 + 4 + 5 + 6 + 7 + 4 + 8 + 3)) / 8]);
  const cls = rows((await (await handModel({ pooling: 'cls' })).embed(texts)).matrix);
  assert.deepEqual(cls, [
    [2, 20],
    [2, 20],
  ]);
  const max = rows((await (await handModel({ pooling: 'max' })).embed(texts)).matrix);
  assert.deepEqual(max, [
    [5, 50],
    [8, 80],
  ]);
  const norm = rows((await (await handModel({ pooling: 'mean', normalize: true })).embed(['the cat'])).matrix);
  assert.ok(
    Math.abs(norm[0][0] - 3.5 / Math.hypot(3.5, 35)) < 1e-7 && Math.abs(norm[0][1] - 35 / Math.hypot(3.5, 35)) < 1e-7,
  );
});

test('a graph that pools by itself (sentence_embedding output) is used as is', async () => {
  const m = await TextModel.load(writeModelFolder({ onnx: pooledModel(handTable, 2) }));
  assert.equal(m.dims, 2);
  // Its output is the row of the first token, [CLS] = 2.
  assert.deepEqual(rows((await m.embed(['the mat'])).matrix), [[2, 20]]);
});

const pyReason = pythonSkipReason(['numpy']);
test(
  'pooling and normalisation of a random table match numpy, whatever the batching',
  { skip: slow(pyReason ?? false) },
  async () => {
    const d = 8;
    const table = randomFloats(V * d, 7);
    const words = ['the', 'cat', 'sat', 'on', 'mat', 'playing', ',', '.', 'zebra'];
    const texts = Array.from({ length: 40 }, (_, i) =>
      Array.from({ length: 1 + ((i * 7) % 11) }, (_, j) => words[(i * 3 + j * 5) % words.length]).join(' '),
    );
    for (const pooling of ['mean', 'cls', 'max'] as const) {
      for (const normalize of [false, true]) {
        const m = await TextModel.load(writeModelFolder({ onnx: lookupModel(table, d), pooling, normalize }));
        const small = await m.embed(texts, { batchTokens: 16 });
        const big = await m.embed(texts, { batchTokens: 100000 });
        assert.deepEqual(small.matrix.data, big.matrix.data, 'batch size must not change the result');
        const enc = padBatch(
          texts.map((t) => m.tokenizer!.encode(t).ids),
          0,
        );
        const ref = runPython(
          'text_pooling_ref.py',
          {
            table: { data: table, shape: [V, d] },
            ids: { data: Int32Array.from(enc.ids, Number), shape: [enc.batch, enc.length] },
            mask: { data: Int32Array.from(enc.mask, Number), shape: [enc.batch, enc.length] },
          },
          { pooling, normalize },
        ).arrays.pooled;
        let worst = 0;
        for (let i = 0; i < ref.data.length; i++) worst = Math.max(worst, Math.abs(ref.data[i] - small.matrix.data[i]));
        assert.ok(worst < 1e-6, `${pooling}${normalize ? '+norm' : ''}: max |diff| ${worst}`);
      }
    }
  },
);

test('cancellation stops embedding with CancelledError; progress reaches 1', async () => {
  const m = await handModel();
  await assert.rejects(m.embed(['the cat', 'the mat'], { token: { isCancellationRequested: true } }), CancelledError);
  let last = 0;
  await m.embed(['the cat', 'the mat', 'cat'], { batchTokens: 4, progress: (f) => (last = f) });
  assert.equal(last, 1);
});

function expectInputError(pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof InputError, `expected InputError, got ${(e as Error)?.stack ?? String(e)}`);
    assert.match(e.message, pattern);
    return true;
  };
}

test('bad input: empty text, text with no known word', async () => {
  const m = await handModel();
  await assert.rejects(embedQuery(m, ''), expectInputError(/empty/));
  await assert.rejects(embedQuery(m, '   \n'), expectInputError(/empty/));
  // The pooled-by-first-token model maps unknown words to a zero row only if [UNK]'s row is zero.
  const zeroUnk = new Float32Array(handTable);
  for (const t of ['[CLS]', '[SEP]', '[UNK]'])
    zeroUnk.fill(0, 2 * TINY_VOCAB.indexOf(t), 2 * TINY_VOCAB.indexOf(t) + 2);
  const m2 = await TextModel.load(writeModelFolder({ onnx: lookupModel(zeroUnk, 2), pooling: 'mean' }));
  await assert.rejects(embedQuery(m2, 'zebra giraffe'), expectInputError(/none of the words/));
});

test('bad input: model folder missing tokenizer.json, missing model.onnx, not a folder', async () => {
  const noTok = writeModelFolder({ onnx: lookupModel(handTable, 2), tokenizer: null });
  await assert.rejects(TextModel.load(noTok), expectInputError(/tokenizer\.json: is missing/));
  const noOnnx = writeModelFolder({ onnx: lookupModel(handTable, 2) });
  fs.rmSync(path.join(noOnnx, 'model.onnx'));
  await assert.rejects(TextModel.load(noOnnx), expectInputError(/model\.onnx: is missing/));
  await assert.rejects(TextModel.load(path.join(noOnnx, 'nope')), expectInputError(/does not exist/));
  const badJson = writeModelFolder({ onnx: lookupModel(handTable, 2) });
  fs.writeFileSync(path.join(badJson, 'tokenizer.json'), '{"model": ');
  await assert.rejects(TextModel.load(badJson), expectInputError(/tokenizer\.json: is not valid JSON/));
});

test('bad input: an ONNX file that is not a model, or not a text model', async () => {
  const garbage = writeModelFolder({ onnx: Buffer.from('this is not a protobuf at all \u0000\u0001\u0002') });
  await assert.rejects(TextModel.load(garbage), expectInputError(/model\.onnx: is not a model onnxruntime can load/));
  const notText = writeModelFolder({ onnx: encodeModel(matMul) });
  await assert.rejects(TextModel.load(notText), expectInputError(/no 'input_ids' input/));
});

test("bad input: the model's dimension differs from the file's, named in the message", async () => {
  const m = await handModel();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-ds-'));
  const file = path.join(dir, 'three.npy');
  fs.writeFileSync(file, encodeNpy(randomFloats(12, 3), [4, 3]));
  const ds = await loadDataset({ path: file });
  await assert.rejects(
    neighborsOfText(ds, m, 'the cat', 2, 'cosine'),
    expectInputError(/three\.npy: has 3-dimensional vectors but the model .* gives 2-dimensional ones/),
  );
});

test('text neighbours of a file embedded with the same model come back in order, with their texts', async () => {
  // A random table: the hand table's rows are all parallel, so every cosine would be 1.
  const m = await TextModel.load(
    writeModelFolder({ onnx: lookupModel(randomFloats(V * 4, 11), 4), pooling: 'mean', normalize: true }),
  );
  const texts = ['the cat', 'the mat', 'cat sat on the mat', 'playing'];
  const r = await m.embed(texts);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-ds-'));
  fs.writeFileSync(path.join(dir, 'items.npy'), encodeNpy(r.matrix.data, [4, 4]));
  fs.writeFileSync(path.join(dir, 'items.tsv'), 'text\n' + texts.join('\n') + '\n');
  const ds = await loadDataset({ path: path.join(dir, 'items.npy') });
  const ns = await neighborsOfText(ds, m, 'the mat', 4, 'cosine');
  assert.equal(ns[0].row, 1);
  assert.equal(ns[0].text, 'the mat');
  assert.ok(Math.abs(ns[0].score - 1) < 1e-6);
  for (let i = 1; i < ns.length; i++) assert.ok(ns[i - 1].score >= ns[i].score);
});

test('a model that takes text (one string-tensor input) gets the raw texts, needs no tokenizer.json, and is normalised as its folder says', async () => {
  // Word i's vector is [i + 1, 10·(i + 1)]; a text's vector is the sum over its known words.
  const words = ['cat', 'sat', 'mat'];
  const table = Float32Array.from(words.flatMap((_, i) => [i + 1, 10 * (i + 1)]));
  const m = await TextModel.load(writeModelFolder({ onnx: textInputModel(words, table, 2), tokenizer: null }));
  assert.ok(m.takesText);
  assert.equal(m.dims, 2);
  assert.ok(
    m.spec.notes.some((n) => /takes text/.test(n)),
    m.spec.notes.join('; '),
  );
  // Different lengths in one call: sorted and batched by length, returned in input order.
  const texts = ['cat', 'mat sat cat', 'zebra', 'sat mat', ''];
  const r = await m.embed(texts, { batchTokens: 8 });
  assert.deepEqual(rows(r.matrix), [
    [1, 10],
    [6, 60],
    [0, 0],
    [5, 50],
    [0, 0],
  ]);
  assert.equal(r.truncated, 0);
  const n = await TextModel.load(
    writeModelFolder({ onnx: textInputModel(words, table, 2), tokenizer: null, normalize: true }),
  );
  const v = (await n.embed(['sat'])).matrix.data;
  assert.ok(
    Math.abs(v[0] - 2 / Math.hypot(2, 20)) < 1e-6 && Math.abs(v[1] - 20 / Math.hypot(2, 20)) < 1e-6,
    `${v[0]}, ${v[1]}`,
  );
  await assert.rejects(embedQuery(m, 'zebra giraffe'), expectInputError(/none of the words/));
  // Cancellation between runs, progress to 1, as for token-id models.
  await assert.rejects(m.embed(texts, { token: { isCancellationRequested: true } }), CancelledError);
  const seen: number[] = [];
  const token = { isCancellationRequested: false };
  await assert.rejects(
    m.embed(texts, { batchTokens: 4, token, progress: (f) => (seen.push(f), (token.isCancellationRequested = true)) }),
    CancelledError,
  );
  assert.equal(seen.length, 1);
  let last = 0;
  await m.embed(texts, { batchTokens: 4, progress: (f) => (last = f) });
  assert.equal(last, 1);
});

test('sentence_bert_config.json do_lower_case: texts are lowercased before the model sees them (Unicode case mapping)', async () => {
  const words = ['cat', 'iphone', 'école', 'straße'];
  const table = Float32Array.from(words.flatMap((_, i) => [i + 1, 10 * (i + 1)]));
  const texts = ['Cat', 'iPhone', 'ÉCOLE', 'STRAßE', 'cat'];
  const plain = await TextModel.load(
    writeModelFolder({ onnx: textInputModel(words, table, 2), tokenizer: null, lowercase: false }),
  );
  assert.equal(plain.spec.lowercase, false);
  // Without it the graph's exact-match lookup knows only the lowercase spelling.
  assert.deepEqual(rows((await plain.embed(texts)).matrix), [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
    [1, 10],
  ]);
  const lower = await TextModel.load(
    writeModelFolder({ onnx: textInputModel(words, table, 2), tokenizer: null, lowercase: true }),
  );
  assert.equal(lower.spec.lowercase, true);
  assert.ok(
    lower.spec.notes.some((n) => /do_lower_case/.test(n)),
    lower.spec.notes.join('; '),
  );
  assert.deepEqual(rows((await lower.embed(texts)).matrix), [
    [1, 10],
    [2, 20],
    [3, 30],
    [4, 40],
    [1, 10],
  ]);
  // The caller's array is not modified.
  assert.equal(texts[1], 'iPhone');
});

test('bad input: a model that takes text but outputs token vectors instead of pooled ones', async () => {
  const dir = writeModelFolder({
    onnx: textInputModel(['cat'], new Float32Array([1, 2]), 2, { tokenVectors: true }),
    tokenizer: null,
  });
  await assert.rejects(
    TextModel.load(dir),
    expectInputError(/takes text, so its output 'token_embeddings' must be float32 \[batch, dims\]/),
  );
});
