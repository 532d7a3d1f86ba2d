/**
 * The whole `diagnose` pipeline against numpy/scipy/scikit-learn computing the same
 * quantities on the same rows (test/reference/diagnostics_ref.py: SVD instead of
 * Gram eigenvalues, explicit all-but-the-top/whitening of the data, brute-force
 * float64 neighbours), on real embeddings (CLIP image rows, GloVe 2k) and on random
 * data with a known spectrum; plus reproduced reference values on the CLIP image rows
 * (computed with numpy 1.24 / scipy 1.10 / scikit-learn 1.2: mean cosine 0.5314830467,
 * rogue dimension, IsoScore, hubness) that hold whatever the library.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DiagnoseResult } from '../../src/shared/protocol/diagnostics';
import { Matrix, gatherRows } from '../../src/engine/core/matrix';
import { readNpy } from '../../src/engine/io/npy';
import { diagnose } from '../../src/engine/analysis/diagnostics';
import { RANK_QUERIES, RESCALE_QUERIES, RESCALE_SIGMA } from '../../src/engine/analysis/diagnostics/cosineVsDot';
import { Rng, sampleRows } from '../../src/engine/util/random';
import { pythonSkipReason, runPython } from './helpers/python';
import { memoryDataset as dataset } from './helpers/dataset';
import { slow } from './helpers/tier';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const py = pythonSkipReason();

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: ${actual} vs ${expected} (|diff| ${Math.abs(actual - expected)} > ${tol})`,
  );
}

/** Relative closeness with an absolute floor. */
function rel(actual: number, expected: number, r: number, what: string, floor = 1e-12): void {
  close(actual, expected, Math.max(floor, Math.abs(expected) * r), what);
}

function clipImages(): Matrix {
  const m = readNpy(path.join(FIXTURES, 'clip_vitb16_coco500.npy')).matrix;
  return gatherRows(
    m,
    Array.from({ length: 500 }, (_, i) => i),
  );
}

/** The query rows and diagonal scale the engine draws for its sampled parts, rebuilt from the same seed. */
function enginesDraws(r: DiagnoseResult, validRows: number[], seed: number) {
  const pick = (m: number) => Array.from(sampleRows(validRows, m, seed));
  const g = new Rng(seed ^ 0x5eed);
  const scale = Array.from({ length: r.dims }, () => Math.exp(RESCALE_SIGMA * g.normal()));
  return { queries: pick(RANK_QUERIES), rescaleQueries: pick(RESCALE_QUERIES), scale };
}

/**
 * Compares every number of the CLI contract (and the panel's extras) with the reference.
 * Neighbour-based numbers use float32 rows against float64 ones: a near-tie may flip, so
 * they get a tolerance of a few flips; spectral numbers are float64 from float32 data.
 */
