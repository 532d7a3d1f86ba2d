/**
 * `embedding-lens compress` (src/engine/cli/commands/compress.ts): the JSON shape the
 * issue specifies, the same numbers as the engine function on the same file, and
 * clear exit-2 errors for bad flags and bad files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './helpers/cli';
import { loadDataset } from '../../src/engine/data/dataset';
import { compressionSweep } from '../../src/engine/analysis/compression/sweep';
import { slow } from './helpers/tier';

const FIXTURE = path.resolve(__dirname, '../fixtures/glove2k.npy');

test(
  'compress --json: k, queries, results with method/dims/bits/bytesPerVector/recall/queryTimeRatio, recommended',
  { skip: slow() },
  async () => {
    const r = await runCli([
      'compress',
      FIXTURE,
      '--k',
      '5',
      '--queries',
      '150',
      '--target',
      '0.9',
      '--dims',
      '8,50',
      '--rescore',
      '4',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.k, 5);
    assert.equal(j.queries, 150);
    for (const p of j.results)
      for (const key of ['method', 'dims', 'bits', 'bytesPerVector', 'recall', 'queryTimeRatio'])
        assert.ok(key in p, `${key} in ${JSON.stringify(p)}`);
    assert.deepEqual(
      j.results.map((p: { method: string; dims: number }) => `${p.method}:${p.dims}`),
      [
        'float32:100',
        'pca:8',
        'pca:50',
        'truncate:8',
        'truncate:50',
        'int8:100',
        'pca+int8:8',
        'pca+int8:50',
        'binary:100',
        'binary+rescore:100',
      ],
    );
    // Same recalls as the engine function on the same file and settings (timings differ run to run).
    const ds = await loadDataset({ path: FIXTURE });
    const e = await compressionSweep(ds, { k: 5, queries: 150, target: 0.9, dims: [8, 50], rescore: [4] });
    assert.deepEqual(
      j.results.map((p: { recall: number }) => p.recall),
      e.results.map((p) => p.recall),
    );
    assert.equal(j.recommended?.method, e.recommended?.method);
    assert.equal(j.recommended?.dims, e.recommended?.dims);
  },
);

test('compress: bad flags and files exit 2 with a message naming the problem', async () => {
  const bad = async (argv: string[], re: RegExp) => {
    const r = await runCli(argv);
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  };
  await bad(['compress', FIXTURE, '--target', '2', '--json'], /target recall must be in \(0, 1\]/);
  await bad(['compress', FIXTURE, '--dims', '8,x', '--json'], /--dims must be a comma-separated list/);
  await bad(['compress', FIXTURE, '--k', '0', '--json'], /--k must be an integer ≥ 1/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-cli-compress-'));
  try {
    const text = path.join(dir, 'notes.npy');
    fs.writeFileSync(text, 'not an array');
    await bad(['compress', text, '--json'], /notes\.npy: not a NumPy \.npy file/);
    await bad(['compress', path.join(dir, 'missing.npy'), '--json'], /missing\.npy: does not exist/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
