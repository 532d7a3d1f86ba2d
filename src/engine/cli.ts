/**
 * `embedding-lens`: the engine's analyses from a shell, for scripts and CI.
 * Same code as the extension's engine process, no VS Code needed.
 *
 * Contract: results go to stdout as one JSON object; on bad input the exit code
 * is 2 with one line on stderr naming the file and the problem; on an internal
 * error, exit code 1 and one line (stack only with EMBEDDING_LENS_DEBUG=1).
 */
import { Args, parseArgs } from './cli/args';
import { COMMANDS } from './cli/commands/index';
import { InputError } from './util/errors';
import { setThreads } from './kernels/ort';

function usage(): string {
  return [
    'usage: embedding-lens COMMAND [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.usage}\n      ${c.summary}`),
  ].join('\n');
}

/** Where the CLI writes; tests pass their own so they never patch process.stdout. */
export interface CliStreams {
  out(text: string): void;
  err(text: string): void;
  /** Progress lines only go to a terminal. */
  errIsTTY: boolean;
}

const PROCESS_STREAMS: CliStreams = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  get errIsTTY() {
    return Boolean(process.stderr.isTTY);
  },
};

export async function main(argv: string[], io: CliStreams = PROCESS_STREAMS): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.out(`${require('../../package.json').version}\n`);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name || (name === 'neighbours' && c.name === 'neighbors'));
  try {
    if (!cmd) throw new InputError(undefined, `unknown command '${name}' (try --help)`);
    const args = new Args(parseArgs(rest, cmd.flags));
    if (args.has('threads')) setThreads(args.int('threads', 0, 0));
    const tty = io.errIsTTY;
    let last = -1;
    const result = await cmd.run(args, {
      progress(f, msg) {
        if (!tty) return;
        const pct = Math.floor(f * 100);
        if (pct === last) return;
        last = pct;
        io.err(`\r${msg ?? cmd.name} ${pct}%   ${pct >= 100 ? '\n' : ''}`);
      },
    });
    const json = JSON.stringify(
      result,
      (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
      args.has('json') ? undefined : 2,
    );
    io.out(json + '\n');
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      io.err(`embedding-lens: ${e.message}\n`);
      return 2;
    }
    const err = e as Error;
    io.err(`embedding-lens: internal error: ${err?.message ?? String(e)}\n`);
    if (process.env.EMBEDDING_LENS_DEBUG) io.err(`${err?.stack}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(1),
  );
}
