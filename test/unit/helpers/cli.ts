/**
 * Runs the `embedding-lens` CLI for tests: in-process (`main()` with stdout and
 * stderr captured) for speed, or as a child process from the TypeScript source
 * (`node --import tsx src/engine/cli.ts`) where the exit path itself is under test.
 */
import { spawnSync } from 'node:child_process';
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
