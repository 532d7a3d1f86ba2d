import type { Cancellation } from '../util/errors';
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

interface CommandIO {
  /** Progress to stderr when it is a terminal; silent otherwise. */
  progress: (fraction: number, message?: string) => void;
  /** Set by SIGINT/SIGTERM or a closed stdout: pass it to the analysis, which stops at its next check. */
  token: Cancellation;
  /**
   * A check the user asked for failed (one line, said on stderr): the result is still
   * written in full, then the CLI exits with status 1.
   */
  checkFailed: (message: string) => void;
}

/** Where the CLI writes; tests pass their own so they never patch process.stdout. */
export interface CliStreams {
  out(text: string): void;
  err(text: string): void;
  /** Progress lines only go to a terminal. */
  errIsTTY: boolean;
}

/** Flags every command that opens an embedding file accepts. */
export const FILE_FLAGS: Record<string, FlagSpec> = {
  json: { value: false },
  meta: { value: true, file: true },
  column: { value: true },
  flatten: { value: false },
  threads: { value: true },
};
