import { COMPRESS_DEFAULTS } from '../../../shared/defaults';
import { compressionSweep } from '../../analysis/compression/sweep';
import { InputError } from '../../util/errors';
import { Args } from '../args';
import { Command, FILE_FLAGS } from '../command';
import { openFromArgs } from '../open';

/** `--dims 8,16,64` → [8, 16, 64]; a clear error for anything else. */
function intList(args: Args, name: string): number[] | undefined {
  const s = args.str(name);
  if (s === undefined) return undefined;
  const v = s.split(',').map((x) => Number(x.trim()));
  if (!v.length || v.some((x) => !Number.isInteger(x) || x < 1))
    throw new InputError(undefined, `--${name} must be a comma-separated list of positive integers, got '${s}'`);
  return v;
}

export const compressCommand: Command = {
  name: 'compress',
  summary:
    'recall@k, size and query time of PCA, truncation, int8 and binary compression vs exact search; recommends the smallest config meeting --target',
  usage: `compress FILE [--k ${COMPRESS_DEFAULTS.k}] [--queries ${COMPRESS_DEFAULTS.queries}] [--target ${COMPRESS_DEFAULTS.target}] [--seed ${COMPRESS_DEFAULTS.seed}] [--metric cosine|dot|euclidean] [--dims 8,16,...] [--rescore 4,10] [--fail-under-target] --json`,
  flags: {
    ...FILE_FLAGS,
    k: { value: true },
    queries: { value: true },
    target: { value: true },
    seed: { value: true },
    metric: { value: true },
    dims: { value: true },
    rescore: { value: true },
    'fail-under-target': { value: false },
  },
  async run(args, io) {
    const ds = await openFromArgs(args);
    const r = await compressionSweep(ds, {
      k: args.int('k', COMPRESS_DEFAULTS.k),
      queries: args.int('queries', COMPRESS_DEFAULTS.queries),
      target: args.num('target', COMPRESS_DEFAULTS.target),
      seed: args.int('seed', COMPRESS_DEFAULTS.seed, 0),
      metric: args.metric('metric', COMPRESS_DEFAULTS.metric),
      dims: intList(args, 'dims'),
      rescore: intList(args, 'rescore'),
      progress: io.progress,
      token: io.token,
    });
    if (args.has('fail-under-target') && !r.recommended)
      io.checkFailed(`--fail-under-target: no compressed configuration reaches recall@${r.k} ≥ ${r.target} (target)`);
    return { ...r, warnings: [...ds.warnings, ...r.warnings] };
  },
};
