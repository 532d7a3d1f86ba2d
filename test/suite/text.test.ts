// Text in, neighbours out, inside the real extension host: hovering a line of the sample's
// metadata file (glove.tsv) after opening glove.npy shows that word's nearest words as found by
// brute force here; "Find Neighbours of Text" with the built-in model finds "king" itself and
// "queen"; a file of another dimension gets a message naming both; "Embed Text File" writes a new
// .npy + sidecar and never overwrites without asking.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { EmbedFileResult, NeighborsOfTextResult } from '../../src/shared/protocol/text';
import type { EmbeddingLensApi } from '../../src/host/extension';
import { waitForTabs } from './tabs';
import { bruteCosine, EXTENSION_ID, readNpyF32, sampleUri, writeNpyF32 } from './workspace';
import { COMMANDS } from '../../src/host/commands';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')))
    .join('\n');
}

/** The rows of the brute-force cosine neighbours (the hover lists rows, not scores). */
const bruteCosineRows = (m: Parameters<typeof bruteCosine>[0], q: number, k: number): number[] =>
  bruteCosine(m, q, k).map((o) => o.row);

suite('text', () => {
  let api: EmbeddingLensApi;
  let words: string[];

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<EmbeddingLensApi>(EXTENSION_ID)!.activate();
    words = fs
      .readFileSync(sampleUri('glove.tsv').fsPath, 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t')[0]);
  });

  test("hovering a line of glove.tsv shows that word's nearest words (brute force) and the overview link", async () => {
    const npy = sampleUri('glove.npy');
    const info = await api.context.datasets.get({ uri: npy });
    assert.ok(info.metaPath?.endsWith('glove.tsv'));
    const doc = await vscode.workspace.openTextDocument(sampleUri('glove.tsv'));
    const row = words.indexOf('king');
    assert.ok(row >= 0);
    const line = row + 1; // the header is line 0
    assert.ok(doc.lineAt(line).text.startsWith('king\t'));
    const k = vscode.workspace.getConfiguration('embeddingLens').get<number>('k', 10);
    const want = bruteCosineRows(readNpyF32(npy.fsPath), row, k).map((r) => words[r]);
    assert.ok(want.includes('queen'), `brute force: ${want.join(' ')}`);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      new vscode.Position(line, 1),
    );
    const text = hoverText(hovers);
    for (const w of want) assert.ok(text.includes(`| ${w} |`), `${w} in hover:\n${text}`);
    assert.ok(text.includes('Show in Embedding Lens'), text);
    assert.ok(text.includes(`command:${COMMANDS.overview.showRow}`), text);
    // The header line has no row, so no neighbour hover.
    const header = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        doc.uri,
        new vscode.Position(0, 1),
      ),
    );
    assert.ok(!header.includes('Show in Embedding Lens'));
  });

  test("a Parquet text column opens as a document whose lines hover with that row's neighbours", async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const pq = vscode.Uri.joinPath(ext.extensionUri, 'test', 'fixtures', 'glove2k.parquet');
    const npy = vscode.Uri.joinPath(ext.extensionUri, 'test', 'fixtures', 'glove2k.npy');
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>(COMMANDS.text.showColumn, pq, 'word');
    assert.ok(editor, 'an editor');
    const doc = editor.document;
    assert.strictEqual(doc.uri.scheme, 'embedding-lens-rows');
    const lines = doc.getText().split('\n');
    const row = lines.indexOf('king');
    assert.ok(row >= 0, 'king is a row');
    const k = vscode.workspace.getConfiguration('embeddingLens').get<number>('k', 10);
    const want = bruteCosineRows(readNpyF32(npy.fsPath), row, k).map((r) => lines[r]);
    const text = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        doc.uri,
        new vscode.Position(row, 1),
      ),
    );
    for (const w of want) assert.ok(text.includes(`| ${w} |`), `${w} in hover:\n${text}`);
    assert.ok(text.includes('Show in Embedding Lens'), text);
    assert.ok(
      vscode.workspace.textDocuments.every((d) => d.uri.scheme !== 'file' || !d.isDirty),
      'nothing written',
    );
  });

  test('Find Neighbours of Text with the built-in model: "king" finds itself, then "queen"', async () => {
    const res = await vscode.commands.executeCommand<NeighborsOfTextResult>(
      COMMANDS.text.findNeighbors,
      sampleUri('glove.npy'),
      'king',
      { panel: false, k: 10, metric: 'cosine' },
    );
    assert.ok(res, 'a result');
    assert.strictEqual(res.dims, 100);
    assert.strictEqual(res.neighbors[0].text, 'king');
    assert.ok(Math.abs(res.neighbors[0].score - 1) < 1e-4, `cosine with itself ${res.neighbors[0].score}`);
    assert.ok(
      res.neighbors.some((n) => n.text === 'queen'),
      res.neighbors.map((n) => n.text).join(' '),
    );
    for (let i = 1; i < res.neighbors.length; i++) assert.ok(res.neighbors[i - 1].score >= res.neighbors[i].score);
  });

  test('the Search by Text panel opens on the file', async () => {
    await vscode.commands.executeCommand(COMMANDS.text.findNeighbors, sampleUri('glove.npy'), 'paris');
    const tabs = await waitForTabs((t) => t.label.startsWith('Search by Text: glove.npy'));
    assert.ok(tabs.length >= 1, 'a Search by Text tab');
  });

  test('a file of another dimension: the message names both dimensions', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-text-'));
    const file = path.join(dir, 'three.npy');
    writeNpyF32(
      file,
      4,
      3,
      Float32Array.from({ length: 12 }, (_, i) => i + 1),
    );
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand(COMMANDS.text.findNeighbors, vscode.Uri.file(file), 'king', {
          panel: false,
        }),
      ),
      (e: Error) => /3-dimensional/.test(e.message) && /100-dimensional/.test(e.message),
    );
  });

  test('Embed Text File writes a new .npy + .meta.jsonl and never overwrites without asking', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-text-'));
    const input = path.join(dir, 'items.txt');
    fs.writeFileSync(input, 'king\n\nqueen\nparis france\n');
    const out = path.join(dir, 'items.npy');
    const res = await vscode.commands.executeCommand<EmbedFileResult>(COMMANDS.text.embedFile, vscode.Uri.file(input), {
      out,
      quiet: true,
    });
    assert.strictEqual(res.rows, 3);
    assert.strictEqual(res.dims, 100);
    assert.strictEqual(readNpyF32(out).rows, 3);
    const meta = fs
      .readFileSync(path.join(dir, 'items.meta.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).text);
    assert.deepStrictEqual(meta, ['king', 'queen', 'paris france']);
    const before = fs.readFileSync(out);
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand(COMMANDS.text.embedFile, vscode.Uri.file(input), {
          out,
          quiet: true,
          overwrite: false,
        }),
      ),
      /already exists/,
    );
    assert.deepStrictEqual(fs.readFileSync(out), before, 'unchanged');
  });
});
