/**
 * Engine kernels against numpy/scipy/scikit-learn on the same data
 * (test/reference/kernels_ref.py, Debian /usr/bin/python3):
 * eigen-solvers, exact k-NN, moments, PCA, and cancellation of a long k-NN graph.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Matrix, rowSlice } from '../../src/engine/core/matrix';
import { readNpy } from '../../src/engine/io/npy';
import { eigh, eigvalsh, eigvalshAsync, topEigenvectors, TWO_STAGE_BAND } from '../../src/engine/kernels/eigen';
import { knnGraph, knnSearch, prepareCorpus, KnnResult } from '../../src/engine/kernels/knn';
import { computeMoments, covariance, MomentAccumulator, rawGram } from '../../src/engine/kernels/moments';
import { fitPca } from '../../src/engine/kernels/pca';
import { CancelledError } from '../../src/engine/util/errors';
import type { Metric } from '../../src/shared/protocol/common';
import { Rng } from '../../src/engine/util/random';
import { pythonSkipReason, runPython } from './helpers/python';
import { gloveSkipReason, loadGlove } from './helpers/glove';
import { slow } from './helpers/tier';

const PY = pythonSkipReason();
const GLOVE = gloveSkipReason();
const FIXTURES = path.resolve(__dirname, '../fixtures');
const clip = (): Matrix => readNpy(path.join(FIXTURES, 'clip_vitb16_coco500.npy')).matrix;

// ---------- helpers ----------

/** Clustered Gaussian rows (float32): c centres, per-dimension scales decaying so the spectrum is not flat. */
function clustered(n: number, d: number, c: number, seed: number): Matrix {
  const r = new Rng(seed);
  const centres = Array.from({ length: c }, () => Float64Array.from({ length: d }, () => 3 * r.normal()));
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const ce = centres[i % c];
    for (let j = 0; j < d; j++) data[i * d + j] = ce[j] + r.normal() / (1 + j / 32);
  }
  return { rows: n, cols: d, data };
}

/**
 * A = Q·diag(λ)·Qᵀ with Q a product of random Householder reflectors: a dense
 * symmetric matrix whose spectrum we choose (degenerate, clustered, zeros).
 */
function withSpectrum(lambda: number[], seed: number, reflectors = 6): Float64Array {
  const d = lambda.length;
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) A[i * d + i] = lambda[i];
  const r = new Rng(seed);
  const v = new Float64Array(d);
  const p = new Float64Array(d);
  for (let h = 0; h < reflectors; h++) {
    let nv = 0;
    for (let i = 0; i < d; i++) nv += (v[i] = r.normal()) ** 2;
    const s = 1 / Math.sqrt(nv);
    for (let i = 0; i < d; i++) v[i] *= s;
    // A ← (I − 2vvᵀ) A (I − 2vvᵀ) = A − 2vqᵀ − 2qvᵀ with p = A v, q = p − (vᵀp) v.
    p.fill(0);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) p[i] += A[i * d + j] * v[j];
    let vp = 0;
    for (let i = 0; i < d; i++) vp += v[i] * p[i];
    for (let i = 0; i < d; i++) p[i] -= vp * v[i];
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) A[i * d + j] -= 2 * (v[i] * p[j] + p[i] * v[j]);
  }
  for (let i = 0; i < d; i++)
    for (let j = 0; j < i; j++) A[i * d + j] = A[j * d + i] = 0.5 * (A[i * d + j] + A[j * d + i]);
  return A;
}

