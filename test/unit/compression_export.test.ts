/**
 * Export of a chosen compression (src/engine/analysis/compression/export.ts):
 * the .npy files written are read back by numpy and equal what numpy /
 * scikit-learn compute on the same data (test/reference/compression_export_ref.py),
 * and an export never replaces a file unless the user confirmed, and never the
 * opened data file or its metadata.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CompressionExportFiles, CompressionMethod } from '../../src/shared/protocol/compression';
import { Dataset, loadDataset } from '../../src/engine/data/dataset';
import { exportCompression } from '../../src/engine/analysis/compression/export';
import { InputError } from '../../src/engine/util/errors';
import { pythonSkipReason, runPython } from './helpers/python';
import { slow } from './helpers/tier';

const FIXTURE = path.resolve(__dirname, '../fixtures/glove2k.npy');
const py = pythonSkipReason();

/** A fresh folder with a copy of the GloVe 2k fixture and its sidecar (the user's files). */
async function workspace(): Promise<{ dir: string; ds: Dataset; cleanup: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-export-'));
  fs.copyFileSync(FIXTURE, path.join(dir, 'glove.npy'));
  fs.copyFileSync(FIXTURE.replace(/\.npy$/, '.tsv'), path.join(dir, 'glove.tsv'));
  const ds = await loadDataset({ path: path.join(dir, 'glove.npy') });
  return { dir, ds, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

interface RefArray {
  dtype: string;
  shape: number[];
  ref_dtype: string;
  ref_shape: number[];
  max_abs_diff: number;
  max_abs_ref: number;
  mismatches: number;
  size: number;
}

async function exportAndCompare(
  ds: Dataset,
  dir: string,
  method: CompressionMethod,
  dims: number,
  roles: (keyof CompressionExportFiles)[],
): Promise<Record<string, RefArray>> {
  const files: CompressionExportFiles = Object.fromEntries(
    roles.map((r) => [r, path.join(dir, `${method.replace('+', '_')}-${dims}-${r}.npy`)]),
  );
  const res = await exportCompression(ds, { config: { method, dims }, files });
  assert.deepEqual(res.written.map((w) => w.role).sort(), [...roles].sort());
  for (const w of res.written) assert.equal(w.path, files[w.role]);
  const X = ds.matrix;
  const out = runPython(
    'compression_export_ref.py',
    { X: { data: X.data, shape: [X.rows, X.cols] } },
    { method, dims, files },
  ).json.arrays as Record<string, RefArray>;
  for (const [role, a] of Object.entries(out)) {
    assert.deepEqual(a.shape, a.ref_shape, `${method} ${role}: shape`);
    assert.equal(a.dtype, a.ref_dtype, `${method} ${role}: dtype`);
    const w = res.written.find((x) => x.role === role)!;
    assert.equal(w.dtype, a.dtype, `${method} ${role}: reported dtype is what numpy reads`);
    assert.deepEqual(w.shape, a.shape);
  }
  return out;
}

test(
  'PCA export: mean, components and projected matrix equal scikit-learn on the same data',
  { skip: slow(py ?? false) },
  async () => {
    const { dir, ds, cleanup } = await workspace();
    try {
      const a = await exportAndCompare(ds, dir, 'pca', 16, ['matrix', 'pcaMean', 'pcaComponents']);
      assert.equal(a.pcaMean.dtype, '<f8');
      assert.deepEqual(a.pcaComponents.shape, [16, 100]);
      assert.equal(a.matrix.dtype, '<f4');
      assert.ok(
        a.pcaMean.max_abs_diff <= 1e-6 * Math.max(1, a.pcaMean.max_abs_ref),
        `mean differs by ${a.pcaMean.max_abs_diff}`,
      );
      assert.ok(a.pcaComponents.max_abs_diff <= 1e-4, `components differ by ${a.pcaComponents.max_abs_diff}`);
      assert.ok(
        a.matrix.max_abs_diff <= 1e-4 * a.matrix.max_abs_ref,
        `projection differs by ${a.matrix.max_abs_diff} (max ${a.matrix.max_abs_ref})`,
      );
    } finally {
      cleanup();
    }
  },
);

test(
  'int8, truncation and binary exports equal numpy bit for bit; PCA+int8 within one code step',
  { skip: slow(py ?? false) },
  async () => {
    const { dir, ds, cleanup } = await workspace();
    try {
      const q = await exportAndCompare(ds, dir, 'int8', 100, ['matrix', 'int8Offset', 'int8Scale']);
      assert.equal(q.matrix.dtype, '|u1');
      assert.equal(q.matrix.mismatches, 0, `${q.matrix.mismatches} int8 codes differ from numpy`);
      assert.ok(q.int8Offset.max_abs_diff <= 1e-12 && q.int8Scale.max_abs_diff <= 1e-12);
      const t = await exportAndCompare(ds, dir, 'truncate', 32, ['matrix']);
      assert.equal(t.matrix.mismatches, 0);
      const b = await exportAndCompare(ds, dir, 'binary', 100, ['matrix']);
      assert.deepEqual(b.matrix.shape, [2000, 13]);
      assert.equal(b.matrix.mismatches, 0, 'packed bits equal np.packbits(X > 0, axis=1)');
      // PCA coordinates differ from numpy's by float32 rounding, so a code on a rounding edge may move by one.
      const pq = await exportAndCompare(ds, dir, 'pca+int8', 8, [
        'matrix',
        'pcaMean',
        'pcaComponents',
        'int8Offset',
        'int8Scale',
      ]);
      assert.ok(pq.matrix.max_abs_diff <= 1, `PCA+int8 codes differ by up to ${pq.matrix.max_abs_diff}`);
      assert.ok(
        pq.matrix.mismatches <= 0.001 * pq.matrix.size,
        `${pq.matrix.mismatches} of ${pq.matrix.size} codes differ`,
      );
      assert.ok(pq.int8Scale.max_abs_diff <= 1e-5 * pq.int8Scale.max_abs_ref);
    } finally {
      cleanup();
    }
  },
);

test('export never overwrites without confirmation, never the data file or its metadata, and writes nothing when one target is bad', async () => {
  const { dir, ds, cleanup } = await workspace();
  try {
    const dataBefore = fs.readFileSync(ds.path);
    const existing = path.join(dir, 'taken.npy');
    fs.writeFileSync(existing, 'the user’s own file');
    const fresh = path.join(dir, 'mean.npy');
    // One target exists: an InputError naming it, and neither file is touched.
    await assert.rejects(
      exportCompression(ds, { config: { method: 'pca', dims: 4 }, files: { pcaMean: fresh, matrix: existing } }),
      (e) => e instanceof InputError && e.file === existing && /^taken\.npy: already exists/.test(e.message),
    );
    assert.equal(fs.readFileSync(existing, 'utf8'), 'the user’s own file');
    assert.ok(!fs.existsSync(fresh), 'nothing is written when any target is refused');
    // The opened file and its sidecar are never targets, even with overwrite.
    for (const target of [ds.path, path.join(dir, 'glove.tsv')]) {
      await assert.rejects(
        exportCompression(ds, { config: { method: 'truncate', dims: 4 }, files: { matrix: target }, overwrite: true }),
        InputError,
      );
    }
    assert.ok(fs.readFileSync(ds.path).equals(dataBefore), 'the data file is unchanged');
    // Confirmed overwrite replaces the file with a valid array.
    const r = await exportCompression(ds, {
      config: { method: 'truncate', dims: 4 },
      files: { matrix: existing },
      overwrite: true,
    });
    assert.deepEqual(r.written[0].shape, [2000, 4]);
    assert.equal(fs.readFileSync(existing).subarray(1, 6).toString('latin1'), 'NUMPY');
    // Other mistakes are clear InputErrors.
    const bad = (files: CompressionExportFiles, method: CompressionMethod = 'pca', dims = 4) =>
      exportCompression(ds, { config: { method, dims }, files });
    await assert.rejects(
      bad({ matrix: path.join(dir, 'out.txt') }),
      (e) => e instanceof InputError && /\.npy/.test(e.message),
    );
    await assert.rejects(
      bad({ matrix: path.join(dir, 'no-such-folder', 'm.npy') }),
      (e) => e instanceof InputError && /does not exist/.test(e.message),
    );
    await assert.rejects(
      bad({ pcaMean: path.join(dir, 'm.npy') }, 'truncate'),
      (e) => e instanceof InputError && /no 'pcaMean'/.test(e.message),
    );
    await assert.rejects(
      bad({ matrix: path.join(dir, 'm.npy') }, 'pca', 101),
      (e) => e instanceof InputError && /101/.test(e.message),
    );
    await assert.rejects(bad({}), (e) => e instanceof InputError && /no output file/.test(e.message));
    await assert.rejects(
      bad({ matrix: path.join(dir, 'same.npy'), pcaMean: path.join(dir, 'same.npy') }),
      (e) => e instanceof InputError && /two different arrays/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(dir).sort(), ['glove.npy', 'glove.tsv', 'taken.npy']);
  } finally {
    cleanup();
  }
});
