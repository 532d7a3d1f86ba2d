/**
 * Symmetric eigen-decomposition, a cache-friendly layout of kernels/eigen.ts.
 *
 * Same algorithm and arithmetic as kernels/eigen.ts (Householder tridiagonal
 * reduction + implicit QL, EISPACK tred2/tql2, Martin, Reinsch & Wilkinson 1968,
 * as in JAMA), with the eigenvector matrix stored transposed: every O(d³) inner
 * loop of tred2/tql2 walks one column of V, which is one contiguous row here.
 * At d = 768 that is the difference between ~10 s and well under a second, and
 * Procrustes needs all d eigenvectors. (A candidate to replace kernels/eigen.ts.)
 */
export interface EigenT {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Row i is the unit eigenvector of values[i] (m×d, row-major). */
  vectors: Float64Array;
  d: number;
  /** Number of eigenvector rows returned. */
  m: number;
}

/** All eigenvalues (descending) and the top-m eigenvectors of the symmetric matrix `a`. */
export function eighFast(a: Float64Array, d: number, m = d): EigenT {
  // V is JAMA's V transposed: V[c] is column c (eigenvector c once tql2 is done).
  const V: Float64Array[] = [];
  for (let i = 0; i < d; i++) V.push(Float64Array.from(a.subarray(i * d, i * d + d)));
  const dd = new Float64Array(d);
  const e = new Float64Array(d);
  tred2(V, dd, e, d);
  tql2(V, dd, e, d);
  // Ascending from tql2; return descending with matching vectors (columns of V).
  const order = Array.from({ length: d }, (_, i) => i).sort((x, y) => dd[y] - dd[x]);
  const values = Float64Array.from(order, (i) => dd[i]);
  const mm = Math.min(m, d);
  const vectors = new Float64Array(mm * d);
  for (let r = 0; r < mm; r++) {
    const c = order[r];
    for (let i = 0; i < d; i++) vectors[r * d + i] = V[c][i];
  }
  return { values, vectors, d, m: mm };
}

function tred2(V: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[j][n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[j][i - 1];
        V[j][i] = 0;
        V[i][j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[i][j] = f;
        g = e[j] + V[j][j] * f;
        const vj = V[j];
        for (let k = j + 1; k <= i - 1; k++) {
          g += vj[k] * d[k];
          e[k] += vj[k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        const vj = V[j];
        for (let k = j; k <= i - 1; k++) vj[k] -= f * e[k] + g * d[k];
        d[j] = V[j][i - 1];
        V[j][i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[i][n - 1] = V[i][i];
    V[i][i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[i + 1][k] / h;
      for (let j = 0; j <= i; j++) {
        const vi1 = V[i + 1];
        const vj = V[j];
        let g = 0;
        for (let k = 0; k <= i; k++) g += vi1[k] * vj[k];
        for (let k = 0; k <= i; k++) vj[k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[i + 1][k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[j][n - 1];
    V[j][n - 1] = 0;
  }
  V[n - 1][n - 1] = 1;
  e[0] = 0;
}

function tql2(V: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      do {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const vi = V[i];
          const vi1 = V[i + 1];
          for (let k = 0; k < n; k++) {
            const x = vi1[k];
            const y = vi[k];
            vi1[k] = s * y + c * x;
            vi[k] = c * y - s * x;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] = d[l] + f;
    e[l] = 0;
  }
}