function compare(r: DiagnoseResult, ref: any, label: string): void {
  const rk = r.rank!;
  assert.ok(rk, `${label}: rank section present`);
  assert.equal(rk.singularValues.length, ref.rank.singularValues.length, `${label}: min(n, d) singular values`);
  const s0 = ref.rank.singularValues[0];
  rk.singularValues.forEach((v, i) =>
    close(v, ref.rank.singularValues[i], 1e-6 * s0 + 1e-5 * ref.rank.singularValues[i], `${label} σ${i}`),
  );
  rel(rk.rankMe, ref.rank.rankMe, 1e-6, `${label} RankMe`);
  rel(rk.effectiveRank, ref.rank.effectiveRank, 1e-6, `${label} effective rank`);
  assert.equal(rk.dims90, ref.rank.dims90, `${label} dims90`);
  assert.equal(rk.dims95, ref.rank.dims95, `${label} dims95`);
  rel(rk.participationRatio, ref.rank.participationRatio, 1e-6, `${label} participation ratio`);

  const iso = r.isotropy;
  rel(iso.meanCosine, ref.isotropy.meanCosine, 1e-6, `${label} mean cosine`, 1e-9);
  iso.cosineContributions.forEach((v, j) => close(v, ref.isotropy.cosineContributions[j], 1e-8, `${label} CC${j}`));
  assert.equal(iso.topContributors[0].dim, ref.isotropy.topDim, `${label} top dimension`);
  rel(iso.topContributors[0].share, ref.isotropy.topShare, 1e-5, `${label} top share`);
  rel(iso.isoScore, ref.isotropy.isoScore, 1e-5, `${label} IsoScore`, 1e-9);
  rel(iso.partitionIsotropy, ref.isotropy.partitionIsotropy, 1e-4, `${label} I(W)`, 1e-9);
  assert.deepEqual(iso.outlierDimensions, ref.isotropy.outlierDimensions, `${label} outlier dimensions`);
  const [abtt, white] = iso.previews;
  assert.equal(abtt.components, ref.isotropy.abtt.D);
  close(abtt.meanCosine, ref.isotropy.abtt.meanCosine, 1e-6, `${label} ABTT mean cosine`);
  rel(abtt.isoScore, ref.isotropy.abtt.isoScore, 1e-5, `${label} ABTT IsoScore`, 1e-9);
  rel(abtt.partitionIsotropy, ref.isotropy.abtt.partitionIsotropy, 1e-4, `${label} ABTT I(W)`, 1e-9);
  close(white.meanCosine, ref.isotropy.whitening.meanCosine, 1e-5, `${label} whitened mean cosine`);
  rel(white.isoScore, ref.isotropy.whitening.isoScore, 1e-5, `${label} whitened IsoScore`, 1e-9);
  rel(white.partitionIsotropy, ref.isotropy.whitening.partitionIsotropy, 1e-3, `${label} whitened I(W)`, 1e-9);

  const id = r.intrinsicDimension;
  assert.equal(id.duplicatesRemoved, ref.intrinsicDimension.duplicatesRemoved, `${label} duplicates removed`);
  assert.equal(id.mleK, ref.intrinsicDimension.mleK);
  rel(id.mle, ref.intrinsicDimension.mle, 1e-4, `${label} MLE`);
  rel(id.twoNN, ref.intrinsicDimension.twoNN, 1e-4, `${label} TwoNN`);

  const h = r.hubness;
  const n = h.rowsUsed;
  // One flipped neighbour changes two occurrences by 1: allow a couple of flips.
  close(h.skewness, ref.hubness.skewness, 0.02, `${label} hubness skewness`);
  close(h.robinHood, ref.hubness.robinHood, 4 / (h.k * n), `${label} robin hood`);
  close(h.antihubShare, ref.hubness.antihubShare, 2.5 / n, `${label} antihub share`);
  close(h.hubOccurrence, ref.hubness.hubOccurrence, (4 * 2 * h.k) / (h.k * n), `${label} hub occurrence`);
  close(h.maxOccurrence, ref.hubness.maxOccurrence, 1, `${label} max occurrence`);
  for (const m of ['mutualProximity', 'csls'] as const) {
    close(h[m].skewness, ref.hubness[m].skewness, 0.05, `${label} ${m} skewness`);
    close(h[m].robinHood, ref.hubness[m].robinHood, 0.01, `${label} ${m} robin hood`);
  }

  const c = r.cosineVsDot;
  rel(c.normCv, ref.cosineVsDot.normCv, 1e-5, `${label} norm CV`, 1e-7);
  close(c.topkJaccard, ref.cosineVsDot.topkJaccard, 3 / n, `${label} top-k Jaccard`);
  close(c.topkOverlap, ref.cosineVsDot.topkOverlap, 3 / n, `${label} top-k overlap`);
  if (ref.spearman !== undefined && c.normCv >= 1e-6) close(c.rankCorrelation, ref.spearman, 1e-4, `${label} Spearman`);
  if (ref.rescaleJaccard !== undefined) close(c.rescaleJaccard, ref.rescaleJaccard, 0.01, `${label} rescaling Jaccard`);
}

