import { diagnose } from '../../analysis/diagnostics';
import { Command, FILE_FLAGS } from '../command';
import { openFromArgs } from '../open';
import { InputError } from '../../util/errors';
import { DEFAULT_K, DEFAULT_SEED } from '../../../shared/defaults';

export const diagnoseCommand: Command = {
  name: 'diagnose',
  summary: 'geometry diagnostics: rank axes, intrinsic dimension, isotropy, hubness, cosine vs dot, with findings',
  usage: `diagnose FILE [--k ${DEFAULT_K}] [--metric cosine|euclidean] [--sample N] [--seed ${DEFAULT_SEED}] [--per-row] --json`,
  flags: {
    ...FILE_FLAGS,
    k: { value: true },
    metric: { value: true },
    sample: { value: true },
    seed: { value: true },
    'per-row': { value: false },
  },
  async run(args, io) {
    const metric = args.str('metric');
    if (metric !== undefined && metric !== 'cosine' && metric !== 'euclidean')
      throw new InputError(undefined, `--metric must be cosine or euclidean, got '${metric}'`);
    const k = args.int('k', DEFAULT_K);
    const sample = args.has('sample') ? args.int('sample', 0, 2) : undefined;
    const seed = args.int('seed', DEFAULT_SEED, 0);
    const ds = await openFromArgs(args);
    const r = await diagnose(ds, { k, metric, sample, seed }, { progress: io.progress, perRow: args.has('per-row') });
    return { ...r, warnings: ds.warnings.length ? ds.warnings : undefined };
  },
};
