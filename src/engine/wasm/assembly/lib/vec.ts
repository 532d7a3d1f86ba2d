// Shared AssemblyScript helpers of the kernels: f64 addressing and the vector loops, two
// f64 lanes at a time in 128-bit SIMD with a scalar tail. Inlined into each kernel.

/** Byte address of element i of the f64 array at `base`. */
@inline export function at(base: usize, i: i32): usize {
  return base + (<usize>i << 3);
}

/** Σ a[q]·b[q], q < n. */
@inline export function dot(a: usize, b: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  let q = 0;
  for (; q + 2 <= n; q += 2) acc = f64x2.add(acc, f64x2.mul(v128.load(at(a, q)), v128.load(at(b, q))));
  let s: f64 = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (q < n) s += load<f64>(at(a, q)) * load<f64>(at(b, q));
  return s;
}

/** y[q] += f·x[q], q < n. */
@inline export function axpy(y: usize, f: f64, x: usize, n: i32): void {
  const fv = f64x2.splat(f);
  let q = 0;
  for (; q + 2 <= n; q += 2) v128.store(at(y, q), f64x2.add(v128.load(at(y, q)), f64x2.mul(fv, v128.load(at(x, q)))));
  if (q < n) store<f64>(at(y, q), load<f64>(at(y, q)) + f * load<f64>(at(x, q)));
}

/** y[q] −= f·x[q], q < n. */
@inline export function axpyNeg(y: usize, f: f64, x: usize, n: i32): void {
  const fv = f64x2.splat(f);
  let q = 0;
  for (; q + 2 <= n; q += 2) v128.store(at(y, q), f64x2.sub(v128.load(at(y, q)), f64x2.mul(fv, v128.load(at(x, q)))));
  if (q < n) store<f64>(at(y, q), load<f64>(at(y, q)) - f * load<f64>(at(x, q)));
}

/** y[q] ·= f, q < n. */
@inline export function scal(y: usize, f: f64, n: i32): void {
  const fv = f64x2.splat(f);
  let q = 0;
  for (; q + 2 <= n; q += 2) v128.store(at(y, q), f64x2.mul(fv, v128.load(at(y, q))));
  if (q < n) store<f64>(at(y, q), load<f64>(at(y, q)) * f);
}

/** First byte after the module's static data, 16-aligned: the caller places its arrays from here. */
@inline export function heapStart(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}
