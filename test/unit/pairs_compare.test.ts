/**
 * Comparing two spaces with the same rows (src/engine/analysis/pairs/compare.ts,
 * cka.ts, procrustes.ts): Kornblith's CKA demo data (seed 1337) against the
 * pinned values, CLIP image vs caption embeddings against the pinned values and
 * numpy/scipy (mutual k-NN, per-row Jaccard, Procrustes retrieval and disparity,
 * relative representations), a random rotation recovered by Procrustes,
 * different widths through PCA, real word-vector pairs (GloVe 6B 300d vs GloVe
 * trained on the US Congressional Record; a count-based DSM vs GloVe 6B 100d) when the
 * project's shared data folder (../shared/data, not in the repository) holds them, and
 * misaligned files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gatherRows, Matrix, normalizeRows, rowSlice } from '../../src/engine/core/matrix';
import { matchedRetrieval } from '../../src/engine/analysis/pairs/rank';
import { Dataset, loadDataset } from '../../src/engine/data/dataset';
import { compareSpaces } from '../../src/engine/analysis/pairs/compare';
import { debiasedCka, linearCka } from '../../src/engine/analysis/pairs/cka';
import { jointMoments } from '../../src/engine/analysis/pairs/jointMoments';
import { orthogonalProcrustes } from '../../src/engine/analysis/pairs/procrustes';
import { InputError } from '../../src/engine/util/errors';
import { pythonSkipReason, runPython } from './helpers/python';
import { memoryDataset } from './helpers/dataset';
import { Rng } from '../../src/engine/util/random';
import { slow } from './helpers/tier';

const dataset = (m: Matrix, file: string, columns: Record<string, (string | number | null)[]> = {}): Dataset =>
  memoryDataset(m, file, columns, 'text');

const FIXTURE = path.resolve(__dirname, '../fixtures/clip_vitb16_coco500.npy');
const SHARED = path.resolve(__dirname, '../../../shared/data');
const py = pythonSkipReason();

function close(actual: number, expected: number, tol: number, what: string) {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);
}

function gaussian(n: number, d: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n * d }, () => rng.normal());
}

/** A random d×d orthogonal matrix: Gram–Schmidt on Gaussian columns. */
function randomRotation(d: number, seed: number): Float64Array {
  const G = gaussian(d, d, seed);
  const Q = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    const v = Array.from({ length: d }, (_, i) => G[i * d + c]);
    for (let p = 0; p < c; p++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += v[i] * Q[i * d + p];
      for (let i = 0; i < d; i++) v[i] -= s * Q[i * d + p];
    }
    const nrm = Math.hypot(...v);
    for (let i = 0; i < d; i++) Q[i * d + c] = v[i] / nrm;
  }
  return Q;
}

function matmul(A: Float64Array, n: number, k: number, B: Float64Array, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < k; t++) for (let j = 0; j < m; j++) out[i * m + j] += A[i * k + t] * B[t * m + j];
  return out;
}

const f32 = (a: Float64Array, rows: number, cols: number): Matrix => ({ rows, cols, data: Float32Array.from(a) });

test(
  'Kornblith CKA demo (seed 1337): linear 0.55761 and debiased 0.51346, as numpy',
  { skip: slow(py ?? false) },
  async () => {
    const ref = runPython('pairs_ref.py', {}, { task: 'cka_demo' });
    const X = f32(ref.arrays.X.data, 100, 10);
    const Y = f32(ref.arrays.Y.data, 100, 10);
    const jm = await jointMoments(X, Y);
    const lin = linearCka(jm);
    const deb = debiasedCka(jm, X, Y);
    // Reproduced reference values: Kornblith et al.'s notebook code run with numpy on its demo data.
    close(lin, 0.55761, 5e-6, 'linear CKA vs reference');
    close(deb, 0.51346, 5e-6, 'debiased CKA vs reference');
    // float32 inputs vs numpy's float64: agreement to float32 resolution.
    close(lin, ref.json.linear, 2e-6, 'linear CKA vs numpy');
    close(deb, ref.json.debiased, 2e-6, 'debiased CKA vs numpy');
    // The whole analysis reports the same numbers.
    const r = await compareSpaces(dataset(X, '/tmp/a.npy'), dataset(Y, '/tmp/b.npy'), { k: 5 });
    assert.equal(r.linearCka, lin);
    assert.equal(r.debiasedCka, deb);
  },
);

