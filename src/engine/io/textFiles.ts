/**
 * Reading the files whose texts are embedded: a plain UTF-8 text file, or a Parquet file's
 * columns through DuckDB. text/inputs.ts decides what the items and the column are.
 */
import * as fs from 'fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../util/errors';
import { requireExists } from './files';
import { openReadOnly } from './openFile';

/** A UTF-8 text file's contents (a leading byte-order mark dropped); a binary file is refused. */
export function readUtf8Text(file: string): string {
  let text = fs.readFileSync(file, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\u0000'))
    throw new InputError(file, 'looks binary (it contains NUL bytes); expected UTF-8 text, one item per line');
  return text;
}

interface ParquetColumnDesc {
  column_name: string;
  column_type: string;
}

/** The columns of a Parquet file and their DuckDB types (VARCHAR for strings). */
export async function describeParquetColumns(file: string): Promise<ParquetColumnDesc[]> {
  return withParquet(file, async (con, from) => {
    try {
      return (
        await con.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)
      ).getRowObjectsJS() as unknown as ParquetColumnDesc[];
    } catch (e) {
      throw new InputError(file, `cannot be read as Parquet (${String((e as Error).message).split('\n')[0]})`);
    }
  });
}

/** One column of a Parquet file, every value cast to a string (NULL stays null), in row order. */
export async function readParquetStrings(file: string, column: string): Promise<(string | null)[]> {
  return withParquet(file, async (con, from) =>
    (await con.runAndReadAll(`SELECT CAST("${column.replace(/"/g, '""')}" AS VARCHAR) AS t FROM ${from}`))
      .getRows()
      .map((r) => r[0] as string | null),
  );
}

/** Runs `fn` on a fresh in-memory DuckDB connection with the file's read_parquet(...) expression. */
async function withParquet<T>(file: string, fn: (con: DuckDBConnection, from: string) => Promise<T>): Promise<T> {
  requireExists(file);
  const head = Buffer.alloc(4);
  const fd = openReadOnly(file);
  try {
    fs.readSync(fd, head, 0, 4, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.toString('latin1') !== 'PAR1')
    throw new InputError(file, 'is not a Parquet file (it does not start with PAR1)');
  // DuckDB expands globs in paths; refuse them rather than read other files.
  if (/[*?[\]{}]/.test(file))
    throw new InputError(file, 'has a glob character in its path; rename it to read it as Parquet');
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  try {
    return await fn(con, `read_parquet('${file.replace(/'/g, "''")}')`);
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}
