/**
 * The compression sweep behind the panel and `embedding-lens compress`: for each
 * configuration, recall@k of its search against exact full-precision search on
 * a seeded query sample (self excluded), its size, and its query time measured
 * in the same run as the full-precision search.
 *
 * Every codec sees the vectors as given in the file and the compressed vectors
 * are searched with the same metric (cosine re-normalises the PCA / truncated /
 * dequantised rows). The sample rows are queries and stay in the corpus; each
 * query's own row is excluded. Queries are compressed like corpus rows
 * (symmetric), which is what the int8 reference value 0.991 assumes.
 */
import type { DatasetRef, Metric } from '../../../shared/protocol/common';
import { METRICS } from '../../../shared/protocol/common';
import type {
  CompressionConfig,
  CompressionPoint,
  CompressParams,
  CompressResult,
} from '../../../shared/protocol/compression';
import { COMPRESS_DEFAULTS } from '../../../shared/defaults';
import { smallestMeeting } from '../../../shared/webview/compression';
import { gatherRows, Matrix, rowSlice } from '../../core/matrix';
import { Dataset, datasetNorms } from '../../data/dataset';
import { knnSearch, KnnResult, prepareCorpus, PreparedCorpus } from '../../kernels/knn';
import { Pca, projectRows } from '../../kernels/pca';
import { Cancellation, InputError, Progress, throwIfCancelled } from '../../util/errors';
import { sampleRows } from '../../util/random';
import { preparedCorpus } from '../overview';
import { compressionPca, matrixPca } from './pca';
import { BinaryCodes, encodeBinaryAsync, hammingKernel, hammingSearch, rescore } from './binary';
import { bitsOf, bytesPerVector, configLabel, DEFAULT_RESCORE, defaultDims, indexBytes, sweepConfigs } from './configs';
import { decodeInt8Async, encodeInt8Async, fitInt8Async } from './int8';
import { recallAtK } from './recall';
import { truncateColumns } from './truncation';
import { prepareCorpusAsync } from './prepare';

/** The request's sweep parameters (see CompressParams), plus cancellation and progress. */
export interface CompressOptions extends Omit<CompressParams, keyof DatasetRef> {
  token?: Cancellation;
  progress?: Progress;
}

interface Settings {
  k: number;
  queries: number;
  target: number;
  seed: number;
  metric: Metric;
  dims?: number[];
  rescore: number[];
}

export async function compressionSweep(ds: Dataset, opts: CompressOptions = {}): Promise<CompressResult> {
  const t0 = performance.now();
  const s = validate(opts);
  const warnings: string[] = [];
  const { X, corpus, fromDataset } = usableMatrix(ds, s.metric, warnings);
  const n = X.rows;
  const d = X.cols;
  if (n < 2) throw new InputError(ds.path, `has ${n} usable row${n === 1 ? '' : 's'}; recall needs at least 2`);
  const k = Math.min(s.k, n - 1);
  if (k < s.k) warnings.push(`k lowered from ${s.k} to ${k}: the file has only ${n} usable rows`);
  const q = Math.min(s.queries, n);
  if (q < s.queries)
    warnings.push(`${s.queries} queries asked but the file has ${n} usable rows: every row is a query`);
  const dims = sweepDims(d, s.dims, warnings);

  const sample = sampleRows(n, q, s.seed);
  const ctx: Ctx = {
    X,
    corpus,
    sample,
    k,
    metric: s.metric,
    token: opts.token,
    exact: undefined as unknown as KnnResult,
  };
  const configs = sweepConfigs(d, dims, s.rescore);
  const steps = configs.length + 2;
  const progress = (i: number, msg: string) => opts.progress?.(Math.min(1, i / steps), msg);

  // Warm the onnxruntime session so the first timed search is not charged for it.
  await knnSearch(corpus, gatherRows(X, [sample[0]]), { k });
  progress(0, 'exact search of the queries');
  const exact = await timeBest(() =>
    knnSearch(corpus, gatherRows(X, sample), { k, exclude: sample, token: opts.token }),
  );
  ctx.exact = exact.value;
  let full = exact.seconds;

  progress(1, 'fitting PCA');
  const M = Math.max(0, ...dims);
  const pca = M > 0 ? await (fromDataset ? compressionPca(ds, M, opts.token) : matrixPca(X, M, opts.token)) : undefined;
  const P = pca ? await projectRows(X, pca.components, pca.m, { mean: pca.mean, token: opts.token }) : undefined;

  const results: CompressionPoint[] = [];
  for (let i = 0; i < configs.length; i++) {
    throwIfCancelled(opts.token);
    const c = configs[i];
    progress(2 + i, `${configLabel(c)} (${i + 1} of ${configs.length})`);
    const { recall, seconds, note } = await evaluate(ctx, c, pca, P);
    results.push({
      ...c,
      bits: bitsOf(c.method),
      bytesPerVector: bytesPerVector(c),
      indexBytes: indexBytes(c, n, d),
      recall,
      querySeconds: seconds,
      queryTimeRatio: NaN,
      meetsTarget: recall >= s.target,
      ...(note ? { note } : {}),
    });
  }
  // The full-precision search was timed twice (first, and as the baseline row):
  // the faster is the reference, so machine noise does not show as a speed-up.
  const base = results.find((p) => p.method === 'float32');
  if (base) full = base.querySeconds = Math.min(full, base.querySeconds);
  for (const p of results) p.queryTimeRatio = full > 0 ? p.querySeconds / full : NaN;
  opts.progress?.(1, 'done');
  return {
    rows: n,
    dims: d,
    metric: s.metric,
    k,
    queries: q,
    seed: s.seed,
    target: s.target,
    fullQuerySeconds: full,
    results,
    recommended: recommend(results),
    seconds: (performance.now() - t0) / 1000,
    warnings,
  };
}