/** XᵀX in float64 (test-side, independent of moments.ts). */
function gram64(X: Matrix): Float64Array {
  const { rows: n, cols: d, data } = X;
  const G = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = data[i * d + j];
    for (let a = 0; a < d; a++) {
      const xa = row[a];
      const o = a * d;
      for (let b = a; b < d; b++) G[o + b] += xa * row[b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) G[a * d + b] = G[b * d + a];
  return G;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const f64 = (a: Float64Array, shape: number[]) => ({ data: a, shape });
const f32 = (m: Matrix) => ({ data: m.data, shape: [m.rows, m.cols] });

/** Our eigenvalues against numpy's eigvalsh of the same matrix: max error relative to the largest |λ|. */
function eigvalError(ours: Float64Array, A: Float64Array, d: number): number {
  const ref = runPython('kernels_ref.py', { A: f64(A, [d, d]) }, { op: 'eigvalsh' }).arrays.values.data;
  const scale = Math.max(Math.abs(ref[0]), Math.abs(ref[d - 1]));
  return maxAbsDiff(ours, ref) / scale;
}

// ---------- eigen-solvers ----------

describe('eigenvalues vs numpy eigvalsh (1e-6 relative to the largest)', { skip: slow(PY ?? undefined) }, () => {
  test('d = 100: covariance of GloVe 2k (real data), one- and two-stage', { skip: GLOVE ?? undefined }, async () => {
    const X = loadGlove(2000).matrix;
    const C = covariance(await computeMoments(X));
    assert.ok(eigvalError(eigvalsh(C, 100), C, 100) < 1e-6);
    assert.ok(eigvalError(await eigvalshAsync(C, 100), C, 100) < 1e-6);
  });

  test('d = 768: rank-deficient Gram (300 rows), two-stage and one-stage', async () => {
    const X = clustered(300, 768, 7, 11);
    const G = gram64(X);
    const two = await eigvalshAsync(G, 768);
    assert.ok(eigvalError(two, G, 768) < 1e-6);
    assert.ok(eigvalError(eigvalsh(G, 768), G, 768) < 1e-6);
    // 468 zero eigenvalues come out at rounding level, not as spurious values.
    for (let i = 300; i < 768; i++) assert.ok(Math.abs(two[i]) < 1e-9 * two[0], `λ${i} = ${two[i]}`);
  });

  test('d = 770 (not a multiple of the band): degenerate and clustered spectrum', async () => {
    assert.notEqual(770 % TWO_STAGE_BAND, 0);
    const lambda: number[] = [];
    for (let i = 0; i < 770; i++) {
      if (i < 5)
        lambda.push(50); // 5-fold degenerate top
      else if (i < 200)
        lambda.push(1 + 1e-9 * i); // a tight cluster
      else if (i < 400)
        lambda.push(0); // rank-deficient
      else lambda.push(Math.exp(-(i - 400) / 40)); // decaying tail
    }
    const A = withSpectrum(lambda, 5);
    const two = await eigvalshAsync(A, 770);
    assert.ok(eigvalError(two, A, 770) < 1e-6);
    assert.ok(eigvalError(eigvalsh(A, 770), A, 770) < 1e-6);
    // and against the spectrum we built
    const exact = Float64Array.from(lambda).sort().reverse();
    assert.ok(maxAbsDiff(two, exact) < 1e-9 * 50);
  });

  test('d = 1537: two-stage solver on a Gram with a wide spectrum; the input is kept unless it may be overwritten', async () => {
    const d = 1537;
    const lambda = Array.from({ length: d }, (_, i) => 1e3 * Math.exp(-i / 60) + (i % 97 === 0 ? 5 : 0));
    const A = withSpectrum(lambda, 9, 4);
    const copy = Float64Array.from(A);
    const two = await eigvalshAsync(A, d);
    assert.ok(eigvalError(two, A, d) < 1e-6);
    assert.deepEqual(A, copy, 'A is not modified');
    // In place (the trailing matrices written over A): the same eigenvalues, bit for bit.
    const inPlace = await eigvalshAsync(A, d, { overwrite: true });
    assert.deepEqual(inPlace, two);
    assert.notDeepEqual(A, copy, 'A served as the work buffer');
  });

  test('d = 3072: two-stage solver, several super-blocks, trailing updates split over runs', async () => {
    const d = 3072;
    // A Gram-like spectrum: decaying, a few spikes, and a null space.
    const lambda = Array.from({ length: d }, (_, i) =>
      i >= 2900 ? 0 : 1e4 * Math.exp(-i / 150) + (i % 131 === 0 ? 20 : 0),
    );
    const A = withSpectrum(lambda, 21, 3);
    const two = await eigvalshAsync(A, d);
    assert.ok(eigvalError(two, A, d) < 1e-6);
    const exact = Float64Array.from(lambda).sort().reverse();
    assert.ok(maxAbsDiff(two, exact) < 1e-9 * 1e4);
  });

  test('tiny and trivial sizes', () => {
    assert.deepEqual(Array.from(eigvalsh(new Float64Array(0), 0)), []);
    assert.deepEqual(Array.from(eigvalsh(Float64Array.of(3), 1)), [3]);
    const v = eigvalsh(Float64Array.of(2, 1, 1, 2), 2);
    assert.ok(Math.abs(v[0] - 3) < 1e-15 && Math.abs(v[1] - 1) < 1e-15);
  });
});

describe('eigenvectors vs numpy eigh', { skip: slow(PY ?? undefined) }, () => {
  test('eigh: all values and top vectors, GloVe covariance', { skip: GLOVE ?? undefined }, async () => {
    const C = covariance(await computeMoments(loadGlove(2000).matrix));
    const e = eigh(C, 100, 10);
    const ref = runPython('kernels_ref.py', { A: f64(C, [100, 100]) }, { op: 'eigh', m: 10 }).arrays;
    assert.ok(maxAbsDiff(e.values, ref.values.data) < 1e-10 * ref.values.data[0]);
    for (let r = 0; r < 10; r++) {
      let dot = 0;
      for (let j = 0; j < 100; j++) dot += e.vectors[r * 100 + j] * ref.vectors.data[r * 100 + j];
      assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-8, `vector ${r}: |cos| = ${Math.abs(dot)}`);
    }
  });

  async function checkTop(A: Float64Array, d: number, m: number, gapped: number[]) {
    const values = await eigvalshAsync(A, d);
    checkTopWith(A, d, m, gapped, await topEigenvectors(A, d, m, { values }));
    // PSD route without the spectrum: steered by its own Ritz values; returns the top m values.
    const psd = await topEigenvectors(A, d, m, { psd: true });
    assert.equal(psd.values.length, m);
    assert.ok(maxAbsDiff(psd.values, values.subarray(0, m)) < 1e-9 * values[0]);
    checkTopWith(A, d, m, gapped, psd);
  }

  function checkTopWith(
    A: Float64Array,
    d: number,
    m: number,
    gapped: number[],
    top: Awaited<ReturnType<typeof topEigenvectors>>,
  ) {
    assert.equal(top.m, m);
    const ref = runPython('kernels_ref.py', { A: f64(A, [d, d]), V: f64(top.vectors, [m, d]) }, { op: 'subspace' });
    assert.ok(ref.json.max_angle < 1e-4, `max subspace angle ${ref.json.max_angle}`);
    for (const r of gapped)
      assert.ok(ref.arrays.cos.data[r] > 1 - 1e-8, `vector ${r}: |cos| = ${ref.arrays.cos.data[r]}`);
    for (let r = 0; r < m; r++) {
      let nrm = 0;
      for (let j = 0; j < d; j++) nrm += top.vectors[r * d + j] ** 2;
      assert.ok(Math.abs(nrm - 1) < 1e-10);
    }
  }

  test('topEigenvectors: GloVe covariance, m = 5', { skip: GLOVE ?? undefined }, async () => {
    const C = covariance(await computeMoments(loadGlove(2000).matrix));
    await checkTop(C, 100, 5, [0, 1]);
  });

  test('topEigenvectors: CLIP covariance (d = 512), m = 3 and m = 50', async () => {
    const C = covariance(await computeMoments(clip()));
    await checkTop(C, 512, 3, [0, 1]);
    await checkTop(C, 512, 50, [0]);
  });

  test('topEigenvectors: degenerate top eigenvalue inside the wanted subspace (d = 400)', async () => {
    const lambda = Array.from({ length: 400 }, (_, i) => (i < 3 ? 10 : i === 3 ? 7 : 5 * Math.exp(-i / 30)));
    const A = withSpectrum(lambda, 21);
    await checkTop(A, 400, 4, [3]); // vectors 0..2 span a 3-fold eigenspace: only the subspace is defined
  });
});

// ---------- k-NN ----------

/**
 * Ours vs the float64 reference: identical neighbour lists except where the reference
 * has an exact tie at that position; scores within 1e-5 relative.
 */
function assertSameKnn(ours: KnnResult, refIdx: Float64Array, refSc: Float64Array, label: string): void {
  const { k, indices, scores } = ours;
  assert.equal(indices.length, refIdx.length);
  let ties = 0;
  for (let p = 0; p < indices.length; p++) {
    const ri = refIdx[p];
    const rs = refSc[p];
    if (ri < 0) {
      assert.equal(indices[p], -1, `${label}: row ${Math.floor(p / k)} pos ${p % k} should be empty`);
      continue;
    }
    const tol = 1e-5 * Math.max(Math.abs(rs), 1e-6);
    assert.ok(
      Math.abs(scores[p] - rs) <= tol,
      `${label}: row ${Math.floor(p / k)} pos ${p % k}: score ${scores[p]} vs ${rs}`,
    );
    if (indices[p] !== ri) {
      // Allowed only for an exact tie (same score to float64 rounding).
      assert.ok(
        Math.abs(scores[p] - rs) <= 1e-12 * Math.max(1, Math.abs(rs)),
        `${label}: row ${Math.floor(p / k)} pos ${p % k}: ${indices[p]} vs ${ri}`,
      );
      ties++;
    }
  }
  assert.ok(ties <= indices.length * 0.001, `${label}: ${ties} tie swaps`);
}

describe('k-NN vs numpy (exact float64)', { skip: slow(PY ?? GLOVE ?? undefined) }, () => {
  const K = 10;
  let X: Matrix;
  const DUP = 7; // rows 2000 and 2001 are exact copies of row 7
  before(() => {
    const g = loadGlove(2000).matrix;
    const d = g.cols;
    const data = new Float32Array((g.rows + 4) * d);
    data.set(g.data);
    data.set(g.data.subarray(DUP * d, DUP * d + d), 2000 * d);
    data.set(g.data.subarray(DUP * d, DUP * d + d), 2001 * d);
    // row 2002: all zeros; row 2003: one NaN
    data.set(g.data.subarray(11 * d, 11 * d + d), 2003 * d);
    data[2003 * d + 5] = NaN;
    X = { rows: 2004, cols: d, data };
  });

  for (const metric of ['cosine', 'dot', 'euclidean'] as Metric[]) {
    test(`knnGraph on GloVe 2k + duplicates + zero + NaN rows, ${metric}`, async () => {
      const ours = await knnGraph(prepareCorpus(X, metric), { k: K });
      const ref = runPython('kernels_ref.py', { X: f32(X) }, { op: 'knn', metric, k: K, exclude_self: true }).arrays;
      assertSameKnn(ours, ref.indices.data, ref.scores.data, `glove ${metric}`);
      const row = (i: number) => Array.from(ours.indices.subarray(i * K, i * K + K));
      for (let i = 0; i < X.rows; i++) assert.ok(!row(i).includes(i), `row ${i} lists itself`);
      // NaN row: no neighbours and never a neighbour; zero row likewise under cosine.
      assert.deepEqual(row(2003), new Array(K).fill(-1));
      for (let i = 0; i < X.rows; i++) assert.ok(!row(i).includes(2003));
      if (metric === 'cosine') {
        assert.deepEqual(row(2002), new Array(K).fill(-1));
        for (let i = 0; i < X.rows; i++) assert.ok(!row(i).includes(2002));
      }
      // Exact duplicates: tied, so ordered by the lower row index wherever they appear.
      if (metric !== 'dot') {
        assert.deepEqual(row(DUP).slice(0, 2), [2000, 2001]);
        assert.deepEqual(row(2000).slice(0, 2), [DUP, 2001]);
        assert.deepEqual(row(2001).slice(0, 2), [DUP, 2000]);
      }
      for (let i = 0; i < X.rows; i++) {
        // (the zero row under dot ties with every row, so its list is simply 0, 1, 2, …)
        if (i === DUP || i === 2000 || i === 2001 || i === 2002) continue;
        const r = row(i);
        const at = r.indexOf(DUP);
        if (at >= 0 && at + 2 < K) assert.deepEqual(r.slice(at, at + 3), [DUP, 2000, 2001], `row ${i}`);
      }
    });
  }

  for (const metric of ['cosine', 'dot', 'euclidean'] as Metric[]) {
    test(`knnSearch: CLIP images as queries against captions, ${metric}`, async () => {
      const C = clip();
      const d = C.cols;
      const images: Matrix = { rows: 500, cols: d, data: C.data.slice(0, 500 * d) };
      const captions: Matrix = { rows: 500, cols: d, data: C.data.slice(500 * d) };
      const ours = await knnSearch(prepareCorpus(captions, metric), images, { k: K });
      const ref = runPython(
        'kernels_ref.py',
        { X: f32(captions), Q: f32(images) },
        { op: 'knn', metric, k: K, queries: true, exclude_self: false },
      ).arrays;
      assertSameKnn(ours, ref.indices.data, ref.scores.data, `clip ${metric}`);
    });
  }

  test('knnGraph euclidean on CLIP rows shifted by +20 (far from the origin: float32 cancellation)', async () => {
    const C = clip();
    const X: Matrix = { rows: C.rows, cols: C.cols, data: C.data.map((v) => v + 20) };
    const ours = await knnGraph(prepareCorpus(X, 'euclidean'), { k: K });
    const ref = runPython(
      'kernels_ref.py',
      { X: f32(X) },
      { op: 'knn', metric: 'euclidean', k: K, exclude_self: true },
    ).arrays;
    assertSameKnn(ours, ref.indices.data, ref.scores.data, 'clip+20 euclidean');
    // and a separate query batch against that corpus
    const Q: Matrix = {
      rows: 50,
      cols: C.cols,
      data: X.data.slice(0, 50 * C.cols).map((v, i) => v + 0.01 * Math.sin(i)),
    };
    const q = await knnSearch(prepareCorpus(X, 'euclidean'), Q, { k: K });
    const rq = runPython(
      'kernels_ref.py',
      { X: f32(X), Q: f32(Q) },
      { op: 'knn', metric: 'euclidean', k: K, queries: true, exclude_self: false },
    ).arrays;
    assertSameKnn(q, rq.indices.data, rq.scores.data, 'clip+20 euclidean queries');
  });

  test('knnGraph on all 1000 CLIP rows (cosine), k larger than a small corpus pads with −1', async () => {
    const C = clip();
    const ours = await knnGraph(prepareCorpus(C, 'cosine'), { k: K });
    const ref = runPython(
      'kernels_ref.py',
      { X: f32(C) },
      { op: 'knn', metric: 'cosine', k: K, exclude_self: true },
    ).arrays;
    assertSameKnn(ours, ref.indices.data, ref.scores.data, 'clip graph');
    const small: Matrix = { rows: 4, cols: C.cols, data: C.data.slice(0, 4 * C.cols) };
    const g = await knnGraph(prepareCorpus(small, 'cosine'), { k: 5 });
    for (let i = 0; i < 4; i++) {
      const r = Array.from(g.indices.subarray(i * 5, i * 5 + 5));
      assert.deepEqual(r.slice(3), [-1, -1]);
      assert.ok(Number.isNaN(g.scores[i * 5 + 4]));
    }
  });
});

// ---------- moments ----------

describe('moments vs numpy (bound stated in moments.ts)', { skip: slow(PY ?? undefined) }, () => {
  async function check(X: Matrix, label: string, chunk?: number) {
    let mom = await computeMoments(X);
    if (chunk) {
      // Streamed in uneven row blocks (as a file read block by block would be).
      const acc = new MomentAccumulator(X.cols);
      for (let r = 0; r < X.rows; r += chunk) await acc.add(rowSlice(X, r, Math.min(X.rows, r + chunk)));
      mom = acc.result();
    }
    const ref = runPython('kernels_ref.py', { X: f32(X) }, { op: 'moments' }).arrays;
    const d = X.cols;
    const C = covariance(mom);
    const G = rawGram(mom);
    const rc = ref.cov.data;
    const rg = ref.gram.data;
    for (let j = 0; j < d; j++) {
      const sd = Math.sqrt(rc[j * d + j]);
      assert.ok(
        Math.abs(mom.mean[j] - ref.mean.data[j]) <= 1e-9 * (Math.abs(ref.mean.data[j]) + sd),
        `${label}: mean ${j}`,
      );
    }
    let worstC = 0;
    let worstG = 0;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        worstC = Math.max(worstC, Math.abs(C[i * d + j] - rc[i * d + j]) / Math.sqrt(rc[i * d + i] * rc[j * d + j]));
        worstG = Math.max(worstG, Math.abs(G[i * d + j] - rg[i * d + j]) / Math.sqrt(rg[i * d + i] * rg[j * d + j]));
      }
    }
    // |ΔC_ij| ≤ 1e-5·√(C_ii·C_jj) and the same for XᵀX: see moments.ts.
    assert.ok(worstC < 1e-5, `${label}: covariance error ${worstC}`);
    assert.ok(worstG < 1e-5, `${label}: Gram error ${worstG}`);
    return mom;
  }

  test('GloVe 2k with a NaN row (skipped and counted)', { skip: GLOVE ?? undefined }, async () => {
    const g = loadGlove(2000).matrix;
    const data = new Float32Array(2001 * 100);
    data.set(g.data);
    data.set(g.data.subarray(0, 100), 2000 * 100);
    data[2000 * 100 + 3] = Infinity;
    const mom = await check({ rows: 2001, cols: 100, data }, 'glove');
    assert.equal(mom.n, 2000);
    assert.equal(mom.skipped, 1);
  });

  test('CLIP rows shifted by +20 in every dimension (cancellation-prone mean), 20k rows in several blocks, whole and streamed', async () => {
    const C = clip();
    const d = C.cols;
    const n = 20000; // > one block of 8192 rows at d = 512
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) data[i * d + j] = C.data[(i % 1000) * d + j] * (1 + (i % 7) / 10) + 20;
    await check({ rows: n, cols: d, data }, 'clip+20');
    await check({ rows: n, cols: d, data }, 'clip+20 streamed', 3001);
  });

  test('d = 770 (uneven Gram panels, upper block triangle mirrored): CLIP features widened, NaN rows in some blocks', async () => {
    const C = clip();
    const d = 770; // 4 panels of 193, 193, 193, 191 columns
    const n = 12000; // two blocks at d = 770, each hit by a NaN row once streamed in pieces of 2500
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const r = (i * 7) % 1000;
      for (let j = 0; j < 512; j++) data[i * d + j] = C.data[r * 512 + j] + 5;
      for (let j = 512; j < d; j++) data[i * d + j] = 0.5 * C.data[((r + 1) % 1000) * 512 + (j - 512)] - 3;
    }
    data[4000 * d + 700] = NaN;
    data[11000 * d + 3] = -Infinity;
    for (const [mom, label] of [
      [await check({ rows: n, cols: d, data }, 'clip 770'), 'whole'],
      [await check({ rows: n, cols: d, data }, 'clip 770 streamed', 2500), 'streamed'],
    ] as const) {
      assert.equal(mom.skipped, 2);
      // S2 is exposed as a full d×d matrix: the lower triangle must be the mirrored upper one.
      let asym = 0;
      for (let i = 0; i < d; i++)
        for (let j = 0; j < i; j++) asym = Math.max(asym, Math.abs(mom.s2[i * d + j] - mom.s2[j * d + i]));
      assert.equal(asym, 0, `${label}: S2 not symmetric`);
    }
  });
});

