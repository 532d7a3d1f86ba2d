/**
 * Neural collapse of a classifier's features (Papyan, Han & Donoho 2020,
 * "Prevalence of neural collapse during the terminal phase of deep learning
 * training", PNAS 117(40)), with the conventions of their reference code
 * (docs/definitions.md, "Neural collapse"):
 *  - Σ_W = (1/N) Σᵢ (xᵢ − μ_yᵢ)(xᵢ − μ_yᵢ)ᵀ (weighted by class size),
 *    Σ_B = (1/C) Σ_c (μ_c − μ_G)(μ_c − μ_G)ᵀ with μ_G the global mean;
 *  - NC1 = (1/C)·tr(Σ_W Σ_B⁺), Σ_B⁺ from its top C−1 eigenpairs (relative cutoff);
 *  - NC2: equinorm = std/mean of ‖μ_c − μ_G‖, equiangularity = mean over c ≠ c′
 *    of |cos(μ_c − μ_G, μ_c′ − μ_G) + 1/(C−1)| (0 for a simplex ETF);
 *  - NC3 = ‖W/‖W‖_F − M/‖M‖_F‖²_F (M = centred class means, C×d);
 *  - NC4 = share of rows where argmax(Wx + b) differs from the nearest class mean.
 *
 * Σ_B⁺ is applied in the C-dimensional span of the centred means: with
 * G = M Mᵀ/C = V Λ Vᵀ, the eigenvectors of Σ_B are u_k = Mᵀv_k/√(Cλ_k), so
 *   tr(Σ_W Σ_B⁺) = Σ_k u_kᵀ Σ_W u_k / λ_k,
 * which needs no d×d eigenproblem and works when C > d.
 */
import type { ClassSpread, NeuralCollapseResult } from '../../../shared/protocol/pairs';
import { PAIRS_DEFAULTS } from '../../../shared/defaults';
import { gatherRows, Matrix } from '../../core/matrix';
import { Dataset, datasetNorms } from '../../data/dataset';
import { knnGraph, knnSearch, prepareCorpus } from '../../kernels/knn';
import { computeMoments, rawGram } from '../../kernels/moments';
import { projectRows } from '../../kernels/pca';
import { Cancellation, InputError, Progress } from '../../util/errors';
import { labelCodes } from './columns';
import { eigh } from '../../kernels/eigen';

export interface Classifier {
  /** C_W×d weights (row c scores class c), and optional bias of length C_W. */
  weights: Matrix;
  bias?: Float32Array;
  /** File names, for error messages. */
  weightsPath: string;
}

export interface CollapseOptions {
  labels: string;
  classifier?: Classifier;
  k?: number;
  token?: Cancellation;
  progress?: Progress;
}

