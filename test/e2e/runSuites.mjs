#!/usr/bin/env node
// Runs the Mocha suites (dist/test/suite/index.js) inside the real VS Code extension host,
// offline: code-server serves VS Code, headless Chromium opens the workbench with the `payload`
// URL parameter that starts the extension under development and the tests module (what
// @vscode/test-electron does with a desktop VS Code). Exits with the suites' exit code.
//
//   node test/e2e/runSuites.mjs [--tests FILE] [--extension DIR] [--workspace DIR] [--timeout-ms N]
// Defaults: dist/test/suite/index.js, the repo root, sample/ (or an empty temp folder), 8 minutes.
// MOCHA_GREP=pattern runs a subset (read by test/suite/index.ts). E2E_VERBOSE=1 echoes code-server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import { ROOT, startCodeServer } from '../../scripts/code-server.mjs';
import { exitNow, exitWhenFlushed } from '../../scripts/exit.mjs';
import { CHROMIUM_LAUNCH } from './helpers.mjs';

const opts = {
  tests: path.join(ROOT, 'dist/test/suite/index.js'),
  extension: ROOT,
  workspace: fs.existsSync(path.join(ROOT, 'sample')) ? path.join(ROOT, 'sample') : null,
  timeoutMs: Number(process.env.E2E_TIMEOUT_MS) || 8 * 60_000,
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const key = {
    '--tests': 'tests',
    '--extension': 'extension',
    '--workspace': 'workspace',
    '--timeout-ms': 'timeoutMs',
  }[argv[i]];
  if (!key) exitNow(2, `unknown argument ${argv[i]}`);
  opts[key] = key === 'timeoutMs' ? Number(argv[++i]) : path.resolve(argv[++i]);
}
if (!fs.existsSync(opts.tests)) exitNow(2, `${opts.tests} not found; run \`npm run build\` first`);
if (!opts.workspace) opts.workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'embedding-lens-ws-'));

// The same channel carries the workbench's own log lines; these are start-up chatter.
const NOISE =
  /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin extensions cache|\[Service Worker\]|ChatSessionStore:|Ignoring fetching additional builtin extensions|Creation of workbench contribution)/;

let server, browser;
async function cleanup() {
  await browser?.close().catch(() => {});
  await server?.stop().catch(() => {});
}
// Hard limit: a hung extension host or a test that never settles must not hang CI.
const hardTimer = setTimeout(async () => {
  fs.writeSync(2, `\nrunSuites: no result after ${opts.timeoutMs / 1000}s, giving up\n`);
  await cleanup();
  process.exit(124);
}, opts.timeoutMs);
for (const [sig, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
])
  process.on(sig, async () => {
    await cleanup();
    await exitWhenFlushed(code);
  });

const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
let exitCode;
let finished = false; // after the exit code, the workbench's shutdown chatter is not printed
try {
  // The extension comes in through extensionDevelopmentPath, so it is not installed as well.
  server = await startCodeServer({ folder: opts.workspace, installExtension: false, log: !!process.env.E2E_VERBOSE });
  console.log(`runSuites: code-server on ${server.url} after ${secs()}s`);
  browser = await chromium.launch(CHROMIUM_LAUNCH);
  const page = await browser.newPage();

  // VS Code's test mode in the browser reports through these two window functions.
  const done = new Promise((resolve) =>
    page.exposeFunction('codeAutomationExit', (code) => {
      finished = true;
      resolve(code);
    }),
  );
  // Extension host output (Mocha's reporter, console.* in the extension) arrives as log lines.
  await page.exposeFunction('codeAutomationLog', (type, args) => printLog(type, args));
  page.on('pageerror', (err) => finished || console.error(`[page error] ${err.message}`));

  const remote = (p) => `vscode-remote://${server.host}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(opts.extension)],
    ['extensionTestsPath', remote(opts.tests)],
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
  ]);
  await page.goto(server.workbenchUrl(opts.workspace, `&payload=${encodeURIComponent(payload)}`));
  console.log(`runSuites: workbench loading after ${secs()}s`);
  exitCode = await Promise.race([
    done,
    new Promise((resolve) =>
      page.once('crash', () => {
        console.error('runSuites: page crashed');
        resolve(1);
      }),
    ),
    new Promise((resolve) =>
      server.process.once('exit', () => {
        if (!finished) console.error('runSuites: code-server exited unexpectedly');
        resolve(1);
      }),
    ),
  ]);
  console.log(`runSuites: suites finished with exit code ${exitCode} after ${secs()}s`);
} catch (err) {
  console.error(`runSuites: ${err.stack || err}`);
  exitCode = 1;
} finally {
  finished = true;
  clearTimeout(hardTimer);
  await cleanup();
}
await exitWhenFlushed(exitCode);

/** Prints one forwarded log entry: console.*-style arguments (format string first). */
function printLog(type, args) {
  if (finished) return;
  const text = format(...(Array.isArray(args) ? args : [args]));
  if (NOISE.test(text) && !process.env.E2E_VERBOSE) return;
  (type === 'error' ? console.error : console.log)(text);
}
