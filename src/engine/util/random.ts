/**
 * The engine's one source of seeded randomness: every sample, fold, anchor and
 * layout noise the analyses pick comes from `Rng`, so results are identical for
 * the same seed across runs, machines, the CLI and the panels. Math.random cannot
 * be seeded, so nothing in the engine uses it.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018, "Scrambled linear pseudorandom
 * number generators", ACM TOMS 47(4), 2021), its four state words filled from the
 * 32-bit seed by a SplitMix-style mixer (Steele, Lea & Flood 2014, "Fast splittable
 * pseudorandom number generators", OOPSLA; the 32-bit finaliser of MurmurHash3).
 * Samplers: the Fisher–Yates shuffle in Durstenfeld's in-place form (Durstenfeld 1964,
 * "Algorithm 235: Random permutation", CACM 7(7); Knuth, TAOCP vol. 2, §3.4.2,
 * Algorithm P), stopped after m steps for an m-row sample.
 * test/unit/random.test.ts checks all of it against test/reference/random_ref.py.
 */

/** A seeded xoshiro128** stream. */
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

  /** Uniform in [0, 1), in steps of 2⁻³². */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n) for 1 ≤ n ≤ 2³²; the modulo bias (< n/2³²) is irrelevant for sampling. */
  int(n: number): number {
    return this.nextU32() % n;
  }

  /** Standard normal deviate (Box–Muller, cosine branch; u = 0 redrawn so the log stays finite). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** Durstenfeld's Fisher–Yates shuffle of `a` in place: every permutation equally likely. Returns `a`. */
export function shuffle<T extends { length: number; [i: number]: number }>(a: T, rng: Rng): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/**
 * `m` distinct values chosen uniformly from `pool` (a count n means the rows 0…n−1),
 * sorted ascending so the rows are read in file order; all of them when m ≥ the
 * pool's size. The first m steps of a forward Fisher–Yates shuffle: step i swaps
 * position i with a uniform position in [i, size).
 */
export function sampleRows(pool: number | ArrayLike<number>, m: number, seed: number): Int32Array {
  const a = typeof pool === 'number' ? Int32Array.from({ length: pool }, (_, i) => i) : Int32Array.from(pool);
  const size = a.length;
  if (m >= size) return a.sort();
  const rng = new Rng(seed);
  const take = Math.max(0, m);
  for (let i = 0; i < take; i++) {
    const j = i + rng.int(size - i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a.slice(0, take).sort();
}