async function checkAgainstReference(
  X: Matrix,
  label: string,
  params: { metric?: 'cosine' | 'euclidean'; k?: number } = {},
): Promise<DiagnoseResult> {
  const seed = 0;
  const r = await diagnose(dataset(X), { ...params, seed }, { perRow: true });
  const valid: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    for (let j = 0; j < X.cols; j++) s += X.data[i * X.cols + j] ** 2;
    if (s > 0 && Number.isFinite(s)) valid.push(i);
  }
  const draws = enginesDraws(r, valid, seed);
  // The reference drops NaN/Inf rows up front; renumber the engine's query rows to match.
  const finite: number[] = [];
  const newIndex = new Int32Array(X.rows).fill(-1);
  for (let i = 0; i < X.rows; i++) {
    let ok = true;
    for (let j = 0; j < X.cols; j++) ok &&= Number.isFinite(X.data[i * X.cols + j]);
    if (ok) newIndex[i] = finite.push(i) - 1;
  }
  const Xf = finite.length === X.rows ? X : gatherRows(X, finite);
  const renumber = (q: number[]) => q.map((i) => newIndex[i]);
  const ref = runPython(
    'diagnostics_ref.py',
    { X: { data: Xf.data, shape: [Xf.rows, Xf.cols] } },
    {
      k: params.k ?? 10,
      metric: params.metric,
      queries: renumber(draws.queries),
      rescaleQueries: renumber(draws.rescaleQueries),
      scale: draws.scale,
    },
  ).json;
  compare(r, ref, label);
  return r;
}

test(
  'CLIP image rows: reproduced reference values and every number vs numpy',
  { skip: slow(py ?? false) },
  async () => {
    const X = clipImages();
    const r = await checkAgainstReference(X, 'CLIP images');
    // Reproduced reference values (numpy); these do not depend on eigenvector signs or float32 near-ties.
    close(r.isotropy.meanCosine, 0.5314830466685783, 1e-9, 'mean cosine 0.5314830467');
    const top = r.isotropy.topContributors[0];
    close(top.share, 0.743, 0.0005, 'rogue dimension carries 74.3% of the mean cosine');
    assert.ok(
      r.findings.some((f) => f.section === 'isotropy' && f.title.includes(`Rogue dimension ${top.dim}`)),
      'finding names the rogue dimension',
    );
    close(r.rank!.rankMe, 258.21790041735585, 1e-3, 'RankMe raw 258.218');
    close(r.isotropy.isoScore, 0.0816057442922447, 1e-6, 'IsoScore 0.0816');
    close(r.isotropy.previews[0].meanCosine, -0.0017434422456230772, 1e-6, 'mean cosine after ABTT D=5');
    const h = r.hubness;
    close(h.skewness, 1.3380652003483082, 1e-6, 'hubness skewness k=10 1.338');
    close(h.robinHood, 0.3206, 1e-9, 'robin hood 0.3206');
    close(h.antihubShare, 0.05, 1e-9, 'antihubs 5%');
    close(h.hubOccurrence, 0.3558, 1e-9, 'hub occurrence');
    assert.equal(h.maxOccurrence, 45);
    assert.ok(
      r.findings.some((f) => f.section === 'hubness' && f.severity === 'warning' && /skewness 1\.34/.test(f.title)),
    );
  },
);

test(
  'CLIP image + caption rows with --metric cosine (ID on unit rows) vs numpy',
  { skip: slow(py ?? false) },
  async () => {
    const X = readNpy(path.join(FIXTURES, 'clip_vitb16_coco500.npy')).matrix;
    const r = await checkAgainstReference(X, 'CLIP all, cosine', { metric: 'cosine' });
    assert.equal(r.intrinsicDimension.metric, 'cosine');
    assert.equal(r.hubness.metric, 'cosine');
  },
);

