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
 * Storage: lower band, row-major with `W` entries per row: (i, c) for i ≥ c,
 * i − c < W lives at ab[i·W + (i − c)]. W must be ≥ min(d, 2b + 1) so bulges fit.
 */
import { Cancellation, throwIfCancelled, yieldToEventLoop } from '../util/errors';

export interface LowerBand {
  d: number;
  /** Half-bandwidth of the matrix as given (entries with i − c > b are zero). */
  b: number;
  /** Entries stored per row (≥ min(d, 2b + 1)). */
  w: number;
  ab: Float64Array;
}

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
 * Householder reflector (LAPACK dlarfg convention): for x (length L) returns
 * tau and overwrites x with v (v[0] = 1) so that (I − tau·v·vᵀ)·x = beta·e₁.
 */
function reflector(x: Float64Array, L: number): { tau: number; beta: number } {
  const alpha = x[0];
  let sq = 0;
  for (let i = 1; i < L; i++) sq += x[i] * x[i];
  if (sq === 0) {
    x[0] = 1;
    return { tau: 0, beta: alpha };
  }
  // Scaled norm guards against overflow/underflow only when needed.
  let norm = Math.sqrt(alpha * alpha + sq);
  if (!Number.isFinite(norm) || norm === 0) {
    let s = Math.abs(alpha);
    for (let i = 1; i < L; i++) s = Math.max(s, Math.abs(x[i]));
    let t = 0;
    for (let i = 0; i < L; i++) t += (x[i] / s) ** 2;
    norm = s * Math.sqrt(t);
  }
  const beta = alpha >= 0 ? -norm : norm;
  const tau = (beta - alpha) / beta;
  const scale = 1 / (alpha - beta);
  x[0] = 1;
  for (let i = 1; i < L; i++) x[i] *= scale;
  return { tau, beta };
}

/**
 * Reduces the band matrix in place to tridiagonal form; returns its diagonal and
 * subdiagonal (sub[i] = T[i+1, i]). Orthogonal similarity only, so eigenvalues are
 * preserved to O(ε‖A‖).
 */
export function bandToTridiagonal(band: LowerBand): { diag: Float64Array; sub: Float64Array } {
  const sc = scratch(band.b);
  if (band.b >= 2) sweeps(band, 0, band.d - 2, sc);
  return tridiagonalOf(band);
}

/**
 * The same reduction, yielding to the event loop about every `sliceMs` and checking
 * the token there: at d = 3072 the sweeps take seconds of JS, and cancellation must
 * take effect within one second.
 */
export async function bandToTridiagonalAsync(band: LowerBand, opts: { token?: Cancellation; sliceMs?: number } = {}): Promise<{ diag: Float64Array; sub: Float64Array }> {
  const sc = scratch(band.b);
  const slice = opts.sliceMs ?? 100;
  if (band.b >= 2) {
    let j = 0;
    // Sweeps cost ∝ (d − j)·b; adapt the chunk length to the measured time.
    let chunk = 16;
    while (j < band.d - 2) {
      throwIfCancelled(opts.token);
      const t = performance.now();
      const j1 = Math.min(band.d - 2, j + chunk);
      sweeps(band, j, j1, sc);
      j = j1;
      const dt = performance.now() - t;
      chunk = Math.max(1, Math.round(chunk * Math.min(4, slice / Math.max(dt, 1))));
      await yieldToEventLoop();
    }
  }
  return tridiagonalOf(band);
}

function scratch(b: number) {
  return { v: new Float64Array(Math.max(1, b)), p: new Float64Array(Math.max(1, b)), wv: new Float64Array(Math.max(1, 2 * b)) };
}

