/**
 * Sidecar metadata for an embedding file: one row per vector, with a header.
 *
 *   emb.npy + emb.tsv | emb.csv | emb.jsonl | emb.meta.tsv | emb.meta.csv | emb.meta.jsonl
 *
 * TSV is read raw (no quoting, the TensorBoard projector's convention); CSV
 * follows RFC 4180 quoting; JSONL is one object per line. A one-column TSV
 * without a header is accepted the way the projector does (a plain label list)
 * only when the caller says so; by default the first line is the header.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ColumnInfo, ColumnKind } from '../../shared/protocol/common';
import { InputError } from '../util/errors';

export type Cell = string | number | null;

export interface MetaColumn {
  name: string;
  kind: ColumnKind;
  values: Cell[];
}

export interface MetadataTable {
  source: string;
  rows: number;
  columns: MetaColumn[];
}

const SIDECAR_SUFFIXES = ['.tsv', '.csv', '.jsonl', '.meta.tsv', '.meta.csv', '.meta.jsonl'];

/** The sidecar next to `file` with the same stem, if there is one. */
export function findSidecar(file: string): string | undefined {
  const dir = path.dirname(file);
  const stem = path.basename(file).replace(/\.(npy|parquet)$/i, '');
  for (const suf of SIDECAR_SUFFIXES) {
    const p = path.join(dir, stem + suf);
    if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
  }
  return undefined;
}

export function readMetadata(file: string): MetadataTable {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const ext = path.extname(file).toLowerCase();
  let header: string[];
  let rows: Cell[][];
  if (ext === '.jsonl' || ext === '.ndjson') [header, rows] = parseJsonl(file, text);
  else if (ext === '.csv') [header, rows] = parseDelimited(file, text, ',', true);
  else if (ext === '.tsv' || ext === '.txt') [header, rows] = parseDelimited(file, text, '\t', false);
  else throw new InputError(file, `unsupported metadata format '${ext}' (use .tsv, .csv or .jsonl)`);
  return { source: file, rows: rows.length, columns: buildColumns(header, rows) };
}

/** Splits lines, dropping one trailing empty line (files usually end with a newline). */
function lines(text: string): string[] {
  const ls = text.split(/\r?\n/);
  if (ls.length && ls[ls.length - 1] === '') ls.pop();
  return ls;
}

function parseDelimited(file: string, text: string, sep: string, quoted: boolean): [string[], Cell[][]] {
  const records = quoted
    ? parseCsvRecords(file, text)
    : lines(text).map((l, i) => ({ fields: l.split(sep), line: i + 1 }));
  if (records.length === 0) throw new InputError(file, 'is empty: a metadata file needs a header line');
  const header = records[0].fields.map((h, i) => h.trim() || `column${i + 1}`);
  const rows: Cell[][] = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r];
    // In a one-column file an empty line is a row with an empty value, not an error.
    if (rec.fields.length !== header.length) {
      throw new InputError(
        file,
        `line ${rec.line} has ${rec.fields.length} field${rec.fields.length === 1 ? '' : 's'}, the header has ${header.length}${quoted ? '' : ' (TSV values cannot contain tabs or newlines)'}`,
      );
    }
    rows.push(rec.fields);
  }
  return [header, rows];
}

interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts (quoted fields may span lines). */
  line: number;
}

/** RFC 4180: quoted fields may hold separators, doubled quotes and newlines. */
function parseCsvRecords(file: string, text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let rec: string[] = [];
  let field = '';
  let i = 0;
  let line = 1;
  let recLine = 1;
  let quoteLine = 0;
  let inQuotes = false;
  let any = false;
  while (i < text.length) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new InputError(
            file,
            `line ${line}: text after a closing quote (write a quote inside a quoted field as "")`,
          );
        }
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field.length === 0) {
      inQuotes = true;
      quoteLine = line;
      any = true;
      i++;
    } else if (c === ',') {
      rec.push(field);
      field = '';
      any = true;
      i++;
    } else if (c === '\n' || c === '\r') {
      rec.push(field);
      out.push({ fields: rec, line: recLine });
      rec = [];
      field = '';
      any = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recLine = line;
    } else {
      field += c;
      any = true;
      i++;
    }
  }
  if (inQuotes) throw new InputError(file, `line ${quoteLine}: a quoted field is never closed`);
  if (any || field.length > 0 || rec.length > 0) {
    rec.push(field);
    out.push({ fields: rec, line: recLine });
  }
  return out;
}

