/**
 * The texts of a file to embed, one item per row:
 *   .txt                 one item per line
 *   .jsonl / .csv / .tsv  the --text-column (default: a column named "text", or the only text column)
 *   .parquet             a string column, read with DuckDB
 * Blank items are skipped and reported; `sourceRows` keeps where each item came from
 * (1-based line for .txt, 0-based record otherwise) so the sidecar can point back.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readMetadata } from '../io/metadata';
import { InputError } from '../util/errors';

export interface TextItems {
  file: string;
  column?: string;
  texts: string[];
  sourceRows: number[];
  /** Blank items left out. */
  skipped: number;
}

export async function readTextItems(file: string, column?: string): Promise<TextItems> {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new InputError(abs, 'does not exist');
  if (!fs.statSync(abs).isFile()) throw new InputError(abs, 'is not a file');
  const ext = path.extname(abs).toLowerCase();
  let items: TextItems;
  if (ext === '.txt' || ext === '') {
    if (column) throw new InputError(abs, '--text-column applies to .jsonl, .csv, .tsv and .parquet files; a .txt file has one item per line');
    items = readLines(abs);
  } else if (['.jsonl', '.ndjson', '.csv', '.tsv'].includes(ext)) items = readTable(abs, column);
  else if (ext === '.parquet' || ext === '.pq') items = await readParquetText(abs, column);
  else throw new InputError(abs, `unsupported text file type '${ext}' (use .txt, .jsonl, .csv, .tsv or .parquet)`);
  if (items.texts.length === 0) throw new InputError(abs, `has no non-empty text${items.column ? ` in column '${items.column}'` : ''}`);
  return items;
}

function readLines(file: string): TextItems {
  let text = fs.readFileSync(file, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\u0000')) throw new InputError(file, 'looks binary (it contains NUL bytes); expected UTF-8 text, one item per line');
  const texts: string[] = [];
  const sourceRows: number[] = [];
  let skipped = 0;
  text.split(/\r?\n/).forEach((line, i, all) => {
    if (line.trim() === '') {
      if (i < all.length - 1) skipped++;
      return;
    }
    texts.push(line);
    sourceRows.push(i + 1);
  });
  return { file, texts, sourceRows, skipped };
}

/** The column to embed: the one asked for, else "text", else the only text-like column. */
function chooseColumn(file: string, names: string[], textLike: string[], asked?: string): string {
  if (asked) {
    if (!names.includes(asked)) throw new InputError(file, `has no column '${asked}' (columns: ${names.join(', ')})`);
    return asked;
  }
  const byName = names.find((n) => n.toLowerCase() === 'text');
  if (byName) return byName;
  if (textLike.length === 1) return textLike[0];
  throw new InputError(file, `has ${textLike.length ? 'several text columns' : 'no text column'} (columns: ${names.join(', ')}); choose one with --text-column`);
}

function collect(file: string, column: string, values: ArrayLike<unknown>): TextItems {
  const texts: string[] = [];
  const sourceRows: number[] = [];
  let skipped = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const s = v === null || v === undefined ? '' : String(v);
    if (s.trim() === '') {
      skipped++;
      continue;
    }
    texts.push(s);
    sourceRows.push(i);
  }
  return { file, column, texts, sourceRows, skipped };
}

function readTable(file: string, asked?: string): TextItems {
  const table = readMetadata(file);
  const names = table.columns.map((c) => c.name);
  // Short texts repeat and read as categories; only numbers are surely not text.
  const textLike = table.columns.filter((c) => c.kind !== 'number').map((c) => c.name);
  const column = chooseColumn(file, names, textLike, asked);
  return collect(file, column, table.columns.find((c) => c.name === column)!.values);
}

async function readParquetText(file: string, asked?: string): Promise<TextItems> {
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 4, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.toString('latin1') !== 'PAR1') throw new InputError(file, 'is not a Parquet file (it does not start with PAR1)');
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  try {
    // DuckDB expands globs in paths; a literal string parameter cannot be one, but a file name with * could.
    if (/[*?[\]{}]/.test(file)) throw new InputError(file, 'has a glob character in its path; rename it to read it as Parquet');
    const from = `read_parquet('${file.replace(/'/g, "''")}')`;
    let desc;
    try {
      desc = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)).getRowObjectsJS() as { column_name: string; column_type: string }[];
    } catch (e) {
      throw new InputError(file, `cannot be read as Parquet (${String((e as Error).message).split('\n')[0]})`);
    }
    const names = desc.map((d) => d.column_name);
    const textLike = desc.filter((d) => d.column_type === 'VARCHAR').map((d) => d.column_name);
    const column = chooseColumn(file, names, textLike, asked);
    const rows = (await con.runAndReadAll(`SELECT CAST("${column.replace(/"/g, '""')}" AS VARCHAR) AS t FROM ${from}`)).getRows();
    return collect(
      file,
      column,
      rows.map((r) => r[0]),
    );
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}
