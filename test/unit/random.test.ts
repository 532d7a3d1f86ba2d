/**
 * The engine's one seeded generator and samplers (src/engine/util/random.ts): fixed
 * seeds give fixed streams, samples and shuffles, equal to an independent Python
 * implementation of SplitMix32 → xoshiro128** and Fisher–Yates
 * (test/reference/random_ref.py, standard library only); plus the samplers' properties.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, sampleRows, shuffle } from '../../src/engine/util/random';
import { pythonSkipReason, runPython } from './helpers/python';

const py = pythonSkipReason(['json']);

const SEEDS = [0, 1, 42, 0x1f5, 0xdeadbeef, -1];
const SAMPLES = [
  { n: 10, m: 3, seed: 0 },
  { n: 1000, m: 100, seed: 3 },
  { n: 50_000, m: 1000, seed: 0 },
  { n: 7, m: 7, seed: 5 },
  { n: 7, m: 20, seed: 5 },
  { n: 5, m: 0, seed: 1 },
  { n: 0, m: 4, seed: 1 },
  { n: 6, m: 4, seed: 9, pool: [40, 3, 17, 8, 99, 0] },
  { n: 6, m: 10, seed: 9, pool: [40, 3, 17, 8, 99, 0] },
];
const SHUFFLES = [
  { n: 1, seed: 0 },
  { n: 2, seed: 1 },
  { n: 52, seed: 7 },
  { n: 1000, seed: 0xdeadbeef },
];

const sampleOf = (c: (typeof SAMPLES)[number]) => sampleRows(c.pool ?? c.n, c.m, c.seed);

test('fixed seeds give the reference streams, samples and shuffles', { skip: py ?? false }, () => {
  const ref = runPython('random_ref.py', {}, { seeds: SEEDS, count: 1000, samples: SAMPLES, shuffles: SHUFFLES }).json;
  for (const seed of SEEDS) {
    const key = String(seed);
    let g = new Rng(seed);
    assert.deepEqual(
      Array.from({ length: 1000 }, () => g.nextU32()),
      ref.streams[key],
      `nextU32 stream, seed ${seed}`,
    );
    g = new Rng(seed);
    assert.deepEqual(
      Array.from({ length: 100 }, () => g.next()),
      ref.uniform[key],
      `next(), seed ${seed}`,
    );
    g = new Rng(seed);
    assert.deepEqual(
      Array.from({ length: 100 }, (_, i) => g.int(i + 1)),
      ref.below[key],
      `int(n), seed ${seed}`,
    );
    g = new Rng(seed);
    // log and cos may differ in the last bit between V8 and CPython's libm.
    const normals = Array.from({ length: 100 }, () => g.normal());
    normals.forEach((v, i) =>
      assert.ok(Math.abs(v - ref.normal[key][i]) <= 1e-14 * Math.max(1, Math.abs(v)), `normal ${i}, seed ${seed}`),
    );
  }
  SAMPLES.forEach((c, t) => assert.deepEqual(Array.from(sampleOf(c)), ref.samples[t], `sample ${JSON.stringify(c)}`));
  SHUFFLES.forEach((c, t) => {
    const a = Int32Array.from({ length: c.n }, (_, i) => i);
    assert.equal(shuffle(a, new Rng(c.seed)), a, 'shuffles in place');
    assert.deepEqual(Array.from(a), ref.shuffles[t], `shuffle ${JSON.stringify(c)}`);
  });
});

test('sampleRows: distinct, sorted, in range, reproducible; m ≥ n gives every row', () => {
  for (const c of SAMPLES) {
    const s = sampleOf(c);
    const pool = c.pool ?? Array.from({ length: c.n }, (_, i) => i);
    assert.equal(s.length, Math.max(0, Math.min(c.m, pool.length)), `size ${JSON.stringify(c)}`);
    assert.equal(new Set(s).size, s.length, 'distinct');
    for (let i = 1; i < s.length; i++) assert.ok(s[i] > s[i - 1], 'sorted ascending');
    for (const v of s) assert.ok(pool.includes(v), `${v} is in the pool`);
    assert.deepEqual(sampleOf(c), s, 'same seed, same sample');
    if (c.m >= pool.length)
      assert.deepEqual(
        Array.from(s),
        [...pool].sort((a, b) => a - b),
        'm ≥ n: all rows',
      );
  }
  assert.notDeepEqual(sampleRows(1000, 100, 4), sampleRows(1000, 100, 3), 'another seed, another sample');
  // The pool is not modified.
  const pool = [5, 4, 3, 2, 1];
  sampleRows(pool, 2, 0);
  assert.deepEqual(pool, [5, 4, 3, 2, 1]);
});

test('sampleRows and shuffle are uniform: every row and position equally likely over many seeds', () => {
  // 4000 samples of 5 of 20: each row's count is Binomial(4000, 1/4), sd ≈ 27; 5 sd bounds.
  const counts = new Array<number>(20).fill(0);
  for (let seed = 0; seed < 4000; seed++) for (const v of sampleRows(20, 5, seed)) counts[v]++;
  for (const c of counts) assert.ok(Math.abs(c - 1000) < 5 * 27.4, `inclusion count ${c} of 4000 (expected 1000)`);
  // 6000 shuffles of 6 items: where item 0 lands is uniform over 6 positions (sd ≈ 29).
  const where = new Array<number>(6).fill(0);
  const rng = new Rng(11);
  for (let t = 0; t < 6000; t++) where[shuffle([0, 1, 2, 3, 4, 5], rng).indexOf(0)]++;
  for (const c of where) assert.ok(Math.abs(c - 1000) < 5 * 28.9, `position count ${c} of 6000 (expected 1000)`);
});

test('Rng: next() in [0, 1), int(n) in [0, n), normal() has mean 0 and variance 1', () => {
  const g = new Rng(2024);
  let s = 0;
  let s2 = 0;
  const N = 200_000;
  for (let i = 0; i < N; i++) {
    const u = g.next();
    assert.ok(u >= 0 && u < 1);
    const k = g.int(7);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
    const z = g.normal();
    s += z;
    s2 += z * z;
  }
  // Standard errors: mean 1/√N ≈ 0.0022, variance √(2/N) ≈ 0.0032.
  assert.ok(Math.abs(s / N) < 0.011, `mean ${s / N}`);
  assert.ok(Math.abs(s2 / N - 1) < 0.016, `variance ${s2 / N}`);
});
