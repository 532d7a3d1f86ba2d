/**
 * UMAP layout optimisation (McInnes, Healy & Melville 2018, "UMAP: Uniform
 * Manifold Approximation and Projection for Dimension Reduction", §3.2 and
 * Algorithm 5): stochastic gradient descent on the fuzzy cross-entropy between
 * the graph weights and 1/(1 + a·d^(2b)), sampling each edge in proportion to
 * its weight and `negativeSampleRate` random non-neighbours per edge sample.
 * The schedule, gradient clipping (±4), learning-rate decay and epoch counts
 * follow umap-learn 0.5's `optimize_layout_euclidean` (single-threaded, seeded).
 *
 * Initialisation is the PCA layout scaled to a maximum |coordinate| of 10 plus
 * 1e-4 noise, as in umap-learn's init='pca' (Kobak & Linderman 2021,
 * "Initialization is critical for preserving global data structure in both
 * t-SNE and UMAP", Nat. Biotechnol.): it also lets the panel morph from the
 * PCA map it shows first.
 */
import { MAP_DEFAULTS } from '../../../shared/defaults';
import { Cancellation, Progress, throwIfCancelled, yieldToEventLoop } from '../../util/errors';
import { findAbParams } from './abparams';
import type { EdgeList } from './fuzzy';
import { Rng } from '../../util/random';

export interface UmapOptions {
  dims: number;
  /** n×dims initial layout (e.g. PCA), scaled and jittered here. */
  init: Float32Array;
  seed: number;
  /** Default: 500 for n ≤ 10,000, else 200 (umap-learn's rule). */
  nEpochs?: number;
  minDist?: number;
  spread?: number;
  negativeSampleRate?: number;
  repulsionStrength?: number;
  learningRate?: number;
  /** Called with the current layout about every `intervalMs` and at the end. */
  onLayout?: (coords: Float32Array, epoch: number, nEpochs: number) => void;
  intervalMs?: number;
  token?: Cancellation;
  progress?: Progress;
  /** Use the any-dimension epoch even in 2-D (tests check both give the same layout). */
  generic?: boolean;
}

/** umap-learn's noisy_scale_coords: max |coord| = 10, plus N(0, 1e-4) jitter. */
function scaleInit(init: Float32Array, rng: Rng): Float64Array {
  let mx = 0;
  for (let i = 0; i < init.length; i++) mx = Math.max(mx, Math.abs(init[i]));
  const s = mx > 0 ? 10 / mx : 1;
  const out = new Float64Array(init.length);
  for (let i = 0; i < init.length; i++) out[i] = init[i] * s + 1e-4 * rng.normal();
  return out;
}

export async function umapLayout(graph: EdgeList, opts: UmapOptions): Promise<Float32Array> {
  const n = graph.n;
  const dims = opts.dims;
  const nEpochs = opts.nEpochs ?? (n <= 10000 ? 500 : 200);
  const { a, b } = findAbParams(opts.spread ?? 1, opts.minDist ?? MAP_DEFAULTS.minDist);
  const gamma = opts.repulsionStrength ?? 1;
  const alpha0 = opts.learningRate ?? 1;
  const negRate = opts.negativeSampleRate ?? 5;
  const rng = new Rng(opts.seed);
  const Y = scaleInit(opts.init, rng);
  const ft = forceTable(a, b, gamma);

  // Drop edges too weak to be sampled even once in nEpochs (as umap-learn does).
  let wmax = 0;
  for (let e = 0; e < graph.weight.length; e++) wmax = Math.max(wmax, graph.weight[e]);
  const keep: number[] = [];
  for (let e = 0; e < graph.weight.length; e++) if (graph.weight[e] >= wmax / nEpochs) keep.push(e);
  const m = keep.length;
  const head = new Int32Array(m);
  const tail = new Int32Array(m);
  const eps = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    const e = keep[t];
    head[t] = graph.head[e];
    tail[t] = graph.tail[e];
    eps[t] = wmax / graph.weight[e]; // epochs per sample
  }
  const epsNeg = eps.map((v) => v / negRate);
  const nextSample = eps.slice();
  const nextNeg = epsNeg.slice();

  const interval = opts.intervalMs ?? 300;
  let lastEmit = Date.now();
  let lastYield = lastEmit;
  let alpha = alpha0;
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    if (dims === 2 && !opts.generic)
      runEpoch2(Y, n, head, tail, eps, epsNeg, nextSample, nextNeg, epoch, ft, alpha, rng);
    else runEpoch(Y, dims, n, head, tail, eps, epsNeg, nextSample, nextNeg, epoch, ft, alpha, rng);
    alpha = alpha0 * (1 - epoch / nEpochs);
    const now = Date.now();
    if (now - lastYield > 50) {
      opts.progress?.((epoch + 1) / nEpochs, `epoch ${epoch + 1}/${nEpochs}`);
      await yieldToEventLoop();
      throwIfCancelled(opts.token);
      lastYield = Date.now();
    }
    if (opts.onLayout && now - lastEmit >= interval && epoch + 1 < nEpochs) {
      opts.onLayout(Float32Array.from(Y), epoch + 1, nEpochs);
      lastEmit = now;
    }
  }
  const out = Float32Array.from(Y);
  opts.onLayout?.(out, nEpochs, nEpochs);
  opts.progress?.(1);
  return out;
}

