/**
 * The built-in GloVe static model (scripts/build-builtin-model.mjs → dist/models/glove-100d),
 * run through the same folder loader as any model: it takes raw text and tokenises inside its
 * graph with the same ids as tokenizers.js running its tokenizer.json; its vectors are GloVe's own
 * (unit length), phrases are the SIF-weighted mean of their words, and neighbours of common words
 * make sense.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { TextModel } from '../../src/engine/text/model';
import { builtinModelDir } from '../../src/engine/text/registry';
import { neighborsOfText } from '../../src/engine/text/query';
import { loadDataset } from '../../src/engine/data/dataset';
import { encodeNpy } from '../../src/engine/io/npy';
import { gloveSkipReason, loadGlove } from './helpers/glove';
import { pythonSkipReason, runPython } from './helpers/python';
import { Rng } from '../../src/engine/util/random';
import { slow } from './helpers/tier';

const ROOT = path.resolve(__dirname, '../..');
// GloVe 6B 100d (Pennington et al. 2014), the 50k most frequent words, in the project's shared data folder
// (beside the checkout, not in the repository): the test reading it skips without it.
const SHARED_GLOVE = path.resolve(ROOT, '../shared/data/glove6b_100d_top50k');
const skip = gloveSkipReason();
let model: TextModel;

/** Builds the model when a fresh clone has not run `npm run build` yet (~5 s). */
function ensureBuilt(): string {
  try {
    return builtinModelDir();
  } catch {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build-builtin-model.mjs')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build-builtin-model failed: ${r.stderr}`);
    return builtinModelDir();
  }
}

before(async () => {
  if (!skip) model = await TextModel.load(ensureBuilt());
});

test(
  'single words (any of their lower/Capital/UPPER spellings) give the GloVe vectors scaled to unit length',
  { skip: skip ?? false },
  async () => {
    const glove = loadGlove(3000, { alphaOnly: true });
    assert.ok(model.takesText, 'the built-in model takes text');
    const title = glove.words.map((w) => w[0].toUpperCase() + w.slice(1));
    const upper = glove.words.map((w) => w.toUpperCase());
    const r = await model.embed([...glove.words, ...title, ...upper]);
    assert.equal(r.matrix.cols, 100);
    const n = glove.words.length;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      let ss = 0;
      for (let j = 0; j < 100; j++) ss += glove.matrix.data[i * 100 + j] ** 2;
      const norm = Math.sqrt(ss);
      for (let f = 0; f < 3; f++) {
        for (let j = 0; j < 100; j++)
          worst = Math.max(
            worst,
            Math.abs(glove.matrix.data[i * 100 + j] / norm - r.matrix.data[(f * n + i) * 100 + j]),
          );
      }
    }
    assert.ok(worst < 1e-6, `max |diff| ${worst}`);
  },
);

test(
  'mixed-case spellings ("iPhone", "McDonald") find their word: the folder declares do_lower_case and the engine lowercases',
  { skip: skip ?? false },
  async () => {
    assert.ok(model.spec.lowercase, 'sentence_bert_config.json declares do_lower_case');
    const words = ['iphone', 'mcdonald', 'youtube', 'paris'];
    const mixed = ['iPhone', 'McDonald', 'YouTube', 'pArIs'];
    const r = await model.embed([...words, ...mixed]);
    const row = (i: number) => Array.from(r.matrix.data.subarray(i * 100, (i + 1) * 100));
    for (let i = 0; i < words.length; i++) {
      assert.ok(Math.hypot(...row(i)) > 0.99, `"${words[i]}" is a known word`);
      assert.deepEqual(row(words.length + i), row(i), `"${mixed[i]}" embeds as "${words[i]}"`);
    }
  },
);

test(
  "tokenisation inside the graph gives the same ids as tokenizers.js running the folder's tokenizer.json",
  { skip: slow(skip ?? false) },
  async () => {
    const dir = builtinModelDir();
    const tok = new Tokenizer(JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')), {
      unk_token: '[UNK]',
    });
    // Real text: GloVe's 20k most frequent tokens (numbers, punctuation, "'s", "u.s.") in three
    // spellings; sentences of them with punctuation and odd spacing; this repository's prose.
    const { words } = loadGlove(20000);
    const rng = new Rng(5);
    const seps = [
      ' ',
      ', ',
      '. ',
      ' - ',
      '; ',
      '! ',
      '?\t',
      ' (',
      ') ',
      '"',
      "'",
      '\u00a0',
      '\u2014',
      ' \u201c',
      '\u201d ',
      '...',
      '  ',
    ];
    const sentences = Array.from({ length: 3000 }, () => {
      let t = '';
      for (let i = 0, n = 3 + rng.int(15); i < n; i++)
        t += (i ? seps[rng.int(seps.length)] : '') + words[rng.int(words.length)];
      return rng.next() < 0.3 ? t[0].toUpperCase() + t.slice(1) : t;
    });
    const prose = ['README.md', 'CHANGELOG.md', 'docs/ARCHITECTURE.md'].flatMap((f) =>
      fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n'),
    );
    const texts = [
      ...words,
      ...words.map((w) => w[0].toUpperCase() + w.slice(1)),
      ...words.map((w) => w.toUpperCase()),
      ...sentences,
      ...prose,
      '',
      '   ',
      'naïve café ÉCOLE\u3000x\u2028y',
    ];
    let compared = 0;
    let known = 0;
    for (let b = 0; b < texts.length; b += 1024) {
      const batch = texts.slice(b, b + 1024);
      const out = (await model.session.run({ text: { data: batch, dims: [batch.length] } }, ['token_ids'])).token_ids;
      const width = out.dims[1];
      const ids = out.data as BigInt64Array;
      batch.forEach((t, i) => {
        const ref = tok.encode(t, { add_special_tokens: false }).ids;
        // [PAD] (1) only fills the graph's rows after a text's last token; it is never a text's token.
        assert.ok(!ref.includes(1), t);
        const mine = Array.from(ids.subarray(i * width, (i + 1) * width), Number).filter((x) => x !== 1);
        assert.deepEqual(mine, ref, `text ${JSON.stringify(t)}`);
        compared += ref.length;
        known += ref.filter((x) => x !== 0).length;
      });
    }
    assert.ok(compared > 100000 && known / compared > 0.9, `${compared} tokens, ${known} known`);
  },
);