// ---------- PCA ----------

describe('PCA vs scikit-learn PCA(svd_solver="full")', { skip: slow(PY ?? undefined) }, () => {
  async function check(X: Matrix, m: number, gapped: number[], label: string) {
    const pca = await fitPca(X, m);
    assert.equal(pca.m, m);
    const ref = runPython(
      'kernels_ref.py',
      { X: f32(X), components: f64(pca.components, [m, X.cols]) },
      { op: 'pca_angles' },
    );
    assert.ok(ref.json.max_angle < 1e-4, `${label}: max principal angle ${ref.json.max_angle}`);
    for (const r of gapped)
      assert.ok(
        ref.arrays.component_cos.data[r] > 1 - 1e-8,
        `${label}: component ${r} |cos| ${ref.arrays.component_cos.data[r]}`,
      );
    const ev = ref.arrays.explained_variance.data;
    assert.ok(maxAbsDiff(pca.explainedVariance, ev) < 1e-5 * ev[0], `${label}: explained variance`);
    const lam = ref.arrays.eigenvalues.data;
    for (let i = 0; i < X.cols; i++)
      assert.ok(Math.abs(pca.eigenvalues[i] - Math.max(0, lam[i])) < 1e-5 * lam[0], `${label}: eigenvalue ${i}`);
    assert.ok(maxAbsDiff(pca.mean, ref.arrays.mean.data) < 1e-7 * (ref.json.mean_max_abs + 1), `${label}: mean`);
    // svd_flip convention: each component's largest |loading| is positive.
    for (let r = 0; r < m; r++) {
      let best = 0;
      for (let j = 0; j < X.cols; j++)
        if (Math.abs(pca.components[r * X.cols + j]) > Math.abs(pca.components[r * X.cols + best])) best = j;
      assert.ok(pca.components[r * X.cols + best] > 0);
    }
  }

  test('n ≥ d: GloVe 2000×100, 10 components', { skip: GLOVE ?? undefined }, async () => {
    await check(loadGlove(2000).matrix, 10, [0, 1], 'glove');
  });

  test('n ≥ d: CLIP 1000×512, 2 and 50 components', async () => {
    await check(clip(), 2, [0, 1], 'clip m=2');
    await check(clip(), 50, [0], 'clip m=50');
  });

  test('n < d (dual, n×n Gram): CLIP images 300×512 and 64×512, 5 components', async () => {
    const C = clip();
    await check({ rows: 300, cols: 512, data: C.data.slice(0, 300 * 512) }, 5, [0], 'clip 300');
    await check({ rows: 64, cols: 512, data: C.data.slice(500 * 512, 564 * 512) }, 5, [0], 'clip 64');
  });
});

