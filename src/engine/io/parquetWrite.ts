/**
 * Writing a table as Parquet: DuckDB converts CSV text (kept in a scratch file beside
 * the target) with the given column types into the target, through writeFile.ts, so
 * the Parquet file appears only when complete.
 */
import * as path from 'node:path';
import { sqlString } from './parquetTypes';
import { withScratchFile, writeFileAtomicWith, WriteOptions } from './writeFile';

/**
 * Writes `csv` (with a header line) as the Parquet file `file`, zstd-compressed.
 * `types` gives DuckDB types for the columns that must not be sniffed (e.g. `{ x: 'FLOAT' }`);
 * the rest are inferred. Returns the resolved path.
 */
export function writeCsvAsParquet(
  file: string,
  csv: string,
  types: Record<string, string>,
  opts: WriteOptions = {},
): Promise<string> {
  const typeSql = `{${Object.entries(types)
    .map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`)
    .join(', ')}}`;
  return writeFileAtomicWith(
    file,
    (tmp) =>
      withScratchFile(path.resolve(file), '.csv', csv, async (scratch) => {
        const { DuckDBInstance } = await import('@duckdb/node-api');
        const db = await DuckDBInstance.create(':memory:');
        const con = await db.connect();
        try {
          await con.run(
            `COPY (SELECT * FROM read_csv(${sqlString(scratch)}, header = true, types = ${typeSql})) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
          );
        } finally {
          con.closeSync();
          db.closeSync();
        }
      }),
    opts,
  );
}