test(
  'cosines of model vectors equal those of the published GloVe 6B 100d file',
  { skip: fs.existsSync(SHARED_GLOVE) ? false : `${SHARED_GLOVE} is absent` },
  async () => {
    const meta = fs
      .readFileSync(path.join(SHARED_GLOVE, 'meta.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t')[0]);
    const ds = await loadDataset({
      path: path.join(SHARED_GLOVE, 'X.npy'),
      metaPath: path.join(SHARED_GLOVE, 'meta.tsv'),
    });
    const words = ['king', 'queen', 'paris', 'france', 'computer', 'software', 'river', 'bank'];
    const r = await model.embed(words);
    const cos = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let ab = 0,
        aa = 0,
        bb = 0;
      for (let j = 0; j < a.length; j++) {
        ab += a[j] * b[j];
        aa += a[j] * a[j];
        bb += b[j] * b[j];
      }
      return ab / Math.sqrt(aa * bb);
    };
    const fileRow = (w: string) => ds.matrix.data.subarray(meta.indexOf(w) * 100, meta.indexOf(w) * 100 + 100);
    for (let i = 0; i < words.length; i++) {
      assert.ok(meta.includes(words[i]), words[i]);
      for (let j = 0; j < words.length; j++) {
        const mine = cos(
          r.matrix.data.subarray(i * 100, i * 100 + 100),
          r.matrix.data.subarray(j * 100, j * 100 + 100),
        );
        const theirs = cos(fileRow(words[i]), fileRow(words[j]));
        assert.ok(Math.abs(mine - theirs) < 1e-6, `${words[i]}/${words[j]}: ${mine} vs ${theirs}`);
      }
    }
  },
);

const py = pythonSkipReason(['numpy']);
test(
  "a phrase is the SIF-weighted mean of its known words' GloVe vectors, L2-normalised (numpy)",
  { skip: skip ?? py ?? false },
  async () => {
    const glove = loadGlove(5000);
    const phrase = 'The King of FRANCE, said zqxwv!';
    // Tokens: the king of france , said zqxwv ! → zqxwv is unknown and left out of the mean.
    const known = ['the', 'king', 'of', 'france', ',', 'said', '!'].map((w) => glove.words.indexOf(w));
    assert.ok(known.every((i) => i >= 0));
    const ref = runPython(
      path.join(ROOT, 'test/reference/text_pooling_ref.py'),
      {
        table: { data: glove.matrix.data, shape: [5000, 100] },
        ids: { data: Int32Array.from(known), shape: [1, known.length] },
        mask: { data: new Int32Array(known.length).fill(1), shape: [1, known.length] },
      },
      // Row i of the first 5000 GloVe rows is the word of frequency rank i; H = harmonic number of 400k.
      { pooling: 'mean', normalize: true, sif_a: 1e-3, zipf_h: Math.log(400000) + 0.5772156649 },
    ).arrays.pooled;
    const mine = (await model.embed([phrase])).matrix.data;
    let worst = 0;
    for (let j = 0; j < 100; j++) worst = Math.max(worst, Math.abs(mine[j] - ref.data[j]));
    assert.ok(worst < 1e-6, `max |diff| ${worst}`);
  },
);

test(
  'neighbours of "king", "paris", "computer" among 20k embedded words include queen, france/london, software',
  { skip: skip ?? false },
  async () => {
    const { words } = loadGlove(20000, { alphaOnly: true });
    const r = await model.embed(words);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-glove-'));
    try {
      fs.writeFileSync(path.join(dir, 'words.npy'), encodeNpy(r.matrix.data, [r.matrix.rows, 100]));
      fs.writeFileSync(path.join(dir, 'words.tsv'), 'word\n' + words.join('\n') + '\n');
      const ds = await loadDataset({ path: path.join(dir, 'words.npy') });
      const near = async (t: string) => (await neighborsOfText(ds, model, t, 10, 'cosine')).map((n) => n.text);
      const king = await near('king');
      assert.ok(king.includes('queen'), `king → ${king.join(', ')}`);
      const paris = await near('paris');
      assert.ok(paris.includes('france') || paris.includes('london'), `paris → ${paris.join(', ')}`);
      const computer = await near('computer');
      assert.ok(computer.includes('software'), `computer → ${computer.join(', ')}`);
      // A phrase lands near its topic.
      const phrase = await near('the capital city of france');
      assert.ok(phrase.includes('paris') || phrase.includes('france'), `phrase → ${phrase.join(', ')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
