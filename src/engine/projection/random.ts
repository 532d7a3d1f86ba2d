/**
 * Seeded pseudo-random numbers for reproducible layouts.
 *
 * SplitMix32-style seeding into a xoshiro128** state (Blackman & Vigna 2018,
 * "Scrambled linear pseudorandom number generators"). Math.random cannot be
 * seeded, and layouts must be identical for the same seed on every machine, so
 * every stochastic step (negative sampling, sampling rows for quality scores,
 * initial noise) draws from one of these.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // SplitMix32 expands one 32-bit seed into four well-mixed state words.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n) for n ≤ 2³²; the tiny modulo bias is irrelevant for sampling. */
  int(n: number): number {
    return this.nextU32() % n;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * `m` distinct rows of [0, n), sorted ascending, chosen by a partial Fisher–Yates
 * shuffle; all rows when m ≥ n.
 */
export function sampleRows(n: number, m: number, rng: Rng): Int32Array {
  if (m >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm.slice(0, m).sort();
}
