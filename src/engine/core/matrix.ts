/**
 * A dense row-major float32 matrix: the one layout every kernel takes.
 * `data` may be a view into a larger buffer (e.g. the bytes read from a file).
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

export function matrix(rows: number, cols: number, data?: Float32Array): Matrix {
  const buf = data ?? new Float32Array(rows * cols);
  if (buf.length < rows * cols)
    throw new RangeError(`matrix ${rows}×${cols} needs ${rows * cols} values, got ${buf.length}`);
  return { rows, cols, data: buf };
}

/** Rows [start, end) as a zero-copy view. */
export function rowSlice(m: Matrix, start: number, end: number): Matrix {
  return { rows: end - start, cols: m.cols, data: m.data.subarray(start * m.cols, end * m.cols) };
}

/** Copy of the given rows, in the given order. */
export function gatherRows(m: Matrix, rows: ArrayLike<number>): Matrix {
  const d = m.cols;
  const out = new Float32Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) out.set(m.data.subarray(rows[i] * d, rows[i] * d + d), i * d);
  return { rows: rows.length, cols: d, data: out };
}

/** L2 norm of every row, accumulated in float64. */
export function rowNorms(m: Matrix): Float64Array {
  const { rows, cols: d, data } = m;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const v = data[o + j];
      s += v * v;
    }
    out[i] = Math.sqrt(s);
  }
  return out;
}

/** True when every value of the row is finite. */
export function rowIsFinite(m: Matrix, i: number): boolean {
  const d = m.cols;
  const o = i * d;
  for (let j = 0; j < d; j++) if (!Number.isFinite(m.data[o + j])) return false;
  return true;
}

/**
 * Rows scaled to unit L2 norm (float64 norm, float32 result). Zero and non-finite
 * rows stay zero, so they never match anything under cosine.
 */
export function normalizeRows(m: Matrix, norms?: Float64Array): Matrix {
  const n = norms ?? rowNorms(m);
  const { rows, cols: d, data } = m;
  const out = new Float32Array(rows * d);
  for (let i = 0; i < rows; i++) {
    const s = n[i];
    if (!(s > 0) || !Number.isFinite(s)) continue;
    const inv = 1 / s;
    const o = i * d;
    for (let j = 0; j < d; j++) out[o + j] = data[o + j] * inv;
  }
  return { rows, cols: d, data: out };
}

// Float64 sums over four independent accumulators: one running sum is a chain of dependent
// additions (one per ~4 cycles); four keep the adder busy (~3× at d = 1536). Products and
// differences of float32 values are exact in float64, so only the order of the sum differs
// from a plain loop. The exact k-NN re-rank and the approximate graph's re-score share them,
// so both rank candidates by the same numbers.

/** Σ a[ao + j]·b[bo + j], j < d, in float64. */
export function rowDot64(a: Float32Array, ao: number, b: Float32Array, bo: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 4 <= d; j += 4) {
    s0 += a[ao + j] * b[bo + j];
    s1 += a[ao + j + 1] * b[bo + j + 1];
    s2 += a[ao + j + 2] * b[bo + j + 2];
    s3 += a[ao + j + 3] * b[bo + j + 3];
  }
  for (; j < d; j++) s0 += a[ao + j] * b[bo + j];
  return s0 + s1 + s2 + s3;
}

/** Σ (a[ao + j] − b[bo + j])², j < d, in float64. */
export function rowSquaredDistance64(a: Float32Array, ao: number, b: Float32Array, bo: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 4 <= d; j += 4) {
    const e0 = a[ao + j] - b[bo + j];
    const e1 = a[ao + j + 1] - b[bo + j + 1];
    const e2 = a[ao + j + 2] - b[bo + j + 2];
    const e3 = a[ao + j + 3] - b[bo + j + 3];
    s0 += e0 * e0;
    s1 += e1 * e1;
    s2 += e2 * e2;
    s3 += e3 * e3;
  }
  for (; j < d; j++) {
    const e = a[ao + j] - b[bo + j];
    s0 += e * e;
  }
  return s0 + s1 + s2 + s3;
}
