// AssemblyScript source of the bulge-chasing kernel (compiled by scripts/build-wasm.mjs into
// ../chaseBinary.ts): the band → tridiagonal sweeps described in kernels/band.ts (Lang 1993;
// LAPACK dsytrd_sb2st's kernel). Within one chase step every loop runs over the reflector's
// entries in reverse (q = L − 1 − k), because the lower band stores row i's entries (i, c)
// at descending addresses as c grows: in q order each loop reads and writes consecutive
// f64 values and runs two at a time in 128-bit SIMD.
//
// Memory (f64, byte offsets from the caller): ab (d·w), vr (b), pr (b), tr (b).

import { at, axpy, axpyNeg, dot, heapStart } from './lib/vec';

/** First byte after the module's static data: the caller places its buffers from here. */
export function heapBase(): usize {
  return heapStart();
}

let gTau: f64 = 0;
let gBeta: f64 = 0;

/**
 * Householder reflector (LAPACK dlarfg convention) on x held reversed: xr[L−1] = x[0].
 * Leaves v reversed in xr (vr[L−1] = 1), sets gTau, gBeta.
 */
function reflector(xr: usize, L: i32): void {
  const alpha = load<f64>(at(xr, L - 1));
  let sq: f64 = 0;
  for (let q = 0; q < L - 1; q++) {
    const x = load<f64>(at(xr, q));
    sq += x * x;
  }
  if (sq == 0) {
    store<f64>(at(xr, L - 1), 1);
    gTau = 0;
    gBeta = alpha;
    return;
  }
  let norm = Math.sqrt(alpha * alpha + sq);
  if (!isFinite(norm) || norm == 0) {
    let s = Math.abs(alpha);
    for (let q = 0; q < L - 1; q++) s = Math.max(s, Math.abs(load<f64>(at(xr, q))));
    let t: f64 = 0;
    for (let q = 0; q < L; q++) {
      const y = load<f64>(at(xr, q)) / s;
      t += y * y;
    }
    norm = s * Math.sqrt(t);
  }
  const beta = alpha >= 0 ? -norm : norm;
  gTau = (beta - alpha) / beta;
  gBeta = beta;
  const scale = 1 / (alpha - beta);
  store<f64>(at(xr, L - 1), 1);
  for (let q = 0; q < L - 1; q++) store<f64>(at(xr, q), load<f64>(at(xr, q)) * scale);
}

/** Rows s..s+L−1, columns c0..c1: A ← (I − tau v vᵀ) A. tr[m] holds column c1 − m. */
function applyLeft(ab: usize, w: i32, s: i32, L: i32, c0: i32, c1: i32, vr: usize, tau: f64, tr: usize): void {
  const nc = c1 - c0 + 1;
  if (nc <= 0) return;
  memory.fill(tr, 0, <usize>nc << 3);
  for (let i = 0; i < L; i++) {
    const row = at(ab, (s + i) * w + (s + i) - c1); // (s+i, c1 − m) at row + m
    axpy(tr, load<f64>(at(vr, L - 1 - i)), row, nc);
  }
  for (let i = 0; i < L; i++) {
    const row = at(ab, (s + i) * w + (s + i) - c1);
    axpyNeg(row, tau * load<f64>(at(vr, L - 1 - i)), tr, nc);
  }
}

/** Rows r0..r1, columns s..s+L−1: A ← A (I − tau v vᵀ). */
function applyRight(ab: usize, w: i32, s: i32, L: i32, r0: i32, r1: i32, vr: usize, tau: f64): void {
  for (let r = r0; r <= r1; r++) {
    const row = at(ab, r * w + r - s - (L - 1)); // (r, s + L − 1 − q) at row + q
    axpyNeg(row, tau * dot(row, vr, L), vr, L);
  }
}

/**
 * Rows/cols s..s+L−1: A ← H A H, via p = tau·A·v, q = p − (tau/2)(pᵀv)·v,
 * A ← A − v qᵀ − q vᵀ (lower triangle only); pr holds p reversed.
 */
function applyTwoSided(ab: usize, w: i32, s: i32, L: i32, vr: usize, tau: f64, pr: usize): void {
  memory.fill(pr, 0, <usize>L << 3);
  for (let i = 0; i < L; i++) {
    // Row i's entries (s+i, s+k), k ≤ i, at row + q for q = L−1−k ≥ L−1−i.
    const q0 = L - 1 - i;
    const row = at(ab, (s + i) * w + i - (L - 1));
    const vi = load<f64>(at(vr, q0));
    // (i, i) counts once: acc over k < i plus the diagonal, p[k] for k < i.
    const n = i; // entries k < i are q in (q0, L−1]
    const acc = dot(at(row, q0 + 1), at(vr, q0 + 1), n) + load<f64>(at(row, q0)) * vi;
    axpy(at(pr, q0 + 1), vi, at(row, q0 + 1), n);
    store<f64>(at(pr, q0), load<f64>(at(pr, q0)) + acc);
  }
  let pv: f64 = 0;
  for (let q = 0; q < L; q++) {
    const x = tau * load<f64>(at(pr, q));
    store<f64>(at(pr, q), x);
    pv += x * load<f64>(at(vr, q));
  }
  axpyNeg(pr, 0.5 * tau * pv, vr, L);
  for (let i = 0; i < L; i++) {
    const q0 = L - 1 - i;
    const row = at(ab, (s + i) * w + i - (L - 1));
    const vi = load<f64>(at(vr, q0));
    const qi = load<f64>(at(pr, q0));
    // ab(i, k) −= v_i·p_k + q_i·v_k for k ≤ i, i.e. q ≥ q0.
    axpyNeg(at(row, q0), vi, at(pr, q0), i + 1);
    axpyNeg(at(row, q0), qi, at(vr, q0), i + 1);
  }
}

/** Sweeps j0 .. j1−1 of the bulge chasing: each annihilates column j and chases its bulge off the band. */
export function sweeps(ab: usize, d: i32, b: i32, w: i32, j0: i32, j1: i32, vr: usize, pr: usize, tr: usize): void {
  for (let j = j0; j < j1; j++) {
    let col = j;
    let s = j + 1;
    while (s < d - 1) {
      const L = min(b, d - s);
      if (L < 2) break;
      for (let i = 0; i < L; i++) store<f64>(at(vr, L - 1 - i), load<f64>(at(ab, (s + i) * w + (s + i - col))));
      reflector(vr, L);
      const tau = gTau;
      store<f64>(at(ab, s * w + (s - col)), gBeta);
      for (let i = 1; i < L; i++) store<f64>(at(ab, (s + i) * w + (s + i - col)), 0);
      if (tau != 0) {
        applyLeft(ab, w, s, L, col + 1, s - 1, vr, tau, tr);
        applyTwoSided(ab, w, s, L, vr, tau, pr);
        applyRight(ab, w, s, L, s + L, min(d, s + L + b) - 1, vr, tau);
      }
      col = s;
      s += L;
    }
  }
}
