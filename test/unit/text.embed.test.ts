/**
 * `embedding-lens embed`: text files of every kind → .npy + .meta.jsonl, row-aligned;
 * never overwrites without --force; clear errors; and the CLI's exit codes.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { embedFile } from '../../src/engine/text/embedFile';
import { getModel } from '../../src/engine/text/registry';
import { readNpy } from '../../src/engine/io/npy';
import { InputError } from '../../src/engine/util/errors';
import { lookupModel, randomFloats, TINY_VOCAB, writeModelFolder } from './helpers/textModels';
import { slow } from './helpers/tier';

const ROOT = path.resolve(__dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-embed-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const model = writeModelFolder({ onnx: lookupModel(randomFloats(TINY_VOCAB.length * 6, 5), 6), pooling: 'mean' });

function write(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

async function expected(texts: string[]): Promise<Float32Array> {
  return (await (await getModel(model)).embed(texts)).matrix.data;
}

function sidecar(out: string): { text: string; source_row: number }[] {
  return fs
    .readFileSync(out.replace(/\.npy$/, '.meta.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

test('.txt: one item per line, blank lines skipped, sidecar points back to the line', async () => {
  const input = write('a.txt', 'the cat\n\nthe mat sat\n   \ncat\n');
  const out = path.join(dir, 'a.npy');
  const r = await embedFile({ input, out, model });
  assert.equal(r.rows, 3);
  assert.equal(r.skippedBlank, 2);
  const npy = readNpy(out);
  assert.deepEqual([npy.matrix.rows, npy.matrix.cols], [3, 6]);
  assert.deepEqual(npy.matrix.data, await expected(['the cat', 'the mat sat', 'cat']));
  assert.deepEqual(sidecar(out), [
    { text: 'the cat', source_row: 1 },
    { text: 'the mat sat', source_row: 3 },
    { text: 'cat', source_row: 5 },
  ]);
});

test('.jsonl and .csv: the text column (named, or "text" by default), quoting respected', async () => {
  const jl = write('b.jsonl', ['{"id": 1, "body": "the cat"}', '{"id": 2, "body": "on the mat"}'].join('\n') + '\n');
  const r1 = await embedFile({ input: jl, out: path.join(dir, 'b.npy'), model, textColumn: 'body' });
  assert.equal(r1.rows, 2);
  assert.deepEqual(readNpy(path.join(dir, 'b.npy')).matrix.data, await expected(['the cat', 'on the mat']));
  // Without --text-column: the only non-numeric column.
  await embedFile({ input: jl, out: path.join(dir, 'b2.npy'), model });
  assert.deepEqual(readNpy(path.join(dir, 'b2.npy')).matrix.data, await expected(['the cat', 'on the mat']));
  const two = write('b.tsv', 'title\tbody\nA\tthe cat\nB\tmat\n');
  await assert.rejects(
    embedFile({ input: two, out: path.join(dir, 'b4.npy'), model }),
    (e: unknown) =>
      e instanceof InputError &&
      /b\.tsv: has several text columns \(columns: title, body\); choose one with --text-column/.test(e.message),
  );
  await assert.rejects(
    embedFile({ input: jl, out: path.join(dir, 'b3.npy'), model, textColumn: 'nope' }),
    /has no column 'nope' \(columns: id, body\)/,
  );
  const csv = write('c.csv', 'label,text\nx,"the cat, on the mat"\ny,cat\n');
  await embedFile({ input: csv, out: path.join(dir, 'c.npy'), model });
  assert.deepEqual(readNpy(path.join(dir, 'c.npy')).matrix.data, await expected(['the cat, on the mat', 'cat']));
  assert.deepEqual(
    sidecar(path.join(dir, 'c.npy')).map((s) => s.text),
    ['the cat, on the mat', 'cat'],
  );
});

test('.parquet: a string column read with DuckDB', async () => {
  const pq = path.join(dir, 'd.parquet');
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  await con.run(
    `COPY (SELECT * FROM (VALUES (1, 'the cat'), (2, NULL), (3, 'mat')) t(id, sentence)) TO '${pq}' (FORMAT parquet)`,
  );
  con.closeSync();
  inst.closeSync();
  const r = await embedFile({ input: pq, out: path.join(dir, 'd.npy'), model });
  assert.equal(r.rows, 2);
  assert.equal(r.skippedBlank, 1);
  assert.deepEqual(readNpy(path.join(dir, 'd.npy')).matrix.data, await expected(['the cat', 'mat']));
  assert.deepEqual(sidecar(path.join(dir, 'd.npy')), [
    { text: 'the cat', source_row: 0 },
    { text: 'mat', source_row: 2 },
  ]);
});

test('never overwrites without force; never writes over the input; bad inputs are InputErrors', async () => {
  const input = write('e.txt', 'the cat\n');
  const out = path.join(dir, 'e.npy');
  fs.writeFileSync(out, 'precious');
  await assert.rejects(embedFile({ input, out, model }), /e\.npy: already exists; pass --force/);
  assert.equal(fs.readFileSync(out, 'utf8'), 'precious');
  await embedFile({ input, out, model, force: true });
  assert.equal(readNpy(out).matrix.rows, 1);
  await assert.rejects(
    embedFile({
      input: write('f.jsonl', '{"text":"cat"}\n'),
      out: path.join(dir, 'f.npy'),
      model: path.join(dir, 'no-model'),
    }),
    /does not exist/,
  );
  await assert.rejects(
    embedFile({ input: write('g.txt', '\n  \n'), out: path.join(dir, 'g.npy'), model }),
    /g\.txt: has no non-empty text/,
  );
  await assert.rejects(
    embedFile({ input: path.join(dir, 'missing.txt'), out: path.join(dir, 'h.npy'), model }),
    /missing\.txt: does not exist/,
  );
  await assert.rejects(embedFile({ input, out: path.join(dir, 'h.bin'), model }), /must be a \.npy/);
  await assert.rejects(
    embedFile({ input: write('i.docx', 'x'), out: path.join(dir, 'i.npy'), model }),
    /unsupported text file type/,
  );
  assert.ok(
    !fs.existsSync(path.join(dir, 'g.npy')) && !fs.existsSync(path.join(dir, 'g.meta.jsonl')),
    'a failed run leaves no files',
  );
});

test('CLI: embed then neighbors --text; exit code 2 and one line for bad input', { skip: slow() }, () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/engine/cli.ts'), ...args], {
      encoding: 'utf8',
      cwd: ROOT,
    });
  const j = write('j.txt', 'the cat\nthe mat\nplaying\n');
  const jnpy = path.join(dir, 'j.npy');
  const e = cli(['embed', j, '--out', jnpy, '--model', model, '--json']);
  assert.equal(e.status, 0, e.stderr);
  assert.equal(JSON.parse(e.stdout).rows, 3);
  const again = cli(['embed', j, '--out', jnpy, '--model', model]);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /^embedding-lens: j\.npy: already exists; pass --force to replace it\n$/);
  const n = cli(['neighbors', jnpy, '--text', 'the mat', '--model', model, '--k', '2', '--json']);
  assert.equal(n.status, 0, n.stderr);
  const res = JSON.parse(n.stdout);
  assert.equal(res.neighbors[0].row, 1);
  assert.equal(res.neighbors[0].text, 'the mat');
  const empty = cli(['neighbors', jnpy, '--text', '', '--model', model]);
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /the text is empty/);
});
