/**
 * Neural collapse (src/engine/analysis/pairs/collapse.ts) against numpy /
 * scikit-learn on the same data (test/reference/pairs_ref.py: NC1 with
 * np.linalg.pinv, equinorm, equiangularity, NCM and k-NN accuracy, NC3/NC4 with
 * weights): class-structured synthetic data (unequal classes, a class with one
 * row, C > d, collapse as noise → 0), the CIFAR-10 penultimate features of a
 * trained ResNet-56 (public weights on the CIFAR-10 images, computed for the
 * project's shared data folder ../shared/data, which is not in the repository:
 * skipped without it), and bad inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gatherRows, Matrix } from '../../src/engine/core/matrix';
import { Dataset, loadDataset } from '../../src/engine/data/dataset';
import { encodeNpy } from '../../src/engine/io/npy';
import { neuralCollapse } from '../../src/engine/analysis/pairs/collapse';
import { loadClassifier } from '../../src/engine/analysis/pairs/classifier';
import { InputError } from '../../src/engine/util/errors';
import { pythonSkipReason, runPython } from './helpers/python';
import { memoryDataset } from './helpers/dataset';
import { Rng } from '../../src/engine/util/random';
import { slow } from './helpers/tier';

const SHARED = path.resolve(__dirname, '../../../shared/data');
const CIFAR = path.join(SHARED, 'cifar10_resnet56_penultimate');
const py = pythonSkipReason();

const dataset = (m: Matrix, labels: (string | number | null)[]): Dataset =>
  memoryDataset(m, '/tmp/collapse-test.npy', { label: labels });

function close(actual: number, expected: number, tol: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected} (tolerance ${tol})`,
  );
}

/** Rows around C random class means with noise `sigma`; class c gets sizes[c] rows. */
function classes(sizes: number[], d: number, sigma: number, seed: number): { X: Matrix; y: Int32Array } {
  const rng = new Rng(seed);
  const means = sizes.map(() => Array.from({ length: d }, () => 3 * rng.normal()));
  const n = sizes.reduce((a, b) => a + b, 0);
  const data = new Float32Array(n * d);
  const y = new Int32Array(n);
  let i = 0;
  // Interleave classes so no code path can rely on class-major order.
  const left = [...sizes];
  while (i < n) {
    for (let c = 0; c < sizes.length; c++) {
      if (!left[c]) continue;
      left[c]--;
      y[i] = c;
      for (let j = 0; j < d; j++) data[i * d + j] = means[c][j] + sigma * rng.normal() + 1.5;
      i++;
    }
  }
  return { X: { rows: n, cols: d, data }, y };
}

function reference(
  X: Matrix,
  y: Int32Array,
  k: number,
  W?: { data: Float32Array; shape: number[] },
  bias?: Float32Array,
) {
  const arrays: Parameters<typeof runPython>[1] = {
    X: { data: X.data, shape: [X.rows, X.cols] },
    y: { data: y, shape: [y.length] },
  };
  if (W) arrays.W = W;
  if (bias) arrays.bias = { data: bias, shape: [bias.length] };
  return runPython('pairs_ref.py', arrays, { task: 'collapse', k }).json;
}

function assertMatches(r: Awaited<ReturnType<typeof neuralCollapse>>, ref: any, tol = 1e-5) {
  close(r.nc1, ref.nc1, tol, 'NC1');
  close(r.withinBetweenRatio, ref.withinBetweenRatio, tol, 'tr Σ_W / tr Σ_B');
  close(r.nc2.equinorm, ref.equinorm, tol, 'equinorm');
  close(r.nc2.equiangularity, ref.equiangularity, tol, 'equiangularity');
  close(r.nc2.meanCosine, ref.meanCosine, tol, 'mean cosine');
  r.meanCosines.forEach((c, t) => close(c, ref.cos[t], tol, `cos[${t}]`));
  assert.equal(r.ncmAccuracy, ref.ncmAccuracy, 'NCM accuracy');
  assert.equal(r.knnAccuracy, ref.knnAccuracy, 'k-NN accuracy');
}

test(
  'class-structured data with unequal classes: every measure matches numpy/scikit-learn',
  { skip: py ?? false },
  async () => {
    const { X, y } = classes([120, 60, 200, 35, 90], 16, 2.5, 1);
    const r = await neuralCollapse(dataset(X, Array.from(y)), { labels: 'label', k: 7 });
    assert.equal(r.classes, 5);
    assert.equal(r.rows, X.rows);
    assert.deepEqual(
      r.perClass.map((c) => c.rows),
      [120, 60, 200, 35, 90],
    );
    close(r.nc2.idealCosine, -1 / 4, 1e-15, 'ideal cosine');
    assertMatches(r, reference(X, y, 7));
  },
);

