// Compression Explorer inside the real extension host: the command opens (and re-reveals) one
// panel for the sample's GloVe vectors, and the engine's sweep and export answer with sane values.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { Compress, ExportCompression } from '../../src/shared/protocol/compression';
import type { EmbeddingLensApi } from '../../src/host/extension';
import { waitForTabCount, waitForTabs } from './tabs';
import { EXTENSION_ID, sampleUri } from './workspace';
import { COMMANDS } from '../../src/host/commands';

const isCompressionTab = (t: vscode.Tab) =>
  t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('embeddingLens.compression');
function compressionTabs(): Promise<vscode.Tab[]> {
  return waitForTabs(isCompressionTab);
}

suite('compression', () => {
  let api: EmbeddingLensApi;

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<EmbeddingLensApi>(EXTENSION_ID)!.activate();
  });

  test('the command opens one Compression panel per file and reveals it when run again', async () => {
    const uri = sampleUri('glove.npy');
    await vscode.commands.executeCommand(COMMANDS.compression.show, uri);
    await vscode.commands.executeCommand(COMMANDS.compression.show, uri);
    const tabs = await compressionTabs();
    assert.strictEqual(tabs.length, 1, 'one panel for the file');
    assert.strictEqual(tabs[0].label, 'Compression: glove.npy');
  });

  test('the sweep on the sample gives sane recall, sizes and a recommendation', async () => {
    const info = await api.context.datasets.get({ uri: sampleUri('glove.npy') });
    const r = await api.context.engine.request(Compress, {
      datasetId: info.id,
      k: 10,
      queries: 300,
      target: 0.9,
    });
    assert.strictEqual(r.rows, 5000);
    assert.strictEqual(r.queries, 300);
    const get = (m: string, dims: number, rescore?: number) =>
      r.results.find((p) => p.method === m && p.dims === dims && p.rescore === rescore)!;
    assert.strictEqual(get('float32', 100).recall, 1);
    assert.strictEqual(get('int8', 100).bytesPerVector, 100);
    assert.strictEqual(get('binary', 100).bytesPerVector, 13);
    assert.ok(get('int8', 100).recall > 0.9, `int8 recall ${get('int8', 100).recall}`);
    assert.ok(get('pca', 64).recall > get('pca', 8).recall, 'more PCA dims, more recall');
    assert.ok(get('binary+rescore', 100, 10).recall > get('binary', 100).recall, 'rescoring helps binary codes');
    for (const p of r.results) {
      assert.ok(p.recall >= 0 && p.recall <= 1, `${p.method} ${p.dims}: recall ${p.recall}`);
      assert.ok(
        Number.isFinite(p.queryTimeRatio) && p.queryTimeRatio > 0,
        `${p.method} ${p.dims}: time ratio ${p.queryTimeRatio}`,
      );
    }
    assert.ok(r.recommended && r.recommended.recall >= 0.9 && r.recommended.method !== 'float32');
    const smaller = r.results.filter(
      (p) => p.method !== 'float32' && p.recall >= 0.9 && p.bytesPerVector < r.recommended!.bytesPerVector,
    );
    assert.deepStrictEqual(smaller, [], 'nothing smaller meets the target');
  });

  test('export writes .npy files and refuses to replace one without confirmation', async () => {
    const info = await api.context.datasets.get({ uri: sampleUri('glove.npy') });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-compress-suite-'));
    try {
      const files = {
        matrix: path.join(dir, 'z.npy'),
        pcaMean: path.join(dir, 'mean.npy'),
        pcaComponents: path.join(dir, 'components.npy'),
      };
      const res = await api.context.engine.request(ExportCompression, {
        datasetId: info.id,
        config: { method: 'pca', dims: 16 },
        files,
      });
      assert.deepStrictEqual(res.written.map((w) => [w.role, w.shape.join('x')]).sort(), [
        ['matrix', '5000x16'],
        ['pcaComponents', '16x100'],
        ['pcaMean', '100'],
      ]);
      for (const f of Object.values(files))
        assert.strictEqual(fs.readFileSync(f).subarray(1, 6).toString('latin1'), 'NUMPY');
      const before = fs.readFileSync(files.matrix);
      await assert.rejects(
        api.context.engine.request(ExportCompression, {
          datasetId: info.id,
          config: { method: 'truncate', dims: 8 },
          files: { matrix: files.matrix },
        }),
        (e: Error) => /z\.npy: already exists/.test(e.message),
      );
      assert.ok(fs.readFileSync(files.matrix).equals(before), 'the existing file is unchanged');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('closing the panel', async () => {
    for (const t of await compressionTabs()) await vscode.window.tabGroups.close(t);
    assert.strictEqual((await waitForTabCount(isCompressionTab, 0)).length, 0);
  });
});
