/**
 * The texts of a file to embed, one item per row:
 *   .txt                 one item per line
 *   .jsonl / .csv / .tsv  the --text-column (default: a column named "text", or the only text column)
 *   .parquet             a string column, read with DuckDB
 * Blank items are skipped and reported; `sourceRows` keeps where each item came from
 * (1-based line for .txt, 0-based record otherwise) so the sidecar can point back.
 */
import * as path from 'path';
import { requireExists, requireFile } from '../io/files';
import { readMetadata } from '../io/metadata';
import { describeParquetColumns, readParquetStrings, readUtf8Text } from '../io/textFiles';
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
  requireFile(abs);
  const ext = path.extname(abs).toLowerCase();
  let items: TextItems;
  if (ext === '.txt' || ext === '') {
    if (column)
      throw new InputError(
        abs,
        '--text-column applies to .jsonl, .csv, .tsv and .parquet files; a .txt file has one item per line',
      );
    items = readLines(abs);
  } else if (['.jsonl', '.ndjson', '.csv', '.tsv'].includes(ext)) items = readTable(abs, column);
  else if (ext === '.parquet' || ext === '.pq') items = await readParquetText(abs, column);
  else throw new InputError(abs, `unsupported text file type '${ext}' (use .txt, .jsonl, .csv, .tsv or .parquet)`);
  if (items.texts.length === 0)
    throw new InputError(abs, `has no non-empty text${items.column ? ` in column '${items.column}'` : ''}`);
  return items;
}

/** The columns a text file offers (none for .txt) and the one used by default, if unambiguous. */
export async function listTextColumns(file: string): Promise<{ columns: string[]; suggested?: string }> {
  const abs = path.resolve(file);
  const ext = path.extname(abs).toLowerCase();
  if (ext === '.txt' || ext === '') return { columns: [] };
  let names: string[];
  let textLike: string[];
  if (ext === '.parquet' || ext === '.pq') {
    const desc = await describeParquetColumns(abs);
    names = desc.map((d) => d.column_name);
    textLike = desc.filter((d) => d.column_type === 'VARCHAR').map((d) => d.column_name);
  } else {
    requireExists(abs);
    const table = readMetadata(abs);
    names = table.columns.map((c) => c.name);
    textLike = table.columns.filter((c) => c.kind !== 'number').map((c) => c.name);
  }
  let suggested: string | undefined;
  try {
    suggested = chooseColumn(abs, names, textLike);
  } catch {
    suggested = undefined;
  }
  return { columns: names, suggested };
}

function readLines(file: string): TextItems {
  const text = readUtf8Text(file);
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
  throw new InputError(
    file,
    `has ${textLike.length ? 'several text columns' : 'no text column'} (columns: ${names.join(', ')}); choose one with --text-column`,
  );
}

function collect(file: string, column: string, values: ArrayLike<string | number | null | undefined>): TextItems {
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
  const desc = await describeParquetColumns(file);
  const names = desc.map((d) => d.column_name);
  const textLike = desc.filter((d) => d.column_type === 'VARCHAR').map((d) => d.column_name);
  const column = chooseColumn(file, names, textLike, asked);
  return collect(file, column, await readParquetStrings(file, column));
}
