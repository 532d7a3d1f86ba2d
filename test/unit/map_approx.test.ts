/**
 * The approximate k-NN graph of large maps (approxGraph.ts): its recall against
 * numpy's exact cosine graph on real embeddings, the recall estimate the result
 * reports, UMAP's trustworthiness on it against the exact graph's, and the
 * `--knn` CLI flag.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadDataset } from '../../src/engine/data/dataset';
import { datasetPca, preparedCorpus } from '../../src/engine/analysis/overview';
import {
  approximateGraph,
  candidateCount,
  exactSample,
  graphRecall,
  graphRecallOn,
  reducedRows,
  reducedSpaceRecall,
} from '../../src/engine/analysis/map/approxGraph';
import { Rng } from '../../src/engine/util/random';
import { writeNpy } from '../../src/engine/io/npy';
import { project, ProjectSettings } from '../../src/engine/analysis/map/project';
import { runCli } from './helpers/cli';
import { pythonSkipReason, runPython } from './helpers/python';
import { slow } from './helpers/tier';

const CLIP = path.resolve(__dirname, '../fixtures/clip_vitb16_coco500.npy');
const py = pythonSkipReason();
const K = 14;

/** Share of numpy's exact k nearest (per row) the graph holds, over all rows. */
function recallAgainst(ours: Int32Array, ref: ArrayLike<number>, n: number, k: number): number {
  let hit = 0;
  for (let i = 0; i < n; i++) {
    const mine = new Set(ours.subarray(i * k, i * k + k));
    for (let s = 0; s < k; s++) if (mine.has(ref[i * k + s])) hit++;
  }
  return hit / (n * k);
}

test(
  'approximate graph on CLIP ViT-B/16 (1000×512): recall vs numpy exact cosine k-NN, and the reported recall is that recall',
  { skip: slow(py ?? false) },
  async () => {
    const ds = await loadDataset({ path: CLIP });
    const n = ds.matrix.rows;
    const ref = runPython(
      'projection_ref.py',
      { X: { data: ds.matrix.data, shape: [n, ds.matrix.cols] } },
      { op: 'knn', k: K },
    ).arrays.I.data;
    const corpus = preparedCorpus(ds, 'cosine');
    // 16 components (of 512): a reduced space coarse enough that the re-scoring and local join matter.
    const pca = await datasetPca(ds, 16);
    const reducedOnly = await approximateGraph(corpus, 'cosine', K, {
      components: pca.components,
      m: pca.m,
      candidates: K,
      descentRounds: 0,
    });
    const g = await approximateGraph(corpus, 'cosine', K, { components: pca.components, m: pca.m });
    const r0 = recallAgainst(reducedOnly.indices, ref, n, K);
    const r = recallAgainst(g.indices, ref, n, K);
    assert.ok(r >= 0.9, `recall@${K} ${r.toFixed(3)} ≥ 0.9`);
    assert.ok(
      r > r0 + 0.05,
      `candidates + local join (${r.toFixed(3)}) improve on the reduced space alone (${r0.toFixed(3)})`,
    );
    // Rows are sorted by the true full-space distance.
    for (let i = 0; i < n; i++)
      for (let s = 1; s < K; s++) assert.ok(g.dist[i * K + s] >= g.dist[i * K + s - 1], `row ${i} sorted`);
    // The estimate with every row sampled is exactly the recall against numpy.
    const all = await graphRecall(corpus, g, K, n, 0);
    assert.equal(all.sample, n);
    assert.ok(Math.abs(all.recall - r) < 1e-3, `graphRecall ${all.recall} vs numpy ${r}`);
    // A seeded sample estimates it closely, the same way twice.
    const s1 = await graphRecall(corpus, g, K, 300, 5);
    const s2 = await graphRecall(corpus, g, K, 300, 5);
    assert.deepEqual(s1, s2);
    assert.ok(Math.abs(s1.recall - r) < 0.05, `sampled ${s1.recall} vs ${r}`);
  },
);

test(
  'UMAP on the approximate graph keeps the exact graph’s trustworthiness (CLIP fixture)',
  { skip: slow() },
  async () => {
    const ds = await loadDataset({ path: CLIP });
    const s: ProjectSettings = { method: 'umap', dims: 2, seed: 3, k: 10, metric: 'cosine', iterations: 200 };
    const exact = await project(ds, { ...s, knn: 'exact' });
    const approx = await project(ds, { ...s, knn: 'approx' });
    assert.equal(exact.knnGraph?.method, 'exact');
    assert.equal(approx.knnGraph?.method, 'approximate');
    assert.equal(approx.knnGraph?.sample, 1000);
    assert.ok(approx.knnGraph.recall! > 0.95, `recall ${approx.knnGraph.recall}`);
    const dt = exact.quality.trustworthiness - approx.quality.trustworthiness;
    assert.ok(dt < 0.01, `T exact ${exact.quality.trustworthiness} vs approximate ${approx.quality.trustworthiness}`);
    // auto is exact at this size
    const auto = await project(ds, { ...s, iterations: 5 });
    assert.equal(auto.knnGraph?.method, 'exact');
  },
);

