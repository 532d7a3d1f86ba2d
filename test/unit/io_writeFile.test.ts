import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  checkWritable,
  checkWritableAll,
  withScratchFile,
  writeFileAtomic,
  writeFileAtomicWith,
  writeFilesAtomic,
} from '../../src/engine/io/writeFile';
import { InputError } from '../../src/engine/util/errors';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'el-write-'));
}

test('writes a new file and leaves no temporary file behind', () => {
  const dir = tempDir();
  const file = path.join(dir, 'out.json');
  assert.equal(writeFileAtomic(file, '{"a":1}\n'), file);
  assert.equal(fs.readFileSync(file, 'utf8'), '{"a":1}\n');
  assert.deepEqual(fs.readdirSync(dir), ['out.json']);
});

test('refuses an existing file without force and keeps its bytes; replaces it with force', () => {
  const dir = tempDir();
  const file = path.join(dir, 'out.json');
  fs.writeFileSync(file, 'old');
  assert.throws(
    () => writeFileAtomic(file, 'new'),
    (e: unknown) => e instanceof InputError && /already exists/.test(e.message),
  );
  assert.equal(fs.readFileSync(file, 'utf8'), 'old');
  writeFileAtomic(file, 'new', { force: true });
  assert.equal(fs.readFileSync(file, 'utf8'), 'new');
  assert.deepEqual(fs.readdirSync(dir), ['out.json']);
});

test('never writes over an input, even with force; a missing folder is named', () => {
  const dir = tempDir();
  const input = path.join(dir, 'emb.npy');
  fs.writeFileSync(input, 'data');
  assert.throws(() => writeFileAtomic(input, 'x', { force: true, inputs: [input] }), /is an input/);
  assert.equal(fs.readFileSync(input, 'utf8'), 'data');
  assert.throws(() => checkWritable(path.join(dir, 'nope', 'out.json')), /folder .* does not exist/);
});

test('a writer that fails leaves neither the target nor a temporary file', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'out.parquet');
  await assert.rejects(
    writeFileAtomicWith(file, async (tmp) => {
      fs.writeFileSync(tmp, 'half');
      await Promise.resolve();
      throw new Error('disk full');
    }),
    /disk full/,
  );
  assert.deepEqual(fs.readdirSync(dir), []);
  assert.throws(() =>
    writeFileAtomicWith(file, (tmp) => {
      fs.writeFileSync(tmp, 'half');
      throw new Error('boom');
    }),
  );
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('a file created by someone else while writing is not replaced', () => {
  const dir = tempDir();
  const file = path.join(dir, 'out.json');
  assert.throws(
    () =>
      writeFileAtomicWith(file, (tmp) => {
        fs.writeFileSync(tmp, 'ours');
        fs.writeFileSync(file, 'theirs');
      }),
    /already exists/,
  );
  assert.equal(fs.readFileSync(file, 'utf8'), 'theirs');
  assert.deepEqual(fs.readdirSync(dir), ['out.json']);
});

test('the caller names the problem when a target is an input, and the hint when it exists', () => {
  const dir = tempDir();
  const input = path.join(dir, 'emb.npy');
  fs.writeFileSync(input, 'data');
  assert.throws(
    () =>
      checkWritable(input, { inputs: [input], inputProblem: 'is the opened data file; an export never replaces it' }),
    (e: unknown) =>
      e instanceof InputError && e.message === 'emb.npy: is the opened data file; an export never replaces it',
  );
  assert.throws(
    () => checkWritable(input, { existsHint: 'choose another name' }),
    (e: unknown) => e instanceof InputError && e.message === 'emb.npy: already exists; choose another name',
  );
});

test('several files: all are checked before any is written, a file named twice is refused', () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.npy');
  const b = path.join(dir, 'b.npy');
  fs.writeFileSync(b, 'old');
  assert.throws(
    () =>
      writeFilesAtomic([
        { file: a, data: 'A' },
        { file: b, data: 'B' },
      ]),
    /b\.npy: already exists/,
  );
  assert.deepEqual(fs.readdirSync(dir), ['b.npy']);
  assert.throws(() => checkWritableAll([a, path.join(dir, '.', 'a.npy')]), /a\.npy: was chosen for two/);
  assert.deepEqual(
    writeFilesAtomic(
      [
        { file: a, data: 'A' },
        { file: b, data: 'B' },
      ],
      { force: true },
    ),
    [a, b],
  );
  assert.equal(fs.readFileSync(a, 'utf8'), 'A');
  assert.equal(fs.readFileSync(b, 'utf8'), 'B');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['a.npy', 'b.npy']);
});

test('several files: if one cannot be moved into place, the new ones already moved are removed', () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.npy');
  const b = path.join(dir, 'b.npy');
  // b appears after the check: writing its data creates it (a stand-in for another program).
  const sneaky = {
    file: b,
    get data() {
      fs.writeFileSync(b, 'theirs');
      return 'ours';
    },
  };
  assert.throws(() => writeFilesAtomic([{ file: a, data: 'A' }, sneaky]), /b\.npy: already exists/);
  assert.deepEqual(fs.readdirSync(dir), ['b.npy']);
  assert.equal(fs.readFileSync(b, 'utf8'), 'theirs');
});

test('a scratch file exists while it is used and is removed afterwards, also on failure', async () => {
  const dir = tempDir();
  const near = path.join(dir, 'out.parquet');
  let seen = '';
  const r = await withScratchFile(near, '.csv', 'a,b\n', (scratch) => {
    seen = scratch;
    assert.equal(path.dirname(scratch), dir);
    assert.equal(fs.readFileSync(scratch, 'utf8'), 'a,b\n');
    return Promise.resolve(7);
  });
  assert.equal(r, 7);
  assert.ok(seen.endsWith('.csv'));
  await assert.rejects(
    withScratchFile(near, '.csv', 'x', () => Promise.reject(new Error('copy failed'))),
    /copy failed/,
  );
  assert.deepEqual(fs.readdirSync(dir), []);
});
