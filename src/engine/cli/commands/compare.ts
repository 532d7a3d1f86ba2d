import { compareSpaces } from '../../analysis/pairs/compare';
import { loadDataset } from '../../data/dataset';
import { Command, FILE_FLAGS } from '../command';
import { InputError } from '../../util/errors';
import { PAIRS_DEFAULTS } from '../../../shared/defaults';

/** `compare A B`: two representations of the same rows (CKA, mutual k-NN, Procrustes, relative representations). */
export const compareCommand: Command = {
  name: 'compare',
  summary:
    'compare two embedding files with the same rows: linear/debiased CKA, mutual k-NN, Procrustes retrieval before/after, relative representations',
  usage: `compare A B [--k ${PAIRS_DEFAULTS.k}] [--meta META] [--meta-b META] [--id-column COL] [--anchors ${PAIRS_DEFAULTS.anchors}] [--queries ${PAIRS_DEFAULTS.queries}] [--seed ${PAIRS_DEFAULTS.seed}] [--per-row] --json`,
  flags: {
    ...FILE_FLAGS,
    'meta-b': { value: true, file: true },
    'column-b': { value: true },
    k: { value: true },
    'id-column': { value: true },
    anchors: { value: true },
    queries: { value: true },
    seed: { value: true },
    'per-row': { value: false },
  },
  async run(args, io) {
    const fileA = args.need(0, 'the first file A');
    const fileB = args.need(1, 'the second file B');
    if (args.positional.length > 2)
      throw new InputError(undefined, `compare takes two files, got ${args.positional.length}`);
    const k = args.int('k', PAIRS_DEFAULTS.k);
    const a = await loadDataset({
      path: fileA,
      metaPath: args.str('meta'),
      column: args.str('column'),
      flattenLeading: args.has('flatten'),
    });
    const b = await loadDataset({
      path: fileB,
      metaPath: args.str('meta-b'),
      column: args.str('column-b') ?? args.str('column'),
      flattenLeading: args.has('flatten'),
    });
    const r = await compareSpaces(a, b, {
      k,
      idColumn: args.str('id-column'),
      anchorCount: args.int('anchors', PAIRS_DEFAULTS.anchors),
      maxQueries: args.int('queries', PAIRS_DEFAULTS.queries),
      seed: args.int('seed', PAIRS_DEFAULTS.seed, 0),
      progress: io.progress,
      token: io.token,
    });
    const { rows, linearCka, debiasedCka, mutualKnn, procrustes, jaccard, mapA: _a, mapB: _b, ...rest } = r;
    const warnings = [...a.warnings, ...b.warnings];
    return {
      rows,
      linearCka,
      debiasedCka,
      mutualKnn,
      procrustes,
      ...rest,
      jaccard: args.has('per-row') ? jaccard : undefined,
      warnings: warnings.length ? warnings : undefined,
    };
  },
};