describe('degenerate input', () => {
  test('eigen-solvers reject NaN/Inf entries with a RangeError instead of hanging', async () => {
    const A = Float64Array.of(1, 0, 0, NaN);
    assert.throws(() => eigvalsh(A, 2), RangeError);
    assert.throws(() => eigh(A, 2), RangeError);
    await assert.rejects(eigvalshAsync(A, 2), RangeError);
    const B = new Float64Array(100 * 100);
    B[5] = Infinity;
    await assert.rejects(topEigenvectors(B, 100, 2), RangeError);
  });

  test('PCA of rows that are all NaN, all equal, or a single row: zero variance, no crash', async () => {
    for (const [n, d, fill] of [
      [4, 8, NaN],
      [300, 100, NaN],
      [50, 100, 1],
      [1, 100, 2],
    ] as const) {
      const X: Matrix = { rows: n, cols: d, data: new Float32Array(n * d).fill(fill) };
      const pca = await fitPca(X, 2);
      assert.deepEqual(Array.from(pca.explainedVariance), [0, 0]);
      assert.equal(pca.totalVariance, 0);
      for (const v of pca.components) assert.ok(Number.isFinite(v));
    }
  });
});

// ---------- cancellation ----------

describe('cancellation', { skip: slow() }, () => {
  test('knnGraph on 60k×256 stops within 1 s of the token flipping; the next call works', async () => {
    const X = clustered(60000, 256, 50, 3);
    const corpus = prepareCorpus(X, 'cosine');
    const token = { isCancellationRequested: false };
    let flippedAt = 0;
    let progressed = 0;
    const job = knnGraph(corpus, {
      k: 10,
      token,
      progress: (f) => {
        progressed = f;
      },
    });
    const timer = setTimeout(() => {
      token.isCancellationRequested = true;
      flippedAt = performance.now();
    }, 1500);
    await assert.rejects(job, CancelledError);
    const lag = performance.now() - flippedAt;
    clearTimeout(timer);
    assert.ok(flippedAt > 0, 'finished before the token flipped');
    assert.ok(progressed < 1);
    assert.ok(lag < 1000, `stopped ${lag.toFixed(0)} ms after the flip`);
    // The engine is still usable: a query against the same corpus is exact.
    const q: Matrix = { rows: 1, cols: 256, data: X.data.slice(123 * 256, 124 * 256) };
    const res = await knnSearch(corpus, q, { k: 3 });
    assert.equal(res.indices[0], 123);
    assert.ok(Math.abs(res.scores[0] - 1) < 1e-12);
  });
  test('eigvalshAsync at d = 1537 stops within 1 s of the token flipping (band reduction and bulge chasing yield)', async () => {
    const d = 1537;
    const A = withSpectrum(
      Array.from({ length: d }, (_, i) => Math.exp(-i / 100)),
      4,
      3,
    );
    for (const delay of [150, 900]) {
      const token = { isCancellationRequested: false };
      let flippedAt = 0;
      const timer = setTimeout(() => {
        token.isCancellationRequested = true;
        flippedAt = performance.now();
      }, delay);
      const job = eigvalshAsync(A, d, { token });
      const settled = await job.then(
        () => 'done',
        (e) => e,
      );
      clearTimeout(timer);
      if (settled === 'done') continue; // finished before the flip on a fast machine
      assert.ok(settled instanceof CancelledError, String(settled));
      const lag = performance.now() - flippedAt;
      assert.ok(lag < 1000, `stopped ${lag.toFixed(0)} ms after the flip (delay ${delay} ms)`);
    }
  });
});