/**
 * The smallest compressed configuration (bytes per vector) that meets the
 * target; ties go to the higher recall, then the faster one. The float32
 * baseline is never recommended: null means nothing compresses well enough.
 * (The rule lives in src/shared so the panel re-applies it when the target moves.)
 */
export function recommend(points: CompressionPoint[]): CompressionPoint | null {
  return smallestMeeting(
    points.filter((p) => p.meetsTarget),
    -Infinity,
  );
}

interface Ctx {
  X: Matrix;
  corpus: PreparedCorpus;
  sample: Int32Array;
  k: number;
  metric: Metric;
  token?: Cancellation;
  exact: KnnResult;
}

interface Evaluation {
  recall: number;
  seconds: number;
  note?: string;
}

const INT8_NOTE = 'timed as float32 search on the dequantised values (this engine has no int8 GEMM kernel)';

async function evaluate(
  ctx: Ctx,
  c: CompressionConfig,
  pca: Pca | undefined,
  P: Float32Array | undefined,
): Promise<Evaluation> {
  const { X, sample, k } = ctx;
  switch (c.method) {
    case 'float32':
      return {
        recall: 1,
        seconds: (
          await timeBest(() => knnSearch(ctx.corpus, gatherRows(X, sample), { k, exclude: sample, token: ctx.token }))
        ).seconds,
      };
    case 'truncate':
      return floatSearch(ctx, truncateColumns(X, c.dims), 0);
    case 'int8': {
      return { ...(await floatSearch(ctx, await dequantised(X, ctx.token), 0)), note: INT8_NOTE };
    }
    case 'pca':
    case 'pca+int8': {
      const Z = pcaPrefix(P!, pca!.m, c.dims, X.rows);
      const encode = await queryProjectionSeconds(ctx, pca!, c.dims);
      if (c.method === 'pca') return floatSearch(ctx, Z, encode);
      return { ...(await floatSearch(ctx, await dequantised(Z, ctx.token), encode)), note: INT8_NOTE };
    }
    case 'binary':
    case 'binary+rescore': {
      const codes = await binaryCodes(ctx);
      hammingKernel(codes);
      const r = c.method === 'binary' ? 1 : (c.rescore ?? 1);
      // Warm-up: V8 compiles WASM in a baseline tier first; time the optimised kernel.
      await hammingSearch(codes, sample.subarray(0, Math.min(sample.length, 64)), {
        count: r * k,
        exclude: sample.subarray(0, 64),
      });
      const run = async () => {
        const cand = await hammingSearch(codes, sample, { count: r * k, exclude: sample, token: ctx.token });
        return c.method === 'binary' ? cand : rescore(ctx.corpus, sample, cand, k);
      };
      const t = await timeBest(run);
      return { recall: recallAtK(ctx.exact, t.value), seconds: t.seconds };
    }
  }
}

/** Searches compressed float vectors Z with the sweep's metric; `extra` seconds of query encoding are added. */
async function floatSearch(ctx: Ctx, Z: Matrix, extra: number): Promise<Evaluation> {
  const corpus = await prepareCorpusAsync(Z, ctx.metric, ctx.token);
  const Zq = gatherRows(Z, ctx.sample);
  await knnSearch(corpus, rowSlice(Zq, 0, 1), { k: ctx.k });
  const t = await timeBest(() => knnSearch(corpus, Zq, { k: ctx.k, exclude: ctx.sample, token: ctx.token }));
  return { recall: recallAtK(ctx.exact, t.value), seconds: t.seconds + extra };
}

/** PCA coordinates with the first m of M components (a prefix of each projected row). */
function pcaPrefix(P: Float32Array, M: number, m: number, n: number): Matrix {
  return truncateColumns({ rows: n, cols: M, data: P }, Math.min(m, M));
}

