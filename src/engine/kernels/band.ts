/**
 * Symmetric band → tridiagonal reduction and tridiagonal eigenvalues (values only).
 *
 * Band stage: Householder bulge chasing (Lang 1993, "A parallel algorithm for
 * reducing symmetric banded matrices to tridiagonal form"; the kernel of LAPACK's
 * dsytrd_sb2st, Haidar, Ltaiev & Dongarra 2011). Sweep j annihilates column j
 * below the subdiagonal with one reflector of length ≤ b, then chases the bulge it
 * creates down the band one b-block at a time, annihilating only the bulge's first
 * column; the rest of each bulge is cleaned by sweep j+1. Cost ≈ 7·b·d² flops,
 * all on b×b blocks that stay in cache.
 *
 * With b = d − 1 it degenerates into the classic one-stage Householder
 * tridiagonalisation (Householder 1958), used for small matrices.
 *
 * The sweeps run in WebAssembly (wasm/assembly/chase.ts, the loops of this algorithm
 * with 128-bit SIMD; wasm/chase.ts loads it).
 *
 * Storage: lower band, row-major with `W` entries per row: (i, c) for i ≥ c,
 * i − c < W lives at ab[i·W + (i − c)]. W must be ≥ min(d, 2b + 1) so bulges fit.
 */
import { Cancellation, throwIfCancelled, yieldToEventLoop } from '../util/errors';
import { bandChase, LowerBand } from '../wasm/chase';

/** Packs the lower band (half-bandwidth b) of a dense row-major d×d symmetric matrix. */
export function packLowerBand(a: Float64Array, d: number, b: number): LowerBand {
  const w = Math.min(d, 2 * b + 1);
  const ab = new Float64Array(d * w);
  for (let i = 0; i < d; i++) {
    const c0 = Math.max(0, i - b);
    for (let c = c0; c <= i; c++) ab[i * w + (i - c)] = a[i * d + c];
  }
  return { d, b, w, ab };
}

/**
 * Reduces the band matrix to tridiagonal form; returns its diagonal and subdiagonal
 * (sub[i] = T[i+1, i]). Orthogonal similarity only, so eigenvalues are preserved to
 * O(ε‖A‖). `band` is not modified.
 */
export function bandToTridiagonal(band: LowerBand): { diag: Float64Array; sub: Float64Array } {
  const chase = bandChase(band);
  chase.sweeps(0, band.d - 2);
  return chase.tridiagonal();
}

/**
 * The same reduction, yielding to the event loop about every `sliceMs` and checking
 * the token there: at d = 3072 the sweeps take a fifth of a second, and cancellation
 * must take effect within one second. Short calls also let V8 move the kernel from its
 * baseline compiler to the optimising one (a call in progress stays in the tier it began in).
 */
export async function bandToTridiagonalAsync(
  band: LowerBand,
  opts: { token?: Cancellation; sliceMs?: number } = {},
): Promise<{ diag: Float64Array; sub: Float64Array }> {
  const chase = bandChase(band);
  const slice = opts.sliceMs ?? 100;
  let j = 0;
  // Sweeps cost ∝ (d − j)·b; adapt the chunk length to the measured time.
  let chunk = 16;
  while (j < band.d - 2) {
    throwIfCancelled(opts.token);
    const t = performance.now();
    const j1 = Math.min(band.d - 2, j + chunk);
    chase.sweeps(j, j1);
    j = j1;
    const dt = performance.now() - t;
    chunk = Math.max(1, Math.round(chunk * Math.min(4, slice / Math.max(dt, 1))));
    await yieldToEventLoop();
  }
  return chase.tridiagonal();
}