test('CLI: --knn approx reports the graph and its recall; a bad --knn is a clear error', { skip: slow() }, async () => {
  const r = await runCli(['project', CLIP, '--method', 'umap', '--iterations', '20', '--knn', 'approx', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.knnGraph.method, 'approximate');
  assert.equal(j.knnGraph.sample, 1000);
  assert.ok(j.knnGraph.recall > 0.9 && j.knnGraph.recall <= 1, String(j.knnGraph.recall));
  const e = await runCli(['project', CLIP, '--method', 'umap', '--knn', 'fast', '--json']);
  assert.equal(e.code, 2);
  assert.match(e.stderr, /--knn must be one of auto, exact, approx, got 'fast'/);
});

test('the pilot predicts the re-scored graph: reduced-space recall = recall of the graph built from the same candidates (CLIP fixture)', async () => {
  const ds = await loadDataset({ path: CLIP });
  const corpus = preparedCorpus(ds, 'cosine');
  const pca = await datasetPca(ds, 16);
  const ex = await exactSample(corpus, K, 1000, 0);
  const Z = await reducedRows(corpus, pca.components, pca.m);
  const kc = candidateCount(K, ds.matrix.rows);
  const pilot = await reducedSpaceRecall(Z, pca.m, corpus.valid, ex, kc);
  // Every cell probed and no local join: the graph is exactly "re-score the kc nearest in the reduced space".
  const g = await approximateGraph(corpus, 'cosine', K, {
    components: pca.components,
    m: pca.m,
    reduced: Z,
    probe: 1 << 20,
    descentRounds: 0,
  });
  const built = graphRecallOn(g, ex).recall;
  assert.ok(pilot > 0.3 && pilot < 1, `pilot ${pilot}`);
  assert.ok(Math.abs(pilot - built) <= 0.002, `pilot ${pilot} vs graph ${built}`);
});

test(
  'auto asks the pilot: approximate where the top components hold the neighbours, exact (and says why) where they do not',
  { skip: slow() },
  async () => {
    const n = 20_500; // just above the exact-only size
    const d = 128;
    const rng = new Rng(5);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lens-pilot-'));
    try {
      // Neighbours in an 8-dim subspace (plus faint noise) vs isotropic noise in all 128 dims.
      const basis = Float32Array.from({ length: 8 * d }, () => rng.normal());
      const lowRank = new Float32Array(n * d);
      const iso = new Float32Array(n * d);
      for (let i = 0; i < n; i++) {
        const u = Array.from({ length: 8 }, () => rng.normal());
        for (let j = 0; j < d; j++) {
          let v = 0.01 * rng.normal();
          for (let t = 0; t < 8; t++) v += u[t] * basis[t * d + j];
          lowRank[i * d + j] = v;
          iso[i * d + j] = rng.normal();
        }
      }
      const s: ProjectSettings = { method: 'pca', dims: 2, seed: 0, k: 10, metric: 'cosine' };
      writeNpy(path.join(dir, 'low.npy'), lowRank, [n, d]);
      writeNpy(path.join(dir, 'iso.npy'), iso, [n, d]);
      const low = await project(await loadDataset({ path: path.join(dir, 'low.npy') }), s);
      assert.equal(low.knnGraph?.method, 'approximate');
      assert.ok(low.knnGraph.recall! > 0.8, `recall ${low.knnGraph.recall}`);
      const hard = await project(await loadDataset({ path: path.join(dir, 'iso.npy') }), s);
      assert.equal(hard.knnGraph?.method, 'exact');
      assert.ok(hard.knnGraph.pilotRecall! < 0.8, `pilot ${hard.knnGraph.pilotRecall}`);
      assert.ok(
        hard.warnings.some((w) => /exact k-NN graph was computed/.test(w)),
        hard.warnings.join('; '),
      );
      // Forcing the approximate graph skips the pilot and reports the recall it got.
      const forced = await project(await loadDataset({ path: path.join(dir, 'iso.npy') }), { ...s, knn: 'approx' });
      assert.equal(forced.knnGraph?.method, 'approximate');
      assert.ok(forced.knnGraph.recall! < 0.8, `forced recall ${forced.knnGraph.recall}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
