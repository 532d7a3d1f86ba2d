/**
 * Small float64 row statistics shared by the pairs analyses (all O(n·d) in JS;
 * the O(n·d²) and O(n²·d) work goes to onnxruntime elsewhere).
 */
import { Matrix } from '../../core/matrix';

/** Mean of the given rows (all rows when `rows` is omitted), float64. */
export function meanOfRows(m: Matrix, rows?: ArrayLike<number>): Float64Array {
  const d = m.cols;
  const out = new Float64Array(d);
  const count = rows ? rows.length : m.rows;
  for (let t = 0; t < count; t++) {
    const o = (rows ? rows[t] : t) * d;
    for (let j = 0; j < d; j++) out[j] += m.data[o + j];
  }
  if (count > 0) for (let j = 0; j < d; j++) out[j] /= count;
  return out;
}

export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j] * v[j];
  return Math.sqrt(s);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>, n = a.length): number {
  let s = 0;
  for (let j = 0; j < n; j++) s += a[j] * b[j];
  return s;
}

/**
 * Mean cosine over ordered pairs i ≠ j of unit rows, exact in O(n·d):
 * (‖Σx̂‖² − n) / (n(n−1)) (the identity pinned in the reference README, Isotropy).
 */
export function meanPairwiseCosineUnit(unit: Matrix, rows: ArrayLike<number>): number {
  const n = rows.length;
  const s = meanOfRows(unit, rows).map((v) => v * n);
  return (dot(s, s) - n) / (n * (n - 1));
}