/** One SGD epoch over every edge due for sampling; hot loop, kept flat. */
function runEpoch(
  Y: Float64Array,
  dims: number,
  n: number,
  head: Int32Array,
  tail: Int32Array,
  eps: Float64Array,
  epsNeg: Float64Array,
  nextSample: Float64Array,
  nextNeg: Float64Array,
  epoch: number,
  ft: ForceTable,
  alpha: number,
  rng: Rng,
): void {
  const m = head.length;
  for (let e = 0; e < m; e++) {
    if (nextSample[e] > epoch) continue;
    const j = head[e] * dims;
    const k = tail[e] * dims;
    let d2 = 0;
    for (let t = 0; t < dims; t++) {
      const v = Y[j + t] - Y[k + t];
      d2 += v * v;
    }
    const g = d2 > 0 ? force(ft.attract, ft, d2) : 0;
    for (let t = 0; t < dims; t++) {
      const gd = clip(g * (Y[j + t] - Y[k + t])) * alpha;
      Y[j + t] += gd;
      Y[k + t] -= gd;
    }
    nextSample[e] += eps[e];
    const nNeg = Math.floor((epoch - nextNeg[e]) / epsNeg[e]);
    for (let p = 0; p < nNeg; p++) {
      const kk = rng.int(n) * dims;
      let q2 = 0;
      for (let t = 0; t < dims; t++) {
        const v = Y[j + t] - Y[kk + t];
        q2 += v * v;
      }
      if (q2 > 0) {
        const gr = force(ft.repel, ft, q2);
        for (let t = 0; t < dims; t++) Y[j + t] += clip(gr * (Y[j + t] - Y[kk + t])) * alpha;
      } else if (kk !== j) {
        // Coincident with another point: umap-learn pushes by the clip value.
        for (let t = 0; t < dims; t++) Y[j + t] += 4 * alpha;
      }
    }
    if (nNeg > 0) nextNeg[e] += nNeg * epsNeg[e];
  }
}

/**
 * The same epoch as `runEpoch` for 2-D layouts, unrolled: identical arithmetic
 * in the same order (so the same layout for the same seed), without the inner
 * per-dimension loops that dominate at dims = 2.
 */
