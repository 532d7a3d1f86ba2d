/**
 * Writes Parquet test files with DuckDB itself (Debian has no pyarrow): a temp
 * table is filled through DuckDB's appender, then `COPY ... TO 'x.parquet'`.
 */
import { DuckDBConnection, DuckDBInstance, ARRAY, DOUBLE, FLOAT, LIST } from '@duckdb/node-api';

export type PqType =
  | 'INTEGER'
  | 'VARCHAR'
  | 'BOOLEAN'
  | 'FLOAT'
  | 'DOUBLE'
  | 'FLOAT[]'
  | 'DOUBLE[]'
  | `FLOAT[${number}]`
  | `DOUBLE[${number}]`;

export interface PqColumn {
  name: string;
  type: PqType;
  /** One value per row; null writes NULL (also inside a list). */
  values: unknown[];
}

let con: Promise<DuckDBConnection> | undefined;
let seq = 0;

function connection(): Promise<DuckDBConnection> {
  con ??= DuckDBInstance.create(':memory:').then((i) => i.connect());
  return con;
}

/** `options` goes inside COPY's parentheses, e.g. "COMPRESSION zstd, ROW_GROUP_SIZE 1000". */
export async function writeParquet(file: string, columns: PqColumn[], options = ''): Promise<void> {
  const c = await connection();
  const table = `t${seq++}`;
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  await c.run(`CREATE TEMP TABLE ${table} (${columns.map((col) => `${q(col.name)} ${col.type}`).join(', ')})`);
  const rows = columns[0]?.values.length ?? 0;
  const app = await c.createAppender(table);
  for (let r = 0; r < rows; r++) {
    for (const col of columns) append(app, col.type, col.values[r]);
    app.endRow();
  }
  app.closeSync();
  await c.run(`COPY ${table} TO '${file.replace(/'/g, "''")}' (FORMAT parquet${options ? ', ' + options : ''})`);
  await c.run(`DROP TABLE ${table}`);
}

type Appender = Awaited<ReturnType<DuckDBConnection['createAppender']>>;

function append(app: Appender, type: PqType, v: unknown): void {
  if (v === null || v === undefined) return app.appendNull();
  const elem = type.startsWith('FLOAT') ? FLOAT : DOUBLE;
  const fixed = /\[(\d+)\]$/.exec(type);
  if (type.endsWith('[]')) return app.appendList(v as number[], LIST(elem));
  if (fixed) return app.appendArray(v as number[], ARRAY(elem, Number(fixed[1])));
  switch (type) {
    case 'INTEGER':
      return app.appendInteger(v as number);
    case 'VARCHAR':
      return app.appendVarchar(v as string);
    case 'BOOLEAN':
      return app.appendBoolean(v as boolean);
    case 'FLOAT':
      return app.appendFloat(v as number);
    case 'DOUBLE':
      return app.appendDouble(v as number);
    case 'FLOAT[]':
    case 'DOUBLE[]':
      throw new Error('unreachable: lists are appended above');
  }
}

/** Row i of a row-major array as a plain list. */
export function rowList(data: ArrayLike<number>, cols: number, i: number): number[] {
  return Array.from({ length: cols }, (_, j) => data[i * cols + j]);
}
