// Map panel inside the real extension host: the command opens (and re-reveals) one Map panel for
// the sample's GloVe vectors and finishes its first map; the engine's Project request answers
// with finite coordinates, scores in range, and UMAP more trustworthy than PCA.
import * as assert from 'assert';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { MapMethod } from '../../src/shared/protocol/map';
import { MapSelection, Project } from '../../src/shared/protocol/map';
import type { EmbeddingLensApi } from '../../src/host/extension';
import type { MapPanel } from '../../src/host/panels/mapPanel';
import { waitForTabs } from './tabs';
import { EXTENSION_ID, sampleUri } from './workspace';
import { COMMANDS } from '../../src/host/commands';

function mapTabs(): Promise<vscode.Tab[]> {
  return waitForTabs(
    (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('embeddingLens.map'),
  );
}

suite('map', () => {
  let api: EmbeddingLensApi;

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<EmbeddingLensApi>(EXTENSION_ID)!.activate();
  });

  test('the command opens one Map panel per file, reveals it when run again, and finishes a map', async function () {
    this.timeout(300_000); // UMAP of 5,000 rows on a shared machine
    const uri = sampleUri('glove.npy');
    const panel = await vscode.commands.executeCommand<MapPanel | undefined>(COMMANDS.map.show, uri);
    await vscode.commands.executeCommand(COMMANDS.map.show, uri);
    const tabs = await mapTabs();
    assert.strictEqual(tabs.length, 1, 'one panel for the file');
    assert.strictEqual(tabs[0].label, 'Map: glove.npy');
    assert.ok(panel, 'the command returns its panel');
    const r = await panel.whenComputed();
    assert.strictEqual(r.rows, 5000);
    assert.ok(r.coords instanceof Float32Array && r.coords.every(Number.isFinite), 'finite float32 coordinates');
    assert.ok(r.quality.trustworthiness > 0.5 && r.quality.trustworthiness <= 1, `T ${r.quality.trustworthiness}`);
    // 5,000 rows is below the approximate-graph threshold (setting embeddingLens.map.knnGraph = auto).
    assert.strictEqual(r.knnGraph?.method, 'exact');
  });

  test('Project on the sample: PCA and a short UMAP give finite maps with sane scores; UMAP beats PCA', async function () {
    this.timeout(300_000);
    const info = await api.context.datasets.get({ uri: sampleUri('glove.npy') });
    const run = (method: MapMethod, iterations?: number) =>
      api.context.engine.request(Project, {
        datasetId: info.id,
        jobId: `suite-${method}`,
        method,
        dims: 2,
        seed: 1,
        k: 10,
        metric: 'cosine',
        iterations,
      });
    const pca = await run('pca');
    const umap = await run('umap', 100);
    for (const r of [pca, umap]) {
      assert.strictEqual(r.rows, 5000);
      assert.ok(r.coords instanceof Float32Array, 'the coordinates arrive as a Float32Array');
      assert.strictEqual(r.coords.length, 10000);
      assert.ok(r.coords.every(Number.isFinite));
      for (const v of [r.quality.trustworthiness, r.quality.continuity, r.quality.knnRecall])
        assert.ok(v >= 0 && v <= 1, `score ${v}`);
    }
    assert.ok(
      umap.quality.trustworthiness > pca.quality.trustworthiness,
      `UMAP ${umap.quality.trustworthiness} vs PCA ${pca.quality.trustworthiness}`,
    );
    const sel = await api.context.engine.request(MapSelection, {
      datasetId: info.id,
      rows: [0, 1, 2],
      k: 5,
      metric: 'cosine',
    });
    assert.strictEqual(sel.count, 3);
    assert.strictEqual(sel.neighbors.length, 5);
  });
});
