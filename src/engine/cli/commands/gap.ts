import { modalityGap } from '../../analysis/pairs/gap';
import { Command, FILE_FLAGS } from '../command';
import { openFromArgs } from '../open';
import { InputError } from '../../util/errors';
import { PAIRS_DEFAULTS } from '../../../shared/defaults';

/** `gap FILE --group COL [--pair COL]`: the modality gap between the two groups of a metadata column. */
export const gapCommand: Command = {
  name: 'gap',
  summary:
    'modality gap between two groups of rows (L2M, RMG, linear separability, matched retrieval before/after closing the gap)',
  usage: `gap FILE [--meta META] --group COL [--pair COL] [--values A,B] [--folds ${PAIRS_DEFAULTS.folds}] [--seed ${PAIRS_DEFAULTS.seed}] [--map] --json`,
  flags: {
    ...FILE_FLAGS,
    group: { value: true },
    pair: { value: true },
    values: { value: true },
    folds: { value: true },
    seed: { value: true },
    map: { value: false },
  },
  async run(args, io) {
    const group = args.str('group');
    if (!group)
      throw new InputError(
        undefined,
        '--group COL is required (the metadata column that splits the rows into two groups, e.g. modality)',
      );
    let values: [string, string] | undefined;
    const v = args.str('values');
    if (v !== undefined) {
      const parts = v.split(',').map((s) => s.trim());
      if (parts.length !== 2 || !parts[0] || !parts[1])
        throw new InputError(undefined, `--values must name two groups as A,B, got '${v}'`);
      values = [parts[0], parts[1]];
    }
    const folds = args.int('folds', PAIRS_DEFAULTS.folds, 2);
    const seed = args.int('seed', PAIRS_DEFAULTS.seed, 0);
    const ds = await openFromArgs(args);
    const r = await modalityGap(ds, {
      group,
      pair: args.str('pair'),
      values,
      folds,
      seed,
      progress: io.progress,
      token: io.token,
    });
    // The contract's keys first; the map's coordinates only on request (they are for plots).
    const { l2m, rmg, separability, retrieval, map, ...rest } = r;
    return {
      l2m,
      rmg,
      separability,
      retrieval,
      ...rest,
      map: args.has('map') ? map : undefined,
      warnings: ds.warnings.length ? ds.warnings : undefined,
    };
  },
};