export async function neuralCollapse(ds: Dataset, opts: CollapseOptions): Promise<NeuralCollapseResult> {
  const progress = opts.progress ?? (() => undefined);
  const lab = labelCodes(ds, opts.labels);
  const norms = datasetNorms(ds);
  const X = ds.matrix;
  const d = X.cols;
  const usedRows: number[] = [];
  for (let i = 0; i < X.rows; i++) if (lab.codes[i] >= 0 && Number.isFinite(norms[i])) usedRows.push(i);
  const counts = new Int32Array(lab.classes.length);
  for (const r of usedRows) counts[lab.codes[r]]++;
  // Only classes with rows take part (integer labels may skip values).
  const present = Array.from(counts.keys()).filter((c) => counts[c] > 0);
  const C = present.length;
  if (C < 2)
    throw new InputError(
      ds.metadata?.source ?? ds.path,
      `column '${opts.labels}' has ${C} class(es) with usable rows; neural collapse needs at least 2`,
    );
  const slot = new Int32Array(lab.classes.length).fill(-1);
  present.forEach((c, s) => (slot[c] = s));
  const N = usedRows.length;
  const Xu = usedRows.length === X.rows ? X : gatherRows(X, usedRows);
  const y = Int32Array.from(usedRows, (r) => slot[lab.codes[r]]);

  // Class means and the global mean, float64.
  const means = new Float64Array(C * d);
  const global = new Float64Array(d);
  for (let i = 0; i < N; i++) {
    const o = i * d;
    const mo = y[i] * d;
    for (let j = 0; j < d; j++) {
      means[mo + j] += Xu.data[o + j];
      global[j] += Xu.data[o + j];
    }
  }
  for (let s = 0; s < C; s++) for (let j = 0; j < d; j++) means[s * d + j] /= counts[present[s]];
  for (let j = 0; j < d; j++) global[j] /= N;

  // Residuals from the class means; their Gram on onnxruntime gives N·Σ_W.
  progress(0.05, 'within-class scatter');
  const R = new Float32Array(N * d);
  const spread = new Float64Array(C);
  for (let i = 0; i < N; i++) {
    const o = i * d;
    const mo = y[i] * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = Xu.data[o + j] - means[mo + j];
      R[o + j] = v;
      s += v * v;
    }
    spread[y[i]] += s;
  }
  const Sw = rawGram(await computeMoments({ rows: N, cols: d, data: R }, { token: opts.token }));
  for (let t = 0; t < d * d; t++) Sw[t] /= N;

  const M = new Float64Array(C * d); // centred means
  const meanNorm = new Float64Array(C);
  for (let s = 0; s < C; s++) {
    let q = 0;
    for (let j = 0; j < d; j++) {
      const v = means[s * d + j] - global[j];
      M[s * d + j] = v;
      q += v * v;
    }
    meanNorm[s] = Math.sqrt(q);
  }
  const nc1 = nc1Trace(Sw, M, C, d);
  let trW = 0;
  for (let j = 0; j < d; j++) trW += Sw[j * d + j];
  let trB = 0;
  for (let s = 0; s < C; s++) trB += (meanNorm[s] * meanNorm[s]) / C;

  const nc2 = equinormEquiangular(M, meanNorm, C, d);

  progress(0.2, 'nearest class mean');
  const meanMatrix: Matrix = { rows: C, cols: d, data: Float32Array.from(means) };
  const ncm = await knnSearch(prepareCorpus(meanMatrix, 'euclidean'), Xu, { k: 1, token: opts.token });
  let ncmCorrect = 0;
  for (let i = 0; i < N; i++) if (ncm.indices[i] === y[i]) ncmCorrect++;

  progress(0.3, 'k-NN accuracy');
  const k = Math.max(1, Math.min(opts.k ?? PAIRS_DEFAULTS.k, N - 1));
  const knnAccuracy = await leaveOneOutKnn(Xu, y, C, k, opts.token, (f) => progress(0.3 + 0.6 * f, 'k-NN accuracy'));

  const perClass: ClassSpread[] = present.map((c, s) => ({
    name: lab.classes[c],
    rows: counts[c],
    spread: spread[s] / counts[c],
    meanNorm: meanNorm[s],
  }));
  const result: NeuralCollapseResult = {
    column: opts.labels,
    classes: C,
    rows: N,
    dims: d,
    ignoredRows: X.rows - N,
    nc1,
    withinBetweenRatio: trW / trB,
    nc2: {
      equinorm: nc2.equinorm,
      equiangularity: nc2.equiangularity,
      meanCosine: nc2.meanCosine,
      idealCosine: nc2.idealCosine,
    },
    ncmAccuracy: ncmCorrect / N,
    knnAccuracy,
    k,
    perClass,
    meanCosines: nc2.cos,
    classNames: present.map((c) => lab.classes[c]),
  };
  if (opts.classifier)
    Object.assign(
      result,
      await classifierTerms(ds, opts.classifier, lab.integerCodes, present, Xu, y, M, ncm.indices, opts.token),
    );
  progress(1);
  return result;
}

/** (1/C)·tr(Σ_W Σ_B⁺) through the C×C Gram of the centred means (see the file comment). */
function nc1Trace(Sw: Float64Array, M: Float64Array, C: number, d: number): number {
  const G = new Float64Array(C * C);
  for (let a = 0; a < C; a++) {
    for (let b = a; b < C; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += M[a * d + j] * M[b * d + j];
      G[a * C + b] = G[b * C + a] = s / C;
    }
  }
  const eig = eigh(G, C, C);
  const top = eig.values[0];
  const u = new Float64Array(d);
  const swu = new Float64Array(d);
  let tr = 0;
  for (let k = 0; k < Math.min(C - 1, d); k++) {
    const lam = eig.values[k];
    // Relative cutoff: Σ_B has rank ≤ min(C−1, d); smaller eigenvalues are rounding.
    if (!(lam > top * 1e-10)) break;
    u.fill(0);
    for (let c = 0; c < C; c++) {
      const v = eig.vectors[k * C + c];
      for (let j = 0; j < d; j++) u[j] += v * M[c * d + j];
    }
    const scale = 1 / Math.sqrt(C * lam);
    for (let j = 0; j < d; j++) u[j] *= scale;
    let q = 0;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += Sw[i * d + j] * u[j];
      swu[i] = s;
      q += u[i] * s;
    }
    tr += q / lam;
  }
  return tr / C;
}

