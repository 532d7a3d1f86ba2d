/**
 * The panels' plain-language findings (src/shared/webview/pairs.ts): on real
 * results (CLIP fixture gap, CLIP image vs caption comparison) and on results
 * that should read the other way (no gap, collapsed classes), so each sentence
 * can be wrong and would be caught.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { CompareResult, ModalityGapResult, NeuralCollapseResult } from '../../src/shared/protocol/pairs';
import { collapseFindings, compareFindings, gapFindings } from '../../src/shared/webview/pairs';
import { loadDataset } from '../../src/engine/data/dataset';
import { rowSlice } from '../../src/engine/core/matrix';
import { modalityGap } from '../../src/engine/analysis/pairs/gap';
import { compareSpaces } from '../../src/engine/analysis/pairs/compare';

const FIXTURE = path.resolve(__dirname, '../fixtures/clip_vitb16_coco500.npy');

test('gap findings on CLIP say there is a gap, the groups are separable, and how retrieval changes', async () => {
  const r = await modalityGap(await loadDataset({ path: FIXTURE }), { group: 'modality', pair: 'pair_id' });
  const f = gapFindings(r).map((x) => x.text);
  assert.match(f[0], /0\.851 apart .* a modality gap/);
  assert.match(f[1], /with 100\.0% cross-validated accuracy: the groups are linearly separable/);
  assert.match(f[2], /Relative modality gap 0\.591: matched pairs are further apart than/);
  assert.match(
    f[3],
    /finds the matched text first for 55\.2% of image rows .* after closing the gap .* 35\.8% \(-19\.4 points\)/,
  );
  // The same text on a result with no gap reads the other way.
  const none: ModalityGapResult = { ...r, l2m: 0.05, separability: 0.52, rmg: 0.3, ignoredRows: 3 };
  const g = gapFindings(none);
  assert.match(g[0].text, /No marked gap/);
  assert.equal(g[0].severity, 'info');
  assert.match(g[1].text, /52\.0% cross-validated accuracy \(50% would be chance/);
  assert.match(g[2].text, /closer than typical rows/);
  assert.ok(g.some((x) => /3 row\(s\) were left out/.test(x.text)));
});

test('compare findings on CLIP images vs captions report CKA, mutual k-NN and alignment', async () => {
  const ds = await loadDataset({ path: FIXTURE });
  const mk = (from: number, name: string) => ({
    ...ds,
    id: name,
    path: `/tmp/${name}`,
    matrix: rowSlice(ds.matrix, from, from + 500),
    metadata: undefined,
    cache: new Map(),
  });
  const r = await compareSpaces(mk(0, 'img.npy'), mk(500, 'txt.npy'), { k: 10 });
  const f = compareFindings(r, 'img.npy', 'txt.npy').map((x) => x.text);
  assert.match(f[0], /Linear CKA 0\.636/);
  assert.match(f[1], /24\.9% of a row's 10 nearest neighbours are the same/);
  assert.match(
    f[2],
    /Aligned by a rotation, row i of img\.npy retrieves row i of txt\.npy first for 95\.8% of rows \(before alignment 55\.2%\)/,
  );
  assert.ok(f.some((t) => /No id column to check/.test(t)));
  const other: CompareResult = {
    ...r,
    procrustes: { ...r.procrustes, alignment: 'pca-orthogonal', alignedDims: 64, top1Before: null },
    idColumn: 'word',
    usedRows: r.rows - 2,
    jaccard: r.jaccard.map(() => 0),
  };
  const g = compareFindings(other).map((x) => x.text);
  assert.match(g[2], /after reducing both files to 64 dims by their own PCA/);
  assert.doesNotMatch(g[2], /before alignment/);
  assert.ok(g.some((t) => /100\.0% of rows share no neighbour/.test(t)));
  assert.ok(g.some((t) => /checked .* by the 'word' column/.test(t)));
  assert.ok(g.some((t) => /2 row\(s\) with NaN\/Inf or zero vectors/.test(t)));
});

test('collapse findings distinguish collapsed from spread classes, and flag one-row classes and C > d', () => {
  const base: NeuralCollapseResult = {
    column: 'label',
    classes: 3,
    rows: 100,
    dims: 2,
    ignoredRows: 0,
    nc1: 0.01,
    withinBetweenRatio: 0.02,
    nc2: { equinorm: 0.01, equiangularity: 0.02, meanCosine: -0.49, idealCosine: -0.5 },
    ncmAccuracy: 1,
    knnAccuracy: 1,
    k: 10,
    perClass: [
      { name: 'a', rows: 50, spread: 0.1, meanNorm: 1 },
      { name: 'b', rows: 49, spread: 0.1, meanNorm: 1 },
      { name: 'c', rows: 1, spread: 0, meanNorm: 1 },
    ],
    meanCosines: new Float64Array(0),
    classNames: ['a', 'b', 'c'],
  };
  const f = collapseFindings(base);
  assert.match(f[0].text, /NC1 = 0\.010/);
  assert.equal(f[1].severity, 'info');
  assert.match(f[2].text, /a sign of collapse/);
  assert.ok(f.some((x) => x.severity === 'warning' && /1 class\(es\) have a single row \(c\)/.test(x.text)));
  assert.ok(!f.some((x) => /cannot form a simplex/.test(x.text)));
  const spread = collapseFindings({
    ...base,
    classes: 5,
    dims: 3,
    nc2: { ...base.nc2, equiangularity: 0.3 },
    ncmAccuracy: 0.6,
    knnAccuracy: 0.8,
    nc3: 0.2,
    nc4: 0.1,
    classifierAccuracy: 0.9,
  });
  assert.equal(spread[1].severity, 'warning');
  assert.doesNotMatch(spread[2].text, /sign of collapse/);
  assert.ok(
    spread.some((x) =>
      /NC3 .* 0\.200; it disagrees with the nearest class mean on 10\.0% of rows \(NC4\); accuracy 90\.0%/.test(x.text),
    ),
  );
  assert.ok(spread.some((x) => /5 classes in 3 dimensions/.test(x.text)));
});
