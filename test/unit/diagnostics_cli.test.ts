/**
 * `embedding-lens diagnose`: its JSON contract (every listed key, its type,
 * findings as {severity, title, detail}), `--sample N` stated in the output, flags
 * checked, and bad input answered with exit code 2 and one line naming the file and
 * the problem (zero rows, every row NaN, unknown metric). The numbers themselves are
 * checked against numpy in diagnostics_ref.test.ts; here, the hubness of Dexter (the UCI
 * bag-of-words set scikit-hubness uses as its example, 300×20000): cosine k = 10 skewness
 * 3.977, a reproduced reference value computed with numpy/scipy.stats.skew, when the
 * project's shared data folder (../shared/data, not in the repository) holds it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeNpy } from '../../src/engine/io/npy';
import { runCli } from './helpers/cli';
import { slow } from './helpers/tier';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const DEXTER = path.resolve(__dirname, '../../../shared/data/dexter_hubness_benchmark/X.npy');
let dir = '';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-diag-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function npy(name: string, rows: number, cols: number, fill: (i: number, j: number) => number): string {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = fill(i, j);
  const file = path.join(dir, name);
  fs.writeFileSync(file, encodeNpy(data, [rows, cols]));
  return file;
}

const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/** Every key the issue lists, with its type. */
function assertContract(r: any): void {
  const rank = r.rank;
  assert.ok(Array.isArray(rank.singularValues) && rank.singularValues.every(num), 'rank.singularValues');
  for (let i = 1; i < rank.singularValues.length; i++)
    assert.ok(rank.singularValues[i] <= rank.singularValues[i - 1], 'singular values descending');
  for (const key of ['rankMe', 'effectiveRank', 'participationRatio']) assert.ok(num(rank[key]), `rank.${key}`);
  for (const key of ['dims90', 'dims95']) assert.ok(Number.isInteger(rank[key]), `rank.${key}`);
  for (const key of ['twoNN', 'mle']) assert.ok(num(r.intrinsicDimension[key]), `intrinsicDimension.${key}`);
  assert.ok(Number.isInteger(r.intrinsicDimension.duplicatesRemoved));
  for (const key of ['meanCosine', 'isoScore', 'partitionIsotropy']) assert.ok(num(r.isotropy[key]), `isotropy.${key}`);
  assert.ok(
    Array.isArray(r.isotropy.outlierDimensions) && r.isotropy.outlierDimensions.every(Number.isInteger),
    'isotropy.outlierDimensions',
  );
  assert.ok(Number.isInteger(r.hubness.k));
  assert.ok(r.hubness.metric === 'cosine' || r.hubness.metric === 'euclidean');
  for (const key of ['skewness', 'robinHood', 'antihubShare']) assert.ok(num(r.hubness[key]), `hubness.${key}`);
  assert.ok(Number.isInteger(r.hubness.maxOccurrence));
  for (const key of ['normCv', 'topkJaccard']) assert.ok(num(r.cosineVsDot[key]), `cosineVsDot.${key}`);
  assert.ok(Array.isArray(r.findings) && r.findings.length > 0);
  for (const f of r.findings) {
    assert.ok(['info', 'warning', 'critical'].includes(f.severity), `severity ${f.severity}`);
    assert.ok(typeof f.title === 'string' && f.title.length > 0);
    assert.ok(typeof f.detail === 'string');
  }
}