test('collapse shows as noise shrinks: NC1 → 0 with σ², NCM accuracy → 1', async () => {
  const loose = classes([50, 50, 50, 50], 8, 2, 5);
  const tight = classes([50, 50, 50, 50], 8, 0.02, 5);
  const a = await neuralCollapse(dataset(loose.X, Array.from(loose.y)), { labels: 'label' });
  const b = await neuralCollapse(dataset(tight.X, Array.from(tight.y)), { labels: 'label' });
  // Same means and noise draws: Σ_W scales by (0.02/2)² exactly, Σ_B is nearly unchanged.
  assert.ok(b.nc1 < a.nc1 * 2e-4, `NC1 ${b.nc1} vs ${a.nc1}`);
  assert.equal(b.ncmAccuracy, 1);
  assert.equal(b.knnAccuracy, 1);
});

test('a class with one row, labels that skip values, and C > d match numpy', { skip: slow(py ?? false) }, async () => {
  const one = classes([40, 1, 30, 25], 6, 1.5, 9);
  // Integer labels 0, 2, 5, 7: classes are the values present.
  const map = [0, 2, 5, 7];
  const y1 = Int32Array.from(one.y, (c) => map[c]);
  const r1 = await neuralCollapse(dataset(one.X, Array.from(y1)), { labels: 'label', k: 5 });
  assert.equal(r1.classes, 4);
  assert.deepEqual(r1.classNames, ['0', '2', '5', '7']);
  assert.equal(r1.perClass[1].rows, 1);
  assert.equal(r1.perClass[1].spread, 0);
  assertMatches(r1, reference(one.X, y1, 5));

  // C = 12 classes in d = 5 dims: Σ_B has rank d, not C − 1.
  const many = classes(Array(12).fill(15), 5, 1, 13);
  const r2 = await neuralCollapse(
    dataset(
      many.X,
      Array.from(many.y, (c) => `class-${String.fromCharCode(97 + c)}`),
    ),
    { labels: 'label', k: 3 },
  );
  assert.equal(r2.classes, 12);
  const ref2 = reference(many.X, many.y, 3);
  assert.equal(ref2.sbRank, 5);
  assertMatches(r2, ref2);
});

