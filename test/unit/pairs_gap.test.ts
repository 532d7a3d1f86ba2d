/**
 * Modality gap (src/engine/analysis/pairs/gap.ts) and its logistic regression
 * (logreg.ts): the CLIP ViT-B/16 COCO fixture against reproduced reference values
 * (computed with numpy/scikit-learn: L2M 0.85135, RMG 0.59146, separability 1,
 * matched retrieval) and against numpy/scikit-learn on the same rows and folds
 * (test/reference/pairs_ref.py); unequal groups; bad columns; and, when the
 * project's shared data folder is there (../shared/data, not in the repository),
 * the other modality-gap sets of Liang et al.'s repository (Weixin-Liang/Modality-Gap:
 * CLIP at random initialisation, ConVIRT on MIMIC-CXR, VideoCLIP on MSR-VTT).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gatherRows, Matrix } from '../../src/engine/core/matrix';
import { Dataset, loadDataset } from '../../src/engine/data/dataset';
import { modalityGap } from '../../src/engine/analysis/pairs/gap';
import { crossValidatedAccuracy, fitLogistic, numpySum, stratifiedFolds } from '../../src/engine/analysis/pairs/logreg';
import { InputError } from '../../src/engine/util/errors';
import { pythonSkipReason, runPython } from './helpers/python';
import { memoryDataset } from './helpers/dataset';
import { Rng } from '../../src/engine/util/random';
import { slow } from './helpers/tier';

/** A dataset from a matrix and metadata columns (in memory; nothing is written). */
const dataset = (
  m: Matrix,
  columns: Record<string, (string | number | null)[]>,
  file = '/tmp/pairs-test.npy',
): Dataset => memoryDataset(m, file, columns);

const FIXTURE = path.resolve(__dirname, '../fixtures/clip_vitb16_coco500.npy');
const SHARED = path.resolve(__dirname, '../../../shared/data');
const py = pythonSkipReason();

function close(actual: number, expected: number, tol: number, what: string) {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);
}

const ids = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);

test(
  'CLIP fixture: L2M, RMG, separability and matched retrieval match the pinned values and numpy/scikit-learn',
  { skip: slow() },
  async () => {
    const ds = await loadDataset({ path: FIXTURE });
    const r = await modalityGap(ds, { group: 'modality', pair: 'pair_id' });
    assert.deepEqual([r.groups.a.name, r.groups.a.rows, r.groups.b.name, r.groups.b.rows], ['image', 500, 'text', 500]);
    assert.equal(r.pairs, 500);
    // Reproduced reference values on this fixture (numpy/scikit-learn); the paper's L2M 0.82 is on all of COCO val.
    close(r.l2m, 0.85135, 5e-6, 'L2M');
    close(r.rmg!, 0.59146, 5e-6, 'RMG');
    assert.equal(r.separability, 1);
    close(r.retrieval!.aToB.top1, 0.552, 1e-12, 'image→text top-1');
    close(r.retrieval!.bToA.top1, 0.506, 1e-12, 'text→image top-1');
    close(r.retrieval!.aToB.meanRank, 4.888, 1e-12, 'image→text mean rank');
    if (py) return;
    const folds = stratifiedFolds(
      Uint8Array.from({ length: 1000 }, (_, i) => (i < 500 ? 0 : 1)),
      5,
      0,
    );
    const ref = runPython(
      'pairs_ref.py',
      {
        X: { data: ds.matrix.data, shape: [1000, 512] },
        a: { data: ids(0, 500), shape: [500] },
        b: { data: ids(500, 1000), shape: [500] },
        pa: { data: ids(0, 500), shape: [500] },
        pb: { data: ids(500, 1000), shape: [500] },
        sa: { data: ids(0, 500), shape: [500] },
        sb: { data: ids(500, 1000), shape: [500] },
        folds: { data: folds, shape: [1000] },
      },
      { task: 'gap' },
    ).json;
    close(r.l2m, ref.l2m, 1e-6, 'L2M vs numpy');
    close(r.rmg!, ref.rmg, 1e-6, 'RMG vs numpy');
    close(r.intraA, ref.intraA, 1e-6, 'I_A');
    close(r.matchedDistance!, ref.matchedDistance, 1e-6, 'M');
    assert.equal(r.separability, ref.separability);
    assert.deepEqual(r.separabilityDetail.foldAccuracy, ref.foldAccuracy);
    assert.deepEqual(r.retrieval, { aToB: ref.aToB, bToA: ref.bToA });
    assert.deepEqual(r.closedGap, { aToB: ref.closedAToB, bToA: ref.closedBToA });
    assert.deepEqual(
      r.gapDimensions.map((g) => g.dim),
      ref.gapDims,
    );
    // The map: both groups, and the gap vector's ends are the projected group means.
    assert.equal(r.map.coords.length, 2000);
    assert.equal(r.map.group.filter((g) => g === 1).length, 500);
    assert.ok(r.map.explained[0] > 0.05 && r.map.explained[0] < 1);
    assert.ok(
      Math.hypot(r.map.meanA[0] - r.map.meanB[0], r.map.meanA[1] - r.map.meanB[1]) > 0.3,
      'the gap is visible on the first two components',
    );
  },
);

