/**
 * Projection building blocks against independent references on the same data:
 * trustworthiness / continuity / k-NN recall vs scikit-learn, UMAP's fuzzy graph
 * and a/b curve vs umap-learn, t-SNE's P vs scikit-learn, the layout k-NN vs
 * brute force.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapQuality, rowPreservation } from '../../src/engine/analysis/map/quality';
import { layoutKnn } from '../../src/engine/analysis/map/lowdim';
import { findAbParams } from '../../src/engine/analysis/map/abparams';
import { fuzzySimplicialSet } from '../../src/engine/analysis/map/fuzzy';
import { jointP } from '../../src/engine/analysis/map/perplexity';
import { Rng, sampleRows } from '../../src/engine/util/random';
import { distanceGraph } from '../../src/engine/analysis/map/graph';
import { prepareCorpus } from '../../src/engine/kernels/knn';
import { pythonSkipReason, runPython } from './helpers/python';
import { gaussianClusters, noisyProjection } from './helpers/mapData';
import { gloveSkipReason, loadGlove } from './helpers/glove';
import { slow } from './helpers/tier';

const py = pythonSkipReason();
const umapPy = pythonSkipReason(['numpy', 'umap']);

for (const metric of ['euclidean', 'cosine'] as const) {
  test(
    `trustworthiness, continuity, kNN recall equal scikit-learn's (${metric}, synthetic clusters)`,
    { skip: slow(py ?? false) },
    async () => {
      const { X } = gaussianClusters(400, 24, 6, 0.6, 11);
      const Y = noisyProjection(X, 2, 0.5, 12);
      for (const k of [5, 10]) {
        const ours = await mapQuality(X, Y, 2, { k, metric });
        const ref = runPython(
          'projection_ref.py',
          { X: { data: X.data, shape: [400, 24] }, Y: { data: Y, shape: [400, 2] } },
          { op: 'quality', k, metric },
        ).json;
        assert.equal(ours.sampleRows, 400);
        assert.ok(
          Math.abs(ours.trustworthiness - ref.trustworthiness) < 1e-6,
          `T(${k}) ${ours.trustworthiness} vs sklearn ${ref.trustworthiness}`,
        );
        assert.ok(Math.abs(ours.continuity - ref.continuity) < 1e-6, `C(${k}) ${ours.continuity} vs ${ref.continuity}`);
        assert.ok(Math.abs(ours.knnRecall - ref.knnRecall) < 1e-9, `recall ${ours.knnRecall} vs ${ref.knnRecall}`);
        // A noisy random projection is a poor map: the scores must be far from perfect.
        assert.ok(ours.trustworthiness < 0.99 && ours.knnRecall < 0.9);
      }
    },
  );
}

test(
  'quality scores equal scikit-learn on real GloVe vectors (1000 words, cosine, 3-D map)',
  { skip: slow(py ?? gloveSkipReason() ?? false) },
  async () => {
    const { matrix: X } = loadGlove(1000);
    const Y = noisyProjection(X, 3, 0.1, 3);
    const ours = await mapQuality(X, Y, 3, { k: 10, metric: 'cosine' });
    const ref = runPython(
      'projection_ref.py',
      { X: { data: X.data, shape: [1000, 100] }, Y: { data: Y, shape: [1000, 3] } },
      { op: 'quality', k: 10, metric: 'cosine' },
    ).json;
    assert.ok(
      Math.abs(ours.trustworthiness - ref.trustworthiness) < 1e-5,
      `${ours.trustworthiness} vs ${ref.trustworthiness}`,
    );
    assert.ok(Math.abs(ours.continuity - ref.continuity) < 1e-5, `${ours.continuity} vs ${ref.continuity}`);
    assert.ok(Math.abs(ours.knnRecall - ref.knnRecall) < 1e-3, `${ours.knnRecall} vs ${ref.knnRecall}`);
  },
);

test('sampled quality scores estimate the exact ones', async () => {
  const { X } = gaussianClusters(3000, 16, 8, 0.8, 5);
  const Y = noisyProjection(X, 2, 0.3, 6);
  const exact = await mapQuality(X, Y, 2, { k: 10, metric: 'euclidean' });
  const est = await mapQuality(X, Y, 2, { k: 10, metric: 'euclidean', sample: sampleRows(3000, 600, 1) });
  assert.equal(est.sampleRows, 600);
  assert.ok(
    Math.abs(est.trustworthiness - exact.trustworthiness) < 0.01,
    `${est.trustworthiness} vs ${exact.trustworthiness}`,
  );
  assert.ok(Math.abs(est.continuity - exact.continuity) < 0.01);
  assert.ok(Math.abs(est.knnRecall - exact.knnRecall) < 0.03);
});

test('quality rejects k ≥ n/2 with a clear error', async () => {
  const { X } = gaussianClusters(10, 3, 2, 1, 1);
  await assert.rejects(
    mapQuality(X, new Float32Array(20), 2, { k: 5, metric: 'euclidean' }),
    /k = 5 is too large for 10 rows/,
  );
});

test('layout k-NN (grid) equals brute force, including duplicate points; preservation is its per-row recall', () => {
  const rng = new Rng(3);
  for (const dims of [2, 3]) {
    const n = 700;
    const c = new Float32Array(n * dims);
    // Clustered, with exact duplicates and a far outlier: the grid's hard cases.
    for (let i = 0; i < n; i++)
      for (let t = 0; t < dims; t++)
        c[i * dims + t] = i % 50 === 0 ? 0 : (i % 3) * 10 + rng.normal() * (i % 7 === 0 ? 0.01 : 1);
    c[0] = 1e4;
    const k = 7;
    const got = layoutKnn(c, n, dims, k);
    for (let i = 0; i < n; i++) {
      const d = Array.from({ length: n }, (_, j) => {
        let s = 0;
        for (let t = 0; t < dims; t++) s += (c[i * dims + t] - c[j * dims + t]) ** 2;
        return [s, j];
      }).filter(([, j]) => j !== i);
      d.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      assert.deepEqual(
        Array.from(got.subarray(i * k, i * k + k)),
        d.slice(0, k).map((x) => x[1]),
        `row ${i} (${dims}-D)`,
      );
    }
    const pres = rowPreservation(got, k, got, k, n);
    assert.ok(pres.every((v) => v === 1));
  }
});

async function gloveGraph(n: number, k: number) {
  const { matrix } = loadGlove(n);
  let g: any;
  return distanceGraph(prepareCorpus(matrix, 'cosine'), 'cosine', k, { get: () => g, set: (x) => (g = x) });
}

test(
  "UMAP's fuzzy simplicial set and a, b curve equal umap-learn's on the same k-NN graph (GloVe 500)",
  { skip: umapPy ?? gloveSkipReason() ?? false },
  async () => {
    const n = 500;
    const k = 14;
    const g = await gloveGraph(n, k);
    const ours = await fuzzySimplicialSet(g.indices, g.dist, n, k);
    // One Python run: importing umap-learn (numba) costs ~20 s.
    const res = runPython(
      'projection_ref.py',
      { indices: { data: g.indices, shape: [n, k] }, dists: { data: Float32Array.from(g.dist), shape: [n, k] } },
      {
        op: 'fuzzy',
        ab: [
          [1, 0.1],
          [1, 0.5],
          [2, 0.01],
        ],
      },
    );
    for (const [i, [spread, minDist]] of [
      [1, 0.1],
      [1, 0.5],
      [2, 0.01],
    ].entries()) {
      const ours = findAbParams(spread, minDist);
      const [a, b] = res.json.ab[i];
      assert.ok(Math.abs(ours.a - a) < 1e-4 * a, `a ${ours.a} vs umap-learn ${a}`);
      assert.ok(Math.abs(ours.b - b) < 1e-4 * b, `b ${ours.b} vs umap-learn ${b}`);
    }
    const ref = res.arrays.W;
    const dense = new Float64Array(n * n);
    for (let e = 0; e < ours.head.length; e++) dense[ours.head[e] * n + ours.tail[e]] = ours.weight[e];
    let maxErr = 0;
    let nnz = 0;
    for (let t = 0; t < n * n; t++) {
      maxErr = Math.max(maxErr, Math.abs(dense[t] - ref.data[t]));
      if (ref.data[t] > 0) nnz++;
    }
    assert.equal(ours.head.length, nnz, 'same edges');
    assert.ok(maxErr < 1e-5, `max |w − umap-learn| = ${maxErr}`);
  },
);

test(
  "t-SNE's joint P equals scikit-learn's _joint_probabilities_nn (GloVe 500, perplexity 10)",
  { skip: py ?? gloveSkipReason() ?? false },
  async () => {
    const n = 500;
    const k = 31;
    const g = await gloveGraph(n, k);
    const P = jointP(g.indices, g.dist, n, k, 10);
    const ref = runPython(
      'projection_ref.py',
      { indices: { data: g.indices, shape: [n, k] }, dists: { data: g.dist, shape: [n, k] } },
      { op: 'tsne_p', perplexity: 10 },
    ).arrays.P;
    const dense = new Float64Array(n * n);
    let sum = 0;
    for (let e = 0; e < P.head.length; e++) {
      dense[P.head[e] * n + P.tail[e]] = P.weight[e];
      sum += P.weight[e];
    }
    assert.ok(Math.abs(sum - 1) < 1e-9);
    let maxErr = 0;
    for (let t = 0; t < n * n; t++) maxErr = Math.max(maxErr, Math.abs(dense[t] - ref.data[t]));
    assert.ok(maxErr < 1e-7, `max |P − sklearn| = ${maxErr}`);
  },
);
