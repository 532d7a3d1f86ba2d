/**
 * Parquet reader (Apache Parquet format, https://parquet.apache.org/docs/file-format/),
 * read through DuckDB's `read_parquet` (@duckdb/node-api).
 *
 * The embeddings are either one list column (`list<float>`, `list<double>`, or
 * Arrow's `fixed_size_list`, which Parquet stores as a list) or a block of
 * numeric scalar columns. Every other column becomes metadata.
 *
 * Choosing the column: `--column NAME` (a list column, or one numeric column),
 * `--column a,b,c` (numeric columns, in that order); otherwise one list column of
 * floats is picked automatically, several raise `ParquetNeedsColumn` so the host
 * can ask, and with no list column every FLOAT/DOUBLE column forms the block.
 *
 * Bad rows: a NULL list, or a NULL value inside a list, becomes NaN (the row is
 * then counted as a NaN/Inf row) with a warning naming how many; lists of
 * different lengths (ragged) are an error, since no dimension fits them all.
 */
import * as fs from 'fs';
import type { DuckDBConnection, DuckDBInstance, DuckDBVector } from '@duckdb/node-api';
import { Matrix } from '../core/matrix';
import { InputError } from '../util/errors';
import { MetadataTable } from './metadata';
import { embeddingColumnReader, numericBlockReader } from './parquetVectors';
import { readParquetMetadata } from './parquetMetadata';
import { isFloatType, isNumericType, listValueType, ParquetColumn, sqlIdent, sqlString } from './parquetTypes';
import { openReadOnly } from './openFile';

export interface ParquetData {
  matrix: Matrix;
  /** 'float' | 'double' | 'list<float>' ... as found in the file. */
  dtype: string;
  /** The embedding column, or the numeric columns joined by ','. */
  column: string;
  /** Every other column. */
  metadata?: MetadataTable;
  warnings: string[];
}

/** Thrown when several columns could hold the embeddings; the caller asks the user. */
export class ParquetNeedsColumn extends InputError {
  constructor(
    file: string,
    readonly candidates: string[],
  ) {
    super(
      file,
      `has several columns that could hold the embeddings (${candidates.join(', ')}); choose one with --column`,
    );
  }
}

/** What the embeddings are read from: one list column or a block of scalar columns. */
type EmbeddingSource =
  { kind: 'list'; column: ParquetColumn; valueType: 'float' | 'double' } | { kind: 'block'; columns: ParquetColumn[] };

/** Reads the embeddings (and, as metadata, every other column) of a Parquet file. */
export async function readParquet(file: string, opts: { column?: string }): Promise<ParquetData> {
  checkParquetMagic(file);
  const con = await connect();
  try {
    const from = `read_parquet(${sqlString(file)})`;
    const columns = await describe(con, file, from);
    const source = chooseSource(file, columns, opts.column);
    const rows = await countRows(con, file, from);
    if (rows === 0) throw new InputError(file, 'has 0 rows: nothing to show');
    const read =
      source.kind === 'list'
        ? embeddingColumnReader(file, source.column.name, source.valueType, rows)
        : numericBlockReader(file, source.columns, rows);
    const used = source.kind === 'list' ? [source.column.name] : source.columns.map((c) => c.name);
    await streamChunks(con, file, `SELECT ${used.map(sqlIdent).join(', ')} FROM ${from}`, read.onChunk);
    const result = read.finish();
    const metaColumns = columns.filter((c) => !used.includes(c.name) && !isEmbeddingCandidate(c));
    const metadata = metaColumns.length ? await readParquetMetadata(con, file, from, metaColumns, rows) : undefined;
    const column = used.join(',');
    return { matrix: result.matrix, dtype: result.dtype, column, metadata, warnings: result.warnings };
  } finally {
    con.closeSync();
  }
}

let instance: Promise<DuckDBInstance> | undefined;

/**
 * One in-memory DuckDB per process, created on first use: loading the native module takes a few
 * hundred ms (0.4–0.6 s measured on a busy 2-core machine), creating the instance ~40 ms.
 */
async function connect(): Promise<DuckDBConnection> {
  if (!instance) {
    instance = import('@duckdb/node-api').then((m) => m.DuckDBInstance.create(':memory:'));
    instance.catch(() => (instance = undefined));
  }
  return (await instance).connect();
}

/**
 * Fails fast, with a message a user understands, on files that are not Parquet
 * (DuckDB's own message mentions "magic bytes"): a Parquet file starts and ends with PAR1.
 */
