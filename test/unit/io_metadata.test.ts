/**
 * Sidecar metadata: TSV (raw), CSV (RFC 4180, checked against Python's csv writer),
 * JSONL; found by stem next to the .npy; row-count mismatches are visible warnings;
 * bad lines are errors naming the file and the line.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findSidecar, readMetadata } from '../../src/engine/io/metadata';
import { writeNpy } from '../../src/engine/io/npy';
import { loadDataset } from '../../src/engine/data/dataset';
import { PYTHON, REFERENCE_DIR, pythonSkipReason } from './helpers/python';
import { assertInputError } from './helpers/io';

let dir = '';
before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-meta-'))));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

const column = (t: ReturnType<typeof readMetadata>, name: string) => {
  const c = t.columns.find((x) => x.name === name);
  assert.ok(c, `column ${name} in ${t.columns.map((x) => x.name).join(', ')}`);
  return c;
};

describe('TSV', () => {
  test('header, raw values (quotes are text), kinds of columns', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `w${i}\t${i % 3 === 0 ? 'cat' : 'dog'}\t${i * 0.5}\t"q${i}"`);
    const t = readMetadata(file('a.tsv', ['word\tlabel\tscore\tquoted', ...rows].join('\n') + '\n'));
    assert.equal(t.rows, 40);
    assert.deepEqual(
      t.columns.map((c) => [c.name, c.kind]),
      [
        ['word', 'text'],
        ['label', 'category'],
        ['score', 'number'],
        ['quoted', 'text'],
      ],
    );
    assert.equal(column(t, 'score').values[3], 1.5);
    assert.equal(column(t, 'quoted').values[2], '"q2"');
  });

  test('CRLF line ends and a byte-order mark are handled', () => {
    const t = readMetadata(file('crlf.tsv', '\ufeffword\tn\r\nhello\t1\r\nworld\t2\r\n'));
    assert.deepEqual(
      t.columns.map((c) => c.name),
      ['word', 'n'],
    );
    assert.deepEqual(column(t, 'word').values, ['hello', 'world']);
    assert.deepEqual(column(t, 'n').values, [1, 2]);
  });

  test('a line with the wrong number of fields names the line', () => {
    assertInputError(
      () => readMetadata(file('bad.tsv', 'word\tlabel\na\tx\nb\tx\textra\n')),
      'bad.tsv',
      /^line 3 has 3 fields, the header has 2/,
    );
    assertInputError(
      () => readMetadata(file('short.tsv', 'word\tlabel\na\tx\nb\n')),
      'short.tsv',
      /^line 3 has 1 field, the header has 2/,
    );
    assertInputError(() => readMetadata(file('empty.tsv', '')), 'empty.tsv', /is empty/);
  });
});

describe('CSV against Python csv.writer', { skip: pythonSkipReason(['csv']) ?? undefined }, () => {
  test('quoted fields with commas, doubled quotes, newlines and unicode', () => {
    const p = path.join(dir, 'py.csv');
    const r = spawnSync(PYTHON, [path.join(REFERENCE_DIR, 'io_csv_ref.py'), p], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const ref = JSON.parse(r.stdout) as { header: string[]; rows: string[][] };
    const t = readMetadata(p);
    assert.deepEqual(
      t.columns.map((c) => c.name),
      ref.header,
    );
    assert.equal(t.rows, ref.rows.length);
    for (const [j, name] of ref.header.entries()) {
      const c = column(t, name);
      for (const [i, row] of ref.rows.entries()) {
        const want = row[j];
        const got = c.values[i];
        if (c.kind === 'number') {
          if (want === '') assert.equal(got, null, `${name}[${i}]`);
          else assert.ok(Object.is(got, Number(want.replace(/^inf$/, 'Infinity'))), `${name}[${i}]: ${got} vs ${want}`);
        } else {
          assert.equal(got, want, `${name}[${i}]`);
        }
      }
    }
    assert.equal(column(t, 'score').kind, 'number');
  });
});

describe('CSV errors', () => {
  test('unterminated quote, text after a closing quote, wrong field count', () => {
    assertInputError(
      () => readMetadata(file('open.csv', 'a,b\n1,"never closed\n2,3\n')),
      'open.csv',
      /^line 2: a quoted field is never closed/,
    );
    assertInputError(
      () => readMetadata(file('after.csv', 'a,b\n1,"x"y\n')),
      'after.csv',
      /^line 2: text after a closing quote/,
    );
    // The multi-line field in record 2 makes record 3 start on line 4.
    assertInputError(
      () => readMetadata(file('count.csv', 'a,b\n1,"two\nlines"\n3\n')),
      'count.csv',
      /^line 4 has 1 field, the header has 2/,
    );
  });
});

describe('JSONL', () => {
  test('keys in first-seen order, missing keys are null, nested values as JSON text', () => {
    const t = readMetadata(
      file('m.jsonl', '{"text":"a","n":1}\n{"n":2,"extra":true}\n{"text":"c","n":null,"tags":["x",1]}\n'),
    );
    assert.deepEqual(
      t.columns.map((c) => c.name),
      ['text', 'n', 'extra', 'tags'],
    );
    assert.deepEqual(column(t, 'text').values, ['a', null, 'c']);
    assert.deepEqual(column(t, 'n').values, [1, 2, null]);
    assert.deepEqual(column(t, 'extra').values, [null, 'true', null]);
    assert.deepEqual(column(t, 'tags').values, [null, null, '["x",1]']);
  });

  test('bad lines name the line', () => {
    assertInputError(
      () => readMetadata(file('bad.jsonl', '{"a":1}\n{"a":\n')),
      'bad.jsonl',
      /^line 2 is not valid JSON/,
    );
    assertInputError(
      () => readMetadata(file('arr.jsonl', '{"a":1}\n[1,2]\n')),
      'arr.jsonl',
      /^line 2 is not a JSON object/,
    );
    assertInputError(() => readMetadata(file('gap.jsonl', '{"a":1}\n\n{"a":2}\n')), 'gap.jsonl', /^line 2 is empty/);
  });

  test('unknown extensions and missing files', () => {
    assertInputError(() => readMetadata(file('m.xlsx', 'x')), 'm.xlsx', /unsupported metadata format '\.xlsx'/);
    assertInputError(() => readMetadata(path.join(dir, 'nope.tsv')), 'nope.tsv', /cannot be read \(ENOENT\)/);
  });
});

describe('sidecars next to a .npy', () => {
  const npy = (name: string, rows: number) => {
    const p = path.join(dir, name);
    writeNpy(
      p,
      Float32Array.from({ length: rows * 2 }, (_, i) => i),
      [rows, 2],
      true,
    );
    return p;
  };

  test('found by stem: emb.tsv, then emb.meta.jsonl', () => {
    const sub = fs.mkdtempSync(path.join(dir, 'stem-'));
    const emb = path.join(sub, 'emb.npy');
    fs.writeFileSync(emb, '');
    assert.equal(findSidecar(emb), undefined);
    fs.writeFileSync(path.join(sub, 'emb.meta.jsonl'), '{"a":1}\n');
    assert.equal(findSidecar(emb), path.join(sub, 'emb.meta.jsonl'));
    fs.writeFileSync(path.join(sub, 'emb.tsv'), 'a\n1\n');
    assert.equal(findSidecar(emb), path.join(sub, 'emb.tsv'));
    fs.writeFileSync(path.join(sub, 'other.tsv'), 'a\n1\n');
    assert.equal(findSidecar(path.join(sub, 'nothing.npy')), undefined);
  });

  test('loadDataset attaches the sidecar automatically; --meta overrides it', async () => {
    const p = npy('three.npy', 3);
    file('three.tsv', 'word\nx\ny\nz\n');
    const ds = await loadDataset({ path: p });
    assert.deepEqual(ds.metadata?.columns[0].values, ['x', 'y', 'z']);
    assert.deepEqual(ds.warnings, []);
    const other = file('other.jsonl', '{"w":"a"}\n{"w":"b"}\n{"w":"c"}\n');
    const ds2 = await loadDataset({ path: p, metaPath: other });
    assert.deepEqual(ds2.metadata?.columns[0].values, ['a', 'b', 'c']);
  });

  test('a row-count mismatch is a visible warning and rows align by position', async () => {
    const p = npy('four.npy', 4);
    file('four.tsv', 'word\na\nb\n');
    const short = await loadDataset({ path: p });
    assert.equal(short.warnings.length, 1);
    assert.match(short.warnings[0], /four\.tsv has 2 rows but four\.npy has 4 vectors/);
    assert.deepEqual(short.metadata?.columns[0].values, ['a', 'b', null, null]);
    file('four.tsv', 'word\na\nb\nc\nd\ne\n');
    const long = await loadDataset({ path: p });
    assert.match(long.warnings[0], /has 5 rows but four\.npy has 4 vectors.*extra metadata rows are ignored/);
    assert.deepEqual(long.metadata?.columns[0].values, ['a', 'b', 'c', 'd']);
  });
});