function runEpoch2(
  Y: Float64Array,
  n: number,
  head: Int32Array,
  tail: Int32Array,
  eps: Float64Array,
  epsNeg: Float64Array,
  nextSample: Float64Array,
  nextNeg: Float64Array,
  epoch: number,
  ft: ForceTable,
  alpha: number,
  rng: Rng,
): void {
  const m = head.length;
  const attract = ft.attract;
  const repel = ft.repel;
  for (let e = 0; e < m; e++) {
    if (nextSample[e] > epoch) continue;
    const j = head[e] * 2;
    const k = tail[e] * 2;
    let yj0 = Y[j],
      yj1 = Y[j + 1];
    const dx = yj0 - Y[k];
    const dy = yj1 - Y[k + 1];
    const d2 = dx * dx + dy * dy;
    const g = d2 > 0 ? force(attract, ft, d2) : 0;
    const g0 = clip(g * dx) * alpha;
    yj0 += g0;
    Y[k] -= g0;
    // As runEpoch: the second coordinate's difference is taken after the first moved.
    const g1 = clip(g * (yj1 - Y[k + 1])) * alpha;
    yj1 += g1;
    Y[k + 1] -= g1;
    nextSample[e] += eps[e];
    const nNeg = Math.floor((epoch - nextNeg[e]) / epsNeg[e]);
    for (let p = 0; p < nNeg; p++) {
      const kk = rng.int(n) * 2;
      if (kk === j) continue; // itself: distance 0 and no push, as in runEpoch (Y[j] is stale here)
      const qx = yj0 - Y[kk];
      const qy = yj1 - Y[kk + 1];
      const q2 = qx * qx + qy * qy;
      if (q2 > 0) {
        const gr = force(repel, ft, q2);
        yj0 += clip(gr * qx) * alpha;
        yj1 += clip(gr * (yj1 - Y[kk + 1])) * alpha;
      } else if (kk !== j) {
        yj0 += 4 * alpha;
        yj1 += 4 * alpha;
      }
    }
    Y[j] = yj0;
    Y[j + 1] = yj1;
    if (nNeg > 0) nextNeg[e] += nNeg * epsNeg[e];
  }
}

function clip(v: number): number {
  return v > 4 ? 4 : v < -4 ? -4 : v;
}

/**
 * The two gradient coefficients of UMAP's SGD as functions of the squared
 * layout distance q = ‖y_i − y_j‖² (McInnes et al. 2018, §3.2; umap-learn's
 * optimize_layout_euclidean):
 *   attractive  −2ab·q^(b−1) / (1 + a·q^b),
 *   repulsive    2γb / ((0.001 + q)(1 + a·q^b)),
 * tabulated on u = q^(1/4) (two square roots, no exp/log: x^b is the hot loop's
 * costliest operation, and the repulsive one runs 5× per edge sample) and
 * linearly interpolated, relative error < 1e-4 — far below the SGD's own noise.
 * Exact formulas below the first grid step (the attractive coefficient is
 * singular at 0) and beyond the table.
 */
export interface ForceTable {
  attract: Float64Array;
  repel: Float64Array;
  a: number;
  b: number;
  gamma: number;
  invH: number;
  uMax: number;
}

const TABLE_SIZE = 16384;
const TABLE_U_MAX = 8; // q up to 4096: layouts are scaled to |y| ≤ 10 and rarely spread far beyond

export function forceTable(a: number, b: number, gamma: number): ForceTable {
  const attract = new Float64Array(TABLE_SIZE + 2);
  const repel = new Float64Array(TABLE_SIZE + 2);
  const h = TABLE_U_MAX / TABLE_SIZE;
  for (let i = 0; i < TABLE_SIZE + 2; i++) {
    const u = i * h;
    const q = u * u * u * u;
    attract[i] = i === 0 ? 0 : exactAttract(q, a, b);
    repel[i] = exactRepel(q, a, b, gamma);
  }
  return { attract, repel, a, b, gamma, invH: 1 / h, uMax: TABLE_U_MAX };
}

function exactAttract(q: number, a: number, b: number): number {
  const pb = Math.exp(b * Math.log(q));
  return (-2 * a * b * (pb / q)) / (a * pb + 1);
}

function exactRepel(q: number, a: number, b: number, gamma: number): number {
  const pb = q > 0 ? Math.exp(b * Math.log(q)) : 0;
  return (2 * gamma * b) / ((0.001 + q) * (a * pb + 1));
}

/** A coefficient at q > 0 from its table (`T` is ft.attract or ft.repel). */
export function force(T: Float64Array, ft: ForceTable, q: number): number {
  const x = Math.sqrt(Math.sqrt(q)) * ft.invH;
  if (x >= 1 && x < TABLE_SIZE) {
    const i = x | 0;
    const f = x - i;
    return T[i] + f * (T[i + 1] - T[i]);
  }
  return T === ft.attract ? exactAttract(q, ft.a, ft.b) : exactRepel(q, ft.a, ft.b, ft.gamma);
}
