/**
 * UMAP's tabulated gradient coefficients (umap.ts forceTable/force) against the
 * formulas of McInnes et al. 2018 / umap-learn evaluated with Math.pow, over
 * eleven decades of squared distance and the a, b of three min_dist values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findAbParams } from '../../src/engine/analysis/map/abparams';
import { force, forceTable } from '../../src/engine/analysis/map/umap';

test('tabulated attractive and repulsive coefficients are within 1e-4 of the exact formulas', () => {
  for (const minDist of [0, 0.1, 0.5]) {
    const { a, b } = findAbParams(1, minDist);
    const gamma = 1.5;
    const ft = forceTable(a, b, gamma);
    let worstA = 0;
    let worstR = 0;
    for (let i = 0; i <= 20000; i++) {
      const q = Math.exp(-14 + (i / 20000) * 25); // 8e-7 … 6e4: inside, below and beyond the table
      const attract = (-2 * a * b * Math.pow(q, b - 1)) / (1 + a * Math.pow(q, b));
      const repel = (2 * gamma * b) / ((0.001 + q) * (1 + a * Math.pow(q, b)));
      worstA = Math.max(worstA, Math.abs(force(ft.attract, ft, q) / attract - 1));
      worstR = Math.max(worstR, Math.abs(force(ft.repel, ft, q) / repel - 1));
    }
    assert.ok(worstA < 1e-4, `min_dist ${minDist}: attractive error ${worstA}`);
    assert.ok(worstR < 1e-4, `min_dist ${minDist}: repulsive error ${worstR}`);
  }
});