function parseJsonl(file: string, text: string): [string[], Cell[][]] {
  const header: string[] = [];
  const seen = new Map<string, number>();
  const objs: Record<string, unknown>[] = [];
  const ls = lines(text);
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i].trim();
    if (!l) throw new InputError(file, `line ${i + 1} is empty; every line must be a JSON object (one per vector)`);
    let o: unknown;
    try {
      o = JSON.parse(l);
    } catch {
      throw new InputError(file, `line ${i + 1} is not valid JSON`);
    }
    if (!o || typeof o !== 'object' || Array.isArray(o))
      throw new InputError(file, `line ${i + 1} is not a JSON object`);
    for (const key of Object.keys(o)) {
      if (!seen.has(key)) {
        seen.set(key, header.length);
        header.push(key);
      }
    }
    objs.push(o as Record<string, unknown>);
  }
  const rows = objs.map((o) =>
    header.map((h) => {
      const v = o[h];
      if (v === undefined || v === null) return null;
      if (typeof v === 'number' || typeof v === 'string') return v;
      if (typeof v === 'boolean') return String(v);
      return JSON.stringify(v);
    }),
  );
  return [header, rows];
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i;

/**
 * Decides each column's kind: numbers when every non-empty cell parses as one,
 * categories when few distinct values repeat, text otherwise.
 */
function buildColumns(header: string[], rows: Cell[][]): MetaColumn[] {
  return header.map((name, c) => {
    const raw = rows.map((r) => (c < r.length ? r[c] : null));
    const nonEmpty = raw.filter((v) => v !== null && v !== '');
    const numeric =
      nonEmpty.length > 0 && nonEmpty.every((v) => typeof v === 'number' || NUMBER_RE.test(String(v).trim()));
    if (numeric) {
      return {
        name,
        kind: 'number',
        values: raw.map((v) =>
          v === null || v === ''
            ? null
            : typeof v === 'number'
              ? v
              : Number(
                  String(v)
                    .trim()
                    .replace(/^([+-]?)inf(inity)?$/i, '$1Infinity'),
                ),
        ),
      };
    }
    const values = raw.map((v) => (v === null ? null : String(v)));
    return { name, kind: inferTextKind(values), values };
  });
}

export function inferTextKind(values: Cell[]): ColumnKind {
  const distinct = new Set(values.filter((v) => v !== null && v !== ''));
  const n = values.length;
  // Labels repeat: few distinct values relative to the rows, and a bounded palette.
  return distinct.size <= Math.max(2, Math.min(64, n / 4)) ? 'category' : 'text';
}

export function columnInfo(col: MetaColumn): ColumnInfo {
  if (col.kind !== 'category') return { name: col.name, kind: col.kind };
  const counts = new Map<string, number>();
  for (const v of col.values) if (v !== null) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  const categories = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
  return { name: col.name, kind: col.kind, categories: categories.slice(0, 256) };
}

/** The column best suited to label a row in hovers and lists: text first, then categories. */
export function pickLabelColumn(cols: MetaColumn[]): string | undefined {
  const prefer = ['text', 'word', 'caption', 'title', 'sentence', 'name', 'label', 'class'];
  for (const p of prefer) {
    const c = cols.find((x) => x.name.toLowerCase() === p);
    if (c) return c.name;
  }
  return (cols.find((c) => c.kind === 'text') ?? cols.find((c) => c.kind === 'category') ?? cols[0])?.name;
}
