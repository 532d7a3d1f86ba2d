/**
 * `embedding-lens`: the engine's analyses from a shell, for scripts and CI.
 * Same code as the extension's engine process, no VS Code needed.
 *
 * Contract: the result goes to stdout (or --output-file) as one JSON object, and
 * nothing else does; stderr carries progress (terminals only) and messages. Exit
 * statuses are in cli/exit.ts: 0 ok, 1 a requested check failed, 2 bad input (one
 * line naming the file or flag), 70 internal error (one line; stack only with
 * EMBEDDING_LENS_DEBUG=1), 130/143 SIGINT/SIGTERM, 141 stdout closed early.
 */
import { Args, parseArgs } from './cli/args';
import type { CliStreams, Command } from './cli/command';
import { COMMANDS } from './cli/commands/index';
import { EXIT, EXIT_HELP } from './cli/exit';
import { runProcess } from './cli/processRun';
import { RESULT_FLAGS, RESULT_HELP, resultTarget, resultText, writeResult } from './cli/result';
import type { StopToken } from './cli/stop';
import { InputError, throwIfCancelled } from './util/errors';
import { setThreads } from './kernels/ort';
import packageJson from '../../package.json';

function usage(commands: readonly Command[]): string {
  return [
    'usage: embedding-lens COMMAND [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.usage}\n      ${c.summary}`),
    '',
    ...RESULT_HELP,
    '',
    ...EXIT_HELP,
  ].join('\n');
}

function commandHelp(c: Command): string {
  return [`usage: embedding-lens ${c.usage}`, '', c.summary, '', ...RESULT_HELP, '', ...EXIT_HELP].join('\n');
}

export type { CliStreams };

export interface MainOptions {
  /** Cancelled by SIGINT, SIGTERM or a closed stdout (the process runner); its reason picks the exit status. */
  stop?: StopToken;
  /** The commands to offer (tests add one that fails on purpose). */
  commands?: readonly Command[];
}

const NEVER = { isCancellationRequested: false };

export async function main(argv: string[], io: CliStreams, opts: MainOptions = {}): Promise<number> {
  const commands = opts.commands ?? COMMANDS;
  const stop = opts.stop;
  const [name, ...rest] = argv;
  if (!name) {
    io.err(usage(commands) + '\n');
    return EXIT.badInput;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(usage(commands) + '\n');
    return EXIT.ok;
  }
  if (name === '--version') {
    io.out(`${packageJson.version}\n`);
    return EXIT.ok;
  }
  // A progress line without its newline yet: a message first ends it.
  let progressOpen = false;
  const say = (line: string) => {
    io.err(`${progressOpen ? '\n' : ''}embedding-lens: ${line}\n`);
    progressOpen = false;
  };
  const cmd = commands.find((c) => c.name === name || (name === 'neighbours' && c.name === 'neighbors'));
  try {
    if (!cmd) throw new InputError(undefined, `unknown command '${name}' (try --help)`);
    const flags = { ...RESULT_FLAGS, ...cmd.flags };
    const args = new Args(parseArgs(rest, flags));
    if (args.has('help')) {
      io.out(commandHelp(cmd) + '\n');
      return EXIT.ok;
    }
    const target = resultTarget(args, flags);
    if (args.has('threads')) setThreads(args.int('threads', 0, 0));
    const tty = io.errIsTTY;
    let last = -1;
    const failed: string[] = [];
    const result = await cmd.run(args, {
      progress(f, msg) {
        if (!tty) return;
        const pct = Math.floor(f * 100);
        if (pct === last) return;
        last = pct;
        io.err(`\r${msg ?? cmd.name} ${pct}%   ${pct >= 100 ? '\n' : ''}`);
        progressOpen = pct < 100;
      },
      token: stop ?? NEVER,
      checkFailed: (message) => void failed.push(message),
    });
    // Stopped after the last check inside the analysis: still nothing is written.
    throwIfCancelled(stop);
    const text = resultText(result, args.has('json'));
    if (target) writeResult(target, text);
    else io.out(text);
    for (const m of failed) say(m);
    return failed.length ? EXIT.checkFailed : EXIT.ok;
  } catch (e) {
    // Whatever the work threw once it was told to stop is the stop itself.
    if (stop?.reason === 'EPIPE') return EXIT.pipeClosed;
    if (stop?.reason) {
      say(`cancelled (${stop.reason})`);
      return EXIT[stop.reason];
    }
    if (e instanceof InputError) {
      say(e.message);
      return EXIT.badInput;
    }
    const err = e as Error;
    say(`internal error: ${err?.message ?? String(e)}`);
    if (process.env.EMBEDDING_LENS_DEBUG) io.err(`${err?.stack}\n`);
    return EXIT.internal;
  }
}

/** Runs the CLI as this process: real stdout/stderr, signals, exit status (bin/embedding-lens.js). */
export function runCli(argv: string[]): void {
  runProcess((io, stop) => main(argv, io, { stop }));
}

if (require.main === module) runCli(process.argv.slice(2));
