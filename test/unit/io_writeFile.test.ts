import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkWritable, writeFileAtomic, writeFileAtomicWith } from '../../src/engine/io/writeFile';
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
