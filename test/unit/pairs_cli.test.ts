/**
 * The gap / collapse / compare CLIs: their JSON contracts (docs/definitions.md, "Labels and pairs") on the repo
 * fixtures, and exit code 2 with one line naming the file and the problem on
 * bad input. (The numbers themselves are checked against numpy in the other
 * pairs_*.test.ts files; here they must equal what the library returns.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeNpy, readNpy } from '../../src/engine/io/npy';
import { runCli } from './helpers/cli';
import { slow } from './helpers/tier';

const FIX = path.resolve(__dirname, '../fixtures');
const CLIP = path.join(FIX, 'clip_vitb16_coco500.npy');

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'elens-pairs-cli-'));
}

test('gap --json: {l2m, rmg, separability, retrieval: {aToB, bToA}}', { skip: slow() }, async () => {
  const r = await runCli(['gap', CLIP, '--group', 'modality', '--pair', 'pair_id', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j).slice(0, 4), ['l2m', 'rmg', 'separability', 'retrieval']);
  assert.ok(Math.abs(j.l2m - 0.85135) < 5e-6);
  assert.ok(Math.abs(j.rmg - 0.59146) < 5e-6);
  assert.equal(j.separability, 1);
  assert.deepEqual(Object.keys(j.retrieval), ['aToB', 'bToA']);
  assert.deepEqual(j.retrieval.aToB, { top1: 0.552, meanRank: 4.888 });
  assert.equal(j.retrieval.bToA.top1, 0.506);
  assert.equal(j.map, undefined, 'map coordinates only with --map');
});

test('gap: a bad group column exits 2 naming the metadata file', async () => {
  const r = await runCli(['gap', CLIP, '--group', 'pair_id', '--json']);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /^embedding-lens: clip_vitb16_coco500\.tsv: column 'pair_id' must split the rows into two groups but has more than 64 distinct values/,
  );
  const r2 = await runCli(['gap', CLIP, '--json']);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /--group COL is required/);
});

test('collapse --json: {nc1, withinBetweenRatio, nc2: {equinorm, equiangularity}, ncmAccuracy}, NC3/NC4 with --weights', async () => {
  const dir = tmpdir();
  try {
    // GloVe rows labelled by frequency band: a weak but real class structure.
    const meta = [
      'word\tband',
      ...fs
        .readFileSync(path.join(FIX, 'glove2k.tsv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l, i) => `${l.split('\t')[0]}\t${i % 4}`),
    ];
    fs.copyFileSync(path.join(FIX, 'glove2k.npy'), path.join(dir, 'g.npy'));
    fs.writeFileSync(path.join(dir, 'g.tsv'), meta.join('\n') + '\n');
    const r = await runCli(['collapse', path.join(dir, 'g.npy'), '--labels', 'band', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(j).slice(0, 4), ['nc1', 'withinBetweenRatio', 'nc2', 'ncmAccuracy']);
    assert.ok(j.nc1 > 0 && Number.isFinite(j.nc1));
    assert.ok(j.nc2.equinorm >= 0 && j.nc2.equiangularity >= 0);
    assert.equal(j.classes, 4);
    assert.equal(j.nc3, undefined);
    fs.writeFileSync(
      path.join(dir, 'W.npy'),
      encodeNpy(
        Float32Array.from({ length: 400 }, (_, t) => Math.sin(t)),
        [4, 100],
      ),
    );
    const w = await runCli([
      'collapse',
      path.join(dir, 'g.npy'),
      '--labels',
      'band',
      '--weights',
      path.join(dir, 'W.npy'),
      '--json',
    ]);
    assert.equal(w.code, 0, w.stderr);
    const jw = JSON.parse(w.stdout);
    assert.equal(jw.nc1, j.nc1);
    assert.ok(jw.nc3 > 0 && jw.nc4 >= 0 && jw.nc4 <= 1);
    const bad = await runCli([
      'collapse',
      path.join(dir, 'g.npy'),
      '--labels',
      'band',
      '--weights',
      path.join(dir, 'nope.npy'),
      '--json',
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^embedding-lens: nope\.npy: /);
    const noLabels = await runCli(['collapse', path.join(dir, 'g.npy'), '--labels', 'class', '--json']);
    assert.equal(noLabels.code, 2);
    assert.match(noLabels.stderr, /g\.tsv: has no column 'class' \(columns: word, band\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'compare --json: {rows, linearCka, debiasedCka, mutualKnn, procrustes: {top1Before, top1After, residual}}; misaligned files exit 2',
  { skip: slow() },
  async () => {
    const dir = tmpdir();
    try {
      // Split the fixture into image and caption files (numpy-format headers written by our encoder).
      const m = readNpy(CLIP).matrix;
      fs.writeFileSync(path.join(dir, 'img.npy'), encodeNpy(m.data.subarray(0, 500 * 512), [500, 512]));
      fs.writeFileSync(path.join(dir, 'txt.npy'), encodeNpy(m.data.subarray(500 * 512), [500, 512]));
      fs.writeFileSync(path.join(dir, 'short.npy'), encodeNpy(m.data.subarray(0, 499 * 512), [499, 512]));
      const r = await runCli(['compare', path.join(dir, 'img.npy'), path.join(dir, 'txt.npy'), '--k', '10', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.deepEqual(Object.keys(j).slice(0, 5), ['rows', 'linearCka', 'debiasedCka', 'mutualKnn', 'procrustes']);
      assert.equal(j.rows, 500);
      assert.ok(Math.abs(j.mutualKnn - 0.2494) < 1e-12);
      assert.ok(Math.abs(j.linearCka - 0.6362) < 1e-4);
      assert.equal(j.procrustes.top1Before, 0.552);
      assert.equal(j.procrustes.top1After, 0.958);
      assert.ok(j.procrustes.residual > 0 && j.procrustes.residual < 1);
      assert.equal(j.jaccard, undefined, 'per-row Jaccard only with --per-row');
      const bad = await runCli(['compare', path.join(dir, 'img.npy'), path.join(dir, 'short.npy'), '--json']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^embedding-lens: short\.npy: has 499 rows but img\.npy has 500/);
      const one = await runCli(['compare', path.join(dir, 'img.npy'), '--json']);
      assert.equal(one.code, 2);
      assert.match(one.stderr, /missing the second file B/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