test('GloVe 2k (norms vary: dot and cosine disagree) vs numpy, k = 5', { skip: slow(py ?? false) }, async () => {
  const X = readNpy(path.join(FIXTURES, 'glove2k.npy')).matrix;
  const r = await checkAgainstReference(X, 'GloVe 2k', { k: 5 });
  assert.equal(r.hubness.k, 5);
  assert.ok(r.cosineVsDot.normCv > 0.05, 'GloVe norms vary with frequency');
  assert.ok(r.cosineVsDot.topkJaccard < 0.9, 'so dot and cosine neighbours differ');
  assert.ok(
    r.findings.some(
      (f) => f.section === 'cosineVsDot' && f.severity === 'warning' && /disagree on \d+% of top-5/.test(f.title),
    ),
    'and the finding says so',
  );
});

test(
  'random data with a known spectrum: eigenvalues, dims90/95, participation ratio vs numpy and theory',
  { skip: slow(py ?? false) },
  async () => {
    // X = Z·diag(s), Z standard normal: the covariance eigenvalues tend to s² as n grows.
    const n = 3000;
    const d = 40;
    const s = Array.from({ length: d }, (_, j) => Math.pow(0.85, j));
    const g = new Rng(11);
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = s[j] * g.normal() + (j === 0 ? 3 : 0);
    const X = { rows: n, cols: d, data };
    const r = await checkAgainstReference(X, 'known spectrum');
    const lam = s.map((v) => v * v);
    const total = lam.reduce((a, b) => a + b, 0);
    const pr = (total * total) / lam.reduce((a, b) => a + b * b, 0);
    rel(r.rank!.participationRatio, pr, 0.05, 'participation ratio near the population value');
    rel(r.rank!.covarianceEigenvalues[0], lam[0], 0.08, 'top eigenvalue near s₀²');
    // Population dims for 90%: smallest m with Σ_{j<m} λ_j ≥ 0.9 Σλ.
    let c = 0;
    let m90 = 0;
    for (let j = 0; j < d; j++) {
      c += lam[j];
      if (c >= 0.9 * total) {
        m90 = j + 1;
        break;
      }
    }
    close(r.rank!.dims90, m90, 1, 'dims90 near the population value');
  },
);

/** Small seeded Gaussian rows. */
function gaussian(n: number, d: number, seed: number): Float32Array {
  const g = new Rng(seed);
  return Float32Array.from({ length: n * d }, () => g.normal());
}

