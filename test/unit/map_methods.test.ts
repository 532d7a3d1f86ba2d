/**
 * UMAP, t-SNE and PCA maps end to end (engine `project()` and the `project` CLI)
 * on the shipped real fixtures: finite, seeded-reproducible layouts whose
 * trustworthiness beats PCA's; the CLI's scores equal scikit-learn's on the
 * very coordinates it wrote; intermediate layouts stream; cancellation stops the
 * work; bad input gives a clear error naming the file; --out never overwrites.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadDataset } from '../../src/engine/data/dataset';
import { project, ProjectSettings } from '../../src/engine/analysis/map/project';
import { CancelledError } from '../../src/engine/util/errors';
import { runCli } from './helpers/cli';
import { pythonSkipReason, runPython } from './helpers/python';
import { slow } from './helpers/tier';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const GLOVE = path.join(FIXTURES, 'glove2k.npy');
const CLIP = path.join(FIXTURES, 'clip_vitb16_coco500.npy');
const py = pythonSkipReason();
const base = (method: ProjectSettings['method'], extra: Partial<ProjectSettings> = {}): ProjectSettings => ({
  method,
  dims: 2,
  seed: 7,
  k: 10,
  metric: 'cosine',
  ...extra,
});

function allFinite(c: Float32Array): boolean {
  return c.every(Number.isFinite);
}

for (const [name, file] of [
  ['GloVe 2k', GLOVE],
  ['CLIP ViT-B/16 COCO 1000', CLIP],
] as const) {
  test(`UMAP and t-SNE beat PCA's trustworthiness and k-NN recall on ${name} (fixture)`, { skip: slow() }, async () => {
    const ds = await loadDataset({ path: file });
    const pca = await project(ds, base('pca'));
    for (const method of ['umap', 'tsne'] as const) {
      // Fewer iterations than the defaults (500 / 1000) keep the suite fast; the margins hold.
      const r = await project(ds, base(method, { iterations: method === 'umap' ? 200 : 500 }));
      assert.ok(allFinite(r.coords), `${method}: finite coordinates`);
      assert.equal(r.quality.sampleRows, ds.matrix.rows, 'exact scores at this size');
      assert.ok(
        r.quality.trustworthiness > pca.quality.trustworthiness + 0.05,
        `${method} T=${r.quality.trustworthiness} vs PCA ${pca.quality.trustworthiness}`,
      );
      assert.ok(
        r.quality.knnRecall > 2 * pca.quality.knnRecall,
        `${method} recall=${r.quality.knnRecall} vs PCA ${pca.quality.knnRecall}`,
      );
      // Per-row preservation is the per-row form of k-NN recall: its mean is the recall.
      const mean = r.preservation.reduce((a, b) => a + b, 0) / r.preservation.length;
      assert.ok(
        Math.abs(mean - r.quality.knnRecall) < 1e-6,
        `mean preservation ${mean} vs recall ${r.quality.knnRecall}`,
      );
      // k-occurrence counts every row's k neighbours once: the counts sum to k·n.
      assert.ok(r.kOccurrence, 'k-occurrence from the exact graph');
      assert.equal(
        r.kOccurrence.reduce((a, b) => a + b, 0),
        10 * ds.matrix.rows,
      );
      assert.ok(r.kOccurrence.every((v) => Number.isInteger(v) && v >= 0));
    }
  });
}

test(
  'UMAP and t-SNE are seeded-reproducible (same seed → same layout, other seed → another)',
  { skip: slow() },
  async () => {
    const ds = await loadDataset({ path: CLIP });
    for (const method of ['umap', 'tsne'] as const) {
      const s = base(method, { iterations: method === 'umap' ? 60 : 300 });
      const a = await project(ds, s);
      ds.cache.clear(); // recompute PCA and the k-NN graph too
      const b = await project(ds, s);
      assert.deepEqual(a.coords, b.coords, `${method}: seed 7 twice`);
      if (method === 'umap') {
        const c = await project(ds, { ...s, seed: 8 });
        assert.notDeepEqual(a.coords, c.coords, 'another seed moves the points');
      }
    }
  },
);

test('intermediate layouts stream (PCA first, then the method), and the last is the result', async () => {
  const ds = await loadDataset({ path: CLIP });
  const frames: { stage: string; step: number; steps: number; finite: boolean; coords: Float32Array }[] = [];
  const progress: number[] = [];
  const r = await project(ds, base('umap', { iterations: 200 }), {
    onLayout: (c, stage, step, steps) => frames.push({ stage, step, steps, finite: allFinite(c), coords: c }),
    progress: (f) => progress.push(f),
  });
  assert.equal(frames[0].stage, 'pca');
  assert.ok(frames.every((f) => f.finite && f.coords.length === 2 * 1000));
  const last = frames[frames.length - 1];
  assert.equal(last.stage, 'umap');
  assert.equal(last.step, last.steps);
  assert.deepEqual(last.coords, r.coords);
  assert.ok(
    progress.every((p, i) => i === 0 || p >= progress[i - 1] - 1e-9),
    'progress never goes back',
  );
  assert.equal(progress[progress.length - 1], 1);
});

test('cancelling a projection stops it with CancelledError', async () => {
  const ds = await loadDataset({ path: GLOVE });
  const token = { isCancellationRequested: false };
  const p = project(ds, base('tsne'), {
    token,
    onLayout: (_c, stage) => stage === 'tsne' && (token.isCancellationRequested = true),
  });
  setTimeout(() => (token.isCancellationRequested = true), 3000);
  await assert.rejects(p, CancelledError);
});

test(
  'project CLI: JSON scores equal scikit-learn on the coordinates it wrote; --out never overwrites',
  { skip: slow(py ?? false) },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-project-'));
    const out = path.join(dir, 'coords.csv');
    const r = await runCli([
      'project',
      CLIP,
      '--method',
      'umap',
      '--seed',
      '3',
      '--k',
      '12',
      '--iterations',
      '120',
      '--out',
      out,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    for (const key of ['method', 'rows', 'trustworthiness', 'continuity', 'knnRecall', 'k'])
      assert.ok(key in j, `JSON has ${key}`);
    assert.equal(j.method, 'umap');
    assert.equal(j.rows, 1000);
    assert.equal(j.k, 12);
    assert.equal(j.qualitySampleRows, undefined, 'no sample at 1000 rows');
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    assert.deepEqual(lines[0].split(','), ['row', 'x', 'y', 'preservation', 'modality', 'pair_id', 'weights']);
    assert.equal(lines.length, 1001);
    const Y = new Float32Array(2000);
    lines.slice(1).forEach((l, i) => {
      const c = l.split(',');
      assert.equal(Number(c[0]), i);
      Y[2 * i] = Number(c[1]);
      Y[2 * i + 1] = Number(c[2]);
    });
    const ds = await loadDataset({ path: CLIP });
    const ref = runPython(
      'projection_ref.py',
      { X: { data: ds.matrix.data, shape: [1000, 512] }, Y: { data: Y, shape: [1000, 2] } },
      { op: 'quality', k: 12, metric: 'cosine' },
    ).json;
    // The CSV holds float32 coordinates printed in full, so sklearn sees the same map.
    assert.ok(
      Math.abs(j.trustworthiness - ref.trustworthiness) < 1e-6,
      `T ${j.trustworthiness} vs sklearn ${ref.trustworthiness}`,
    );
    assert.ok(Math.abs(j.continuity - ref.continuity) < 1e-6, `C ${j.continuity} vs sklearn ${ref.continuity}`);
    assert.ok(Math.abs(j.knnRecall - ref.knnRecall) < 1e-3, `recall ${j.knnRecall} vs sklearn ${ref.knnRecall}`);

    const before = fs.readFileSync(out, 'utf8');
    const again = await runCli(['project', CLIP, '--method', 'pca', '--out', out, '--json']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /coords\.csv: already exists; pass --force/);
    assert.equal(fs.readFileSync(out, 'utf8'), before, 'file untouched');
    const meta = await runCli([
      'project',
      CLIP,
      '--method',
      'pca',
      '--out',
      path.join(FIXTURES, 'clip_vitb16_coco500.tsv'),
      '--force',
      '--json',
    ]);
    assert.equal(meta.code, 2);
    assert.match(meta.stderr, /is an input of this map/);
    fs.rmSync(dir, { recursive: true, force: true });
  },
);

test(
  'project CLI: --out NAME.parquet holds the same rows, coordinates and metadata as the CSV',
  { skip: slow() },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-project-pq-'));
    const csv = path.join(dir, 'coords.csv');
    const pq = path.join(dir, 'coords.parquet');
    assert.equal((await runCli(['project', CLIP, '--method', 'pca', '--out', csv, '--json'])).code, 0);
    const r = await runCli(['project', CLIP, '--method', 'pca', '--out', pq, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const con = await (await DuckDBInstance.create(':memory:')).connect();
    const res = await con.runAndReadAll(`SELECT * FROM read_parquet('${pq.replace(/'/g, "''")}') ORDER BY "row"`);
    const types = res.columnTypes().map((t) => String(t));
    assert.deepEqual(res.columnNames(), ['row', 'x', 'y', 'preservation', 'modality', 'pair_id', 'weights']);
    assert.deepEqual(types.slice(0, 3), ['INTEGER', 'FLOAT', 'FLOAT']);
    const rows = res.getRowsJS();
    con.closeSync();
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n').slice(1);
    assert.equal(rows.length, lines.length);
    lines.forEach((l, i) => {
      const c = l.split(',');
      assert.equal(Number(rows[i][0]), Number(c[0]));
      assert.equal(rows[i][1], Math.fround(Number(c[1])), `row ${i} x`);
      assert.equal(rows[i][2], Math.fround(Number(c[2])), `row ${i} y`);
      assert.equal(rows[i][4], c[4], `row ${i} modality`);
    });
    const again = await runCli(['project', CLIP, '--method', 'pca', '--out', pq, '--json']);
    assert.equal(again.code, 2, 'never overwrites without --force');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['coords.csv', 'coords.parquet'], 'no temporary files left');
    fs.rmSync(dir, { recursive: true, force: true });
  },
);

test('project CLI: clear errors for bad options and bad files', async () => {
  const cases: [string[], RegExp][] = [
    [['project', CLIP, '--method', 'mds', '--json'], /--method must be one of pca, umap, tsne, got 'mds'/],
    [['project', CLIP, '--method', 'tsne', '--dims', '3', '--json'], /t-SNE supports 2 dimensions only/],
    [['project', CLIP, '--method', 'pca', '--dims', '4', '--json'], /dims must be 2 or 3/],
    [['project', CLIP, '--method', 'pca', '--k', '600', '--json'], /k = 600 is too large for 1000 usable rows/],
    [['project', CLIP, '--method', 'pca', '--metric', 'dot', '--json'], /--metric must be one of cosine, euclidean/],
    [['project', path.join(FIXTURES, 'missing.npy'), '--json'], /missing\.npy/],
    [['project', path.join(FIXTURES, 'README.md'), '--json'], /README\.md/],
  ];
  for (const [argv, re] of cases) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, `${argv.join(' ')} → ${r.stderr}`);
    assert.match(r.stderr, re);
  }
});

test('rows with NaN are left off the map and said so; 3-D PCA and UMAP work', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-project-nan-'));
  const src = await loadDataset({ path: CLIP });
  const data = Float32Array.from(src.matrix.data.subarray(0, 300 * 512));
  data[5 * 512 + 3] = NaN;
  const { writeNpy } = await import('../../src/engine/io/npy');
  const file = path.join(dir, 'x.npy');
  writeNpy(file, data, [300, 512]);
  const ds = await loadDataset({ path: file });
  for (const method of ['pca', 'umap'] as const) {
    const r = await project(ds, base(method, { dims: 3, iterations: 50 }));
    assert.equal(r.skippedRows, 1);
    assert.ok(r.warnings.some((w) => /1 row\(s\) with NaN/.test(w)));
    assert.ok(Number.isNaN(r.coords[15]) && Number.isNaN(r.coords[17]));
    assert.ok(Number.isNaN(r.preservation[5]));
    assert.ok(r.coords.every((v, i) => Math.floor(i / 3) === 5 || Number.isFinite(v)));
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test("UMAP's unrolled 2-D epoch gives exactly the any-dimension epoch's layout", async () => {
  const { prepareCorpus } = await import('../../src/engine/kernels/knn');
  const { distanceGraph } = await import('../../src/engine/analysis/map/graph');
  const { fuzzySimplicialSet } = await import('../../src/engine/analysis/map/fuzzy');
  const { umapLayout } = await import('../../src/engine/analysis/map/umap');
  const ds = await loadDataset({ path: CLIP });
  let g: Awaited<ReturnType<typeof distanceGraph>> | undefined;
  const gr = await distanceGraph(prepareCorpus(ds.matrix, 'cosine'), 'cosine', 14, {
    get: () => g,
    set: (x) => (g = x),
  });
  const fs = await fuzzySimplicialSet(gr.indices, gr.dist, 1000, 14);
  const init = Float32Array.from({ length: 2000 }, (_, i) => Math.sin(i));
  const fast = await umapLayout(fs, { dims: 2, init, seed: 4, nEpochs: 80 });
  const generic = await umapLayout(fs, { dims: 2, init, seed: 4, nEpochs: 80, generic: true });
  assert.ok(fast.every(Number.isFinite));
  assert.deepEqual(fast, generic);
});
