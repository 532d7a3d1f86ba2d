// AssemblyScript source of the dense symmetric eigen-decomposition (compiled by
// scripts/build-wasm.mjs into ../eighBinary.ts): EISPACK tred2 (Householder
// tridiagonalisation, accumulating the transformations) and tql2 (implicit QL with Wilkinson
// shifts, accumulating the rotations), as in JAMA (Martin, Reinsch & Wilkinson 1968; Bowdler,
// Martin, Reinsch & Wilkinson 1968). V is JAMA's V transposed: row c (at V + c·n) is column c,
// eigenvector c at the end, so every O(n³) inner loop walks contiguous rows, two f64 lanes at
// a time.
//
// Memory (f64, byte offsets from the caller): V (n×n, the matrix on entry), d (n), e (n).

import { at, axpy, axpyNeg, dot, heapStart } from './lib/vec';

/** First byte after the module's static data: the caller places its buffers from here. */
export function heapBase(): usize {
  return heapStart();
}

@inline function row(V: usize, n: i32, j: i32): usize {
  return at(V, j * n);
}

// Every stage runs in steps over an index range, one call per range: V8 compiles a long-running
// WebAssembly call with its baseline compiler and cannot move it to the optimised code while it
// runs, and short calls also let the caller yield to its event loop and see a cancellation.

/** tred2, first step: d = the last column. */
export function tred2Start(V: usize, d: usize, n: i32): void {
  for (let j = 0; j < n; j++) store<f64>(at(d, j), load<f64>(at(row(V, n, j), n - 1)));
}

/**
 * tred2's Householder reduction for i = iHi, iHi − 1, …, iLo (iHi ≤ n − 1, iLo ≥ 1): d, e the
 * diagonal and subdiagonal (e[i] couples i − 1 and i) once i has run down to 1.
 */
export function tred2Reduce(V: usize, d: usize, e: usize, n: i32, iHi: i32, iLo: i32): void {
  for (let i = iHi; i >= iLo; i--) {
    let scale: f64 = 0;
    let h: f64 = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(load<f64>(at(d, k)));
    if (scale == 0) {
      store<f64>(at(e, i), load<f64>(at(d, i - 1)));
      for (let j = 0; j < i; j++) {
        store<f64>(at(d, j), load<f64>(at(row(V, n, j), i - 1)));
        store<f64>(at(row(V, n, j), i), 0);
        store<f64>(at(row(V, n, i), j), 0);
      }
    } else {
      for (let k = 0; k < i; k++) {
        const x = load<f64>(at(d, k)) / scale;
        store<f64>(at(d, k), x);
        h += x * x;
      }
      let f = load<f64>(at(d, i - 1));
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      store<f64>(at(e, i), scale * g);
      h -= f * g;
      store<f64>(at(d, i - 1), f - g);
      memory.fill(e, 0, <usize>i << 3);
      for (let j = 0; j < i; j++) {
        f = load<f64>(at(d, j));
        const vj = row(V, n, j);
        store<f64>(at(row(V, n, i), j), f);
        const len = i - 1 - j;
        g = load<f64>(at(e, j)) + load<f64>(at(vj, j)) * f + dot(at(vj, j + 1), at(d, j + 1), len);
        axpy(at(e, j + 1), f, at(vj, j + 1), len);
        store<f64>(at(e, j), g);
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        const x = load<f64>(at(e, j)) / h;
        store<f64>(at(e, j), x);
        f += x * load<f64>(at(d, j));
      }
      const hh = f / (h + h);
      axpyNeg(e, hh, d, i);
      for (let j = 0; j < i; j++) {
        f = load<f64>(at(d, j));
        g = load<f64>(at(e, j));
        const vj = row(V, n, j);
        axpyNeg(at(vj, j), f, at(e, j), i - j);
        axpyNeg(at(vj, j), g, at(d, j), i - j);
        store<f64>(at(d, j), load<f64>(at(vj, i - 1)));
        store<f64>(at(vj, i), 0);
      }
    }
    store<f64>(at(d, i), h);
  }
}

/** tred2's accumulation of the transformations into V, for i = iLo .. iHi − 1 (ascending, up to n − 2). */
export function tred2Accumulate(V: usize, d: usize, n: i32, iLo: i32, iHi: i32): void {
  for (let i = iLo; i < iHi; i++) {
    const vi = row(V, n, i);
    const vi1 = row(V, n, i + 1);
    store<f64>(at(vi, n - 1), load<f64>(at(vi, i)));
    store<f64>(at(vi, i), 1);
    const h = load<f64>(at(d, i + 1));
    if (h != 0) {
      for (let k = 0; k <= i; k++) store<f64>(at(d, k), load<f64>(at(vi1, k)) / h);
      for (let j = 0; j <= i; j++) {
        const vj = row(V, n, j);
        axpyNeg(vj, dot(vi1, vj, i + 1), d, i + 1);
      }
    }
    memory.fill(vi1, 0, <usize>(i + 1) << 3);
  }
}

