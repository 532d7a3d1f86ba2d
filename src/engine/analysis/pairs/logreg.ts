/**
 * L2-regularised binary logistic regression and its stratified, seeded k-fold
 * cross-validation: the "linear separability" of two groups of embeddings
 * (Liang et al. 2022, Mind the Gap, §4: a linear classifier tells the modalities
 * apart with near-perfect accuracy).
 *
 * Objective (scikit-learn's LogisticRegression(penalty='l2', C), lbfgs solver;
 * intercept not penalised), labels sᵢ = ±1:
 *   f(w, b) = ½‖w‖² + C Σᵢ log(1 + exp(−sᵢ(w·xᵢ + b)))
 * f is strictly convex, so any converged solver reaches the same optimum; we use
 * L-BFGS (Liu & Nocedal 1989, Math. Programming 45) with m = 10 pairs and an
 * Armijo backtracking line search, iterating to a much tighter gradient than
 * scikit-learn's default tol so fold accuracies match an exact optimum.
 */
import { Rng, shuffle } from '../../util/random';

/** Relative gradient accepted as converged when float64 can no longer lower f. */
const STALL_GTOL = 1e-5;

export interface LogisticOptions {
  /** Inverse regularisation strength, as scikit-learn's C. */
  C?: number;
  maxIter?: number;
  /** Stop when ‖∇f‖∞ ≤ gtol · max(1, ‖∇f(0)‖∞). */
  gtol?: number;
}

export interface LogisticModel {
  w: Float64Array;
  b: number;
  iterations: number;
  converged: boolean;
}

/** Rows `rows` of X (n×d row-major float64) with 0/1 labels y. */
export function fitLogistic(
  X: Float64Array,
  d: number,
  y: Uint8Array,
  rows: ArrayLike<number>,
  opts: LogisticOptions = {},
): LogisticModel {
  const C = opts.C ?? 1;
  const maxIter = opts.maxIter ?? 2000;
  const gtol = opts.gtol ?? 1e-9;
  const p = d + 1;
  const z = new Float64Array(rows.length);
  const evaluate = (theta: Float64Array, grad: Float64Array): number => {
    let f = 0;
    for (let j = 0; j < d; j++) f += 0.5 * theta[j] * theta[j];
    grad.fill(0);
    for (let t = 0; t < rows.length; t++) {
      const o = rows[t] * d;
      let s = theta[d];
      for (let j = 0; j < d; j++) s += theta[j] * X[o + j];
      z[t] = s;
    }
    for (let t = 0; t < rows.length; t++) {
      const sign = y[rows[t]] ? 1 : -1;
      const m = -sign * z[t];
      // log(1 + e^m) without overflow
      f += C * (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)));
      const g = C * -sign * (m > 0 ? 1 / (1 + Math.exp(-m)) : Math.exp(m) / (1 + Math.exp(m)));
      if (g === 0) continue;
      const o = rows[t] * d;
      for (let j = 0; j < d; j++) grad[j] += g * X[o + j];
      grad[d] += g;
    }
    for (let j = 0; j < d; j++) grad[j] += theta[j];
    return f;
  };

  const theta = new Float64Array(p);
  const g = new Float64Array(p);
  let f = evaluate(theta, g);
  const g0 = Math.max(1, maxAbs(g));
  const hist = 10;
  const S: Float64Array[] = [];
  const Yh: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(p);
  const alpha = new Float64Array(hist);
  const next = new Float64Array(p);
  const gNext = new Float64Array(p);
  let it = 0;
  let converged = maxAbs(g) <= gtol * g0;
  while (!converged && it < maxIter) {
    it++;
    // Two-loop recursion: dir = −H·g.
    dir.set(g);
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dotp(S[k], dir);
      axpy(-alpha[k], Yh[k], dir);
    }
    const gamma = S.length
      ? dotp(S[S.length - 1], Yh[Yh.length - 1]) / dotp(Yh[Yh.length - 1], Yh[Yh.length - 1])
      : 1 / Math.max(1e-300, maxAbs(g));
    for (let j = 0; j < p; j++) dir[j] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dotp(Yh[k], dir);
      axpy(alpha[k] - beta, S[k], dir);
    }
    for (let j = 0; j < p; j++) dir[j] = -dir[j];
    let slope = dotp(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (stale curvature): restart from steepest descent.
      S.length = Yh.length = rho.length = 0;
      for (let j = 0; j < p; j++) dir[j] = -g[j] / Math.max(1e-300, maxAbs(g));
      slope = dotp(g, dir);
    }
    let step = 1;
    let fNext = Infinity;
    for (let ls = 0; ls < 60; ls++) {
      for (let j = 0; j < p; j++) next[j] = theta[j] + step * dir[j];
      fNext = evaluate(next, gNext);
      if (fNext <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNext <= f)) {
      // No progress possible at float64 resolution: f changes by less than its
      // rounding long before ‖∇f‖ reaches gtol, so call a small gradient converged.
      converged = maxAbs(g) <= STALL_GTOL * g0;
      break;
    }
    const s = new Float64Array(p);
    const yv = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      s[j] = next[j] - theta[j];
      yv[j] = gNext[j] - g[j];
    }
    const sy = dotp(s, yv);
    if (sy > 1e-12 * Math.sqrt(dotp(s, s) * dotp(yv, yv))) {
      if (S.length === hist) {
        S.shift();
        Yh.shift();
        rho.shift();
      }
      S.push(s);
      Yh.push(yv);
      rho.push(1 / sy);
    }
    const fPrev = f;
    theta.set(next);
    g.set(gNext);
    f = fNext;
    converged = maxAbs(g) <= gtol * g0;
    if (!converged && Math.abs(fPrev - f) <= 1e-16 * Math.max(1, Math.abs(f))) {
      converged = maxAbs(g) <= STALL_GTOL * g0;
      break;
    }
  }
  return { w: theta.slice(0, d), b: theta[d], iterations: it, converged };
}