/** Sweeps j0 .. j1−1 of the bulge chasing (each annihilates column j and chases its bulge out). */
function sweeps(band: LowerBand, j0: number, j1: number, sc: ReturnType<typeof scratch>): void {
  const { d, b, w, ab } = band;
  const { v, p, wv } = sc;
  for (let j = j0; j < j1; j++) {
    let col = j;
    let s = j + 1;
    while (s < d - 1) {
      const L = Math.min(b, d - s);
      if (L < 2) break;
      // x = A[s .. s+L−1, col]
      for (let i = 0; i < L; i++) v[i] = ab[(s + i) * w + (s + i - col)];
      const { tau, beta } = reflector(v, L);
      ab[s * w + (s - col)] = beta;
      for (let i = 1; i < L; i++) ab[(s + i) * w + (s + i - col)] = 0;
      if (tau !== 0) {
        applyLeft(ab, w, s, L, col + 1, s - 1, v, tau, wv);
        applyTwoSided(ab, w, s, L, v, tau, p);
        applyRight(ab, w, s, L, s + L, Math.min(d, s + L + b) - 1, v, tau);
      }
      col = s;
      s += L;
    }
  }
}

function tridiagonalOf(band: LowerBand): { diag: Float64Array; sub: Float64Array } {
  const { d, w, ab } = band;
  const diag = new Float64Array(d);
  const sub = new Float64Array(Math.max(0, d - 1));
  for (let i = 0; i < d; i++) diag[i] = ab[i * w];
  for (let i = 0; i + 1 < d; i++) sub[i] = w > 1 ? ab[(i + 1) * w + 1] : 0;
  return { diag, sub };
}

/** Rows s..s+L−1, columns c0..c1: A ← (I − tau v vᵀ) A. */
function applyLeft(ab: Float64Array, w: number, s: number, L: number, c0: number, c1: number, v: Float64Array, tau: number, t: Float64Array): void {
  const nc = c1 - c0 + 1;
  if (nc <= 0) return;
  t.fill(0, 0, nc);
  for (let i = 0; i < L; i++) {
    const vi = v[i];
    const base = (s + i) * w + (s + i);
    for (let c = 0; c < nc; c++) t[c] += vi * ab[base - (c0 + c)];
  }
  for (let i = 0; i < L; i++) {
    const f = tau * v[i];
    const base = (s + i) * w + (s + i);
    for (let c = 0; c < nc; c++) ab[base - (c0 + c)] -= f * t[c];
  }
}

/** Rows r0..r1, columns s..s+L−1: A ← A (I − tau v vᵀ). */
function applyRight(ab: Float64Array, w: number, s: number, L: number, r0: number, r1: number, v: Float64Array, tau: number): void {
  for (let r = r0; r <= r1; r++) {
    const base = r * w + r - s; // (r, s + k) at base − k
    let dot = 0;
    for (let k = 0; k < L; k++) dot += ab[base - k] * v[k];
    const f = tau * dot;
    for (let k = 0; k < L; k++) ab[base - k] -= f * v[k];
  }
}

/**
 * Symmetric block rows/cols s..s+L−1: A ← H A H with H = I − tau v vᵀ, via
 * p = tau·A·v, q = p − (tau/2)(pᵀv)·v, A ← A − v qᵀ − q vᵀ (lower triangle only).
 */
function applyTwoSided(ab: Float64Array, w: number, s: number, L: number, v: Float64Array, tau: number, p: Float64Array): void {
  p.fill(0, 0, L);
  for (let i = 0; i < L; i++) {
    const base = (s + i) * w; // (s+i, s+k) at base + i − k
    const vi = v[i];
    let acc = ab[base] * vi;
    for (let k = 0; k < i; k++) {
      const a = ab[base + i - k];
      acc += a * v[k];
      p[k] += a * vi;
    }
    p[i] += acc;
  }
  let pv = 0;
  for (let i = 0; i < L; i++) {
    p[i] *= tau;
    pv += p[i] * v[i];
  }
  const h = 0.5 * tau * pv;
  for (let i = 0; i < L; i++) p[i] -= h * v[i];
  for (let i = 0; i < L; i++) {
    const base = (s + i) * w;
    const vi = v[i];
    const qi = p[i];
    for (let k = 0; k <= i; k++) ab[base + i - k] -= vi * p[k] + qi * v[k];
  }
}
