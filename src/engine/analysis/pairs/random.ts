/**
 * Seeded randomness for the pairs analyses: fold assignment, subsamples and
 * anchor choice must be reproducible run to run, so nothing here uses Math.random.
 */
import { mulberry32 as rng } from '../../util/random';

export { rng };

/** Fisher–Yates shuffle in place. */
export function shuffle<T extends { length: number; [i: number]: number }>(a: T, rand: () => number): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** `m` distinct values of `items` (all of them when m ≥ length), in ascending order. */
export function sampleSorted(items: ArrayLike<number>, m: number, seed: number): Int32Array {
  const a = Int32Array.from(items);
  if (m >= a.length) return a;
  shuffle(a, rng(seed));
  return a.slice(0, m).sort();
}
