// Bundles every runtime with esbuild. Type-checking is a separate step (`npm run typecheck`).
//   dist/host/extension.js   extension host (cjs; `vscode` is provided by VS Code)
//   dist/engine/server.js    engine process (cjs; native modules stay external)
//   dist/engine/cli.js       the `embedding-lens` command
//   dist/webview/<panel>.js  one browser bundle per folder in webview/ that has a main.ts
//   dist/test/suite/*.js     Mocha suites run inside the real extension host
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const NATIVE = ['onnxruntime-node', '@duckdb/node-api', '@duckdb/node-bindings', 'usearch'];

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const node = { ...common, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode', ...NATIVE] };

const builds = [
  { ...node, entryPoints: { 'host/extension': 'src/host/extension.ts' }, outdir: 'dist' },
  {
    ...node,
    entryPoints: { 'engine/server': 'src/engine/server.ts', 'engine/cli': 'src/engine/cli.ts' },
    outdir: 'dist',
  },
];

const webviewDir = path.join(root, 'webview');
const panels = fs.existsSync(webviewDir)
  ? fs.readdirSync(webviewDir).filter((d) => fs.existsSync(path.join(webviewDir, d, 'main.ts')))
  : [];
if (panels.length) {
  builds.push({
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    entryPoints: Object.fromEntries(panels.map((p) => [`webview/${p}`, `webview/${p}/main.ts`])),
    outdir: 'dist',
    loader: { '.css': 'text', '.ttf': 'dataurl' },
  });
}

const suiteDir = path.join(root, 'test', 'suite');
if (fs.existsSync(suiteDir)) {
  const entries = fs.readdirSync(suiteDir).filter((f) => f.endsWith('.ts'));
  if (entries.length) {
    builds.push({
      ...node,
      entryPoints: Object.fromEntries(entries.map((f) => [`test/suite/${f.replace(/\.ts$/, '')}`, `test/suite/${f}`])),
      outdir: 'dist',
      external: ['vscode', 'mocha', ...NATIVE],
    });
  }
}

function copyAssets() {
  const out = path.join(root, 'dist', 'webview');
  fs.mkdirSync(out, { recursive: true });
  // plotly's strict bundle: no eval/new Function, so the webview CSP needs no 'unsafe-eval'.
  fs.copyFileSync(
    path.join(root, 'node_modules/plotly.js-strict-dist-min/plotly-strict.min.js'),
    path.join(out, 'plotly.min.js'),
  );
  const codicons = path.join(root, 'node_modules/@vscode/codicons/dist');
  for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(codicons, f), path.join(out, f));
  const shared = path.join(root, 'webview', 'common', 'style.css');
  if (fs.existsSync(shared)) fs.copyFileSync(shared, path.join(out, 'style.css'));
}

if (watch) {
  const ctxs = await Promise.all(builds.map((b) => esbuild.context(b)));
  copyAssets();
  await Promise.all(ctxs.map((c) => c.watch()));
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  copyAssets();
}
// The built-in text model (dist/models/glove-100d); skipped when already up to date.
await import('./build-builtin-model.mjs');
