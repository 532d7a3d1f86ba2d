/**
 * The seeded query sample: which rows are used as queries when measuring recall.
 * A seeded generator makes the sample (and so every recall) reproducible across
 * runs, the CLI and the panel.
 */
import { mulberry32 } from '../../util/random';

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
