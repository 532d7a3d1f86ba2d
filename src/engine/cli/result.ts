/**
 * Where a command's result goes: stdout, or with `--output-file FILE` that file, written
 * atomically with exactly the bytes stdout would have carried.
 */
import { findSidecar } from '../io/metadata';
import { checkWritable, WriteOptions, writeFileAtomic } from '../io/writeFile';
import { Args, FlagSpec } from './args';
import { toJson } from '../util/json';

/** Options every command takes besides its own. */
export const RESULT_FLAGS: Record<string, FlagSpec> = {
  'output-file': { value: true },
  force: { value: false },
  help: { value: false },
};

export const RESULT_HELP = [
  'options of every command:',
  '  --json               one line of JSON (default: indented)',
  '  --output-file FILE   write the result to FILE instead of stdout (atomically: whole or not at all);',
  '                       an existing FILE is replaced only with --force, an input file never',
  '  --help               this command’s usage',
];

/** The result as printed: JSON (typed arrays as arrays, non-finite numbers as null), one line with --json. */
export function resultText(result: unknown, compact: boolean): string {
  return toJson(result, compact ? undefined : 2) + '\n';
}

export interface ResultTarget {
  file: string;
  options: WriteOptions;
}

/**
 * The --output-file target, checked before the work starts so a long run does not end
 * in "already exists". The files the command reads (positional arguments, flags that
 * name files, their sidecars) are never a valid target, --force or not.
 */
export function resultTarget(args: Args, flags: Record<string, FlagSpec>): ResultTarget | undefined {
  const file = args.str('output-file');
  if (file === undefined) return undefined;
  const named = [...args.positional, ...Object.keys(flags).flatMap((f) => (flags[f].file ? args.all(f) : []))];
  const inputs = [...named, ...named.map((f) => findSidecar(f))];
  const options: WriteOptions = { force: args.has('force'), inputs };
  return { file: checkWritable(file, options), options };
}

export function writeResult(target: ResultTarget, text: string): void {
  writeFileAtomic(target.file, text, target.options);
}
