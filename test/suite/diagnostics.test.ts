// Inside the real extension host: "Show Diagnostics" opens the Diagnostics panel for the sample's
// GloVe vectors, and the engine's Diagnose request returns sane geometry for them (the numbers
// themselves are checked against numpy in test/unit/diagnostics_ref.test.ts).
import * as assert from 'assert';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { Diagnose } from '../../src/shared/protocol/diagnostics';
import type { EmbeddingLensApi } from '../../src/host/extension';
import { waitForTabs } from './tabs';
import { EXTENSION_ID, sampleUri } from './workspace';
import { COMMANDS } from '../../src/host/commands';

suite('diagnostics', () => {
  let api: EmbeddingLensApi;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<EmbeddingLensApi>(EXTENSION_ID)!;
    api = await ext.activate();
  });

  test('Show Diagnostics opens one panel per file and reveals it when asked again', async () => {
    const uri = sampleUri('glove.npy');
    await vscode.commands.executeCommand(COMMANDS.diagnostics.show, uri);
    await vscode.commands.executeCommand(COMMANDS.diagnostics.show, uri);
    const tabs = await waitForTabs(
      (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('embeddingLens.diagnostics'),
    );
    assert.strictEqual(tabs.length, 1, 'one Diagnostics panel for glove.npy');
    assert.strictEqual(tabs[0].label, 'Diagnostics: glove.npy');
  });

  test('the engine diagnoses the sample GloVe vectors with sane values', async function () {
    this.timeout(240_000); // four k-NN graphs of 5000 rows on a shared machine
    const info = await api.context.datasets.get({ uri: sampleUri('glove.npy') });
    const r = await api.context.engine.request(Diagnose, { datasetId: info.id, k: 10 });
    assert.strictEqual(r.rows, 5000);
    assert.ok(r.rank, 'rank section');
    assert.strictEqual(r.rank.singularValues.length, 100, 'min(n, d) singular values');
    assert.ok(r.rank.dims90 >= 1 && r.rank.dims90 <= r.rank.dims95 && r.rank.dims95 <= 100);
    assert.ok(r.rank.effectiveRank > 1 && r.rank.effectiveRank <= 100);
    assert.ok(r.isotropy.meanCosine > 0 && r.isotropy.meanCosine < 1, `mean cosine ${r.isotropy.meanCosine}`);
    assert.ok(r.isotropy.isoScore >= 0 && r.isotropy.isoScore <= 1);
    assert.ok(r.intrinsicDimension.twoNN > 1 && r.intrinsicDimension.twoNN < 100);
    assert.ok(r.intrinsicDimension.mle > 1 && r.intrinsicDimension.mle < 100);
    assert.strictEqual(r.hubness.k, 10);
    assert.strictEqual(r.hubness.metric, 'cosine');
    assert.ok(Number.isFinite(r.hubness.skewness) && r.hubness.skewness > 0, 'GloVe has hubs');
    assert.ok(r.hubness.topHubs.length === 10 && r.hubness.topHubs[0].label, 'top hubs carry their word');
    assert.ok(r.cosineVsDot.normCv > 0.05, 'GloVe norms vary');
    assert.ok(
      r.findings.length > 0 && r.findings.every((f) => ['info', 'warning', 'critical'].includes(f.severity) && f.title),
    );
    assert.strictEqual(r.perRow?.localId.length, 5000);
  });
});