function checkParquetMagic(file: string): void {
  const fd = openReadOnly(file);
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    if (size >= 12) {
      fs.readSync(fd, head, 0, 4, 0);
      fs.readSync(fd, tail, 0, 4, size - 4);
    }
    const magic = Buffer.from('PAR1');
    if (size < 12 || !head.equals(magic))
      throw new InputError(file, 'not a Parquet file (it does not start with the PAR1 magic bytes)');
    if (!tail.equals(magic))
      throw new InputError(file, 'truncated or damaged Parquet file (it does not end with the PAR1 magic bytes)');
  } finally {
    fs.closeSync(fd);
  }
  // DuckDB expands glob characters in a path; refuse them rather than read other files.
  if (/[*?[]/.test(file))
    throw new InputError(
      file,
      'has a name with *, ? or [ in it, which DuckDB would treat as a pattern; rename the file',
    );
}

async function describe(con: DuckDBConnection, file: string, from: string): Promise<ParquetColumn[]> {
  const r = await runQuery(con, file, `SELECT * FROM ${from} LIMIT 0`);
  const names = r.columnNames();
  const types = r.columnTypes();
  return names.map((name, i) => ({ name, type: types[i] }));
}

/** Row count from the footer (no column data is read). */
async function countRows(con: DuckDBConnection, file: string, from: string): Promise<number> {
  const r = await runQuery(con, file, `SELECT count(*) AS n FROM ${from}`);
  const rows = await r.getRowsJS();
  return Number(rows[0][0]);
}

/**
 * Runs a query and hands every result chunk (2048 rows) to `onChunk`. A materialised
 * result (`run`) lets DuckDB decode row groups on all threads; `stream` was about 2×
 * slower on 50k×768 (bench/read-parquet.ts) for a transient copy of the column data.
 */
async function streamChunks(
  con: DuckDBConnection,
  file: string,
  sql: string,
  onChunk: (vectors: DuckDBVector[], rowCount: number) => void,
): Promise<void> {
  const result = await wrapDuckError(file, () => con.run(sql));
  for (;;) {
    const chunk = await wrapDuckError(file, () => result.fetchChunk());
    if (!chunk || chunk.rowCount === 0) break;
    const vectors: DuckDBVector[] = [];
    for (let c = 0; c < chunk.columnCount; c++) vectors.push(chunk.getColumnVector(c));
    onChunk(vectors, chunk.rowCount);
  }
}

function runQuery(con: DuckDBConnection, file: string, sql: string) {
  return wrapDuckError(file, () => con.run(sql));
}

/** DuckDB errors about the file (damaged pages, unsupported encodings) are the user's input problem. */
async function wrapDuckError<T>(file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof InputError) throw e;
    const msg = String((e as Error)?.message ?? e).split('\n')[0];
    throw new InputError(file, `cannot be read as Parquet (${msg})`);
  }
}

function isEmbeddingCandidate(c: ParquetColumn): boolean {
  return listValueType(c.type) !== undefined;
}

/** Decides which column(s) hold the embeddings; see the module comment for the rules. */
function chooseSource(file: string, columns: ParquetColumn[], requested?: string): EmbeddingSource {
  const all = () => columns.map((c) => `${c.name} (${c.type.toString()})`).join(', ');
  if (requested !== undefined && requested.trim() !== '') {
    const names = requested.split(',').map((s) => s.trim());
    const picked = names.map((n) => {
      const c = columns.find((x) => x.name === n);
      if (!c) throw new InputError(file, `has no column '${n}' (columns: ${all()})`);
      return c;
    });
    const vt = listValueType(picked[0].type);
    if (picked.length === 1 && vt) return { kind: 'list', column: picked[0], valueType: vt };
    for (const c of picked) {
      if (!isNumericType(c.type)) {
        const why = listValueType(c.type)
          ? 'a list column must be chosen on its own'
          : `it is ${c.type.toString()}, not a list of floats or a number`;
        throw new InputError(file, `column '${c.name}' cannot hold embeddings: ${why}`);
      }
    }
    if (new Set(names).size !== names.length)
      throw new InputError(file, `--column names a column twice (${requested})`);
    return { kind: 'block', columns: picked };
  }
  const lists = columns.filter(isEmbeddingCandidate);
  if (lists.length === 1) return { kind: 'list', column: lists[0], valueType: listValueType(lists[0].type)! };
  if (lists.length > 1)
    throw new ParquetNeedsColumn(
      file,
      lists.map((c) => c.name),
    );
  const floats = columns.filter((c) => isFloatType(c.type));
  if (floats.length) return { kind: 'block', columns: floats };
  throw new InputError(
    file,
    `has no column that could hold embeddings (a list of FLOAT/DOUBLE, or FLOAT/DOUBLE columns); its columns: ${all()}`,
  );
}
