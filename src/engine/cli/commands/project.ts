import { Command, FILE_FLAGS } from '../command';
import { openFromArgs } from '../open';
import { InputError, throwIfCancelled } from '../../util/errors';
import { MAP_DEFAULTS } from '../../../shared/defaults';
import { KNN_MODES, KnnMode, MAP_METHODS, project, MapMethod } from '../../analysis/map/project';
import { writeCoords } from '../../analysis/map/export';

export const projectCommand: Command = {
  name: 'project',
  summary:
    'a 2-D/3-D map (PCA, UMAP or t-SNE) with its trustworthiness, continuity and k-NN recall; --out writes the coordinates as CSV (Parquet when the name ends in .parquet)',
  usage: `project FILE --method pca|umap|tsne [--dims ${MAP_DEFAULTS.dims}] [--seed ${MAP_DEFAULTS.seed}] [--k ${MAP_DEFAULTS.k}] [--metric cosine|euclidean] [--neighbors ${MAP_DEFAULTS.nNeighbors}] [--min-dist ${MAP_DEFAULTS.minDist}] [--perplexity ${MAP_DEFAULTS.perplexity}] [--iterations N] [--knn auto|exact|approx] [--out coords.csv|coords.parquet [--force]] --json`,
  flags: {
    ...FILE_FLAGS,
    method: { value: true },
    dims: { value: true },
    seed: { value: true },
    k: { value: true },
    metric: { value: true },
    neighbors: { value: true },
    'min-dist': { value: true },
    perplexity: { value: true },
    iterations: { value: true },
    knn: { value: true },
    out: { value: true, file: true },
    force: { value: false },
  },
  async run(args, io) {
    const method = (args.str('method') ?? 'pca') as MapMethod;
    if (!MAP_METHODS.includes(method))
      throw new InputError(undefined, `--method must be one of ${MAP_METHODS.join(', ')}, got '${method}'`);
    const metric = args.metric('metric', 'cosine', ['cosine', 'euclidean']) as 'cosine' | 'euclidean';
    const knn = (args.str('knn') ?? 'auto') as KnnMode;
    if (!KNN_MODES.includes(knn))
      throw new InputError(undefined, `--knn must be one of ${KNN_MODES.join(', ')}, got '${knn}'`);
    const opt = (name: string) => (args.has(name) ? args.num(name, 0) : undefined);
    const settings = {
      method,
      dims: args.int('dims', MAP_DEFAULTS.dims),
      seed: args.int('seed', MAP_DEFAULTS.seed, 0),
      k: args.int('k', MAP_DEFAULTS.k),
      metric,
      nNeighbors: args.has('neighbors') ? args.int('neighbors', MAP_DEFAULTS.nNeighbors, 2) : undefined,
      minDist: opt('min-dist'),
      perplexity: opt('perplexity'),
      iterations: args.has('iterations') ? args.int('iterations', 1) : undefined,
      knn,
    };
    const out = args.str('out');
    const ds = await openFromArgs(args);
    const r = await project(ds, settings, { progress: io.progress, token: io.token });
    throwIfCancelled(io.token);
    const written = out ? await writeCoords(ds, r, out, args.has('force')) : undefined;
    const q = r.quality;
    return {
      method,
      rows: r.rows,
      dims: r.dims,
      metric,
      seed: settings.seed,
      k: q.k,
      trustworthiness: q.trustworthiness,
      continuity: q.continuity,
      knnRecall: q.knnRecall,
      // The quality scores are exact when qualitySampleRows = the mapped rows; otherwise a seeded sample.
      ...(q.sampleRows < q.rows ? { qualitySampleRows: q.sampleRows } : {}),
      skippedRows: r.skippedRows,
      // How the neighbour graph was built; an approximate one carries its measured recall@k.
      ...(r.knnGraph ? { knnGraph: r.knnGraph } : {}),
      ...(written ? { out: written } : {}),
      timings: r.timings,
      warnings: [...ds.warnings, ...r.warnings],
    };
  },
};