test(
  'CLIP images vs captions: mutual k-NN 0.2494, CKA 0.6362, Procrustes top-1 0.552 → 0.958, and numpy per row',
  { skip: slow() },
  async () => {
    const ds = await loadDataset({ path: FIXTURE });
    const img = dataset(rowSlice(ds.matrix, 0, 500), '/tmp/img.npy');
    const txt = dataset(rowSlice(ds.matrix, 500, 1000), '/tmp/txt.npy');
    const anchors = Array.from({ length: 50 }, (_, i) => i * 10 + 3);
    const r = await compareSpaces(img, txt, { k: 10, anchors });
    close(r.mutualKnn, 0.2494, 1e-12, 'mutual k-NN');
    close(r.linearCka, 0.6361957995966395, 2e-6, 'linear CKA');
    assert.equal(r.procrustes.alignment, 'orthogonal');
    assert.equal(r.procrustes.top1Before, 0.552);
    assert.equal(r.procrustes.top1After, 0.958);
    assert.equal(r.rows, 500);
    assert.equal(r.jaccard.length, 500);
    assert.equal(r.mapA.length, 1000);
    assert.equal(r.relative.anchors, 50);
    if (py) return;
    const ref = runPython(
      'pairs_ref.py',
      {
        X: { data: img.matrix.data, shape: [500, 512] },
        Y: { data: txt.matrix.data, shape: [500, 512] },
        anchors: { data: Int32Array.from(anchors), shape: [50] },
      },
      { task: 'compare', k: 10 },
    ).json;
    close(r.debiasedCka, ref.debiasedCka, 1e-5, 'debiased CKA vs Gram-matrix numpy');
    r.jaccard.forEach((j, i) => close(j, ref.jaccard[i], 1e-12, `Jaccard of row ${i}`));
    close(r.procrustes.residual, ref.residual, 1e-5, 'scipy.spatial.procrustes disparity');
    assert.equal(r.procrustes.meanRankBefore, ref.before.meanRank);
    assert.equal(r.procrustes.meanRankAfter, ref.after.meanRank);
    close(r.relative.meanCosine, ref.relMeanCosine, 1e-5, 'relative representations: mean cosine');
    assert.equal(r.relative.top1, ref.relTop1);
  },
);

test('Procrustes recovers a random rotation (and matches scipy with noise)', { skip: slow(py ?? false) }, async () => {
  const n = 400;
  const d = 24;
  const X = gaussian(n, d, 3);
  for (let i = 0; i < n; i++) X[i * d] += 5; // a non-zero mean, removed by centring
  const Q = randomRotation(d, 4);
  const Y = matmul(X, n, d, Q, d);
  const jm = await jointMoments(f32(X, n, d), f32(Y, n, d));
  const fit = await orthogonalProcrustes(jm.sxy, d);
  let err = 0;
  for (let t = 0; t < d * d; t++) err = Math.max(err, Math.abs(fit.R[t] - Q[t]));
  assert.ok(err < 1e-5, `R recovers the rotation (max |R − Q| = ${err})`);
  const exact = await compareSpaces(dataset(f32(X, n, d), '/tmp/x.npy'), dataset(f32(Y, n, d), '/tmp/y.npy'), { k: 5 });
  assert.equal(exact.procrustes.top1After, 1);
  assert.ok(exact.procrustes.residual < 1e-6, `disparity ${exact.procrustes.residual}`);
  close(exact.linearCka, 1, 1e-6, 'CKA is rotation invariant');
  close(exact.mutualKnn, 1, 0, 'a rotation keeps every neighbourhood (cosine around the origin: no shift here)');

  // With noise: R and the disparity equal scipy's.
  const noisy = Y.map((v, t) => v + 0.8 * gaussian(n, d, 5)[t]);
  const jm2 = await jointMoments(f32(X, n, d), f32(noisy, n, d));
  const fit2 = await orthogonalProcrustes(jm2.sxy, d);
  const ref = runPython(
    'pairs_ref.py',
    { X: { data: Float32Array.from(X), shape: [n, d] }, Y: { data: Float32Array.from(noisy), shape: [n, d] } },
    { task: 'procrustes' },
  );
  let err2 = 0;
  for (let t = 0; t < d * d; t++) err2 = Math.max(err2, Math.abs(fit2.R[t] - ref.arrays.R.data[t]));
  assert.ok(err2 < 1e-5, `R vs scipy.linalg.orthogonal_procrustes: max diff ${err2}`);
  const r = await compareSpaces(dataset(f32(X, n, d), '/tmp/x.npy'), dataset(f32(noisy, n, d), '/tmp/y.npy'), { k: 5 });
  close(r.procrustes.residual, ref.json.residual, 1e-5, 'disparity vs scipy.spatial.procrustes');
});

