/**
 * The non-embedding columns of a Parquet file as a metadata table, typed by the
 * file's own schema: numeric columns are numbers, everything else is shown as
 * text or, when few distinct values repeat, as categories (`inferTextKind`).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../util/errors';
import { Cell, inferTextKind, MetaColumn, MetadataTable } from './metadata';
import { isNumericType, ParquetColumn, sqlIdent } from './parquetTypes';

export async function readParquetMetadata(
  con: DuckDBConnection,
  file: string,
  from: string,
  columns: ParquetColumn[],
  rows: number,
): Promise<MetadataTable> {
  let values: unknown[][];
  try {
    const r = await con.run(`SELECT ${columns.map((c) => sqlIdent(c.name)).join(', ')} FROM ${from}`);
    values = await r.getColumnsJS();
  } catch (e) {
    throw new InputError(
      file,
      `cannot read its metadata columns (${String((e as Error)?.message ?? e).split('\n')[0]})`,
    );
  }
  const out: MetaColumn[] = columns.map((c, j) => toMetaColumn(c, values[j] ?? []));
  for (const c of out) {
    if (c.values.length !== rows)
      throw new InputError(file, `column '${c.name}' has ${c.values.length} rows, the embeddings ${rows}`);
  }
  return { source: file, rows, columns: out };
}

function toMetaColumn(c: ParquetColumn, raw: unknown[]): MetaColumn {
  if (isNumericType(c.type)) {
    return { name: c.name, kind: 'number', values: raw.map((v) => (v === null || v === undefined ? null : Number(v))) };
  }
  const values: Cell[] = raw.map(toText);
  return { name: c.name, kind: inferTextKind(values), values };
}

/** Any other DuckDB value (string, boolean, date, list, struct, blob) as display text. */
function toText(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
}
