/**
 * Map coordinates as CSV: one line per row with its row id, coordinates, the
 * row's neighbourhood preservation and its metadata, so the map can be rebuilt
 * or joined elsewhere. Written only to a file that does not exist yet unless the
 * caller passes `overwrite` (the host asks the user first); never to the
 * embedding file or its sidecar.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dataset } from '../../data/dataset';
import { InputError } from '../../util/errors';

export interface CoordsTable {
  dims: number;
  /** rows×dims, NaN for rows with no place on the map. */
  coords: Float32Array;
  preservation?: Float32Array;
}

const AXES = ['x', 'y', 'z'];

/** RFC 4180 quoting: only when needed, doubling inner quotes. */
function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return quote(v);
}

/** A float32 value in the fewest digits that read back as the same float32 (≤ 9 significant digits). */
function f32(v: number): string {
  if (!Number.isFinite(v)) return '';
  for (let p = 6; p < 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return String(s);
  }
  return String(Number(v.toPrecision(9)));
}

function quote(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function coordsCsv(ds: Dataset, t: CoordsTable): string {
  const n = ds.matrix.rows;
  const meta = ds.metadata?.columns ?? [];
  const header = [
    'row',
    ...AXES.slice(0, t.dims),
    ...(t.preservation ? ['preservation'] : []),
    ...meta.map((c) => c.name),
  ];
  const lines = [header.map(cell).join(',')];
  for (let i = 0; i < n; i++) {
    const parts: string[] = [String(i)];
    for (let j = 0; j < t.dims; j++) parts.push(f32(t.coords[i * t.dims + j]));
    if (t.preservation) parts.push(f32(t.preservation[i]));
    for (const c of meta) parts.push(cell(c.values[i]));
    lines.push(parts.join(','));
  }
  return lines.join('\n') + '\n';
}

/** Writes the CSV; refuses to replace an existing file (or the inputs) unless told to. */
export function writeCoordsCsv(ds: Dataset, t: CoordsTable, file: string, overwrite = false): string {
  const out = checkTarget(ds, file, overwrite);
  fs.writeFileSync(out, coordsCsv(ds, t), { flag: overwrite ? 'w' : 'wx' });
  return out;
}

/**
 * Writes the coordinates as CSV, or as Parquet when the file name ends in .parquet
 * (DuckDB converts the same CSV with explicit types for row, axes and preservation:
 * the values are the CSV's shortest round-trip float32 digits, so both formats hold
 * identical numbers).
 */
export async function writeCoords(ds: Dataset, t: CoordsTable, file: string, overwrite = false): Promise<string> {
  if (!/\.parquet$/i.test(file)) return writeCoordsCsv(ds, t, file, overwrite);
  const out = checkTarget(ds, file, overwrite);
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.csv`);
  const part = `${out}.${process.pid}.partial`;
  fs.writeFileSync(tmp, coordsCsv(ds, t), { flag: 'wx' });
  try {
    const types: Record<string, string> = { row: 'INTEGER' };
    for (const a of AXES.slice(0, t.dims)) types[a] = 'FLOAT';
    if (t.preservation) types.preservation = 'FLOAT';
    const sqlStr = (s: string) => `'${s.replace(/'/g, "''")}'`;
    const typeSql = `{${Object.entries(types)
      .map(([k, v]) => `${sqlStr(k)}: ${sqlStr(v)}`)
      .join(', ')}}`;
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      await con.run(
        `COPY (SELECT * FROM read_csv(${sqlStr(tmp)}, header = true, types = ${typeSql})) TO ${sqlStr(part)} (FORMAT parquet, COMPRESSION zstd)`,
      );
    } finally {
      con.closeSync();
    }
    // Renamed into place only when complete, so a failure never leaves a half-written file.
    if (fs.existsSync(out) && !overwrite) throw new InputError(out, 'already exists; pass --force to replace it');
    fs.renameSync(part, out);
  } finally {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(part, { force: true });
  }
  return out;
}

function checkTarget(ds: Dataset, file: string, overwrite: boolean): string {
  const out = path.resolve(file);
  const inputs = [ds.path, ds.metadata?.source].filter((x): x is string => !!x).map((p) => path.resolve(p));
  if (inputs.includes(out))
    throw new InputError(out, 'is an input of this map; choose another file for the coordinates');
  if (!fs.existsSync(path.dirname(out))) throw new InputError(out, `its folder ${path.dirname(out)} does not exist`);
  if (fs.existsSync(out) && !overwrite) throw new InputError(out, 'already exists; pass --force to replace it');
  return out;
}