/** Two overlapping Gaussian blobs: a classifier that is not trivially perfect. */
function blobs(n: number, d: number, shift: number, seed: number): { X: Float64Array; y: Uint8Array } {
  const rng = new Rng(seed);
  const X = new Float64Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3 === 0 ? 1 : 0; // unequal classes
    for (let j = 0; j < d; j++) X[i * d + j] = rng.normal() + (y[i] && j < 3 ? shift : 0);
  }
  return { X, y };
}

test(
  'logistic regression: coefficients and fold accuracies equal scikit-learn on the same folds',
  { skip: slow(py ?? false) },
  () => {
    const d = 12;
    // 202 + 101 rows: the stratified folds hold 62, 61, 60, 60 and 60 rows, so their mean accuracy is not the pooled
    // one.
    const n = 303;
    const { X, y } = blobs(n, d, 0.9, 3);
    const all = Array.from({ length: n }, (_, i) => i);
    for (const C of [1, 0.05]) {
      const m = fitLogistic(X, d, y, all, { C });
      assert.ok(m.converged, 'L-BFGS converged');
      const ref = runPython(
        'pairs_ref.py',
        { X: { data: X, shape: [n, d] }, y: { data: y, shape: [n] } },
        { task: 'logreg', C },
      ).json;
      for (let j = 0; j < d; j++)
        close(m.w[j], ref.coef[j], 2e-5 * Math.max(1, Math.abs(ref.coef[j])), `C=${C} w[${j}]`); // lbfgs stopping, not the optimum, differs
      close(m.b, ref.intercept, 2e-5, `C=${C} intercept`);
    }
    const cv = crossValidatedAccuracy(X, d, y, 5, 11, { C: 1 });
    assert.ok(cv.accuracy > 0.6 && cv.accuracy < 0.95, `overlapping blobs give an imperfect accuracy (${cv.accuracy})`);
    // Every class is spread over every fold in proportion.
    for (let f = 0; f < 5; f++) {
      const inFold = all.filter((i) => cv.folds[i] === f);
      assert.ok(Math.abs(inFold.filter((i) => y[i]).length - 20) <= 1, `fold ${f} is stratified`);
    }
    const sizes = [0, 1, 2, 3, 4].map((f) => all.filter((i) => cv.folds[i] === f).length);
    assert.deepEqual(sizes, [62, 61, 60, 60, 60]);
    const cvRef = (folds: Int32Array) =>
      runPython(
        'pairs_ref.py',
        { X: { data: X, shape: [n, d] }, y: { data: y, shape: [n] }, folds: { data: folds, shape: [n] } },
        { task: 'logreg', C: 1 },
      ).json;
    let ref = cvRef(cv.folds);
    assert.deepEqual(cv.foldAccuracy, ref.foldAccuracy, 'fold accuracies of cross_val_score on the same folds');
    assert.equal(cv.accuracy, ref.cvAccuracy, 'cross_val_score(...).mean() on the same folds');
    assert.notEqual(ref.cvAccuracy, ref.pooledAccuracy, 'these folds tell the mean from the pooled accuracy');
    // Folds of very different sizes (30, 90, 183 rows), given explicitly.
    const uneven = Int32Array.from(all, (i) => (i < 30 ? 0 : i < 120 ? 1 : 2));
    const cv3 = crossValidatedAccuracy(X, d, y, 3, 0, { C: 1 }, uneven);
    ref = cvRef(uneven);
    assert.deepEqual(cv3.foldAccuracy, ref.foldAccuracy, 'fold accuracies, uneven folds');
    assert.equal(cv3.accuracy, ref.cvAccuracy, 'mean over uneven folds');
    assert.ok(Math.abs(ref.cvAccuracy - ref.pooledAccuracy) > 1e-3, 'uneven folds: mean and pooled differ clearly');
  },
);

test(
  "numpySum adds in numpy's pairwise order, so a mean of fold scores is numpy's to the last bit",
  { skip: py ?? false },
  () => {
    const rng = new Rng(5);
    const a = Array.from({ length: 300 }, () => Math.floor(rng.next() * 50) / (1 + Math.floor(rng.next() * 60)));
    const lengths = Array.from({ length: 300 }, (_, i) => i + 1);
    const ref = runPython(
      'pairs_ref.py',
      { a: { data: Float64Array.from(a), shape: [300] } },
      { task: 'sums', lengths },
    ).json as number[];
    const mismatches = lengths.filter((L, t) => numpySum(a.slice(0, L)) !== ref[t]);
    assert.deepEqual(mismatches, []);
    // A plain left-to-right sum differs from numpy's on some of these lengths: the test can fail.
    const plain = (L: number) => a.slice(0, L).reduce((s, v) => s + v, 0);
    assert.ok(lengths.some((L, t) => plain(L) !== ref[t]));
  },
);

