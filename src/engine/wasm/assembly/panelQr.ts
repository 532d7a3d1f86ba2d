// AssemblyScript source of the panel QR of the band reduction (compiled by
// scripts/build-wasm.mjs into ../panelQrBinary.ts): bandReduce.ts's `panelQr`
// (LAPACK dgeqr2 + dlarft, forward, column-wise) on a column-major copy of the panel,
// where every inner loop is a dot product or an axpy over one contiguous column and
// runs two f64 lanes at a time.
//
// Memory (f64, byte offsets from the caller): src (r×b, row-major, the panel as the
// caller holds it), P (b columns of r: the panel, then V column by column), tau (b),
// R (b×b), T (b×b), z (b).

/** First byte after the module's static data: the caller places its buffers from here. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

@inline function at(base: usize, i: i32): usize {
  return base + (<usize>i << 3);
}

@inline function dot(a: usize, b: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  let q = 0;
  for (; q + 2 <= n; q += 2) acc = f64x2.add(acc, f64x2.mul(v128.load(at(a, q)), v128.load(at(b, q))));
  let s: f64 = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (q < n) s += load<f64>(at(a, q)) * load<f64>(at(b, q));
  return s;
}

@inline function axpy(y: usize, f: f64, x: usize, n: i32): void {
  const fv = f64x2.splat(f);
  let q = 0;
  for (; q + 2 <= n; q += 2) v128.store(at(y, q), f64x2.add(v128.load(at(y, q)), f64x2.mul(fv, v128.load(at(x, q)))));
  if (q < n) store<f64>(at(y, q), load<f64>(at(y, q)) + f * load<f64>(at(x, q)));
}

@inline function scal(y: usize, f: f64, n: i32): void {
  const fv = f64x2.splat(f);
  let q = 0;
  for (; q + 2 <= n; q += 2) v128.store(at(y, q), f64x2.mul(fv, v128.load(at(y, q))));
  if (q < n) store<f64>(at(y, q), load<f64>(at(y, q)) * f);
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
