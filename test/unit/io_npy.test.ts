/**
 * The .npy reader against files written by numpy itself (test/reference/io_npy_cases.py):
 * every dtype and byte order, C and Fortran order, format versions 1.0/2.0/3.0, 3-D with
 * and without flattening, and the inputs a user can get wrong (1-D, 0 rows, truncated,
 * corrupted header, text renamed .npy, trailing bytes).
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readNpy, NpyNeedsFlatten } from '../../src/engine/io/npy';
import { InputError } from '../../src/engine/util/errors';
import { PYTHON, REFERENCE_DIR, pythonSkipReason, readNpyFloat64 } from './helpers/python';
import { assertSameFloat32, assertInputError } from './helpers/io';

interface Case {
  name: string;
  file: string;
  shape: number[];
  flatten: boolean;
  expected?: string;
}

const skip = pythonSkipReason(['numpy']);
let dir = '';
let cases: Case[] = [];

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-npy-'));
  if (skip) return;
  const r = spawnSync(PYTHON, [path.join(REFERENCE_DIR, 'io_npy_cases.py'), dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`io_npy_cases.py failed: ${r.stderr}`);
  cases = JSON.parse(r.stdout).cases;
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const byName = (name: string): Case => {
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name}`);
  return c;
};

describe('npy files written by numpy', { skip: skip ?? undefined }, () => {
  test('every readable layout equals numpy astype(float32), value for value', () => {
    const readable = cases.filter((c) => c.expected);
    assert.ok(readable.length >= 30, `expected ≥30 numpy cases, got ${readable.length}`);
    for (const c of readable) {
      const got = readNpy(c.file, { flattenLeading: c.flatten });
      const exp = readNpyFloat64(c.expected!);
      assert.deepEqual([got.matrix.rows, got.matrix.cols], exp.shape, `${c.name}: shape`);
      assertSameFloat32(got.matrix.data, exp.data, c.name);
      assert.deepEqual(got.warnings, [], `${c.name}: warnings`);
    }
  });

  test('the header says what numpy wrote (dtype, order, version)', () => {
    assert.equal(readNpy(byName('float_be_f8').file).header.descr, '>f8');
    assert.equal(readNpy(byName('float_be_f8').file).header.littleEndian, false);
    assert.equal(readNpy(byName('fortran_f4_le').file).header.fortranOrder, true);
    assert.equal(readNpy(byName('int_u1').file).header.descr, '|u1');
    assert.equal(readNpy(byName('bool').file).header.descr, '|b1');
    for (const v of ['1', '2', '3']) assert.equal(readNpy(byName(`version_${v}_0`).file).header.version, `${v}.0`);
  });

  test('64-bit integers beyond 2^53 are rounded once, like numpy', () => {
    // 2^60 + 2^36 + 1: via float64 first it becomes 2^60 + 2^36, a float32 tie that rounds
    // down to 2^60; rounded once it is just above the tie and rounds up to 2^60 + 2^37.
    const c = byName('int_i8_beyond_2_53');
    const got = readNpy(c.file).matrix.data;
    const exp = readNpyFloat64(c.expected!).data;
    const twice = Math.fround(Number(2n ** 60n + 2n ** 36n + 1n));
    assert.notEqual(twice, exp[1], 'the case must tell single from double rounding');
    assert.equal(got[1], exp[1]);
  });

  test('NaN and Inf values survive, row by row', () => {
    const m = readNpy(byName('nan_rows').file).matrix;
    assert.ok(Number.isNaN(m.data[1 * m.cols + 2]));
    for (let j = 0; j < m.cols; j++) assert.ok(Number.isNaN(m.data[3 * m.cols + j]));
    assert.equal(m.data[4 * m.cols], Infinity);
  });

  test('3-D needs --flatten, with a message that says so', () => {
    const c = byName('three_d');
    assert.throws(
      () => readNpy(c.file),
      (e: unknown) =>
        e instanceof NpyNeedsFlatten &&
        /three_d\.npy: is a 3-D array of shape \(2, 3, 4\).*--flatten.*6 rows × 4 dims/.test((e as Error).message),
    );
  });

  test('bad arrays give an InputError naming the file and the problem', () => {
    assertInputError(() => readNpy(byName('one_d').file), 'one_d.npy', /1-D array of 5 values.*2-D/);
    assertInputError(() => readNpy(byName('zero_rows').file), 'zero_rows.npy', /0 rows/);
    assertInputError(() => readNpy(byName('zero_d').file), 'zero_d.npy', /single number/);
    assertInputError(
      () => readNpy(byName('fortran_three_d').file, { flattenLeading: true }),
      'fortran_three_d.npy',
      /Fortran-order/,
    );
    assertInputError(() => readNpy(byName('complex').file), 'complex.npy', /unsupported dtype '<c8' \(complex/);
    assertInputError(() => readNpy(byName('strings').file), 'strings.npy', /unsupported dtype '<U1' \(unicode string/);
    assertInputError(() => readNpy(byName('structured').file), 'structured.npy', /structured arrays/);
  });

  test('damaged copies of a numpy file: truncated, corrupted header, trailing bytes', () => {
    const good = fs.readFileSync(byName('version_1_0').file);
    const write = (name: string, bytes: Buffer) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, bytes);
      return p;
    };
    assertInputError(
      () => readNpy(write('trunc_data.npy', good.subarray(0, good.length - 5))),
      'trunc_data.npy',
      /truncated: the header promises 4 × 3 values \(48 bytes of data\) but the file holds 43 bytes/,
    );
    assertInputError(
      () => readNpy(write('trunc_header.npy', good.subarray(0, 40))),
      'trunc_header.npy',
      /truncated \.npy header/,
    );
    assertInputError(
      () => readNpy(write('trunc_magic.npy', good.subarray(0, 8))),
      'trunc_magic.npy',
      /not a NumPy \.npy file/,
    );
    const dict = good.toString('latin1');
    assertInputError(
      () => readNpy(write('no_descr.npy', Buffer.from(dict.replace("'descr'", "'dexcr'"), 'latin1'))),
      'no_descr.npy',
      /corrupted \.npy header: no 'descr'/,
    );
    assertInputError(
      () => readNpy(write('bad_shape.npy', Buffer.from(dict.replace('(4, 3)', '(4, x)'), 'latin1'))),
      'bad_shape.npy',
      /corrupted \.npy header: shape entry 'x'/,
    );
    assertInputError(
      () => readNpy(write('no_order.npy', Buffer.from(dict.replace("'fortran_order'", "'fortran_ordr'"), 'latin1'))),
      'no_order.npy',
      /no 'fortran_order'/,
    );
    const v9 = Buffer.from(good);
    v9[6] = 9;
    assertInputError(() => readNpy(write('v9.npy', v9)), 'v9.npy', /unsupported \.npy format version 9\.0/);
    const trailing = readNpy(write('trailing.npy', Buffer.concat([good, Buffer.from('extra bytes')])));
    assert.deepEqual(trailing.warnings, ['11 bytes after the array data were ignored']);
    assertSameFloat32(trailing.matrix.data, readNpyFloat64(byName('version_1_0').expected!).data, 'trailing');
  });

  test('reading never changes the file', () => {
    const f = byName('float_be_f4').file;
    const hash = () => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
    const before = hash();
    const mtime = fs.statSync(f).mtimeMs;
    readNpy(f);
    assert.equal(hash(), before);
    assert.equal(fs.statSync(f).mtimeMs, mtime);
  });
});

test('a text file renamed .npy, an empty file and a missing file are clear errors', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-npy-bad-'));
  try {
    const txt = path.join(d, 'notes.npy');
    fs.writeFileSync(txt, 'word\tlabel\nhello\tgreeting\n');
    assertInputError(
      () => readNpy(txt),
      'notes.npy',
      /not a NumPy \.npy file \(the magic string \\x93NUMPY is missing\)/,
    );
    const empty = path.join(d, 'empty.npy');
    fs.writeFileSync(empty, '');
    assertInputError(() => readNpy(empty), 'empty.npy', /not a NumPy \.npy file/);
    assertInputError(() => readNpy(path.join(d, 'missing.npy')), 'missing.npy', /cannot be opened \(ENOENT\)/);
    assertInputError(() => readNpy(d), path.basename(d), /is not a file/);
  } catch (e) {
    if (e instanceof InputError) assert.fail(`unexpected InputError: ${e.message}`);
    throw e;
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});