test(
  'edge cases vs numpy: duplicates, n < d, constant columns, NaN rows, zero rows',
  { skip: slow(py ?? false) },
  async () => {
    const d = 8;
    // Duplicates: removed before ID (and counted), kept everywhere else.
    const dup = gaussian(60, d, 1);
    dup.copyWithin(10 * d, 3 * d, 4 * d);
    dup.copyWithin(11 * d, 3 * d, 4 * d);
    let r = await checkAgainstReference({ rows: 60, cols: d, data: dup }, 'duplicates');
    assert.equal(r.duplicateRows, 2);
    assert.equal(r.intrinsicDimension.duplicatesRemoved, 2);
    assert.ok(
      r.hubness.notes.some((t) => /duplicate/.test(t)),
      'hubness says duplicates are involved',
    );

    // n < d: the n×n route; min(n, d) singular values; IsoScore zero-padded to d.
    r = await checkAgainstReference({ rows: 24, cols: 64, data: gaussian(24, 64, 2) }, 'n < d');
    assert.equal(r.rank!.singularValues.length, 24);
    assert.equal(r.rank!.minND, 24);
    assert.equal(r.intrinsicDimension.mleK, 20);

    // Constant columns (one non-zero, one zero): zero-variance directions, finite everything.
    const cc = gaussian(60, d, 3);
    for (let i = 0; i < 60; i++) {
      cc[i * d + 2] = 1.5;
      cc[i * d + 5] = 0;
    }
    r = await checkAgainstReference({ rows: 60, cols: d, data: cc }, 'constant columns');
    assert.equal(r.rank!.covarianceEigenvalues.filter((v) => v < 1e-9).length, 2, 'two zero-variance directions');
    assert.ok(
      r.findings.some((f) => /Rogue dimension 2/.test(f.title)),
      'the constant 1.5 column carries the mean cosine',
    );

    // NaN / Inf rows: left out of everything and counted.
    const nan = gaussian(60, d, 4);
    nan[4 * d + 1] = NaN;
    nan.fill(Infinity, 7 * d, 8 * d);
    r = await checkAgainstReference({ rows: 60, cols: d, data: nan }, 'NaN rows');
    assert.equal(r.nonFiniteRows, 2);
    assert.equal(r.rank!.n, 58);
    assert.equal(r.hubness.rowsUsed, 58);
    assert.ok(
      r.findings.some(
        (f) => f.section === 'data' && f.severity === 'critical' && /2 rows with NaN or Inf/.test(f.title),
      ),
    );

    // Zero rows: excluded from the cosine measures (and counted), ordinary points for euclidean ID.
    const zero = gaussian(60, d, 5);
    zero.fill(0, 0, d);
    zero.fill(0, 9 * d, 10 * d);
    r = await checkAgainstReference({ rows: 60, cols: d, data: zero }, 'zero rows');
    assert.equal(r.zeroRows, 2);
    assert.equal(r.isotropy.zeroRowsExcluded, 2);
    assert.equal(r.isotropy.rowsUsed, 58);
    assert.equal(r.hubness.rowsUsed, 58);
    assert.equal(r.intrinsicDimension.duplicatesRemoved, 1, 'the second zero row is a duplicate of the first');
    assert.ok(r.perRow, 'per-row values requested');
    assert.ok(
      Number.isNaN(r.perRow.kOccurrence[0]) && Number.isNaN(r.perRow.kOccurrence[9]),
      'zero rows have no k-occurrence',
    );
    assert.ok(Number.isFinite(r.perRow.kOccurrence[1]));
  },
);

test(
  'cosine vs dot leaves zero rows out of both rankings, and lowers k on a tiny file, as numpy',
  { skip: py ?? false },
  async () => {
    // 20 rows in 8 dims: a row has about 9 others with a positive dot product, so a zero row (dot 0) would
    // enter many dot top-10 lists if it were a candidate.
    const d = 8;
    const cases: [string, Matrix, number][] = [];
    const zero = gaussian(20, d, 2);
    zero.fill(0, 0, d);
    zero.fill(0, 9 * d, 10 * d);
    cases.push(['zero rows', { rows: 20, cols: d, data: zero }, 10]);
    cases.push(['5 rows, k = 10', { rows: 5, cols: 4, data: gaussian(5, 4, 1) }, 10]);
    for (const [label, X, k] of cases) {
      const r = await diagnose(dataset(X), { k, seed: 0 });
      const ref = runPython(
        'diagnostics_ref.py',
        { X: { data: X.data, shape: [X.rows, X.cols] } },
        { k, only: 'cosdot' },
      ).json;
      const c = r.cosineVsDot;
      assert.equal(c.k, ref.k, `${label}: k`);
      close(c.topkJaccard, ref.topkJaccard, 1e-12, `${label}: top-k Jaccard`);
      close(c.topkOverlap, ref.topkOverlap, 1e-12, `${label}: top-k overlap`);
      assert.ok(c.topkJaccard <= 1 && c.topkOverlap <= 1, `${label}: shares are at most 1`);
    }
    const ref = runPython('diagnostics_ref.py', { X: { data: zero, shape: [20, d] } }, { k: 10, only: 'cosdot' }).json;
    assert.ok(ref.zeroInDotTopk > 0, 'with zero rows as candidates some dot top-10 lists would hold one');
  },
);