test('unequal groups and a partial pairing match numpy', { skip: slow(py ?? false) }, async () => {
  const full = await loadDataset({ path: FIXTURE });
  // All 500 images, the first 320 captions and 30 rows of a third group to be ignored.
  const rows = [...ids(0, 500), ...ids(500, 820), ...ids(900, 930)];
  const M = gatherRows(full.matrix, rows);
  const modality = rows.map((r, t) => (t >= 820 ? 'audio' : r < 500 ? 'image' : 'text'));
  const pair = rows.map((r) => String(r % 500));
  const ds = dataset(M, { modality, pair_id: pair });
  const r = await modalityGap(ds, { group: 'modality', pair: 'pair_id', values: ['image', 'text'] });
  assert.equal(r.groups.a.rows, 500);
  assert.equal(r.groups.b.rows, 320);
  assert.equal(r.ignoredRows, 30);
  assert.equal(r.pairs, 320);
  const ref = runPython(
    'pairs_ref.py',
    {
      X: { data: M.data, shape: [M.rows, 512] },
      a: { data: ids(0, 500), shape: [500] },
      b: { data: ids(500, 820), shape: [320] },
      pa: { data: ids(0, 320), shape: [320] },
      pb: { data: ids(500, 820), shape: [320] },
    },
    { task: 'gap' },
  ).json;
  close(r.l2m, ref.l2m, 1e-6, 'L2M');
  close(r.rmg!, ref.rmg, 1e-6, 'RMG');
  assert.deepEqual(r.retrieval, { aToB: ref.aToB, bToA: ref.bToA });
  assert.equal(r.separability, 1);
  // Without a pair column: no RMG, no retrieval, the rest still there.
  const r2 = await modalityGap(ds, { group: 'modality', values: ['image', 'text'] });
  assert.equal(r2.rmg, null);
  assert.equal(r2.retrieval, null);
  close(r2.l2m, ref.l2m, 1e-6, 'L2M without pairs');
});

test('bad group and pair columns are InputErrors that name the metadata file and the problem', async () => {
  const full = await loadDataset({ path: FIXTURE });
  const M = gatherRows(full.matrix, ids(0, 12));
  const three = dataset(M, {
    g: ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'c', 'c', 'c', 'c'],
    p: ['1', '2', '3', '4', '1', '2', '3', '4', '1', '2', '3', '4'],
  });
  const reject = async (p: Promise<unknown>, re: RegExp) =>
    assert.rejects(
      p,
      (e: unknown) => e instanceof InputError && /pairs-test\.tsv/.test(e.message) && re.test(e.message),
      `expected ${re}`,
    );
  await reject(modalityGap(three, { group: 'g' }), /must split the rows into two groups but has 3 distinct values/);
  await reject(modalityGap(three, { group: 'nope' }), /has no column 'nope'/);
  await reject(modalityGap(three, { group: 'g', values: ['a', 'z'] }), /has no value 'z'/);
  const one = dataset(M, { g: ['a', ...Array(11).fill('b')], p: Array.from({ length: 12 }, (_, i) => String(i)) });
  await reject(modalityGap(one, { group: 'g' }), /group 'a' .* has 1 row/);
  const dup = dataset(M, {
    g: [...Array(6).fill('a'), ...Array(6).fill('b')],
    p: ['1', '1', '2', '3', '4', '5', '0', '1', '2', '3', '4', '5'],
  });
  await reject(modalityGap(dup, { group: 'g', pair: 'p' }), /pair id '1' .* appears more than once in group 'a'/);
  const none = dataset(M, {
    g: [...Array(6).fill('a'), ...Array(6).fill('b')],
    p: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'],
  });
  await reject(modalityGap(none, { group: 'g', pair: 'p' }), /links only 0 pair/);
});

for (const name of ['mgap_clip_vitb16_coco500_randinit', 'mgap_convirt_mimiccxr500', 'mgap_videoclip_msrvtt100']) {
  const dir = path.join(SHARED, name);
  const skip = !fs.existsSync(path.join(dir, 'X.npy'))
    ? `${dir} is absent (shared real data sets are not in a fresh clone)`
    : py;
  test(`real pairs ${name}: gap measures match numpy`, { skip: slow(skip ?? false) }, async () => {
    const ds = await loadDataset({ path: path.join(dir, 'X.npy'), metaPath: path.join(dir, 'meta.tsv') });
    const r = await modalityGap(ds, { group: 'modality', pair: 'pair_id' });
    const n = ds.matrix.rows / 2;
    const ref = runPython(
      'pairs_ref.py',
      {
        X: { data: ds.matrix.data, shape: [ds.matrix.rows, ds.matrix.cols] },
        a: { data: ids(0, n), shape: [n] },
        b: { data: ids(n, 2 * n), shape: [n] },
        pa: { data: ids(0, n), shape: [n] },
        pb: { data: ids(n, 2 * n), shape: [n] },
      },
      { task: 'gap' },
    ).json;
    close(r.l2m, ref.l2m, 1e-6, 'L2M');
    close(r.rmg!, ref.rmg, 1e-6, 'RMG');
    assert.deepEqual(r.retrieval, { aToB: ref.aToB, bToA: ref.bToA });
  });
}
