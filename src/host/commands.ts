/**
 * Every command id the extension contributes, declared once. An id is
 * `embeddingLens.<feature>.<verb>`, the feature named as everywhere else
 * (src/host/features/<feature>.ts, src/shared/protocol/<feature>.ts, the engine's
 * handlers/<feature>.ts, webview/<feature>/), so one word finds a feature's whole
 * path. package.json `contributes.commands` lists the same ids, with their titles
 * (test/unit/host_commands.test.ts keeps the two equal).
 */
export const COMMANDS = {
  overview: {
    open: 'embeddingLens.overview.open',
    openFile: 'embeddingLens.overview.openFile',
    showRow: 'embeddingLens.overview.showRow',
  },
  engine: {
    showLog: 'embeddingLens.engine.showLog',
    restart: 'embeddingLens.engine.restart',
  },
  text: {
    findNeighbors: 'embeddingLens.text.findNeighbors',
    embedFile: 'embeddingLens.text.embedFile',
    chooseModelFolder: 'embeddingLens.text.chooseModelFolder',
    downloadModel: 'embeddingLens.text.downloadModel',
    setHubToken: 'embeddingLens.text.setHubToken',
    clearHubToken: 'embeddingLens.text.clearHubToken',
    showColumn: 'embeddingLens.text.showColumn',
  },
  compression: {
    show: 'embeddingLens.compression.show',
  },
  map: {
    show: 'embeddingLens.map.show',
  },
  diagnostics: {
    show: 'embeddingLens.diagnostics.show',
  },
  pairs: {
    compareWith: 'embeddingLens.pairs.compareWith',
    modalityGap: 'embeddingLens.pairs.modalityGap',
    neuralCollapse: 'embeddingLens.pairs.neuralCollapse',
  },
} as const;
