/**
 * The engine's one seeded generator. Every sample, fold and anchor the analyses pick
 * comes from it, so results are reproducible across runs, the CLI and the panels
 * (nothing in an analysis uses Math.random).
 */

/** mulberry32 (Tommy Ettinger): a small, fast 32-bit PRNG, uniform in [0, 1). Plenty for sampling rows. */
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