/** 1 where w·x + b > 0. */
function predictLogistic(model: LogisticModel, X: Float64Array, d: number, rows: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let t = 0; t < rows.length; t++) {
    const o = rows[t] * d;
    let s = model.b;
    for (let j = 0; j < d; j++) s += model.w[j] * X[o + j];
    out[t] = s > 0 ? 1 : 0;
  }
  return out;
}

/**
 * Stratified fold id (0..k−1) of every row: each class's rows are shuffled with
 * the seeded PRNG and dealt round-robin, so every fold has both classes in
 * proportion (as scikit-learn's StratifiedKFold, though not its exact shuffle).
 */
export function stratifiedFolds(y: Uint8Array, k: number, seed: number): Int32Array {
  const folds = new Int32Array(y.length);
  const rng = new Rng(seed);
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    y.forEach((v, i) => {
      if (v === cls) idx.push(i);
    });
    shuffle(idx, rng);
    idx.forEach((r, t) => (folds[r] = t % k));
  }
  return folds;
}

export interface CvResult {
  /** Mean of `foldAccuracy`: scikit-learn's cross_val_score(...).mean(). */
  accuracy: number;
  /** Held-out accuracy of each non-empty fold, in fold order. */
  foldAccuracy: number[];
  folds: Int32Array;
  converged: boolean;
}

/**
 * Mean held-out accuracy over the k stratified folds (each fold weighs the same,
 * whatever its size), as scikit-learn's cross_val_score(...).mean() on those folds.
 * The pooled accuracy (correct / N, cross_val_predict's) differs when fold sizes do.
 */
export function crossValidatedAccuracy(
  X: Float64Array,
  d: number,
  y: Uint8Array,
  k = 5,
  seed = 0,
  opts: LogisticOptions = {},
  folds?: Int32Array,
): CvResult {
  const f = folds ?? stratifiedFolds(y, k, seed);
  const foldAccuracy: number[] = [];
  let converged = true;
  for (let fold = 0; fold < k; fold++) {
    const train: number[] = [];
    const test: number[] = [];
    f.forEach((v, i) => (v === fold ? test : train).push(i));
    if (!test.length) continue;
    const model = fitLogistic(X, d, y, train, opts);
    converged &&= model.converged;
    const pred = predictLogistic(model, X, d, test);
    let c = 0;
    test.forEach((r, t) => {
      if (pred[t] === y[r]) c++;
    });
    foldAccuracy.push(c / test.length);
  }
  const accuracy = foldAccuracy.length ? numpySum(foldAccuracy) / foldAccuracy.length : NaN;
  return { accuracy, foldAccuracy, folds: f, converged };
}

/**
 * Σ a in numpy's order (pairwise summation: sequential below 8 values, eight running sums
 * up to 128, halves above), so a mean of fold scores equals numpy's to the last bit.
 */
export function numpySum(a: readonly number[], from = 0, to = a.length): number {
  const n = to - from;
  if (n < 8) {
    let s = 0;
    for (let i = from; i < to; i++) s += a[i];
    return s;
  }
  if (n <= 128) {
    const r = a.slice(from, from + 8);
    let i = from + 8;
    for (; i < to - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[i + j];
    let s = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < to; i++) s += a[i];
    return s;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return numpySum(a, from, from + half) + numpySum(a, from + half, to);
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) if (Math.abs(v) > m) m = Math.abs(v);
  return m;
}

function dotp(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let j = 0; j < x.length; j++) y[j] += a * x[j];
}