test(
  'diagnose --json prints one object with the whole contract (CLIP fixture, defaults)',
  { skip: slow() },
  async () => {
    const res = await runCli(['diagnose', path.join(FIXTURES, 'clip_vitb16_coco500.npy'), '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout.trim().split('\n').length, 1, 'one line of JSON');
    const r = JSON.parse(res.stdout);
    assertContract(r);
    assert.equal(r.rows, 1000);
    assert.equal(r.rank.singularValues.length, 512, 'min(n, d) singular values of the raw X');
    assert.equal(r.hubness.k, 10, 'default k = 10');
    assert.equal(r.hubness.metric, 'cosine', 'hubness defaults to cosine');
    assert.equal(r.intrinsicDimension.metric, 'euclidean', 'ID defaults to euclidean on the rows as given');
    assert.equal(r.sample, undefined, 'no sampling below 100k rows');
    assert.equal(r.perRow, undefined, 'per-row arrays only with --per-row');
  },
);

test(
  '--sample N runs the k-NN parts on N seeded rows and says so; --k, --metric, --seed are honoured',
  { skip: slow() },
  async () => {
    const file = path.join(FIXTURES, 'glove2k.npy');
    const res = await runCli([
      'diagnose',
      file,
      '--json',
      '--sample',
      '500',
      '--k',
      '7',
      '--metric',
      'euclidean',
      '--seed',
      '3',
    ]);
    assert.equal(res.code, 0, res.stderr);
    const r = JSON.parse(res.stdout);
    assertContract(r);
    assert.deepEqual(r.sample, {
      rows: 500,
      of: 2000,
      seed: 3,
      sections: ['intrinsicDimension', 'hubness', 'cosineVsDot'],
    });
    assert.ok(
      r.notes.some((n: string) => /--sample 500/.test(n) && /500 of 2000 rows/.test(n)),
      'a note says what was sampled',
    );
    assert.ok(
      r.findings.some((f: any) => f.section === 'data' && /sample of 500 of 2000 rows/.test(f.title)),
      'and a finding',
    );
    assert.equal(r.hubness.k, 7);
    assert.equal(r.hubness.metric, 'euclidean');
    assert.equal(r.hubness.rowsUsed, 500);
    assert.equal(r.intrinsicDimension.metric, 'euclidean');
    assert.equal(r.rank.n, 2000, 'rank uses every row');
    assert.equal(r.isotropy.rowsUsed, 2000, 'isotropy uses every row');
    // Same seed, same answer; another seed, another sample.
    const again = JSON.parse(
      (
        await runCli([
          'diagnose',
          file,
          '--json',
          '--sample',
          '500',
          '--k',
          '7',
          '--metric',
          'euclidean',
          '--seed',
          '3',
        ])
      ).stdout,
    );
    assert.equal(again.hubness.skewness, r.hubness.skewness);
    const other = JSON.parse(
      (
        await runCli([
          'diagnose',
          file,
          '--json',
          '--sample',
          '500',
          '--k',
          '7',
          '--metric',
          'euclidean',
          '--seed',
          '4',
        ])
      ).stdout,
    );
    assert.notEqual(other.hubness.skewness, r.hubness.skewness);
  },
);

test('--sample at or above the row count uses every row and says so; --per-row adds per-row arrays', async () => {
  const file = path.join(FIXTURES, 'skdim_hyperball_30x10.npy');
  const res = await runCli(['diagnose', file, '--json', '--sample', '100', '--per-row']);
  assert.equal(res.code, 0, res.stderr);
  const r = JSON.parse(res.stdout);
  assert.equal(r.sample, undefined);
  assert.ok(r.notes.some((n: string) => /--sample 100 is not below the 30 rows/.test(n)));
  assert.equal(r.perRow.localId.length, 30);
  assert.equal(r.perRow.kOccurrence.length, 30);
  assert.equal(
    r.perRow.kOccurrence.reduce((a: number, b: number) => a + b, 0),
    30 * r.hubness.k,
    'every row lists k neighbours',
  );
});

test('bad input: exit 2 with one line naming the file and the problem', async () => {
  const cases: [string[], RegExp][] = [
    [['diagnose', npy('empty.npy', 0, 8, () => 0), '--json'], /empty\.npy: .*0 rows/],
    [['diagnose', npy('allnan.npy', 5, 4, () => NaN), '--json'], /allnan\.npy: every row \(5\) holds NaN or Inf/],
    [['diagnose', path.join(dir, 'missing.npy'), '--json'], /missing\.npy: does not exist/],
    [
      ['diagnose', path.join(FIXTURES, 'glove2k.npy'), '--metric', 'dot'],
      /--metric must be cosine or euclidean, got 'dot'/,
    ],
    [['diagnose', path.join(FIXTURES, 'glove2k.npy'), '--k', '0'], /--k must be an integer ≥ 1/],
    [['diagnose', path.join(FIXTURES, 'glove2k.npy'), '--sample', '1'], /--sample must be an integer ≥ 2/],
    [['diagnose', path.join(FIXTURES, 'glove2k.npy'), '--sample', 'many'], /--sample must be an integer/],
  ];
  for (const [argv, message] of cases) {
    const res = await runCli(argv);
    assert.equal(res.code, 2, `${argv.join(' ')}: ${res.stderr}`);
    assert.equal(res.stdout, '');
    assert.match(res.stderr, /^embedding-lens: /);
    assert.match(res.stderr, message);
    assert.equal(res.stderr.trim().split('\n').length, 1, 'one line');
  }
});

test('degenerate data answers with NaN (null) and a plain finding instead of failing', async () => {
  const single = JSON.parse((await runCli(['diagnose', npy('single.npy', 1, 6, (_i, j) => j + 1), '--json'])).stdout);
  assert.equal(single.isotropy.meanCosine, null);
  assert.equal(single.hubness.skewness, null);
  assert.ok(single.notes.some((n: string) => /single row/.test(n)));
  assert.ok(single.findings.some((f: any) => /One usable row/.test(f.title)));
  const same = JSON.parse((await runCli(['diagnose', npy('same.npy', 30, 4, () => 1), '--json'])).stdout);
  assert.equal(same.duplicateRows, 29);
  assert.equal(same.intrinsicDimension.duplicatesRemoved, 29);
  assert.equal(same.intrinsicDimension.twoNN, null);
  assert.ok(same.findings.some((f: any) => f.severity === 'critical' && /No variance/.test(f.title)));
  const zero = JSON.parse((await runCli(['diagnose', npy('zero.npy', 5, 4, () => 0), '--json'])).stdout);
  assert.equal(zero.zeroRows, 5);
  assert.equal(zero.isotropy.rowsUsed, 0);
  assert.equal(zero.isotropy.meanCosine, null);
  assert.ok(zero.findings.some((f: any) => /5 zero vectors/.test(f.title)));
});

test(
  'dexter (scikit-hubness example data): strong hubness, skewness 3.98 at cosine k = 10',
  { skip: slow(fs.existsSync(DEXTER) ? false : `${DEXTER} not found (../shared/data is not part of the repository)`) },
  async () => {
    const res = await runCli(['diagnose', DEXTER, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const r = JSON.parse(res.stdout);
    assertContract(r);
    assert.equal(r.rank.singularValues.length, 300, 'n < d: 300 singular values of a 300 × 20000 matrix');
    assert.ok(Math.abs(r.hubness.skewness - 3.98) < 0.005, `skewness ${r.hubness.skewness}`);
    assert.ok(
      r.findings.some(
        (f: any) =>
          f.section === 'hubness' && f.severity === 'critical' && /Strong hubness: skewness 3\.98/.test(f.title),
      ),
    );
    // Reduction helps on dexter (scikit-hubness's point): mutual proximity well below the raw skewness.
    assert.ok(r.hubness.mutualProximity.skewness < 2, `MP skewness ${r.hubness.mutualProximity.skewness}`);
  },
);
