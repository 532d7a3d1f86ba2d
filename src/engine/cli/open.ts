import { Dataset, loadDataset } from '../data/dataset';
import { Args } from './args';

/** Opens the file named by positional argument `i` with the shared --meta/--column/--flatten flags. */
export function openFromArgs(args: Args, i = 0, what = 'FILE'): Promise<Dataset> {
  return loadDataset({
    path: args.need(i, what),
    metaPath: args.str('meta'),
    column: args.str('column'),
    flattenLeading: args.has('flatten'),
  });
}
