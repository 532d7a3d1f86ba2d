/**
 * The layering of docs/ARCHITECTURE.md as rules a tool checks (`npm run lint:deps`).
 * A rule here is a promise the docs make; change both together.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Import cycles make load order matter and hide layering mistakes.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'webview-only-shared',
      severity: 'error',
      comment: 'The webview runs in a browser: it may use src/shared and itself, never host or engine code.',
      from: { path: '^webview/' },
      to: { path: '^src/(host|engine)/' },
    },
    {
      name: 'host-not-engine',
      severity: 'error',
      comment: 'The host talks to the engine over the protocol only (it runs in another process).',
      from: { path: '^src/host/' },
      to: { path: '^(src/engine|webview)/' },
    },
    {
      name: 'engine-not-host',
      severity: 'error',
      comment: 'The engine runs without VS Code (it is also the CLI).',
      from: { path: '^src/engine/' },
      to: { path: '^(src/host|webview)/' },
    },
    {
      name: 'engine-no-vscode',
      severity: 'error',
      comment: 'The engine runs without VS Code (it is also the CLI).',
      from: { path: '^src/engine/' },
      to: { path: '^vscode$', dependencyTypes: ['core', 'npm-no-pkg', 'unknown', 'undetermined'] },
    },
    {
      name: 'shared-is-pure',
      severity: 'error',
      comment:
        'src/shared is pure TypeScript used by every runtime: nothing but itself, no Node built-ins, no packages.',
      from: { path: '^src/shared/' },
      to: { pathNot: '^src/shared/' },
    },
    {
      name: 'only-kernels-import-onnxruntime',
      severity: 'error',
      comment:
        'onnxruntime is used through src/engine/kernels only (session cache, threads, block sizes; text models via kernels/modelSession.ts).',
      from: { path: '^src/', pathNot: '^src/engine/kernels/' },
      to: { path: 'node_modules/onnxruntime-(node|common)/' },
    },
    {
      name: 'only-io-reads-files',
      severity: 'error',
      comment:
        'Engine code reads and writes files through src/engine/io (clear errors naming the file, never modifying a user file).',
      from: { path: '^src/engine/', pathNot: '^src/engine/io/' },
      to: { path: '^(fs|fs/promises|node:fs|node:fs/promises)$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|\\.cache|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
