/**
 * What the overview panel and `embedding-lens inspect` report about a file:
 * shape, bad rows, exact duplicates, the distribution of row norms, and an
 * exact 2-D PCA map.
 */
import type { Histogram, Metric } from '../../shared/protocol/common';
import type { InspectResult, NormStats, OverviewResult } from '../../shared/protocol/overview';
import { Dataset, cached, datasetInfo, datasetNorms } from '../data/dataset';
import { prepareCorpus, PreparedCorpus } from '../kernels/knn';
import { computeMoments, Moments } from '../kernels/moments';
import { fitPca, Pca, projectRows } from '../kernels/pca';
import { Cancellation, Progress } from '../util/errors';

export function inspect(ds: Dataset): InspectResult {
  return cached(ds, 'inspect', () => computeInspect(ds));
}

function computeInspect(ds: Dataset): InspectResult {
  const { rows: n, cols: d, data } = ds.matrix;
  const norms = datasetNorms(ds);
  let nanRows = 0;
  let zeroRows = 0;
  let cnt = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = norms[i];
    if (!Number.isFinite(v)) {
      nanRows++;
      continue;
    }
    if (v === 0) zeroRows++;
    cnt++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = cnt ? sum / cnt : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(norms[i])) ss += (norms[i] - mean) ** 2;
  const std = cnt ? Math.sqrt(ss / cnt) : NaN;
  const norm: NormStats = { min: cnt ? min : NaN, max: cnt ? max : NaN, mean, std, cv: mean > 0 ? std / mean : NaN };
  return {
    rows: n,
    dims: d,
    dtype: ds.dtype,
    nanRows,
    zeroRows,
    duplicateRows: countDuplicateRows(data, n, d, norms),
    norm,
  };
}

/**
 * Rows equal (value for value, −0 = 0) to an earlier row; rows with NaN/Inf are
 * not counted here (they are counted as NaN rows). Hash, then compare exactly.
 */
function countDuplicateRows(data: Float32Array, n: number, d: number, norms: Float64Array): number {
  const bits = new Uint32Array(data.buffer, data.byteOffset, n * d);
  const buckets = new Map<number, number[]>();
  let dup = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(norms[i])) continue;
    let h = 0x811c9dc5;
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const b = bits[o + j] === 0x80000000 ? 0 : bits[o + j];
      h = Math.imul(h ^ b, 0x01000193);
    }
    const list = buckets.get(h);
    if (!list) {
      buckets.set(h, [i]);
      continue;
    }
    let same = false;
    for (const r of list) {
      let eq = true;
      const p = r * d;
      for (let j = 0; j < d; j++) {
        if (data[p + j] !== data[o + j]) {
          eq = false;
          break;
        }
      }
      if (eq) {
        same = true;
        break;
      }
    }
    if (same) dup++;
    else list.push(i);
  }
  return dup;
}

export function histogram(values: ArrayLike<number>, bins = 40): Histogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return { edges: [], counts: [] };
  if (hi === lo) {
    hi = lo + 0.5;
    lo = lo - 0.5;
  }
  const w = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / w))]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * w), counts };
}

export interface WorkOptions {
  token?: Cancellation;
  progress?: Progress;
}

export function datasetMoments(ds: Dataset, opts: WorkOptions = {}): Promise<Moments> {
  return cached(ds, 'moments', () => computeMoments(ds.matrix, opts));
}

/** PCA with up to `m` components; the fitted model is cached per dataset at the largest m asked. */
export async function datasetPca(ds: Dataset, m: number, opts: WorkOptions = {}): Promise<Pca> {
  const key = `pca:${m}`;
  return cached(ds, key, async () => fitPca(ds.matrix, m, { ...opts, moments: await datasetMoments(ds, opts) }));
}

export async function overview(ds: Dataset, opts: WorkOptions = {}): Promise<OverviewResult> {
  const ins = inspect(ds);
  const norms = datasetNorms(ds);
  const pca = await datasetPca(ds, 2, { token: opts.token, progress: (f) => opts.progress?.(0.8 * f, 'PCA') });
  const coords = await cached(ds, 'pca2coords', () =>
    projectRows(ds.matrix, pca.components, pca.m, {
      mean: pca.mean,
      token: opts.token,
      progress: (f) => opts.progress?.(0.8 + 0.2 * f, 'projecting'),
    }),
  );
  const out = coords.slice();
  // Rows with NaN/Inf have no place on the map.
  for (let i = 0; i < ds.matrix.rows; i++)
    if (!Number.isFinite(norms[i])) for (let c = 0; c < pca.m; c++) out[i * pca.m + c] = NaN;
  return {
    dataset: datasetInfo(ds),
    inspect: ins,
    normHistogram: histogram(norms),
    pca: {
      coords: out,
      rows: ds.matrix.rows,
      explained: Array.from(pca.explainedVariance, (v) => (pca.totalVariance > 0 ? v / pca.totalVariance : 0)),
    },
    norms: norms.slice(),
  };
}

export function preparedCorpus(ds: Dataset, metric: Metric): PreparedCorpus {
  return cached(ds, `corpus:${metric}`, () => prepareCorpus(ds.matrix, metric, datasetNorms(ds)));
}
