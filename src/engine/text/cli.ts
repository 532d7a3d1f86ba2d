/** The `--text` branch of `embedding-lens neighbors`: embed the text, search the file. */
import { DEFAULT_K, DEFAULT_METRIC } from '../../shared/defaults';
import type { Args } from '../cli/args';
import type { Dataset } from '../data/dataset';
import type { Cancellation } from '../util/errors';
import { neighborsOfText } from './query';
import { getModel } from './registry';

export async function neighborsOfTextCommand(
  args: Args,
  open: () => Promise<Dataset>,
  token?: Cancellation,
): Promise<unknown> {
  const text = args.str('text') ?? '';
  const k = args.int('k', DEFAULT_K);
  const metric = args.metric('metric', DEFAULT_METRIC);
  const ds = await open();
  const model = await getModel(args.str('model'));
  const neighbors = await neighborsOfText(ds, model, text, k, metric, token);
  return { text, model: model.spec.dir, dims: model.dims, metric, neighbors };
}
