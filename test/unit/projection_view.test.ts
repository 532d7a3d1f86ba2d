/**
 * The Map panel's view helpers (webview/map/data.ts): base64 float32/int32
 * decoding as the engine encodes it, the density grid against numpy.histogram2d
 * on the same points, and rows-in-view against brute force.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bin2d, bounds, decodeF32, decodeI32, finiteRows, rowsIn } from '../../webview/map/data';
import { b64 } from '../../src/engine/handlers/projection';
import { Rng } from '../../src/engine/projection/random';
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

test('engine base64 arrays decode to the same values (NaN kept)', () => {
  const f = Float32Array.of(1.5, NaN, -0, 3e-38, Infinity);
  assert.deepEqual(decodeF32(b64(f)), f);
  const i = Int32Array.of(-1, 0, 2147483647, 7);
  assert.deepEqual(decodeI32(b64(i)), i);
  // A view with an offset encodes only its own bytes.
  assert.deepEqual(decodeF32(b64(f.subarray(2, 4))), f.subarray(2, 4));
});

test('density grid equals numpy.histogram2d on the same points and range', { skip: py ?? false }, () => {
  const c = points(20000);
  const rows = finiteRows(c, 2);
  assert.equal(rows.length, 19999);
  const b = bounds(c, 2, rows);
  const grid = bin2d(c, 2, rows, b, 64, 48);
  const finite = Float32Array.from(Array.from(rows).flatMap((i) => [c[2 * i], c[2 * i + 1]]));
  const H = runPython('projection_ref.py', { Y: { data: finite, shape: [rows.length, 2] } }, { op: 'hist2d', nx: 64, ny: 48, range: [[b.x0, b.x1], [b.y0, b.y1]] }).arrays.H.data;
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

test('rows in a zoomed view equal brute force, and null above the limit', () => {
  const c = points(5000);
  const rows = finiteRows(c, 2);
  const box = { x0: 4, x1: 6, y0: -1, y1: 1.5 };
  const got = rowsIn(c, 2, rows, box, 5000)!;
  const want = Array.from(rows).filter((i) => c[2 * i] >= 4 && c[2 * i] <= 6 && c[2 * i + 1] >= -1 && c[2 * i + 1] <= 1.5);
  assert.ok(want.length > 100);
  assert.deepEqual(Array.from(got), want);
  assert.equal(rowsIn(c, 2, rows, box, want.length - 1), null);
});