function equinormEquiangular(M: Float64Array, meanNorm: Float64Array, C: number, d: number) {
  let mu = 0;
  for (const v of meanNorm) mu += v / C;
  let varN = 0;
  for (const v of meanNorm) varN += (v - mu) ** 2 / C;
  const cos = new Float64Array(C * C);
  const ideal = -1 / (C - 1);
  let dev = 0;
  let sumCos = 0;
  for (let a = 0; a < C; a++) {
    cos[a * C + a] = 1;
    for (let b = a + 1; b < C; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += M[a * d + j] * M[b * d + j];
      const c = s / (meanNorm[a] * meanNorm[b]);
      cos[a * C + b] = cos[b * C + a] = c;
      dev += 2 * Math.abs(c - ideal);
      sumCos += 2 * c;
    }
  }
  const pairs = C * (C - 1);
  return {
    equinorm: Math.sqrt(varN) / mu,
    equiangularity: dev / pairs,
    meanCosine: sumCos / pairs,
    idealCosine: ideal,
    cos,
  };
}

/**
 * Leave-one-out k-NN accuracy (euclidean, self excluded, ties in distance by
 * lower row index): the majority label of the k neighbours, ties between labels
 * going to the lower class index (scikit-learn's KNeighborsClassifier rule).
 */
async function leaveOneOutKnn(
  X: Matrix,
  y: Int32Array,
  C: number,
  k: number,
  token?: Cancellation,
  progress?: Progress,
): Promise<number> {
  const g = await knnGraph(prepareCorpus(X, 'euclidean'), { k, token, progress });
  const votes = new Int32Array(C);
  let correct = 0;
  for (let i = 0; i < X.rows; i++) {
    votes.fill(0);
    for (let t = 0; t < k; t++) {
      const r = g.indices[i * k + t];
      if (r >= 0) votes[y[r]]++;
    }
    let best = 0;
    for (let c = 1; c < C; c++) if (votes[c] > votes[best]) best = c;
    if (best === y[i]) correct++;
  }
  return correct / X.rows;
}

async function classifierTerms(
  ds: Dataset,
  clf: Classifier,
  integerCodes: boolean,
  present: number[],
  X: Matrix,
  y: Int32Array,
  M: Float64Array,
  ncmPred: Int32Array,
  token?: Cancellation,
) {
  const W = clf.weights;
  const d = X.cols;
  if (!integerCodes)
    throw new InputError(
      ds.metadata?.source ?? ds.path,
      'with classifier weights, the label column must hold integer class indices 0..C−1 (row c of the weights scores class c)',
    );
  if (W.cols !== d)
    throw new InputError(
      clf.weightsPath,
      `has ${W.cols} columns but the embeddings have ${d} dims (weights must be C×d)`,
    );
  const maxClass = present[present.length - 1];
  if (W.rows <= maxClass)
    throw new InputError(
      clf.weightsPath,
      `has ${W.rows} rows but the labels go up to class ${maxClass} (weights must be C×d, row c = class c)`,
    );
  if (clf.bias && clf.bias.length !== W.rows)
    throw new InputError(clf.weightsPath, `bias has ${clf.bias.length} values but the weights have ${W.rows} rows`);
  const Cw = W.rows;
  const logits = await projectRows(X, W.data, Cw, { token });
  let agree = 0;
  let correct = 0;
  for (let i = 0; i < X.rows; i++) {
    let best = 0;
    let bestV = -Infinity;
    for (let c = 0; c < Cw; c++) {
      const v = logits[i * Cw + c] + (clf.bias ? clf.bias[c] : 0);
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    if (best === present[y[i]]) correct++;
    if (best === present[ncmPred[i]]) agree++;
  }
  // NC3 over the classes present: ‖W/‖W‖ − M/‖M‖‖²_F.
  const C = present.length;
  let nw = 0;
  let nm = 0;
  for (let s = 0; s < C; s++) {
    for (let j = 0; j < d; j++) {
      nw += W.data[present[s] * d + j] ** 2;
      nm += M[s * d + j] ** 2;
    }
  }
  nw = Math.sqrt(nw);
  nm = Math.sqrt(nm);
  let nc3 = 0;
  for (let s = 0; s < C; s++)
    for (let j = 0; j < d; j++) nc3 += (W.data[present[s] * d + j] / nw - M[s * d + j] / nm) ** 2;
  return { nc3, nc4: (X.rows - agree) / X.rows, classifierAccuracy: correct / X.rows };
}
