import { neuralCollapse } from '../../analysis/pairs/collapse';
import { loadClassifier } from '../../analysis/pairs/classifier';
import { Command, FILE_FLAGS } from '../command';
import { openFromArgs } from '../open';
import { InputError } from '../../util/errors';
import { DEFAULT_K } from '../../../shared/defaults';

/** `collapse FILE --labels COL [--weights W.npy [--bias B.npy]]`: neural collapse of labelled features. */
export const collapseCommand: Command = {
  name: 'collapse',
  summary:
    'neural collapse of labelled features (NC1, within/between ratio, NC2 equinorm/equiangularity, nearest-class-mean and k-NN accuracy; NC3/NC4 with classifier weights)',
  usage: `collapse FILE [--meta META] --labels COL [--weights W.npy] [--bias B.npy] [--k ${DEFAULT_K}] --json`,
  flags: {
    ...FILE_FLAGS,
    labels: { value: true },
    weights: { value: true, file: true },
    bias: { value: true, file: true },
    k: { value: true },
  },
  async run(args, io) {
    const labels = args.str('labels');
    if (!labels)
      throw new InputError(undefined, "--labels COL is required (the metadata column with each row's class)");
    const bias = args.str('bias');
    const weights = args.str('weights');
    if (bias && !weights)
      throw new InputError(undefined, "--bias needs --weights (the classifier's C×d weight matrix)");
    const k = args.int('k', DEFAULT_K);
    const ds = await openFromArgs(args);
    const classifier = weights ? loadClassifier(weights, bias) : undefined;
    const r = await neuralCollapse(ds, { labels, classifier, k, progress: io.progress, token: io.token });
    const { nc1, withinBetweenRatio, nc2, ncmAccuracy, ...rest } = r;
    return {
      nc1,
      withinBetweenRatio,
      nc2,
      ncmAccuracy,
      ...rest,
      warnings: ds.warnings.length ? ds.warnings : undefined,
    };
  },
};