/** The int8 round trip x → codes → x̃ (what a correct int8 search scores), in blocks that yield. */
async function dequantised(Z: Matrix, token?: Cancellation): Promise<Matrix> {
  const q = await fitInt8Async(Z, token);
  return decodeInt8Async(await encodeInt8Async(Z, q, token), Z.rows, q, token);
}

const binaryCache = new WeakMap<Matrix, Promise<BinaryCodes>>();
function binaryCodes(ctx: Ctx): Promise<BinaryCodes> {
  let b = binaryCache.get(ctx.X);
  if (!b) {
    binaryCache.set(ctx.X, (b = encodeBinaryAsync(ctx.X, ctx.token)));
    b.catch(() => binaryCache.delete(ctx.X));
  }
  return b;
}

/** What projecting the query sample onto m components costs (part of PCA query time). */
async function queryProjectionSeconds(ctx: Ctx, pca: Pca, m: number): Promise<number> {
  const Q = gatherRows(ctx.X, ctx.sample);
  const W = pca.components.subarray(0, Math.min(m, pca.m) * pca.d);
  return (await timeBest(() => projectRows(Q, W, Math.min(m, pca.m), { mean: pca.mean }))).seconds;
}

/**
 * Runs `fn` until it has taken ≥ 0.1 s in all (at most 5 runs) and keeps the
 * fastest run: short searches are too noisy to time once on a shared machine.
 */
async function timeBest<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  let value: T | undefined;
  let best = Infinity;
  let total = 0;
  for (let run = 0; run < 5 && (run === 0 || total < 0.1); run++) {
    const t = performance.now();
    const v = await fn();
    const s = (performance.now() - t) / 1000;
    if (run === 0) value = v;
    best = Math.min(best, s);
    total += s;
  }
  return { value: value as T, seconds: best };
}

/**
 * The rows every method can use: finite, and non-zero under cosine. Others are
 * dropped (with a warning) so that no codec sees NaN and no query lacks neighbours.
 */
function usableMatrix(
  ds: Dataset,
  metric: Metric,
  warnings: string[],
): { X: Matrix; corpus: PreparedCorpus; fromDataset: boolean } {
  const norms = datasetNorms(ds);
  const keep: number[] = [];
  for (let i = 0; i < norms.length; i++)
    if (Number.isFinite(norms[i]) && (metric !== 'cosine' || norms[i] > 0)) keep.push(i);
  if (keep.length === ds.matrix.rows) return { X: ds.matrix, corpus: preparedCorpus(ds, metric), fromDataset: true };
  const dropped = ds.matrix.rows - keep.length;
  warnings.push(
    `${dropped} row${dropped === 1 ? '' : 's'} with NaN/Inf${metric === 'cosine' ? ' or zero norm' : ''} left out of the sweep (row numbers below refer to the remaining rows)`,
  );
  const X = gatherRows(ds.matrix, keep);
  return { X, corpus: prepareCorpus(X, metric), fromDataset: false };
}

/** The PCA / truncation dimensions: given ones (m > d dropped with a warning) or the default ladder. */
function sweepDims(d: number, given: number[] | undefined, warnings: string[]): number[] {
  if (!given) return defaultDims(d);
  const over = given.filter((m) => m > d);
  if (over.length) warnings.push(`dimensions ${over.join(', ')} exceed the file's ${d} and were left out`);
  return [...new Set(given.filter((m) => m <= d))].sort((a, b) => a - b);
}

function validate(o: CompressOptions): Settings {
  const int = (name: string, v: number | undefined, def: number, min: number) => {
    if (v === undefined) return def;
    if (!Number.isInteger(v) || v < min)
      throw new InputError(undefined, `${name} must be an integer ≥ ${min}, got ${v}`);
    return v;
  };
  const target = o.target ?? COMPRESS_DEFAULTS.target;
  if (!(target > 0 && target <= 1)) throw new InputError(undefined, `target recall must be in (0, 1], got ${target}`);
  const metric = o.metric ?? COMPRESS_DEFAULTS.metric;
  if (!METRICS.includes(metric))
    throw new InputError(undefined, `metric must be one of ${METRICS.join(', ')}, got '${metric}'`);
  const list = (name: string, v: number[] | undefined) => {
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.length === 0) throw new InputError(undefined, `${name} must list at least one value`);
    for (const x of v) int(name, x, 1, 1);
    return v;
  };
  return {
    k: int('k', o.k, COMPRESS_DEFAULTS.k, 1),
    queries: int('queries', o.queries, COMPRESS_DEFAULTS.queries, 1),
    seed: int('seed', o.seed, COMPRESS_DEFAULTS.seed, 0),
    target,
    metric,
    dims: list('dims', o.dims),
    rescore: list('rescore', o.rescore) ?? DEFAULT_RESCORE,
  };
}