test(
  'different widths go through PCA to min(d_A, d_B) and match numpy/scikit-learn',
  { skip: slow(py ?? false) },
  async () => {
    const n = 300;
    const X = gaussian(n, 20, 8);
    const A = gaussian(20, 12, 9);
    const Y = matmul(X, n, 20, A, 12).map((v, t) => v + 0.5 * Math.sin(t));
    const anchors = [1, 5, 9, 40, 77, 120, 250];
    const r = await compareSpaces(dataset(f32(X, n, 20), '/tmp/x.npy'), dataset(f32(Y, n, 12), '/tmp/y.npy'), {
      k: 8,
      anchors,
    });
    assert.equal(r.procrustes.alignment, 'pca-orthogonal');
    assert.equal(r.procrustes.alignedDims, 12);
    assert.equal(r.procrustes.top1Before, null);
    const ref = runPython(
      'pairs_ref.py',
      {
        X: { data: Float32Array.from(X), shape: [n, 20] },
        Y: { data: Float32Array.from(Y), shape: [n, 12] },
        anchors: { data: Int32Array.from(anchors), shape: [anchors.length] },
      },
      { task: 'compare', k: 8 },
    ).json;
    close(r.linearCka, ref.linearCka, 1e-5, 'linear CKA');
    close(r.debiasedCka, ref.debiasedCka, 1e-5, 'debiased CKA');
    close(r.mutualKnn, ref.mutualKnn, 1e-12, 'mutual k-NN');
    close(r.procrustes.residual, ref.residual, 1e-5, 'disparity after PCA');
    assert.equal(r.procrustes.top1After, ref.after.top1);
    assert.equal(r.procrustes.meanRankAfter, ref.after.meanRank);
    close(r.relative.meanCosine, ref.relMeanCosine, 1e-5, 'relative representations');
  },
);

test('matched retrieval: ranks with exact ties and float32 near-ties equal a float64 brute force', async () => {
  const n = 400;
  const d = 16;
  const base = gaussian(n, d, 31);
  // Candidates: every 4th row duplicates the previous one (exact ties), every 5th is nudged by 1e-7 (near-ties).
  const C = Float32Array.from(base);
  for (let i = 1; i < n; i++) {
    if (i % 4 === 0) C.copyWithin(i * d, (i - 1) * d, i * d);
    else if (i % 5 === 0) for (let j = 0; j < d; j++) C[i * d + j] = C[(i - 1) * d + j] * (1 + 1e-7 * (j % 3));
  }
  const Q = Float32Array.from(C, (v, t) => v + 0.3 * Math.sin(t));
  const target = Int32Array.from({ length: n }, (_, i) => (i * 7) % n);
  const r = await matchedRetrieval({ rows: n, cols: d, data: Q }, { rows: n, cols: d, data: C }, target);
  const q = normalizeRows({ rows: n, cols: d, data: Q });
  const c = normalizeRows({ rows: n, cols: d, data: C });
  const dot = (i: number, j: number) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += q.data[i * d + t] * c.data[j * d + t];
    return s;
  };
  let nearTies = 0;
  for (let i = 0; i < n; i++) {
    const st = dot(i, target[i]);
    let rank = 1;
    for (let j = 0; j < n; j++) {
      if (j === target[i]) continue;
      const v = dot(i, j);
      if (v > st) rank++;
      if (Math.abs(v - st) < 1e-5) nearTies++;
    }
    assert.equal(r.ranks[i], rank, `query ${i}`);
  }
  assert.ok(nearTies > 50, `the data has near-ties to settle (${nearTies})`);
});

