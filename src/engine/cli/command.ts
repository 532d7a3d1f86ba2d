import { Args, FlagSpec } from './args';

/** One `embedding-lens` sub-command. Its result is printed as JSON. */
export interface Command {
  name: string;
  /** One line for `embedding-lens --help`. */
  summary: string;
  /** Usage line, e.g. `inspect FILE [--meta FILE] [--column NAME] --json`. */
  usage: string;
  flags: Record<string, FlagSpec>;
  run(args: Args, io: CommandIO): Promise<unknown>;
}

export interface CommandIO {
  /** Progress to stderr when it is a terminal; silent otherwise. */
  progress(fraction: number, message?: string): void;
}

/** Flags every command that opens an embedding file accepts. */
export const FILE_FLAGS: Record<string, FlagSpec> = {
  json: { value: false },
  meta: { value: true },
  column: { value: true },
  flatten: { value: false },
  threads: { value: true },
};
