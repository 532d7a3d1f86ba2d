#!/usr/bin/env node
// The same Mocha suites (dist/test/suite/index.js) in a desktop VS Code, through
// @vscode/test-electron. It DOWNLOADS VS Code (into .vscode-test/), so it needs internet;
// offline machines use test/e2e/runSuites.mjs (code-server) instead.
//
//   node test/e2e/runElectron.mjs            VS Code 1.100.3, the oldest version engines.vscode allows
//   VSCODE_VERSION=stable node test/e2e/runElectron.mjs
// On Linux without a display it re-runs itself under xvfb-run (Debian package xvfb).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ROOT } from '../../scripts/code-server.mjs';
import { exitNow, exitWhenFlushed } from '../../scripts/exit.mjs';

if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && !process.env.UNDER_XVFB) {
  const r = spawnSync('xvfb-run', ['-a', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, UNDER_XVFB: '1' },
  });
  if (r.error) exitNow(2, 'no display and no xvfb-run: apt-get install xvfb, or set DISPLAY');
  await exitWhenFlushed(r.status ?? 1);
}

const extensionTestsPath = path.join(ROOT, 'dist/test/suite/index.js');
if (!fs.existsSync(extensionTestsPath)) exitNow(2, `${extensionTestsPath} not found; run \`npm run build\` first`);
const sample = path.join(ROOT, 'sample');
const workspace = fs.existsSync(sample) ? sample : fs.mkdtempSync(path.join(os.tmpdir(), 'embedding-lens-ws-'));

// Hard limit (download included), so CI never hangs.
const timeoutMs = Number(process.env.E2E_TIMEOUT_MS) || 15 * 60_000;
setTimeout(() => exitNow(124, `runElectron: no result after ${timeoutMs / 1000}s, giving up`), timeoutMs).unref();

try {
  await runTests({
    version: process.env.VSCODE_VERSION || '1.100.3',
    extensionDevelopmentPath: ROOT,
    extensionTestsPath,
    // Only our extension, so other installed extensions cannot interfere.
    launchArgs: [workspace, '--disable-extensions'],
  });
  await exitWhenFlushed(0);
} catch (err) {
  console.error(`runElectron: ${err?.message ?? err}`);
  await exitWhenFlushed(1);
}
