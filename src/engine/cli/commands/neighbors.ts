import { rowNeighbors } from '../../analysis/neighbors';
import { Command, FILE_FLAGS } from '../command';
import { openFromArgs } from '../open';
import { InputError } from '../../util/errors';
import { DEFAULT_K, DEFAULT_METRIC } from '../../../shared/defaults';
import { neighborsOfTextCommand } from '../../text/cli';

export const neighborsCommand: Command = {
  name: 'neighbors',
  summary: 'the k nearest rows of a row (self excluded, ties by lower row index) or of a text embedded with a model',
  usage: `neighbors FILE (--row I | --text "..." [--model DIR|builtin]) [--k ${DEFAULT_K}] [--metric cosine|dot|euclidean] --json`,
  flags: {
    ...FILE_FLAGS,
    row: { value: true },
    k: { value: true },
    metric: { value: true },
    text: { value: true },
    model: { value: true },
  },
  async run(args, io) {
    if (args.has('text')) return neighborsOfTextCommand(args, () => openFromArgs(args), io.token);
    if (!args.has('row')) throw new InputError(undefined, 'missing --row I (or --text "...")');
    const ds = await openFromArgs(args);
    const row = args.int('row', 0, 0);
    const neighbors = await rowNeighbors(ds, row, args.int('k', DEFAULT_K), args.metric('metric', DEFAULT_METRIC), {
      token: io.token,
    });
    return { neighbors };
  },
};
