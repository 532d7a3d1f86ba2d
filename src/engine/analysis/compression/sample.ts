/**
 * The seeded query sample: which rows are used as queries when measuring recall.
 * A seeded generator makes the sample (and so every recall) reproducible across
 * runs, the CLI and the panel.
 */

/** mulberry32: a small, fast 32-bit PRNG; plenty for picking a sample. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` distinct values of `pool` chosen uniformly (partial Fisher–Yates),
 * returned in increasing order so query blocks read rows in file order.
 */
export function sampleRows(pool: ArrayLike<number>, count: number, seed: number): Int32Array {
  const a = Int32Array.from(pool);
  const m = Math.min(count, a.length);
  const rand = mulberry32(seed);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rand() * (a.length - i));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a.subarray(0, m).sort();
}
