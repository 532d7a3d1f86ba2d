/**
 * t-SNE input affinities from a k-NN graph (van der Maaten 2014, "Accelerating
 * t-SNE using Tree-Based Algorithms", JMLR 15, §4.1): for each row a Gaussian
 * precision β_i found by bisection so the conditional distribution over its k
 * neighbours has perplexity `perplexity` (entropy log(perplexity) in nats), then
 * P = (P_cond + P_condᵀ) / Σ — scikit-learn's `_binary_search_perplexity` and
 * `_joint_probabilities_nn` conventions (squared distances for euclidean,
 * plain distances for other metrics; 100 steps, tolerance 1e-5).
 */
import type { EdgeList } from './fuzzy';

const EPSILON_DBL = 1e-8;
const PERPLEXITY_TOLERANCE = 1e-5;

/** Row-major n×k conditional probabilities P(j | i) from neighbour distances. */
function conditionalP(dist: Float64Array, n: number, k: number, perplexity: number): Float64Array {
  const P = new Float64Array(n * k);
  const desired = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let betaMin = -Infinity;
    let betaMax = Infinity;
    let beta = 1;
    for (let it = 0; it < 100; it++) {
      let sumP = 0;
      for (let j = 0; j < k; j++) {
        const d = dist[o + j];
        const p = Number.isFinite(d) ? Math.exp(-d * beta) : 0;
        P[o + j] = p;
        sumP += p;
      }
      if (sumP === 0) sumP = EPSILON_DBL;
      let sumDP = 0;
      for (let j = 0; j < k; j++) {
        P[o + j] /= sumP;
        const d = dist[o + j];
        if (Number.isFinite(d)) sumDP += d * P[o + j];
      }
      const entropy = Math.log(sumP) + beta * sumDP;
      const diff = entropy - desired;
      if (Math.abs(diff) <= PERPLEXITY_TOLERANCE) break;
      if (diff > 0) {
        betaMin = beta;
        beta = betaMax === Infinity ? beta * 2 : (beta + betaMax) / 2;
      } else {
        betaMax = beta;
        beta = betaMin === -Infinity ? beta / 2 : (beta + betaMin) / 2;
      }
    }
  }
  return P;
}

/** Symmetric joint P (sums to 1) as an edge list stored both ways, sorted by head. */
export function jointP(indices: Int32Array, dist: Float64Array, n: number, k: number, perplexity: number): EdgeList {
  const Pc = conditionalP(dist, n, k, perplexity);
  const acc = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < k; s++) {
      const j = indices[i * k + s];
      if (j < 0 || j === i) continue;
      const p = Pc[i * k + s];
      const a = i * n + j;
      const b = j * n + i;
      acc.set(a, (acc.get(a) ?? 0) + p);
      acc.set(b, (acc.get(b) ?? 0) + p);
    }
  }
  let total = 0;
  for (const v of acc.values()) total += v;
  total = Math.max(total, Number.EPSILON);
  const start = new Int32Array(n + 1);
  for (const key of acc.keys()) start[Math.floor(key / n) + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const m = acc.size;
  const head = new Int32Array(m);
  const tail = new Int32Array(m);
  const weight = new Float64Array(m);
  const fill = start.slice(0, n);
  const keys = Array.from(acc.keys()).sort((x, y) => x - y);
  for (const key of keys) {
    const i = Math.floor(key / n);
    const t = fill[i]++;
    head[t] = i;
    tail[t] = key - i * n;
    weight[t] = acc.get(key)! / total;
  }
  return { n, head, tail, weight };
}
