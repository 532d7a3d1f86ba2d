import { inspect } from '../../analysis/overview';
import { Command, FILE_FLAGS } from '../command';
import { openFromArgs } from '../open';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'shape, dtype, NaN/zero/duplicate rows and norm statistics of an embedding file',
  usage: 'inspect FILE [--meta FILE] [--column NAME] --json',
  flags: { ...FILE_FLAGS },
  async run(args) {
    const ds = await openFromArgs(args);
    const r = inspect(ds);
    return { ...r, warnings: ds.warnings.length ? ds.warnings : undefined };
  },
};
