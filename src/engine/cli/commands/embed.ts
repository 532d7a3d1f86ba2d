import { Command } from '../command';
import { embedFile } from '../../text/embedFile';
import { InputError } from '../../util/errors';

export const embedCommand: Command = {
  name: 'embed',
  summary:
    'embed a text file (.txt one item per line, .jsonl/.csv/.tsv/.parquet text column) into a new .npy + .meta.jsonl sidecar',
  usage: 'embed INPUT --out FILE.npy [--model DIR|builtin] [--text-column NAME] [--force] --json',
  flags: {
    json: { value: false },
    out: { value: true, file: true },
    model: { value: true },
    'text-column': { value: true },
    force: { value: false },
    threads: { value: true },
  },
  async run(args, io) {
    const input = args.need(0, 'INPUT (a .txt, .jsonl, .csv, .tsv or .parquet file)');
    const out = args.str('out');
    if (!out) throw new InputError(undefined, 'missing --out FILE.npy');
    return embedFile(
      { input, out, model: args.str('model'), textColumn: args.str('text-column'), force: args.has('force') },
      { progress: io.progress, token: io.token },
    );
  },
};
