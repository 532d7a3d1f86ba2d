/**
 * Map coordinates as CSV: one line per row with its row id, coordinates, the
 * row's neighbourhood preservation and its metadata, so the map can be rebuilt
 * or joined elsewhere. Written only to a file that does not exist yet unless the
 * caller passes `overwrite` (the host asks the user first); never to the
 * embedding file or its sidecar.
 */
import type { Dataset } from '../../data/dataset';
import { writeCsvAsParquet } from '../../io/parquetWrite';
import { checkWritable, writeFileAtomic, WriteOptions } from '../../io/writeFile';

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

function coordsCsv(ds: Dataset, t: CoordsTable): string {
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

/** Where the coordinates may go: never over the embedding file or its sidecar; over an existing file only when told. */
function targetOptions(ds: Dataset, overwrite: boolean): WriteOptions {
  return {
    force: overwrite,
    inputs: [ds.path, ds.metadata?.source],
    inputProblem: 'is an input of this map; choose another file for the coordinates',
  };
}

/**
 * Writes the coordinates as CSV, or as Parquet when the file name ends in .parquet
 * (DuckDB converts the same CSV with explicit types for row, axes and preservation:
 * the values are the CSV's shortest round-trip float32 digits, so both formats hold
 * identical numbers). Refuses to replace an existing file (or the inputs) unless told to.
 */
export async function writeCoords(ds: Dataset, t: CoordsTable, file: string, overwrite = false): Promise<string> {
  const opts = targetOptions(ds, overwrite);
  // Checked before the CSV is built: a refusal should not wait for a large table.
  checkWritable(file, opts);
  const csv = coordsCsv(ds, t);
  if (!/\.parquet$/i.test(file)) return writeFileAtomic(file, csv, opts);
  const types: Record<string, string> = { row: 'INTEGER' };
  for (const a of AXES.slice(0, t.dims)) types[a] = 'FLOAT';
  if (t.preservation) types.preservation = 'FLOAT';
  return writeCsvAsParquet(file, csv, types, opts);
}
