/**
 * The Map panel's view helpers (webview/map/data.ts): the density grid against
 * numpy.histogram2d on the same points, and rows-in-view against brute force.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bin2d,
  bounds,
  cellIndex,
  densityRgba,
  finiteRows,
  rowsInBoxIndexed,
  thinEvenly,
} from '../../webview/map/data';
import { Rng } from '../../src/engine/util/random';
import { pythonSkipReason, runPython } from './helpers/python';

const py = pythonSkipReason(['numpy']);

function points(n: number): Float32Array {
  const rng = new Rng(9);
  const c = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    c[2 * i] = (i % 3) * 5 + rng.normal();
    c[2 * i + 1] = rng.normal() * 2;
  }
  c[10] = NaN; // row 5 has no place on the map
  return c;
}

test('density grid equals numpy.histogram2d on the same points and range', { skip: py ?? false }, () => {
  const c = points(20000);
  const rows = finiteRows(c, 2);
  assert.equal(rows.length, 19999);
  const b = bounds(c, 2, rows);
  const grid = bin2d(c, 2, rows, b, 64, 48);
  const finite = Float32Array.from(Array.from(rows).flatMap((i) => [c[2 * i], c[2 * i + 1]]));
  const H = runPython(
    'projection_ref.py',
    { Y: { data: finite, shape: [rows.length, 2] } },
    {
      op: 'hist2d',
      nx: 64,
      ny: 48,
      range: [
        [b.x0, b.x1],
        [b.y0, b.y1],
      ],
    },
  ).arrays.H.data;
  let total = 0;
  let diff = 0;
  for (let y = 0; y < 48; y++)
    for (let x = 0; x < 64; x++) {
      const v = Number.isNaN(grid.z[y][x]) ? 0 : grid.z[y][x];
      total += v;
      diff += Math.abs(v - H[y * 64 + x]);
    }
  assert.equal(total, 19999, 'every finite row counted once');
  // Rounding at a bin edge can move a point to the neighbouring bin (float32 vs float64 edges).
  assert.ok(diff <= 4, `|ours − numpy| summed over bins = ${diff}`);
  assert.equal(grid.x.length, 64);
  assert.ok(Math.abs(grid.x[0] - (b.x0 + (b.x1 - b.x0) / 128)) < 1e-9, 'cell centres');
});

test('rows in a zoomed view (cell index) equal brute force, for views inside, across and outside the map', () => {
  const c = points(5000);
  const rows = finiteRows(c, 2);
  const ix = cellIndex(c, 2, rows, bounds(c, 2, rows), 64);
  for (const box of [
    { x0: 4, x1: 6, y0: -1, y1: 1.5 },
    { x0: -100, x1: 100, y0: -100, y1: 100 },
    { x0: 9.5, x1: 30, y0: 2, y1: 9 },
    { x0: 50, x1: 60, y0: 0, y1: 1 },
  ]) {
    const got = rowsInBoxIndexed(ix, c, 2, box);
    const want = Array.from(rows).filter(
      (i) => c[2 * i] >= box.x0 && c[2 * i] <= box.x1 && c[2 * i + 1] >= box.y0 && c[2 * i + 1] <= box.y1,
    );
    assert.deepEqual(
      Array.from(got).sort((a, b) => a - b),
      want,
      JSON.stringify(box),
    );
  }
});

test('thinEvenly: at most the cap, sparse cells keep every row, dense cells thinned to one quota, deterministic', () => {
  // A dense blob (4000 rows in one small area) and 200 scattered rows.
  const rng = new Rng(3);
  const n = 4200;
  const c = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const dense = i < 4000;
    c[2 * i] = dense ? 0.5 + 0.01 * rng.next() : 10 * rng.next();
    c[2 * i + 1] = dense ? 0.5 + 0.01 * rng.next() : 10 * rng.next();
  }
  const rows = finiteRows(c, 2);
  const box = { x0: 0, x1: 10, y0: 0, y1: 10 };
  assert.equal(thinEvenly(c, 2, rows, box, 5000), rows, 'rows that fit are returned as they are');
  const got = thinEvenly(c, 2, rows, box, 1000, 16);
  assert.ok(got.length <= 1000 && got.length > 500, `${got.length} kept`);
  const kept = new Set(got);
  // Every scattered row sits in a sparse cell and is kept unless its cell is over the quota.
  const cellOf = (i: number) =>
    Math.min(15, Math.floor((c[2 * i] / 10) * 16)) * 16 + Math.min(15, Math.floor((c[2 * i + 1] / 10) * 16));
  const counts = new Map<number, number>();
  for (const i of rows) counts.set(cellOf(i), (counts.get(cellOf(i)) ?? 0) + 1);
  const keptPer = new Map<number, number>();
  for (const i of got) keptPer.set(cellOf(i), (keptPer.get(cellOf(i)) ?? 0) + 1);
  const quota = Math.max(...keptPer.values());
  for (const [cell, cnt] of counts) assert.equal(keptPer.get(cell) ?? 0, Math.min(cnt, quota), `cell ${cell}`);
  assert.ok(
    quota < 4000 && [...kept].filter((i) => i >= 4000).length > 150,
    'the blob is thinned, the scattered rows stay',
  );
  assert.deepEqual(thinEvenly(c, 2, rows, box, 1000, 16), got);
});

test('density image: log-scaled Viridis, empty cells transparent, top image row = highest y', () => {
  const z = [
    [1, 0],
    [0, 100],
  ];
  const { rgba, max } = densityRgba(z, 2, 2);
  assert.equal(max, 100);
  // z[0] is the lowest y row, drawn as the bottom image row (pixels 2, 3).
  // count 1: log1p(1)/log1p(100)·9 = 1.352 of the way up the 10 stops, between (72,40,120) and (62,74,137).
  assert.deepEqual(Array.from(rgba.subarray(8, 12)), [68, 52, 126, 255]);
  assert.equal(rgba[12 + 3], 0, 'empty cell transparent');
  assert.deepEqual(Array.from(rgba.subarray(4, 8)), [253, 231, 37, 255], 'the densest cell is the top of the scale');
  assert.equal(rgba[3], 0);
});
