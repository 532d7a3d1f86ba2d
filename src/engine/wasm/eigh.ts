/**
 * The dense symmetric eigen-decomposition kernel (assembly/eigh.ts: EISPACK tred2 + tql2
 * with 128-bit SIMD, V stored transposed so the O(n³) loops walk contiguous rows) behind a
 * stepper. At d = 1536 it takes ~3.4 s where the same loops in JS took 18 s.
 *
 * The kernel runs as calls of ~5 ms: a long WebAssembly call stays in
 * V8's baseline code (it cannot switch to the optimised code mid-call), and between steps an
 * async caller yields to the event loop and checks for cancellation.
 */
import { EIGH_WASM } from './eighBinary';
import { instantiate, KernelExports } from './instance';

interface EighExports extends KernelExports {
  tred2Start(V: number, d: number, n: number): void;
  tred2Reduce(V: number, d: number, e: number, n: number, iHi: number, iLo: number): void;
  tred2Accumulate(V: number, d: number, n: number, iLo: number, iHi: number): void;
  tred2Finish(V: number, d: number, e: number, n: number): void;
  tql2Start(e: number, n: number): void;
  tql2Steps(V: number, d: number, e: number, n: number, l0: number, l1: number): number;
}

export interface EighStepper {
  /** Runs for about `ms` milliseconds (at least one step); true once the decomposition is done. */
  run(ms: number): boolean;
  /** Eigenvalues (unsorted) and eigenvectors (row c belongs to values[c], n×n); after run returned true. */
  result(): { values: Float64Array; rows: Float64Array };
}

/** A decomposition of the symmetric row-major n×n `a` (copied; `a` is not modified). */
export function eighStepper(a: Float64Array, n: number): EighStepper {
  const k = instantiate<EighExports>(EIGH_WASM, [n * n, n, n]);
  k.view(0).set(a.subarray(0, n * n));
  const [V, d, e] = k.offsets;
  const ex = k.exports;
  ex.tred2Start(V, d, n);
  // Stages: 0 reduce (i = n−1 … 1), 1 accumulate (i = 0 … n−2), 2 QL (l = 0 … n−1), 3 done.
  let stage = n > 1 ? 0 : 3;
  let next = n - 1;
  let chunk = 8;
  if (stage === 3) {
    ex.tred2Finish(V, d, e, n);
  }
  const step = (count: number): void => {
    if (stage === 0) {
      const lo = Math.max(1, next - count + 1);
      ex.tred2Reduce(V, d, e, n, next, lo);
      next = lo - 1;
      if (next < 1) {
        stage = 1;
        next = 0;
      }
    } else if (stage === 1) {
      const hi = Math.min(n - 1, next + count);
      ex.tred2Accumulate(V, d, n, next, hi);
      next = hi;
      if (next >= n - 1) {
        ex.tred2Finish(V, d, e, n);
        ex.tql2Start(e, n);
        stage = 2;
        next = 0;
      }
    } else if (stage === 2) {
      const hi = Math.min(n, next + count);
      if (ex.tql2Steps(V, d, e, n, next, hi) !== 0)
        throw new Error('symmetric eigen-solver: the QL iteration did not converge (60 iterations on one eigenvalue)');
      next = hi;
      if (next >= n) stage = 3;
    }
  };
  return {
    run(ms) {
      const t0 = performance.now();
      while (stage !== 3) {
        const s = stage;
        const t = performance.now();
        step(chunk);
        const dt = performance.now() - t;
        // Aim each call at ~5 ms: enough calls for V8 to optimise the kernel, few enough to cost nothing.
        if (stage === s) chunk = Math.max(1, Math.round(chunk * Math.min(4, Math.max(0.25, 5 / Math.max(dt, 0.05)))));
        if (performance.now() - t0 >= ms) break;
      }
      return stage === 3;
    },
    result() {
      if (stage !== 3) throw new Error('eighStepper: result() before the decomposition finished');
      return { values: Float64Array.from(k.view(1)), rows: Float64Array.from(k.view(0)) };
    },
  };
}

/** The whole decomposition on the calling thread. */
export function eighKernel(a: Float64Array, n: number): { values: Float64Array; rows: Float64Array } {
  const s = eighStepper(a, n);
  while (!s.run(1e9));
  return s.result();
}
