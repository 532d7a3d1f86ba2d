/**
 * Small float64 statistics shared by the diagnostics sections. Each follows the
 * textbook/scipy definition named in its comment so the Python references in
 * test/reference/ compute the same numbers.
 */
/**
 * Sample skewness with biased moments, m3 / m2^{3/2} (Fisher–Pearson; scipy.stats.skew's default).
 * NaN when the values are constant (m2 = 0).
 */
export function skewness(v: ArrayLike<number>): number {
  const n = v.length;
  if (n === 0) return NaN;
  let mu = 0;
  for (let i = 0; i < n; i++) mu += v[i];
  mu /= n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const e = v[i] - mu;
    m2 += e * e;
    m3 += e * e * e;
  }
  m2 /= n;
  m3 /= n;
  // scipy returns 0 for (numerically) constant data; we say NaN because there is no shape to describe.
  if (!(m2 > 1e-300)) return NaN;
  return m3 / Math.pow(m2, 1.5);
}

/** Linear-interpolation quantile of sorted values (numpy's default 'linear' method). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Average ranks (1-based, ties get the mean rank), as scipy.stats.rankdata. */
export function rankData(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && v[order[j + 1]] === v[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) r[order[t]] = avg;
    i = j + 1;
  }
  return r;
}

/** Pearson correlation; NaN when either side is constant. */
function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma;
    const y = b[i] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** Spearman's rank correlation (Spearman 1904): Pearson on average ranks, as scipy.stats.spearmanr. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(rankData(a), rankData(b));
}

/** log Σ exp(v) without overflow. */
export function logSumExp(v: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < v.length; i++) if (v[i] > m) m = v[i];
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.exp(v[i] - m);
  return m + Math.log(s);
}
