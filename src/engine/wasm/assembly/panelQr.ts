// AssemblyScript source of the panel QR of the band reduction (kernels/bandReduce.ts;
// compiled by scripts/build-wasm.mjs into ../panelQrBinary.ts): LAPACK dgeqr2 + dlarft
// (forward, column-wise; Schreiber & Van Loan 1989) on a column-major copy of the panel,
// where every inner loop is a dot product or an axpy over one contiguous column and
// runs two f64 lanes at a time.
//
// Memory (f64, byte offsets from the caller): src (r×b, row-major, the panel as the
// caller holds it), P (b columns of r: the panel, then V column by column), tau (b),
// R (b×b), T (b×b), z (b).

import { at, axpy, dot, heapStart, scal } from './lib/vec';

/** First byte after the module's static data: the caller places its buffers from here. */
export function heapBase(): usize {
  return heapStart();
}

/**
 * Householder QR of the r×b panel: on return P holds V (unit lower trapezoidal, column j
 * at P + j·r, zero above its diagonal), R the b×b upper factor and T the b×b upper
 * triangle with H₀H₁…H_{b−1} = I − V·T·Vᵀ.
 */
export function panelQr(src: usize, r: i32, b: i32, P: usize, tau: usize, R: usize, T: usize, z: usize): void {
  for (let i = 0; i < r; i++) for (let j = 0; j < b; j++) store<f64>(at(P, j * r + i), load<f64>(at(src, i * b + j)));
  memory.fill(tau, 0, <usize>b << 3);
  memory.fill(R, 0, <usize>(b * b) << 3);
  memory.fill(T, 0, <usize>(b * b) << 3);
  const kmax = min(b, r);
  for (let j = 0; j < kmax; j++) {
    const col = at(P, j * r);
    const alpha = load<f64>(at(col, j));
    const sq = dot(at(col, j + 1), at(col, j + 1), r - j - 1);
    let beta = alpha;
    let tj: f64 = 0;
    if (sq != 0) {
      const norm = Math.sqrt(alpha * alpha + sq);
      beta = alpha >= 0 ? -norm : norm;
      tj = (beta - alpha) / beta;
      scal(at(col, j + 1), 1 / (alpha - beta), r - j - 1);
    }
    store<f64>(at(tau, j), tj);
    store<f64>(at(col, j), 1);
    if (tj != 0) {
      for (let c = j + 1; c < b; c++) {
        const cc = at(P, c * r);
        axpy(at(cc, j), -tj * dot(at(col, j), at(cc, j), r - j), at(col, j), r - j);
      }
    }
    store<f64>(at(R, j * b + j), beta);
  }
  // R's strictly upper part, then V's zeros above the diagonal.
  for (let c = 0; c < b; c++) {
    const m = min(c, kmax);
    for (let i = 0; i < m; i++) {
      store<f64>(at(R, i * b + c), load<f64>(at(P, c * r + i)));
      store<f64>(at(P, c * r + i), 0);
    }
  }
  for (let c = kmax; c < b; c++) memory.fill(at(P, c * r), 0, <usize>r << 3);
  for (let j = 0; j < kmax; j++) {
    const tj = load<f64>(at(tau, j));
    store<f64>(at(T, j * b + j), tj);
    if (tj == 0 || j == 0) continue;
    const vj = at(P, j * r);
    for (let c = 0; c < j; c++) store<f64>(at(z, c), dot(at(P, c * r + j), at(vj, j), r - j));
    for (let i = 0; i < j; i++) {
      let s: f64 = 0;
      for (let c = i; c < j; c++) s += load<f64>(at(T, i * b + c)) * load<f64>(at(z, c));
      store<f64>(at(T, i * b + j), -tj * s);
    }
  }
}
