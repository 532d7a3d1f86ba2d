/** DuckDB column types as the Parquet reader sees them, and SQL quoting. */
import type { DuckDBType } from '@duckdb/node-api';

export interface ParquetColumn {
  name: string;
  type: DuckDBType;
}

// Type ids from DuckDBTypeId, spelled out so this module loads without the native binding.
const T = {
  BOOLEAN: 1,
  TINYINT: 2,
  SMALLINT: 3,
  INTEGER: 4,
  BIGINT: 5,
  UTINYINT: 6,
  USMALLINT: 7,
  UINTEGER: 8,
  UBIGINT: 9,
  FLOAT: 10,
  DOUBLE: 11,
  DECIMAL: 19,
  HUGEINT: 16,
  UHUGEINT: 32,
  LIST: 24,
  ARRAY: 33,
} as const;

/** The numeric id (DuckDBTypeId is an enum of the native module, which this file does not load). */
const idOf = (t: DuckDBType): number => t.typeId;

export function isFloatType(t: DuckDBType): boolean {
  return idOf(t) === T.FLOAT || idOf(t) === T.DOUBLE;
}

export function isNumericType(t: DuckDBType): boolean {
  const numeric: number[] = [
    T.TINYINT,
    T.SMALLINT,
    T.INTEGER,
    T.BIGINT,
    T.UTINYINT,
    T.USMALLINT,
    T.UINTEGER,
    T.UBIGINT,
    T.FLOAT,
    T.DOUBLE,
    T.DECIMAL,
    T.HUGEINT,
    T.UHUGEINT,
  ];
  return numeric.includes(idOf(t));
}

/** FLOAT or DOUBLE element type of a list/array column, else undefined. */
export function listValueType(t: DuckDBType): 'float' | 'double' | undefined {
  if (idOf(t) !== T.LIST && idOf(t) !== T.ARRAY) return undefined;
  const v = (t as { valueType: DuckDBType }).valueType;
  return idOf(v) === T.FLOAT ? 'float' : idOf(v) === T.DOUBLE ? 'double' : undefined;
}

/** A SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A quoted SQL identifier (column names may hold spaces, quotes, dots). */
export function sqlIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}
