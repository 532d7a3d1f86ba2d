/**
 * The hover's line → row mapping (src/host/text/rows.ts) and its Markdown: CSV record
 * starts agree with Python's csv module on quoted multi-line fields; TSV/JSONL by the
 * engine's rules; the row found for a line is the row the engine reads from that line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  csvRecords,
  csvRecordStarts,
  mdText,
  neighborsMarkdown,
  rowAtLine,
  sidecarKind,
} from '../../src/host/text/rows';
import { readMetadata } from '../../src/engine/io/metadata';
import { pythonSkipReason, runPython } from './helpers/python';

const pyReason = pythonSkipReason(['csv', 'json']);
const CSV = 'id,text\n1,plain\n2,"two\nlines"\n3,"a ""quoted"" one, with comma"\n4,"three\n\nlines"\n5,last\n';

test(
  "CSV record starts match Python's csv module (quoted newlines, doubled quotes, commas)",
  { skip: pyReason ?? false },
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-rows-'));
    for (const [name, text] of [
      ['a.csv', CSV],
      ['b.csv', CSV.replace(/\n/g, '\r\n')],
      ['c.csv', CSV.trimEnd()],
    ]) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      const ref = runPython('text_csv_lines_ref.py', {}, { file }).json.starts;
      assert.deepEqual(csvRecordStarts(text), ref, name);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  },
);

test("each line maps to the engine's row for it: CSV continuation lines belong to their record; TSV/JSONL line by line", () => {
  const starts = csvRecordStarts(CSV);
  const lines = CSV.split('\n');
  const rows = lines.map((l, i) => rowAtLine('csv', i, l, () => csvRecords(CSV)));
  // header, row0, row1 (2 lines), row2, row3 (3 lines, one blank inside the quotes), row4, past the data
  assert.deepEqual(rows, [undefined, 0, 1, 1, 2, 3, 3, 3, 4, undefined]);
  const noNewline = CSV.trimEnd();
  assert.equal(
    rowAtLine('csv', 8, 'last', () => csvRecords(noNewline)),
    4,
  );
  assert.equal(
    rowAtLine('csv', 9, '', () => csvRecords(noNewline)),
    undefined,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-rows-'));
  const file = path.join(dir, 'm.csv');
  fs.writeFileSync(file, CSV);
  const table = readMetadata(file);
  const ids = table.columns.find((c) => c.name === 'id')!.values;
  // The row on each record's first line holds that record's id, as the engine read it.
  lines.forEach((l, i) => {
    const r = rows[i];
    if (r !== undefined && starts.includes(i)) assert.equal(Number(ids[r]), Number(l.split(',')[0]));
  });
  assert.equal(rowAtLine('tsv', 0, 'word\trank'), undefined);
  assert.equal(rowAtLine('tsv', 5, 'x\t1'), 4);
  assert.equal(rowAtLine('jsonl', 0, '{"text":"a"}'), 0);
  assert.equal(rowAtLine('jsonl', 3, '   '), undefined);
  assert.equal(sidecarKind('/a/x.meta.jsonl'), 'jsonl');
  assert.equal(sidecarKind('/a/x.ndjson'), 'jsonl');
  assert.equal(sidecarKind('/a/x.npy'), undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('hover Markdown escapes metadata text (no links, HTML or table breaks) and lists every neighbour', () => {
  const md = neighborsMarkdown({
    title: 'Neighbours of row 3',
    metric: 'cosine',
    neighbors: [
      { row: 1, score: 0.91234, text: 'a | b [x](command:evil) <img src=x>' },
      { row: 7, score: 0.5 },
    ],
    link: { title: 'Show in Embedding Lens', uri: 'command:embeddingLens.overview.showRow?%5B%5D' },
  });
  const lines = md.split('\n');
  assert.equal(lines.filter((l) => l.startsWith('| 1 |') || l.startsWith('| 2 |')).length, 2);
  assert.ok(!md.includes('](command:evil)'), md);
  assert.ok(!/(^|[^\\])</.test(md), 'every < is escaped');
  assert.ok(md.includes('a \\| b'));
  assert.ok(md.includes('| 2 | row 7 | 0.500 |'));
  assert.ok(md.includes('[Show in Embedding Lens](command:embeddingLens.overview.showRow?%5B%5D)'));
  assert.equal(mdText('x'.repeat(100), 10).length, 10);
});
