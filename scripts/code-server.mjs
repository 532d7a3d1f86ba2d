#!/usr/bin/env node
// Start/stop code-server (VS Code in the browser, with a real Node extension host) for the
// end-to-end tests and `npm run sample`. code-server is installed by scripts/setup-code-server.sh.
//
//   import { startCodeServer } from './code-server.mjs';
//   const cs = await startCodeServer({ folder: 'sample' });  // cs.url, cs.port, cs.workbenchUrl
//   await cs.stop();
//
// CLI: node scripts/code-server.mjs [--port N] [--no-extension] [--gallery] [--verbose] [FOLDER]
//      prints the workbench URL and runs until Ctrl-C.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitWhenFlushed } from './exit.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CODE_SERVER_ENTRY = path.join(ROOT, '.cache/code-server/node_modules/code-server/out/node/entry.js');

/** Folder name VS Code expects for an installed extension: publisher.name-version. */
export function extensionDirName(extensionPath = ROOT) {
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8'));
  return `${pkg.publisher}.${pkg.name}-${pkg.version}`;
}

// Quiet first start: no welcome page, no trust prompt, no update/telemetry traffic.
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
};

/**
 * Starts code-server on 127.0.0.1 with fresh temporary user-data and extensions dirs.
 * @param {object} o
 * @param {string} [o.folder]            workspace folder to open (default: the repo root)
 * @param {number} [o.port=0]            0 = any free port
 * @param {boolean} [o.installExtension=true] link the extension in as an installed extension
 * @param {string} [o.extensionPath]     the extension to install (default: the repo, i.e. its built dist/)
 * @param {boolean|((line:string)=>void)} [o.log=false] true: echo code-server's output
 * @param {boolean} [o.gallery=false]   false: no extension marketplace (no failing network look-ups)
 * @param {number} [o.startTimeoutMs=60000]
 */
export async function startCodeServer({
  folder = ROOT,
  port = 0,
  installExtension = true,
  extensionPath = ROOT,
  log = false,
  gallery = false,
  startTimeoutMs = 60_000,
} = {}) {
  if (!fs.existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(`code-server is not installed; run: bash scripts/setup-code-server.sh`);
  }
  folder = path.resolve(folder);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedding-lens-cs-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir);
  fs.writeFileSync(path.join(userDataDir, 'User/settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  if (installExtension) {
    // An unpacked folder named publisher.name-version in --extensions-dir counts as installed.
    extensionPath = path.resolve(extensionPath);
    fs.symlinkSync(extensionPath, path.join(extensionsDir, extensionDirName(extensionPath)), 'dir');
  }

  // Variables set by an enclosing VS Code (its integrated terminal) would make code-server
  // forward to that instance instead of starting its own server.
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  env.XDG_DATA_HOME = path.join(tmp, 'data'); // its wrapper logs, instead of ~/.local/share
  if (!gallery) env.EXTENSIONS_GALLERY = '{}'; // no serviceUrl: the workbench never asks open-vsx.org

  const args = [
    CODE_SERVER_ENTRY,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--extensions-dir',
    extensionsDir,
    '--user-data-dir',
    userDataDir,
    // Its own config file, so code-server does not write ~/.config/code-server/config.yaml.
    '--config',
    path.join(tmp, 'config.yaml'),
    folder,
  ];
  // detached: own process group, so stop() can kill code-server and everything it spawned
  // (extension hosts, file watchers, ptys) in one go.
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  const echo = typeof log === 'function' ? log : log ? (l) => console.log(`[code-server] ${l}`) : null;

  const killGroup = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  // Never leave a server behind if the test process dies without calling stop().
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);

  const exited = new Promise((res) => child.once('exit', (code, sig) => res({ code, sig })));
  const listening = new Promise((resolve, reject) => {
    let buf = '';
    const onData = (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        output.push(line);
        if (output.length > 2000) output.shift();
        echo?.(line);
        const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+))\//.exec(line);
        if (m) resolve(Number(m[2]));
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    exited.then(({ code, sig }) =>
      reject(new Error(`code-server exited (code ${code}, signal ${sig}) before listening:\n${output.join('\n')}`)),
    );
    setTimeout(
      () => reject(new Error(`code-server did not listen within ${startTimeoutMs} ms:\n${output.join('\n')}`)),
      startTimeoutMs,
    ).unref();
  });

  let stopped = false;
  async function stop({ keepDirs = false } = {}) {
    if (stopped) return;
    stopped = true;
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    killGroup('SIGKILL'); // children that ignored SIGTERM
    process.off('exit', onExit);
    if (!keepDirs) fs.rmSync(tmp, { recursive: true, force: true });
  }

  let actualPort;
  try {
    actualPort = await listening;
  } catch (e) {
    await stop();
    throw e;
  }
  const host = `127.0.0.1:${actualPort}`;
  const url = `http://${host}/`;
  return {
    port: actualPort,
    host,
    url,
    folder,
    userDataDir,
    extensionsDir,
    process: child,
    output,
    stop,
    /** Workbench URL for a folder (default: the folder code-server was started with). */
    workbenchUrl: (f = folder, extraQuery = '') => `${url}?folder=${encodeURIComponent(path.resolve(f))}${extraQuery}`,
  };
}

// ---- CLI ---------------------------------------------------------------------------------
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  let port = 0,
    installExtension = true,
    log = false,
    gallery = false,
    folder = ROOT;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') port = Number(argv[++i]);
    else if (a === '--no-extension') installExtension = false;
    else if (a === '--verbose') log = true;
    else if (a === '--gallery') gallery = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node scripts/code-server.mjs [--port N] [--no-extension] [--gallery] [--verbose] [FOLDER]');
      await exitWhenFlushed(0);
    } else folder = a;
  }
  let cs;
  try {
    cs = await startCodeServer({ folder, port, installExtension, log, gallery });
  } catch (e) {
    if (!port) throw e;
    console.error(`port ${port} is not usable, taking any free port`);
    cs = await startCodeServer({ folder, port: 0, installExtension, log, gallery });
  }
  console.log(`code-server ready: ${cs.workbenchUrl()}`);
  if (installExtension) console.log(`extension: ${ROOT} (linked as ${extensionDirName()})`);
  console.log('Ctrl-C to stop.');
  const quit = async () => {
    await cs.stop();
    await exitWhenFlushed(0);
  };
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
}
