// Mocha runner for the suites that run inside the real VS Code extension host.
// VS Code calls `run()` of the module named by `extensionTestsPath` (dist/test/suite/index.js)
// after the extension under development has been loaded; resolving means pass, rejecting fail.
// Used by test/e2e/runSuites.mjs (code-server) and test/e2e/runElectron.mjs (@vscode/test-electron).
//
// Every `*.test.js` next to this file (esbuild output of test/suite/*.test.ts) is loaded.
// Suites use the TDD interface: `import { suite, test } from 'mocha'` (mocha is external in the
// bundle, so the suites and this runner share one Mocha instance).
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: true,
    timeout: 60_000, // first calls start the engine process and load onnxruntime
    grep: process.env.MOCHA_GREP || undefined, // run a subset: MOCHA_GREP=neighbours
  });
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} test(s) failed.`));
        else resolve();
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
