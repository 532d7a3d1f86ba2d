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
  if (buf.length < rows * cols) throw new RangeError(`matrix ${rows}×${cols} needs ${rows * cols} values, got ${buf.length}`);
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