/** tred2, last step. */
export function tred2Finish(V: usize, d: usize, e: usize, n: i32): void {
  for (let j = 0; j < n; j++) {
    const vj = row(V, n, j);
    store<f64>(at(d, j), load<f64>(at(vj, n - 1)));
    store<f64>(at(vj, n - 1), 0);
  }
  store<f64>(at(row(V, n, n - 1), n - 1), 1);
  store<f64>(e, 0);
}

/** rows i, i+1 of V ← the plane rotation (c, s): vi1 = s·vi + c·vi1, vi = c·vi − s·vi1. */
@inline function rotate(vi: usize, vi1: usize, c: f64, s: f64, n: i32): void {
  const cv = f64x2.splat(c);
  const sv = f64x2.splat(s);
  let k = 0;
  for (; k + 2 <= n; k += 2) {
    const x = v128.load(at(vi1, k));
    const y = v128.load(at(vi, k));
    v128.store(at(vi1, k), f64x2.add(f64x2.mul(sv, y), f64x2.mul(cv, x)));
    v128.store(at(vi, k), f64x2.sub(f64x2.mul(cv, y), f64x2.mul(sv, x)));
  }
  if (k < n) {
    const x = load<f64>(at(vi1, k));
    const y = load<f64>(at(vi, k));
    store<f64>(at(vi1, k), s * y + c * x);
    store<f64>(at(vi, k), c * y - s * x);
  }
}

// tql2's running shift sum and norm estimate, carried from one step range to the next.
let qlF: f64 = 0;
let qlTst1: f64 = 0;

/** tql2, first step: e shifted to couple i and i + 1. */
export function tql2Start(e: usize, n: i32): void {
  for (let i = 1; i < n; i++) store<f64>(at(e, i - 1), load<f64>(at(e, i)));
  store<f64>(at(e, n - 1), 0);
  qlF = 0;
  qlTst1 = 0;
}

/**
 * Implicit QL on tred2's output for l = l0 .. l1 − 1, accumulating the rotations into V: d
 * becomes the eigenvalues (unsorted), row c of V eigenvector c, once l has run to n. Returns 0,
 * or 1 when one eigenvalue took more than 60 iterations (the caller reports it).
 */
export function tql2Steps(V: usize, d: usize, e: usize, n: i32, l0: i32, l1: i32): i32 {
  let f = qlF;
  let tst1 = qlTst1;
  const eps: f64 = Math.pow(2, -52);
  for (let l = l0; l < l1; l++) {
    tst1 = Math.max(tst1, Math.abs(load<f64>(at(d, l))) + Math.abs(load<f64>(at(e, l))));
    let m = l;
    while (m < n) {
      if (Math.abs(load<f64>(at(e, m))) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) {
          qlF = f;
          qlTst1 = tst1;
          return 1;
        }
        let g = load<f64>(at(d, l));
        let p = (load<f64>(at(d, l + 1)) - g) / (2 * load<f64>(at(e, l)));
        let r = Math.sqrt(p * p + 1);
        if (p < 0) r = -r;
        const el = load<f64>(at(e, l));
        store<f64>(at(d, l), el / (p + r));
        store<f64>(at(d, l + 1), el * (p + r));
        const dl1 = load<f64>(at(d, l + 1));
        let h = g - load<f64>(at(d, l));
        for (let i = l + 2; i < n; i++) store<f64>(at(d, i), load<f64>(at(d, i)) - h);
        f += h;
        p = load<f64>(at(d, m));
        let c: f64 = 1;
        let c2 = c;
        let c3 = c;
        const el1 = load<f64>(at(e, l + 1));
        let s: f64 = 0;
        let s2: f64 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          const ei = load<f64>(at(e, i));
          const di = load<f64>(at(d, i));
          g = c * ei;
          h = c * p;
          r = Math.sqrt(p * p + ei * ei);
          store<f64>(at(e, i + 1), s * r);
          s = ei / r;
          c = p / r;
          p = c * di - s * g;
          store<f64>(at(d, i + 1), h + s * (c * g + s * di));
          rotate(row(V, n, i), row(V, n, i + 1), c, s, n);
        }
        p = (-s * s2 * c3 * el1 * load<f64>(at(e, l))) / dl1;
        store<f64>(at(e, l), s * p);
        store<f64>(at(d, l), c * p);
      } while (Math.abs(load<f64>(at(e, l))) > eps * tst1);
    }
    store<f64>(at(d, l), load<f64>(at(d, l)) + f);
    store<f64>(at(e, l), 0);
  }
  qlF = f;
  qlTst1 = tst1;
  return 0;
}
