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
  /** xoshiro128 state as int32 words: V8 keeps these unboxed (4× faster than uint32 fields). */
  private readonly s = new Int32Array(4);

  constructor(seed: number) {
    // SplitMix32 expands one 32-bit seed into four well-mixed state words.
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.s[i] = next();
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** Next 32-bit unsigned integer (xoshiro128**: result rotl(b·5, 7)·9; then the state step). */
  nextU32(): number {
    const s = this.s;
    const s0 = s[0];
    const s1 = s[1];
    const s2 = s[2] ^ s0;
    const s3 = s[3] ^ s1;
    const m = Math.imul(s1, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    s[1] = s1 ^ s2;
    s[0] = s0 ^ s3;
    s[2] = s2 ^ (s1 << 9);
    s[3] = (s3 << 11) | (s3 >>> 21);
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