test('NC3/NC4 and classifier accuracy with weights and bias match numpy', { skip: py ?? false }, async () => {
  const { X, y } = classes([80, 60, 70], 10, 2, 21);
  // A classifier near the class means (plus noise), so NC3 is small but not zero.
  const C = 3;
  const d = 10;
  const W = new Float32Array(C * d);
  const bias = Float32Array.of(0.3, -0.2, 0.1);
  for (let c = 0; c < C; c++) {
    let cnt = 0;
    for (let i = 0; i < X.rows; i++) {
      if (y[i] !== c) continue;
      cnt++;
      for (let j = 0; j < d; j++) W[c * d + j] += X.data[i * d + j];
    }
    for (let j = 0; j < d; j++) W[c * d + j] = W[c * d + j] / cnt + 0.3 * Math.sin(7 * c + j);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-nc-'));
  try {
    fs.writeFileSync(path.join(dir, 'W.npy'), encodeNpy(W, [C, d]));
    fs.writeFileSync(path.join(dir, 'b.npy'), encodeNpy(bias, [C]));
    const clf = loadClassifier(path.join(dir, 'W.npy'), path.join(dir, 'b.npy'));
    const r = await neuralCollapse(dataset(X, Array.from(y)), { labels: 'label', classifier: clf, k: 5 });
    const ref = reference(X, y, 5, { data: W, shape: [C, d] }, bias);
    close(r.nc3!, ref.nc3, 1e-5, 'NC3');
    assert.equal(r.nc4, ref.nc4, 'NC4');
    assert.equal(r.classifierAccuracy, ref.classifierAccuracy);

    // Weights that do not fit: wrong width, too few rows, bias of the wrong length.
    fs.writeFileSync(path.join(dir, 'W9.npy'), encodeNpy(new Float32Array(3 * 9), [3, 9]));
    fs.writeFileSync(path.join(dir, 'W2.npy'), encodeNpy(new Float32Array(2 * 10), [2, 10]));
    fs.writeFileSync(path.join(dir, 'b4.npy'), encodeNpy(new Float32Array(4), [4]));
    const run = (w: string, b?: string) =>
      neuralCollapse(dataset(X, Array.from(y)), {
        labels: 'label',
        classifier: loadClassifier(path.join(dir, w), b && path.join(dir, b)),
      });
    await assert.rejects(
      run('W9.npy'),
      (e: unknown) =>
        e instanceof InputError && /W9\.npy: has 9 columns but the embeddings have 10 dims/.test(e.message),
    );
    await assert.rejects(
      run('W2.npy'),
      (e: unknown) => e instanceof InputError && /W2\.npy: has 2 rows but the labels go up to class 2/.test(e.message),
    );
    await assert.rejects(
      run('W.npy', 'b4.npy'),
      (e: unknown) => e instanceof InputError && /bias has 4 values but the weights have 3 rows/.test(e.message),
    );
    assert.throws(
      () => loadClassifier(path.join(dir, 'missing.npy')),
      (e: unknown) => e instanceof InputError && /missing\.npy/.test(e.message),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bad labels: one class, missing column, string labels with weights', async () => {
  const { X, y } = classes([10, 10], 4, 1, 2);
  const reject = (p: Promise<unknown>, re: RegExp) =>
    assert.rejects(
      p,
      (e: unknown) => e instanceof InputError && /collapse-test\.tsv/.test(e.message) && re.test(e.message),
      `expected ${re}`,
    );
  await reject(
    neuralCollapse(dataset(X, Array(20).fill('cat')), { labels: 'label' }),
    /has 1 class\(es\) with usable rows; neural collapse needs at least 2/,
  );
  await reject(neuralCollapse(dataset(X, Array.from(y)), { labels: 'species' }), /has no column 'species'/);
  const W = { weights: { rows: 2, cols: 4, data: new Float32Array(8) }, weightsPath: '/tmp/W.npy' };
  await reject(
    neuralCollapse(
      dataset(
        X,
        Array.from(y, (c) => (c ? 'dog' : 'cat')),
      ),
      { labels: 'label', classifier: W },
    ),
    /must hold integer class indices/,
  );
  // Unlabelled rows and NaN rows are left out and counted.
  const labels: (number | null)[] = Array.from(y);
  labels[3] = null;
  const Xn = { ...X, data: X.data.slice() };
  Xn.data[5 * 4] = NaN;
  const r = await neuralCollapse(dataset(Xn, labels), { labels: 'label' });
  assert.equal(r.ignoredRows, 2);
  assert.equal(r.rows, 18);
});

const cifarSkip = !fs.existsSync(path.join(CIFAR, 'X.npy'))
  ? `${CIFAR} is absent (shared real data sets are not in a fresh clone)`
  : py;
test(
  'CIFAR-10 ResNet-56 test features (10k×64) with the network head: matches numpy and the folder README',
  { skip: slow(cifarSkip ?? false) },
  async () => {
    const full = await loadDataset({ path: path.join(CIFAR, 'X.npy'), metaPath: path.join(CIFAR, 'meta.tsv') });
    // The 10,000 test rows (50,000 train rows come first): kept small so the test stays quick.
    const rows = Array.from({ length: 10000 }, (_, i) => 50000 + i);
    const X = gatherRows(full.matrix, rows);
    const labelCol = full.metadata!.columns.find((c) => c.name === 'label')!;
    const y = Int32Array.from(rows, (r) => Number(labelCol.values[r]));
    const clf = loadClassifier(path.join(CIFAR, 'classifier_W.npy'), path.join(CIFAR, 'classifier_b.npy'));
    const r = await neuralCollapse(dataset(X, Array.from(y)), { labels: 'label', classifier: clf, k: 10 });
    const W = clf.weights;
    const ref = reference(X, y, 10, { data: W.data, shape: [W.rows, W.cols] }, clf.bias);
    assertMatches(r, ref, 1e-4);
    close(r.nc3!, ref.nc3, 1e-4, 'NC3');
    close(r.nc4!, ref.nc4, 1e-12, 'NC4');
    // README (test split): NC1 0.710, mean cosine −0.108, NC3 0.112, agreement 93.9%, accuracy 83.20%.
    close(r.nc1, 0.71, 0.005, 'NC1 vs README');
    close(r.nc2.meanCosine, -0.108, 0.005, 'mean cosine vs README');
    close(r.nc3!, 0.112, 0.005, 'NC3 vs README');
    close(1 - r.nc4!, 0.939, 0.005, 'NCC agreement vs README');
    close(r.classifierAccuracy!, 0.832, 0.001, 'accuracy vs README');
  },
);
