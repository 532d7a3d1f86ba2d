// Inside the real extension host: the engine process starts, opens the sample's real GloVe
// vectors, answers overview and neighbour requests that agree with a brute-force check done
// here, survives a restart, and reports bad files clearly without breaking anything else.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { Ping } from '../../src/shared/protocol/engine';
import { Neighbors } from '../../src/shared/protocol/neighbors';
import { Overview } from '../../src/shared/protocol/overview';
import type { EmbeddingLensApi } from '../../src/host/extension';
import { bruteCosine, EXTENSION_ID, readNpyF32, sampleUri } from './workspace';
import { COMMANDS } from '../../src/host/commands';

suite('engine', () => {
  let api: EmbeddingLensApi;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<EmbeddingLensApi>(EXTENSION_ID)!;
    api = await ext.activate();
  });

  test('the engine process answers', async () => {
    const ping = await api.context.engine.request(Ping, undefined);
    assert.ok(ping.pid > 0 && ping.pid !== process.pid, 'the engine is a separate process');
    assert.ok(ping.threads >= 1);
  });

  test('opens the sample and computes its overview', async () => {
    const uri = sampleUri('glove.npy');
    const info = await api.context.datasets.get({ uri });
    assert.strictEqual(info.rows, 5000);
    assert.strictEqual(info.dims, 100);
    assert.ok(
      info.columns.some((c) => c.name === 'word'),
      'the sidecar glove.tsv is found by its stem',
    );
    assert.strictEqual(info.labelColumn, 'word');
    const ov = await api.context.engine.request(Overview, { datasetId: info.id });
    assert.ok(
      ov.pca.coords instanceof Float32Array && ov.norms instanceof Float64Array,
      'typed arrays from the engine',
    );
    assert.strictEqual(ov.pca.coords.length, 2 * 5000);
    assert.ok(ov.pca.coords.every(Number.isFinite));
    assert.strictEqual(ov.inspect.nanRows, 0);
  });

  test('neighbours agree with brute force on the real vectors', async () => {
    const uri = sampleUri('glove.npy');
    const info = await api.context.datasets.get({ uri });
    const m = readNpyF32(uri.fsPath);
    for (const row of [0, 123, 4999]) {
      const res = await api.context.engine.request(Neighbors, {
        datasetId: info.id,
        row,
        k: 10,
        metric: 'cosine',
      });
      const want = bruteCosine(m, row, 10);
      assert.deepStrictEqual(
        res.neighbors.map((n) => n.row),
        want.map((n) => n.row),
      );
      res.neighbors.forEach((n, i) =>
        assert.ok(Math.abs(n.score - want[i].score) < 1e-5 * Math.abs(want[i].score) + 1e-7),
      );
    }
  });

  test('the open command shows the overview editor', async () => {
    const uri = sampleUri('glove.npy');
    await vscode.commands.executeCommand(COMMANDS.overview.open, uri);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom, 'a custom editor tab is active');
    assert.strictEqual(tab.input.viewType, 'embeddingLens.overview');
    assert.strictEqual(tab.input.uri.fsPath, uri.fsPath);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('a bad file gives a clear error and the engine keeps working', async () => {
    const bad = path.join(os.tmpdir(), `el-not-npy-${process.pid}.npy`);
    fs.writeFileSync(bad, 'this is a text file, not an array\n');
    await assert.rejects(api.context.datasets.get({ uri: vscode.Uri.file(bad) }), (e: Error) =>
      /el-not-npy-\d+\.npy: not a NumPy \.npy file/.test(e.message),
    );
    const ping = await api.context.engine.request(Ping, undefined);
    assert.ok(ping.pid > 0);
    fs.rmSync(bad, { force: true });
  });

  test('after a restart the engine is a new process and datasets re-open', async () => {
    const before = await api.context.engine.request(Ping, undefined);
    const restarted = new Promise<void>((resolve) => {
      const sub = api.context.engine.onDidRestart(() => {
        sub.dispose();
        resolve();
      });
    });
    await vscode.commands.executeCommand(COMMANDS.engine.restart);
    await restarted;
    const after = await api.context.engine.request(Ping, undefined);
    assert.notStrictEqual(after.pid, before.pid);
    const info = await api.context.datasets.get({ uri: sampleUri('glove.npy') });
    const res = await api.context.engine.request(Neighbors, {
      datasetId: info.id,
      row: 0,
      k: 3,
      metric: 'cosine',
    });
    assert.strictEqual(res.neighbors.length, 3);
  });

  test('if the engine process dies, it is restarted without reloading the window', async () => {
    const before = await api.context.engine.request(Ping, undefined);
    const restarted = new Promise<void>((resolve) => {
      const sub = api.context.engine.onDidRestart(() => {
        sub.dispose();
        resolve();
      });
    });
    process.kill(before.pid, 'SIGKILL');
    await restarted;
    const after = await api.context.engine.request(Ping, undefined);
    assert.notStrictEqual(after.pid, before.pid);
  });
});
