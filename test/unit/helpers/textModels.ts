/**
 * Model folders for text-embedding tests and benchmarks, built from scratch so
 * every expected value is known: a tiny BERT-style WordPiece tokenizer.json and
 * ONNX graphs whose output can be computed by hand or by numpy.
 *
 *  - `lookupModel`: last_hidden_state = table[input_ids] (batch × tokens × dims); the
 *    loader's pooling does the rest.
 *  - `pooledModel`: sentence_embedding = table[input_ids[:, 0]] (batch × dims), already pooled.
 *  - `bertShapedModel`: embeddings + `layers` blocks of (x·Wq, x·Wk, x·Wv, softmax attention,
 *    x·Wo, 4d FFN with Relu), random weights: BERT's shapes and FLOPs, no meaning.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { Rng } from '../../../src/engine/util/random';

/** The WordPiece vocabulary of the tiny tokenizer, in id order. */
export const TINY_VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  'the',
  'cat',
  'sat',
  'on',
  'mat',
  'play',
  '##ing',
  ',',
  '.',
];

export function tinyTokenizerJson(): Record<string, unknown> {
  const vocab = Object.fromEntries(TINY_VOCAB.map((t, i) => [t, i]));
  const special = (content: string) => ({
    id: TINY_VOCAB.indexOf(content),
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]'].map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

function vi(name: string, elemType: number, shape: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((s) => (typeof s === 'number' ? { dimValue: s } : { dimParam: s })) },
      },
    },
  };
}
function f32(name: string, dims: number[], data: Float32Array): onnx.ITensorProto {
  return { name, dataType: T.FLOAT, dims, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
function i64(name: string, vals: number[]): onnx.ITensorProto {
  return { name, dataType: T.INT64, dims: [vals.length], int64Data: vals };
}
function node(
  opType: string,
  input: string[],
  output: string[],
  attribute: onnx.IAttributeProto[] = [],
): onnx.INodeProto {
  return { name: `${opType}_${output[0]}`, opType, input, output, attribute };
}
function encode(
  name: string,
  inputs: onnx.IValueInfoProto[],
  outputs: onnx.IValueInfoProto[],
  initializer: onnx.ITensorProto[],
  nodes: onnx.INodeProto[],
): Uint8Array {
  const m = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'embedding-lens tests',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name, input: inputs, output: outputs, initializer, node: nodes },
  });
  return onnx.ModelProto.encode(m).finish();
}

const ids = vi('input_ids', T.INT64, ['batch', 'tokens']);
const mask = vi('attention_mask', T.INT64, ['batch', 'tokens']);

/** last_hidden_state[b, t] = table[input_ids[b, t]]. */
export function lookupModel(table: Float32Array, dims: number): Uint8Array {
  const rows = table.length / dims;
  return encode(
    'lookup',
    [ids, mask],
    [vi('last_hidden_state', T.FLOAT, ['batch', 'tokens', dims])],
    [f32('table', [rows, dims], table)],
    [node('Gather', ['table', 'input_ids'], ['last_hidden_state'], [{ name: 'axis', type: A.INT, i: 0 }])],
  );
}

/** sentence_embedding[b] = table[input_ids[b, 0]]: a graph that pools by itself. */
export function pooledModel(table: Float32Array, dims: number): Uint8Array {
  const rows = table.length / dims;
  // A scalar index drops the axis: input_ids[:, 0] has shape [batch].
  const zero: onnx.ITensorProto = { name: 'zero', dataType: T.INT64, dims: [], int64Data: [0] };
  return encode(
    'pooled',
    [ids],
    [vi('sentence_embedding', T.FLOAT, ['batch', dims])],
    [f32('table', [rows, dims], table), zero],
    [
      node('Gather', ['input_ids', 'zero'], ['first'], [{ name: 'axis', type: A.INT, i: 1 }]),
      node('Gather', ['table', 'first'], ['sentence_embedding'], [{ name: 'axis', type: A.INT, i: 0 }]),
    ],
  );
}

/**
 * A model that takes text (single string-tensor input `text`, batch): splits on spaces
 * (com.microsoft Tokenizer), maps words to rows (ai.onnx.ml LabelEncoder; unknown words and
 * padding → the last row, which is zero) and sums the rows: sentence_embedding [batch, dims],
 * or with `tokenVectors` the unpooled [batch, tokens, dims] (which a text model may not give).
 */
export function textInputModel(
  words: string[],
  table: Float32Array,
  dims: number,
  opts: { tokenVectors?: boolean } = {},
): Uint8Array {
  const rows = words.length + 1;
  const full = new Float32Array(rows * dims);
  full.set(table.subarray(0, words.length * dims));
  const utf8 = (v: string) => new TextEncoder().encode(v);
  const out = opts.tokenVectors ? 'token_embeddings' : 'sentence_embedding';
  const nodes = [
    {
      ...node(
        'Tokenizer',
        ['text'],
        ['tokens'],
        [
          { name: 'mark', type: A.INT, i: 0 },
          { name: 'mincharnum', type: A.INT, i: 1 },
          { name: 'pad_value', type: A.STRING, s: utf8('') },
          { name: 'separators', type: A.STRINGS, strings: [utf8(' ')] },
        ],
      ),
      domain: 'com.microsoft',
    },
    {
      ...node(
        'LabelEncoder',
        ['tokens'],
        ['ids'],
        [
          { name: 'keys_strings', type: A.STRINGS, strings: words.map(utf8) },
          { name: 'values_int64s', type: A.INTS, ints: words.map((_, i) => i) },
          { name: 'default_int64', type: A.INT, i: words.length },
        ],
      ),
      domain: 'ai.onnx.ml',
    },
    node('Gather', ['table', 'ids'], [opts.tokenVectors ? out : 'vectors'], [{ name: 'axis', type: A.INT, i: 0 }]),
  ];
  if (!opts.tokenVectors)
    nodes.push(node('ReduceSum', ['vectors', 'axis1'], [out], [{ name: 'keepdims', type: A.INT, i: 0 }]));
  const m = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'embedding-lens tests',
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 2 },
      { domain: 'com.microsoft', version: 1 },
    ],
    graph: {
      name: 'text_in',
      input: [vi('text', T.STRING, ['batch'])],
      output: [vi(out, T.FLOAT, opts.tokenVectors ? ['batch', 'tokens', dims] : ['batch', dims])],
      initializer: [f32('table', [rows, dims], full), i64('axis1', [1])],
      node: nodes,
    },
  });
  return onnx.ModelProto.encode(m).finish();
}

