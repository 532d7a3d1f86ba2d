/**
 * Barnes–Hut t-SNE in 2-D (van der Maaten & Hinton 2008, "Visualizing Data
 * using t-SNE", JMLR 9; van der Maaten 2014, "Accelerating t-SNE using
 * Tree-Based Algorithms", JMLR 15). Gradient
 *
 *   ∂C/∂y_i = 4 [ Σ_j p_ij q_ij Z (y_i − y_j) − Σ_j q_ij² Z (y_i − y_j) / Z ],
 *
 * attractive part exact over the sparse P, repulsive part from a quadtree with
 * opening angle θ. The optimiser is scikit-learn 1.2's: early exaggeration 12
 * for 250 iterations with momentum 0.5, then momentum 0.8; delta-bar-delta gains
 * (+0.2 / ×0.8, floor 0.01); learning rate "auto" = max(n / 12 / 4, 50)
 * (Belkina et al. 2019); PCA initialisation scaled to std 1e-4 in the first
 * coordinate (Kobak & Linderman 2021).
 */
import { Cancellation, Progress, throwIfCancelled, yieldToEventLoop } from '../../util/errors';
import type { EdgeList } from './fuzzy';
import { QuadTree } from './quadtree';

export interface TsneOptions {
  /** n×2 initial layout (PCA), rescaled here. */
  init: Float32Array;
  nIter?: number;
  earlyExaggeration?: number;
  exaggerationIter?: number;
  theta?: number;
  learningRate?: number;
  onLayout?: (coords: Float32Array, iter: number, nIter: number) => void;
  intervalMs?: number;
  token?: Cancellation;
  progress?: Progress;
}

export async function tsneLayout(P: EdgeList, opts: TsneOptions): Promise<Float32Array> {
  const n = P.n;
  const nIter = opts.nIter ?? 1000;
  const exag = opts.earlyExaggeration ?? 12;
  const exagIter = Math.min(nIter, opts.exaggerationIter ?? 250);
  const theta = opts.theta ?? 0.5;
  const lr = opts.learningRate ?? Math.max(n / exag / 4, 50);
  const Y = scaleTsneInit(opts.init, n);
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const grad = new Float64Array(2 * n);
  const rowStart = edgeRows(P);
  const tree = new QuadTree();
  const interval = opts.intervalMs ?? 300;
  let lastEmit = Date.now();
  let lastYield = lastEmit;
  for (let it = 0; it < nIter; it++) {
    const momentum = it < exagIter ? 0.5 : 0.8;
    gradient(Y, n, P, rowStart, it < exagIter ? exag : 1, theta, tree, grad);
    for (let t = 0; t < 2 * n; t++) {
      const g = grad[t];
      if (update[t] * g < 0) gains[t] += 0.2;
      else gains[t] = Math.max(gains[t] * 0.8, 0.01);
      update[t] = momentum * update[t] - lr * gains[t] * g;
      Y[t] += update[t];
    }
    const now = Date.now();
    if (now - lastYield > 50) {
      opts.progress?.((it + 1) / nIter, `iteration ${it + 1}/${nIter}`);
      await yieldToEventLoop();
      throwIfCancelled(opts.token);
      lastYield = Date.now();
    }
    if (opts.onLayout && now - lastEmit >= interval && it + 1 < nIter) {
      opts.onLayout(Float32Array.from(Y), it + 1, nIter);
      lastEmit = now;
    }
  }
  const out = Float32Array.from(Y);
  opts.onLayout?.(out, nIter, nIter);
  opts.progress?.(1);
  return out;
}

/** scikit-learn's init='pca' scaling: first coordinate's std becomes 1e-4. */
function scaleTsneInit(init: Float32Array, n: number): Float64Array {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += init[2 * i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (init[2 * i] - mean) ** 2;
  const std = Math.sqrt(v / n);
  const s = std > 0 ? 1e-4 / std : 1;
  return Float64Array.from(init, (x) => x * s);
}

function edgeRows(P: EdgeList): Int32Array {
  const start = new Int32Array(P.n + 1);
  for (let e = 0; e < P.head.length; e++) start[P.head[e] + 1]++;
  for (let i = 0; i < P.n; i++) start[i + 1] += start[i];
  return start;
}

/** The full KL gradient (times 4, as scikit-learn) into `grad`. */
function gradient(
  Y: Float64Array,
  n: number,
  P: EdgeList,
  rowStart: Int32Array,
  exag: number,
  theta: number,
  tree: QuadTree,
  grad: Float64Array,
): void {
  tree.build(Y, n);
  const th2 = theta * theta;
  const stack = new Int32Array(4 * 64);
  let sumQ = 0;
  // Repulsion: grad holds Σ q² (y_i − y_j) (unnormalised) for now.
  for (let i = 0; i < n; i++) {
    const xi = Y[2 * i],
      yi = Y[2 * i + 1];
    let fx = 0,
      fy = 0;
    let sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const id = stack[--sp];
      const cnt = tree.count[id];
      if (cnt === 0) continue;
      const mx = tree.sx[id] / cnt,
        my = tree.sy[id] / cnt;
      const dx = xi - mx,
        dy = yi - my;
      const d2 = dx * dx + dy * dy;
      const leaf = tree.child[id] < 0;
      const w = 2 * tree.half[id];
      if (leaf || w * w < th2 * d2) {
        let c = cnt;
        if (leaf && tree.contains(id, xi, yi)) c -= 1; // leave out i itself
        if (c <= 0) continue;
        const q = 1 / (1 + d2);
        sumQ += c * q;
        const m = c * q * q;
        fx += m * dx;
        fy += m * dy;
      } else {
        const ch = tree.child[id];
        stack[sp++] = ch;
        stack[sp++] = ch + 1;
        stack[sp++] = ch + 2;
        stack[sp++] = ch + 3;
      }
    }
    grad[2 * i] = fx;
    grad[2 * i + 1] = fy;
  }
  const invZ = sumQ > 0 ? 1 / sumQ : 0;
  const { tail, weight } = P;
  for (let i = 0; i < n; i++) {
    const xi = Y[2 * i],
      yi = Y[2 * i + 1];
    let ax = 0,
      ay = 0;
    for (let e = rowStart[i]; e < rowStart[i + 1]; e++) {
      const j = tail[e];
      const dx = xi - Y[2 * j],
        dy = yi - Y[2 * j + 1];
      const q = 1 / (1 + dx * dx + dy * dy);
      const m = exag * weight[e] * q;
      ax += m * dx;
      ay += m * dy;
    }
    grad[2 * i] = 4 * (ax - grad[2 * i] * invZ);
    grad[2 * i + 1] = 4 * (ay - grad[2 * i + 1] * invZ);
  }
}
