// Labels and pairs inside the real extension host: the three commands open their panels when
// given their options (no pickers), and the engine's answers are sane — the CLIP fixture's
// modality gap matches the pinned reference values, neural collapse on the sample's frequency
// bands is finite, and a file compared with a rescaled copy of itself agrees perfectly.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { Compare, ModalityGap, NeuralCollapse } from '../../src/shared/protocol/pairs';
import type { EmbeddingLensApi } from '../../src/host/extension';
import { EXTENSION_ID, sampleUri, writeNpyF32 } from './workspace';
import { COMMANDS } from '../../src/host/commands';

/** True once a tab with this title is open (the panel registry lives in the extension's bundle, not this one). */
function tabOpen(title: string): boolean {
  return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label === title));
}

async function waitFor(cond: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

suite('pairs', () => {
  let api: EmbeddingLensApi;
  let clip: vscode.Uri;
  let tmp: string;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<EmbeddingLensApi>(EXTENSION_ID)!;
    api = await ext.activate();
    clip = vscode.Uri.joinPath(ext.extensionUri, 'test', 'fixtures', 'clip_vitb16_coco500.npy');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-pairs-suite-'));
  });

  suiteTeardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('modality gap of the CLIP fixture: L2M 0.85135, RMG 0.59146, top-1 0.552, and the panel opens', async () => {
    const info = await api.context.datasets.get({ uri: clip });
    const r = await api.context.engine.request(ModalityGap, {
      datasetId: info.id,
      group: 'modality',
      pair: 'pair_id',
    });
    assert.ok(Math.abs(r.l2m - 0.85135) < 5e-6, `L2M ${r.l2m}`);
    assert.ok(Math.abs((r.rmg ?? NaN) - 0.59146) < 5e-6, `RMG ${r.rmg}`);
    assert.strictEqual(r.separability, 1);
    assert.strictEqual(r.retrieval?.aToB.top1, 0.552);
    assert.strictEqual(r.map.group.length * 2, r.map.coords.length);
    await vscode.commands.executeCommand(COMMANDS.pairs.modalityGap, clip, { group: 'modality', pair: 'pair_id' });
    await waitFor(() => tabOpen('Modality Gap: clip_vitb16_coco500.npy'));
  });

  test('neural collapse by frequency band of the sample: finite measures, one cosine per class pair', async () => {
    const uri = sampleUri('glove.npy');
    const info = await api.context.datasets.get({ uri });
    const r = await api.context.engine.request(NeuralCollapse, { datasetId: info.id, labels: 'freq_band' });
    assert.ok(r.classes >= 2);
    assert.strictEqual(r.rows + r.ignoredRows, info.rows);
    assert.ok(Number.isFinite(r.nc1) && r.nc1 > 0);
    assert.ok(r.ncmAccuracy > 0 && r.ncmAccuracy <= 1);
    assert.strictEqual(r.meanCosines.length, r.classes * r.classes);
    await vscode.commands.executeCommand(COMMANDS.pairs.neuralCollapse, uri, { labels: 'freq_band' });
    await waitFor(() => tabOpen('Neural Collapse: glove.npy'));
  });

  test('compare: a file against a rescaled copy agrees perfectly; different row counts are an input error', async () => {
    const src = sampleUri('glove.npy').fsPath;
    const buf = fs.readFileSync(src);
    const hlen = buf.readUInt16LE(8);
    const body = buf.subarray(10 + hlen);
    const data = new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
    const rows = 1000;
    const cols = data.length / 5000;
    const a = path.join(tmp, 'a.npy');
    const b = path.join(tmp, 'b.npy');
    const c = path.join(tmp, 'c.npy');
    writeNpyF32(a, rows, cols, data.subarray(0, rows * cols));
    writeNpyF32(
      b,
      rows,
      cols,
      data.subarray(0, rows * cols).map((v) => 3 * v),
    );
    writeNpyF32(c, rows - 1, cols, data.subarray(0, (rows - 1) * cols));
    const ia = await api.context.datasets.get({ uri: vscode.Uri.file(a) });
    const ib = await api.context.datasets.get({ uri: vscode.Uri.file(b) });
    const r = await api.context.engine.request(Compare, { datasetId: ia.id, otherId: ib.id, k: 10 });
    assert.strictEqual(r.rows, rows);
    assert.ok(Math.abs(r.linearCka - 1) < 1e-6, `CKA ${r.linearCka}`);
    assert.ok(r.mutualKnn > 0.99, `mutual k-NN ${r.mutualKnn}`);
    assert.strictEqual(r.procrustes.top1After, 1);
    assert.strictEqual(r.mapA.length, 2 * rows);
    const ic = await api.context.datasets.get({ uri: vscode.Uri.file(c) });
    await assert.rejects(
      api.context.engine.request(Compare, { datasetId: ia.id, otherId: ic.id }),
      /c\.npy: has 999 rows but a\.npy has 1000/,
    );
    await vscode.commands.executeCommand(COMMANDS.pairs.compareWith, vscode.Uri.file(a), {
      other: vscode.Uri.file(b),
    });
    await waitFor(() => tabOpen('Compare: a.npy'));
  });
});
