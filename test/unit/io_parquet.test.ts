/**
 * The Parquet reader on files written by DuckDB from arrays that numpy generated:
 * list<float>, list<double>, fixed-size arrays, numeric column blocks, several
 * compressions and row groups, column choice, NULLs, ragged rows, and damaged files.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readParquet, ParquetNeedsColumn } from '../../src/engine/io/parquet';
import { loadDataset } from '../../src/engine/data/dataset';
import { PYTHON, REFERENCE_DIR, pythonSkipReason, readNpyFloat64 } from './helpers/python';
import { assertRejectsInput, assertSameFloat32 } from './helpers/io';
import { PqColumn, rowList, writeParquet } from './helpers/parquet';
import { slow } from './helpers/tier';

const skip = pythonSkipReason(['numpy']);
let dir = '';
let n = 0;
let d = 0;
let x32: Float64Array;
let x64: Float64Array;
let x64as32: Float64Array;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-pq-'));
  if (skip) return;
  const r = spawnSync(PYTHON, [path.join(REFERENCE_DIR, 'io_parquet_data.py'), dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`io_parquet_data.py failed: ${r.stderr}`);
  ({ rows: n, dims: d } = JSON.parse(r.stdout));
  x32 = readNpyFloat64(path.join(dir, 'X32.npy')).data;
  x64 = readNpyFloat64(path.join(dir, 'X64.npy')).data;
  x64as32 = readNpyFloat64(path.join(dir, 'X64_as_f32.npy')).data;
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const p = (name: string) => path.join(dir, name);
const rows = (data: Float64Array) => Array.from({ length: n }, (_, i) => rowList(data, d, i));
const ids = () => Array.from({ length: n }, (_, i) => i);
const words = () => Array.from({ length: n }, (_, i) => `word${i}`);
const labels = () => Array.from({ length: n }, (_, i) => ['red', 'green', 'blue'][i % 3]);

describe('parquet written from numpy arrays', { skip: slow(skip ?? undefined) }, () => {
  test('list<float> with text, label and number columns: values exact, metadata typed', async () => {
    const cols: PqColumn[] = [
      { name: 'id', type: 'INTEGER', values: ids() },
      { name: 'word', type: 'VARCHAR', values: words() },
      { name: 'label', type: 'VARCHAR', values: labels() },
      { name: 'emb', type: 'FLOAT[]', values: rows(x32) },
    ];
    await writeParquet(p('list_f32.parquet'), cols);
    const r = await readParquet(p('list_f32.parquet'), {});
    assert.equal(r.column, 'emb');
    assert.equal(r.dtype, 'list<float>');
    assert.deepEqual([r.matrix.rows, r.matrix.cols], [n, d]);
    assertSameFloat32(r.matrix.data, x32, 'list<float>');
    assert.deepEqual(
      r.metadata?.columns.map((c) => [c.name, c.kind]),
      [
        ['id', 'number'],
        ['word', 'text'],
        ['label', 'category'],
      ],
    );
    assert.deepEqual(r.metadata?.columns[1].values.slice(2048, 2050), ['word2048', 'word2049']);
    assert.equal(r.metadata?.rows, n);
    assert.deepEqual(r.warnings, []);
  });

  test('list<double> is cast to float32 exactly as numpy casts', async () => {
    await writeParquet(p('list_f64.parquet'), [{ name: 'vec', type: 'DOUBLE[]', values: rows(x64) }]);
    const r = await readParquet(p('list_f64.parquet'), {});
    assert.equal(r.dtype, 'list<double>');
    assert.equal(r.metadata, undefined);
    assertSameFloat32(r.matrix.data, x64as32, 'list<double>');
  });

  test('fixed-size arrays (FLOAT[d]), zstd and uncompressed, many row groups keep row order', async () => {
    for (const [name, opts] of [
      ['fixed_zstd.parquet', 'COMPRESSION zstd, ROW_GROUP_SIZE 500'],
      ['fixed_plain.parquet', 'COMPRESSION uncompressed'],
    ]) {
      await writeParquet(
        p(name),
        [
          { name: 'word', type: 'VARCHAR', values: words() },
          { name: 'emb', type: `FLOAT[${d}]`, values: rows(x32) },
        ],
        opts,
      );
      const r = await readParquet(p(name), {});
      assertSameFloat32(r.matrix.data, x32, name);
      assert.deepEqual(r.metadata?.columns[0].values.slice(-2), [`word${n - 2}`, `word${n - 1}`]);
    }
  });

  test('a block of FLOAT/DOUBLE columns when there is no list column; --column a,b,c picks and orders them', async () => {
    const cols: PqColumn[] = Array.from({ length: d }, (_, j) => ({
      name: `f${j}`,
      type: j % 2 ? 'DOUBLE' : 'FLOAT',
      values: Array.from({ length: n }, (_, i) => x32[i * d + j]),
    }));
    cols.push({ name: 'word', type: 'VARCHAR', values: words() }, { name: 'count', type: 'INTEGER', values: ids() });
    await writeParquet(p('block.parquet'), cols);
    const r = await readParquet(p('block.parquet'), {});
    assert.equal(
      r.column,
      cols
        .slice(0, d)
        .map((c) => c.name)
        .join(','),
    );
    assertSameFloat32(r.matrix.data, x32, 'block');
    assert.deepEqual(
      r.metadata?.columns.map((c) => c.name),
      ['word', 'count'],
    );
    const picked = await readParquet(p('block.parquet'), { column: 'f3, f0,count' });
    assert.deepEqual([picked.matrix.rows, picked.matrix.cols], [n, 3]);
    const want = Array.from({ length: n * 3 }, (_, k) => {
      const [i, c] = [Math.floor(k / 3), k % 3];
      return c === 0 ? x32[i * d + 3] : c === 1 ? x32[i * d] : i;
    });
    assertSameFloat32(picked.matrix.data, want, 'picked block');
    assert.ok(
      picked.metadata?.columns.some((c) => c.name === 'f1'),
      'unpicked float columns become metadata',
    );
  });

  test('several list columns: ParquetNeedsColumn lists them; --column picks one', async () => {
    await writeParquet(p('two.parquet'), [
      { name: 'image', type: 'FLOAT[]', values: rows(x32) },
      { name: 'text', type: 'DOUBLE[]', values: rows(x64) },
      { name: 'caption', type: 'VARCHAR', values: words() },
    ]);
    const e = await assertRejectsInput(
      () => readParquet(p('two.parquet'), {}),
      'two.parquet',
      /several columns .*\(image, text\); choose one with --column/,
    );
    assert.ok(e instanceof ParquetNeedsColumn);
    assert.deepEqual(e.candidates, ['image', 'text']);
    const r = await readParquet(p('two.parquet'), { column: 'text' });
    assertSameFloat32(r.matrix.data, x64as32, 'picked text');
    assert.deepEqual(
      r.metadata?.columns.map((c) => c.name),
      ['caption'],
      'the other embedding column is not metadata',
    );
    await assertRejectsInput(
      () => readParquet(p('two.parquet'), { column: 'nope' }),
      'two.parquet',
      /has no column 'nope' \(columns: image \(FLOAT\[\]\), text \(DOUBLE\[\]\), caption \(VARCHAR\)\)/,
    );
    await assertRejectsInput(
      () => readParquet(p('two.parquet'), { column: 'caption' }),
      'two.parquet',
      /column 'caption' cannot hold embeddings: it is VARCHAR/,
    );
    await assertRejectsInput(
      () => readParquet(p('two.parquet'), { column: 'image,text' }),
      'two.parquet',
      /a list column must be chosen on its own/,
    );
  });

  test('loadDataset opens .parquet with its metadata', async () => {
    const ds = await loadDataset({ path: p('list_f32.parquet') });
    assert.equal(ds.format, 'parquet');
    assert.equal(ds.column, 'emb');
    assert.equal(ds.matrix.rows, n);
    assert.equal(ds.metadata?.columns.length, 3);
  });
});

describe('parquet with bad rows or bad files', () => {
  test('NULL rows and NULL values become NaN, with warnings that count them', async () => {
    // A NULL row before the first real one, one after a chunk boundary (2048 rows), and NULL elements.
    const vals: (number | null)[][] | null[] = Array.from({ length: 2100 }, (_, i) => [i, -i, i / 2]);
    const emb: ((number | null)[] | null)[] = vals;
    emb[0] = null;
    emb[2050] = null;
    emb[7] = [1, null, 3];
    emb[2099] = [null, null, 0];
    await writeParquet(p('nulls.parquet'), [{ name: 'emb', type: 'FLOAT[]', values: emb }]);
    const r = await readParquet(p('nulls.parquet'), {});
    assert.deepEqual(r.warnings, [
      "2 rows of column 'emb' are NULL; read as NaN rows",
      "3 values inside column 'emb' are NULL; read as NaN",
    ]);
    const m = r.matrix;
    const row = (i: number) => Array.from(m.data.subarray(i * 3, i * 3 + 3));
    assert.deepEqual(row(0), [NaN, NaN, NaN]);
    assert.deepEqual(row(1), [1, -1, 0.5]);
    assert.deepEqual(row(7), [1, NaN, 3]);
    assert.deepEqual(row(2050), [NaN, NaN, NaN]);
    assert.deepEqual(row(2051), [2051, -2051, 1025.5]);
    assert.deepEqual(row(2099), [NaN, NaN, 0]);
  });

  test('ragged lists, empty lists, all-NULL and zero rows are errors', async () => {
    await writeParquet(p('ragged.parquet'), [
      {
        name: 'emb',
        type: 'FLOAT[]',
        values: Array.from({ length: 2500 }, (_, i) => (i === 2300 ? [1, 2] : [1, 2, 3])),
      },
    ]);
    await assertRejectsInput(
      () => readParquet(p('ragged.parquet'), {}),
      'ragged.parquet',
      /column 'emb' is ragged: row 2300 has 2 values, earlier rows have 3/,
    );
    await writeParquet(p('emptylist.parquet'), [{ name: 'emb', type: 'FLOAT[]', values: [[], []] }]);
    await assertRejectsInput(
      () => readParquet(p('emptylist.parquet'), {}),
      'emptylist.parquet',
      /row 0 of column 'emb' is an empty list/,
    );
    await writeParquet(p('allnull.parquet'), [{ name: 'emb', type: 'FLOAT[]', values: [null, null] }]);
    await assertRejectsInput(() => readParquet(p('allnull.parquet'), {}), 'allnull.parquet', /NULL in every row/);
    await writeParquet(p('norows.parquet'), [{ name: 'emb', type: 'FLOAT[]', values: [] }]);
    await assertRejectsInput(() => readParquet(p('norows.parquet'), {}), 'norows.parquet', /has 0 rows/);
    await writeParquet(p('textonly.parquet'), [
      { name: 'word', type: 'VARCHAR', values: ['a'] },
      { name: 'n', type: 'INTEGER', values: [1] },
    ]);
    await assertRejectsInput(
      () => readParquet(p('textonly.parquet'), {}),
      'textonly.parquet',
      /has no column that could hold embeddings.*word \(VARCHAR\), n \(INTEGER\)/,
    );
  });

  test('a text file renamed .parquet, a truncated file, a missing file', async () => {
    fs.writeFileSync(p('notes.parquet'), 'just some text\n'.repeat(10));
    await assertRejectsInput(() => readParquet(p('notes.parquet'), {}), 'notes.parquet', /not a Parquet file/);
    await writeParquet(p('whole.parquet'), [
      {
        name: 'emb',
        type: 'FLOAT[]',
        values: [
          [1, 2],
          [3, 4],
        ],
      },
    ]);
    const whole = fs.readFileSync(p('whole.parquet'));
    fs.writeFileSync(p('cut.parquet'), whole.subarray(0, whole.length - 20));
    await assertRejectsInput(
      () => readParquet(p('cut.parquet'), {}),
      'cut.parquet',
      /truncated or damaged Parquet file/,
    );
    // Right magic at both ends, garbage in between: DuckDB's own complaint, as an InputError.
    const garbage = Buffer.concat([
      Buffer.from('PAR1'),
      Buffer.alloc(64, 7),
      Buffer.from([8, 0, 0, 0]),
      Buffer.from('PAR1'),
    ]);
    fs.writeFileSync(p('garbage.parquet'), garbage);
    await assertRejectsInput(
      () => readParquet(p('garbage.parquet'), {}),
      'garbage.parquet',
      /cannot be read as Parquet/,
    );
    await assertRejectsInput(
      () => readParquet(p('missing.parquet'), {}),
      'missing.parquet',
      /cannot be opened \(ENOENT\)/,
    );
  });
});