test('misaligned files: different row counts or a disagreeing id column are InputErrors naming the file', async () => {
  const X = f32(gaussian(30, 4, 1), 30, 4);
  const Y = f32(gaussian(30, 4, 2), 30, 4);
  const a = dataset(X, '/tmp/model-a.npy', { word: Array.from({ length: 30 }, (_, i) => `w${i}`) });
  const short = dataset(
    gatherRows(
      Y,
      Array.from({ length: 29 }, (_, i) => i),
    ),
    '/tmp/model-b.npy',
  );
  await assert.rejects(
    compareSpaces(a, short),
    (e: unknown) => e instanceof InputError && /model-b\.npy: has 29 rows but model-a\.npy has 30/.test(e.message),
  );
  const words = Array.from({ length: 30 }, (_, i) => `w${i}`);
  [words[7], words[8]] = [words[8], words[7]];
  const swapped = dataset(Y, '/tmp/model-b.npy', { word: words });
  await assert.rejects(
    compareSpaces(a, swapped),
    (e: unknown) => e instanceof InputError && /row 7 has word 'w8' but row 7 of model-a\.npy has 'w7'/.test(e.message),
  );
  // With the id column in agreement it runs and says which column it checked.
  const ok = await compareSpaces(
    a,
    dataset(Y, '/tmp/model-b.npy', { word: Array.from({ length: 30 }, (_, i) => `w${i}`) }),
    { k: 3 },
  );
  assert.equal(ok.idColumn, 'word');
  await assert.rejects(
    compareSpaces(a, dataset(Y, '/tmp/b.npy'), { k: 40 }),
    (e: unknown) => e instanceof InputError && /comparing needs at least 41/.test(e.message),
  );
  // A NaN row in one file is left out of both.
  const Yn = { ...Y, data: Y.data.slice() };
  Yn.data[4 * 4 + 1] = NaN;
  const r = await compareSpaces(dataset(X, '/tmp/a.npy'), dataset(Yn, '/tmp/b.npy'), { k: 3 });
  assert.equal(r.usedRows, 29);
  assert.ok(Number.isNaN(r.jaccard[4]));
});

for (const [name, same] of [
  ['pair_glove6b300_vs_congress300', true],
  ['pair_dsm50_vs_glove6b100', false],
] as const) {
  const dir = path.join(SHARED, name);
  const skip = !fs.existsSync(path.join(dir, 'X.npy'))
    ? `${dir} is absent (shared real data sets are not in a fresh clone)`
    : py;
  test(`real model pair ${name}: matches numpy/scipy`, { skip: slow(skip ?? false) }, async () => {
    const a = await loadDataset({ path: path.join(dir, 'X.npy'), metaPath: path.join(dir, 'meta.tsv') });
    const b = await loadDataset({ path: path.join(dir, 'Y.npy'), metaPath: path.join(dir, 'meta.tsv') });
    const r = await compareSpaces(a, b, { k: 10, anchors: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90] });
    assert.equal(r.idColumn, 'word');
    assert.equal(r.procrustes.alignment, same ? 'orthogonal' : 'pca-orthogonal');
    const ref = runPython(
      'pairs_ref.py',
      {
        X: { data: a.matrix.data, shape: [a.matrix.rows, a.matrix.cols] },
        Y: { data: b.matrix.data, shape: [b.matrix.rows, b.matrix.cols] },
        anchors: { data: Int32Array.from([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]), shape: [10] },
      },
      { task: 'compare', k: 10 },
    ).json;
    close(r.linearCka, ref.linearCka, 1e-5, 'linear CKA');
    close(r.debiasedCka, ref.debiasedCka, 1e-5, 'debiased CKA');
    close(r.mutualKnn, ref.mutualKnn, 2e-3, 'mutual k-NN (float32 near-ties may swap a neighbour)');
    close(r.procrustes.residual, ref.residual, 1e-4, 'disparity');
    close(r.procrustes.top1After, ref.after.top1, 2e-3, 'top-1 after');
    if (same) close(r.procrustes.top1Before!, ref.before.top1, 1e-12, 'top-1 before');
  });
}
