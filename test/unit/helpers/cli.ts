/**
 * Runs the `embedding-lens` CLI for tests: in-process (`main()` with stdout and
 * stderr captured) for speed, or as a child process from the TypeScript source
 * (`node --import tsx src/engine/cli.ts`) where the exit path itself is under test.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { main } from '../../../src/engine/cli';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const ROOT = path.resolve(__dirname, '../../..');

/**
 * Calls main(argv) in this process with its own output sinks. (Patching
 * process.stdout would also capture node:test's own reporter protocol.)
 */
export async function runCli(argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t), errIsTTY: false });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Runs the CLI in a child process, as a user's shell would (no build step needed). */
export function spawnCli(argv: string[]): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/engine/cli.ts'), ...argv], {
    encoding: 'utf8',
    cwd: ROOT,
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface SpawnedCli {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** performance.now() when the process exited. */
  exitedAt: number;
}

/** The built CLI (`node bin/embedding-lens.js`, from dist/): what users and scripts run. */
export const BUILT_CLI = path.join(ROOT, 'bin/embedding-lens.js');
export const BUILT_BUNDLE = path.join(ROOT, 'dist/engine/cli.js');

/**
 * Runs `command` (argv of a process, e.g. [node, BUILT_CLI, ...]) with its stdout and stderr
 * read through real pipes; `onSpawn` may signal it.
 */
export function spawnPiped(
  command: string[],
  onSpawn?: (child: ReturnType<typeof spawn>) => void,
  timeoutMs = 120_000,
): Promise<SpawnedCli> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    let exitedAt = 0;
    child.on('exit', () => (exitedAt = performance.now()));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), exitedAt });
    });
    onSpawn?.(child);
  });
}
