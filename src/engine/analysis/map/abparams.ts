/**
 * UMAP's low-dimensional similarity curve 1 / (1 + a·d^(2b)), fitted by least
 * squares to the target "1 up to min_dist, then exp(−(d − min_dist)/spread)"
 * on 300 points of [0, 3·spread] — exactly what umap-learn's `find_ab_params`
 * does with scipy's curve_fit (McInnes, Healy & Melville 2018, "UMAP: Uniform
 * Manifold Approximation and Projection for Dimension Reduction", §3 and
 * Appendix C). Solved here with Levenberg–Marquardt from (a, b) = (1, 1).
 */
export function findAbParams(spread = 1, minDist = 0.1): { a: number; b: number } {
  const N = 300;
  const xs = new Float64Array(N);
  const ys = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const x = (3 * spread * i) / (N - 1);
    xs[i] = x;
    ys[i] = x < minDist ? 1 : Math.exp(-(x - minDist) / spread);
  }
  let a = 1;
  let b = 1;
  let lambda = 1e-3;
  let cost = sse(xs, ys, a, b);
  for (let it = 0; it < 500; it++) {
    // Normal equations JᵀJ·δ = −Jᵀr for the 2 parameters, damped by λ·diag(JᵀJ).
    let jaa = 0,
      jab = 0,
      jbb = 0,
      ga = 0,
      gb = 0;
    for (let i = 0; i < N; i++) {
      const x = xs[i];
      if (x === 0) continue; // f(0) = 1 for all a, b: zero residual and zero derivatives.
      const x2b = Math.pow(x, 2 * b);
      const den = 1 + a * x2b;
      const r = 1 / den - ys[i];
      const da = -x2b / (den * den);
      const db = (-a * x2b * 2 * Math.log(x)) / (den * den);
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    const A = jaa * (1 + lambda),
      B = jab,
      D = jbb * (1 + lambda);
    const det = A * D - B * B;
    if (!(Math.abs(det) > 0)) break;
    const sa = -(D * ga - B * gb) / det;
    const sb = -(-B * ga + A * gb) / det;
    const c2 = sse(xs, ys, a + sa, b + sb);
    if (c2 < cost) {
      const done = Math.abs(cost - c2) <= 1e-15 * Math.max(1, cost) && Math.abs(sa) + Math.abs(sb) < 1e-12;
      a += sa;
      b += sb;
      cost = c2;
      lambda = Math.max(lambda / 10, 1e-12);
      if (done) break;
    } else {
      lambda *= 10;
      if (lambda > 1e12) break;
    }
  }
  return { a, b };
}

function sse(xs: Float64Array, ys: Float64Array, a: number, b: number): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    const r = 1 / (1 + a * Math.pow(xs[i], 2 * b)) - ys[i];
    s += r * r;
  }
  return s;
}
