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
  return ['usage: embedding-lens COMMAND [options]', '', 'commands:', ...COMMANDS.map((c) => `  ${c.usage}\n      ${c.summary}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(`${require('../../package.json').version}\n`);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name || (name === 'neighbours' && c.name === 'neighbors'));
  try {
    if (!cmd) throw new InputError(undefined, `unknown command '${name}' (try --help)`);
    const args = new Args(parseArgs(rest, cmd.flags));
    if (args.has('threads')) setThreads(args.int('threads', 0, 0));
    const tty = process.stderr.isTTY;
    let last = -1;
    const result = await cmd.run(args, {
      progress(f, msg) {
        if (!tty) return;
        const pct = Math.floor(f * 100);
        if (pct === last) return;
        last = pct;
        process.stderr.write(`\r${msg ?? cmd.name} ${pct}%   ${pct >= 100 ? '\n' : ''}`);
      },
    });
    const json = JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), args.has('json') ? undefined : 2);
    process.stdout.write(json + '\n');
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`embedding-lens: ${e.message}\n`);
      return 2;
    }
    const err = e as Error;
    process.stderr.write(`embedding-lens: internal error: ${err?.message ?? String(e)}\n`);
    if (process.env.EMBEDDING_LENS_DEBUG) process.stderr.write(`${err?.stack}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(1),
  );
}