/** Deterministic pseudo-random floats in [-scale, scale). */
export function randomFloats(n: number, seed: number, scale = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
}

/** A BERT-shaped encoder with random weights (see the file comment). */
export function bertShapedModel(vocab: number, dims: number, layers: number, seed = 1): Uint8Array {
  const init: onnx.ITensorProto[] = [
    f32('emb', [vocab, dims], randomFloats(vocab * dims, seed, 0.5)),
    { name: 'scale', dataType: T.FLOAT, dims: [1], floatData: [1 / Math.sqrt(dims)] },
  ];
  const nodes: onnx.INodeProto[] = [
    node('Gather', ['emb', 'input_ids'], ['h0'], [{ name: 'axis', type: A.INT, i: 0 }]),
  ];
  const w = (name: string, r: number, c: number, s: number) =>
    init.push(f32(name, [r, c], randomFloats(r * c, s, 1 / Math.sqrt(r))));
  for (let l = 0; l < layers; l++) {
    const x = `h${l}`;
    const p = `l${l}_`;
    w(`${p}wq`, dims, dims, seed + 10 * l + 1);
    w(`${p}wk`, dims, dims, seed + 10 * l + 2);
    w(`${p}wv`, dims, dims, seed + 10 * l + 3);
    w(`${p}wo`, dims, dims, seed + 10 * l + 4);
    w(`${p}w1`, dims, 4 * dims, seed + 10 * l + 5);
    w(`${p}w2`, 4 * dims, dims, seed + 10 * l + 6);
    nodes.push(
      node('MatMul', [x, `${p}wq`], [`${p}q`]),
      node('MatMul', [x, `${p}wk`], [`${p}k`]),
      node('MatMul', [x, `${p}wv`], [`${p}v`]),
      node('Transpose', [`${p}k`], [`${p}kt`], [{ name: 'perm', type: A.INTS, ints: [0, 2, 1] }]),
      node('MatMul', [`${p}q`, `${p}kt`], [`${p}s`]),
      node('Mul', [`${p}s`, 'scale'], [`${p}ss`]),
      node('Softmax', [`${p}ss`], [`${p}a`], [{ name: 'axis', type: A.INT, i: -1 }]),
      node('MatMul', [`${p}a`, `${p}v`], [`${p}c`]),
      node('MatMul', [`${p}c`, `${p}wo`], [`${p}o`]),
      node('Add', [x, `${p}o`], [`${p}r1`]),
      node('MatMul', [`${p}r1`, `${p}w1`], [`${p}f1`]),
      node('Relu', [`${p}f1`], [`${p}f1r`]),
      node('MatMul', [`${p}f1r`, `${p}w2`], [`${p}f2`]),
      node('Add', [`${p}r1`, `${p}f2`], [l === layers - 1 ? 'last_hidden_state' : `h${l + 1}`]),
    );
  }
  return encode('bert_shaped', [ids, mask], [vi('last_hidden_state', T.FLOAT, ['batch', 'tokens', dims])], init, nodes);
}

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

export interface FolderOptions {
  onnx: Uint8Array | Buffer;
  tokenizer?: Record<string, unknown> | null;
  pooling?: 'mean' | 'cls' | 'max';
  normalize?: boolean;
  maxSeqLength?: number;
  /** sentence_bert_config.json do_lower_case. */
  lowercase?: boolean;
}

/** Writes a model folder in the sentence-transformers layout into a fresh temp dir. */
export function writeModelFolder(opts: FolderOptions): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-model-'));
  tempDirs.push(dir);
  fs.writeFileSync(path.join(dir, 'model.onnx'), opts.onnx);
  if (opts.tokenizer !== null)
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(opts.tokenizer ?? tinyTokenizerJson()));
  const modules: object[] = [{ idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' }];
  if (opts.pooling) {
    modules.push({ idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' });
    fs.mkdirSync(path.join(dir, '1_Pooling'));
    fs.writeFileSync(
      path.join(dir, '1_Pooling', 'config.json'),
      JSON.stringify({
        pooling_mode_mean_tokens: opts.pooling === 'mean',
        pooling_mode_cls_token: opts.pooling === 'cls',
        pooling_mode_max_tokens: opts.pooling === 'max',
      }),
    );
  }
  if (opts.normalize)
    modules.push({ idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' });
  fs.writeFileSync(path.join(dir, 'modules.json'), JSON.stringify(modules));
  if (opts.maxSeqLength || opts.lowercase !== undefined) {
    fs.writeFileSync(
      path.join(dir, 'sentence_bert_config.json'),
      JSON.stringify({ max_seq_length: opts.maxSeqLength, do_lower_case: opts.lowercase }),
    );
  }
  return dir;
}
