/**
 * Copies DuckDB result vectors into one row-major Float32Array without making a
 * JS array per row: a list column's values sit in one flat child vector whose
 * typed array (`items`) is a view of DuckDB's memory, so each row is one
 * `Float32Array.set` of a subarray.
 *
 * The typed arrays and validity masks are private fields of @duckdb/node-api's
 * vector classes (version pinned in package.json). They are reached in one place
 * (`rawItems`, `validityWords`) and every caller falls back to the public
 * `getItem` when they are missing, so an API change makes reading slower, not wrong.
 */
import type { DuckDBVector } from '@duckdb/node-api';
import { Matrix } from '../core/matrix';
import { InputError } from '../util/errors';
import type { ParquetColumn } from './parquetTypes';

export interface ChunkReader {
  onChunk: (vectors: DuckDBVector[], rowCount: number) => void;
  finish(): { matrix: Matrix; dtype: string; warnings: string[] };
}

type Items =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** The vector's value buffer as a typed array, when the API exposes one. */
function rawItems(v: DuckDBVector): Items | undefined {
  const items = (v as unknown as { items?: unknown }).items;
  return ArrayBuffer.isView(items) && !(items instanceof DataView) ? (items as Items) : undefined;
}

/**
 * The validity mask as 32-bit words (bit set = valid), `null` when every item is
 * valid, or `undefined` when the API does not expose it.
 */
function validityWords(v: DuckDBVector): Uint32Array | null | undefined {
  const validity = (v as unknown as { validity?: { data?: BigUint64Array | null; offset?: number } }).validity;
  if (!validity || validity.data === undefined || validity.offset === undefined) return undefined;
  if (validity.data === null) return null;
  if (validity.offset !== 0) return undefined;
  return new Uint32Array(validity.data.buffer, validity.data.byteOffset, validity.data.length * 2);
}

function validBit(words: Uint32Array, i: number): boolean {
  return (words[i >>> 5] & (1 << (i & 31))) !== 0;
}

/** Row accessors for a LIST or ARRAY vector of FLOAT/DOUBLE. */
interface ListView {
  valid(i: number): boolean;
  offset(i: number): number;
  length(i: number): number;
  child: DuckDBVector;
  /** The child's values; undefined → use child.getItem. */
  items?: Float32Array | Float64Array;
  /** The child's validity words (null: all valid; undefined: unknown, check each value). */
  childValid: Uint32Array | null | undefined;
}

function listView(v: DuckDBVector): ListView {
  const anyV = v as unknown as {
    getEntryOffset?: (i: number) => number;
    getEntryLength?: (i: number) => number;
    childVector?: DuckDBVector;
    childData?: DuckDBVector;
    arrayType?: { length: number };
  };
  const words = validityWords(v);
  const valid =
    words === null ? () => true : words ? (i: number) => validBit(words, i) : (i: number) => v.getItem(i) !== null;
  let child: DuckDBVector;
  let offset: (i: number) => number;
  let length: (i: number) => number;
  if (anyV.getEntryOffset && anyV.getEntryLength && anyV.childVector) {
    child = anyV.childVector;
    offset = anyV.getEntryOffset.bind(v);
    length = anyV.getEntryLength.bind(v);
  } else if (anyV.arrayType && anyV.childData) {
    const size = anyV.arrayType.length;
    child = anyV.childData;
    offset = (i) => i * size;
    length = () => size;
  } else {
    throw new Error(`unexpected DuckDB vector for a list column: ${v.constructor.name}`);
  }
  const items = rawItems(child);
  return {
    valid,
    offset,
    length,
    child,
    items: items instanceof Float32Array || items instanceof Float64Array ? items : undefined,
    childValid: validityWords(child),
  };
}

/**
 * Reads one list<float|double> column of `rows` rows. NULL rows and NULL values
 * become NaN (counted in a warning); a row whose length differs from the first
 * non-NULL row's is an error naming both lengths.
 */
export function embeddingColumnReader(
  file: string,
  column: string,
  valueType: 'float' | 'double',
  rows: number,
): ChunkReader {
  let d = -1;
  let out: Float32Array | undefined;
  let row = 0;
  let nullRows = 0;
  let nullValues = 0;

  function allocate(len: number, r: number): Float32Array {
    if (len === 0)
      throw new InputError(
        file,
        `row ${r} of column '${column}' is an empty list: an embedding needs at least one value`,
      );
    if (rows * len > 2 ** 32 - 1)
      throw new InputError(file, `is too large for one float32 buffer (${rows} × ${len} values)`);
    d = len;
    const buf = new Float32Array(rows * len);
    // Rows before the first non-NULL one were NULL.
    buf.fill(NaN, 0, r * len);
    return buf;
  }

  return {
    onChunk(vectors, n) {
      const lv = listView(vectors[0]);
      for (let i = 0; i < n; i++) {
        const r = row + i;
        if (r >= rows) throw new InputError(file, `has more rows than its footer says (${rows})`);
        if (!lv.valid(i)) {
          nullRows++;
          if (out) out.fill(NaN, r * d, r * d + d);
          continue;
        }
        const len = lv.length(i);
        if (!out) out = allocate(len, r);
        else if (len !== d) {
          throw new InputError(
            file,
            `column '${column}' is ragged: row ${r} has ${len} values, earlier rows have ${d}; every embedding must have the same length`,
          );
        }
        nullValues += copyRow(lv, lv.offset(i), d, out, r * d);
      }
      row += n;
    },
    finish() {
      if (row !== rows) throw new InputError(file, `holds ${row} rows but its footer says ${rows}`);
      if (!out) throw new InputError(file, `column '${column}' is NULL in every row: there are no embeddings to read`);
      const warnings: string[] = [];
      if (nullRows)
        warnings.push(
          `${nullRows} row${nullRows === 1 ? '' : 's'} of column '${column}' ${nullRows === 1 ? 'is' : 'are'} NULL; read as NaN rows`,
        );
      if (nullValues)
        warnings.push(
          `${nullValues} value${nullValues === 1 ? '' : 's'} inside column '${column}' ${nullValues === 1 ? 'is' : 'are'} NULL; read as NaN`,
        );
      return { matrix: { rows, cols: d, data: out }, dtype: `list<${valueType}>`, warnings };
    },
  };
}

/** Copies one list entry into `out[o .. o+d)`; returns how many of its values were NULL (set to NaN). */
function copyRow(lv: ListView, off: number, d: number, out: Float32Array, o: number): number {
  if (lv.items instanceof Float32Array) out.set(lv.items.subarray(off, off + d), o);
  else if (lv.items) for (let j = 0; j < d; j++) out[o + j] = lv.items[off + j];
  else for (let j = 0; j < d; j++) out[o + j] = toNumber(lv.child.getItem(off + j));
  if (lv.childValid === null) return 0;
  let nulls = 0;
  for (let j = 0; j < d; j++) {
    const isValid = lv.childValid ? validBit(lv.childValid, off + j) : lv.child.getItem(off + j) !== null;
    if (!isValid) {
      out[o + j] = NaN;
      nulls++;
    }
  }
  return nulls;
}

/** Reads numeric scalar columns as the dimensions of each row; NULL cells become NaN. */
export function numericBlockReader(file: string, columns: ParquetColumn[], rows: number): ChunkReader {
  const d = columns.length;
  if (rows * d > 2 ** 32 - 1) throw new InputError(file, `is too large for one float32 buffer (${rows} × ${d} values)`);
  const out = new Float32Array(rows * d);
  let row = 0;
  let nullValues = 0;
  return {
    onChunk(vectors, n) {
      if (row + n > rows) throw new InputError(file, `has more rows than its footer says (${rows})`);
      for (let j = 0; j < d; j++) {
        const v = vectors[j];
        const items = rawItems(v);
        const words = validityWords(v);
        for (let i = 0; i < n; i++) {
          const valid = words === null ? true : words ? validBit(words, i) : v.getItem(i) !== null;
          let x = NaN;
          if (!valid) nullValues++;
          else x = items ? Number(items[i]) : toNumber(v.getItem(i));
          out[(row + i) * d + j] = x;
        }
      }
      row += n;
    },
    finish() {
      if (row !== rows) throw new InputError(file, `holds ${row} rows but its footer says ${rows}`);
      const warnings = nullValues
        ? [
            `${nullValues} NULL value${nullValues === 1 ? '' : 's'} in columns ${columns.map((c) => c.name).join(', ')} read as NaN`,
          ]
        : [];
      const types = new Set(columns.map((c) => c.type.toString().toLowerCase()));
      return {
        matrix: { rows, cols: d, data: out },
        dtype: types.size === 1 ? [...types][0] : [...types].join('+'),
        warnings,
      };
    },
  };
}

/** A DuckDB scalar (number, bigint, DECIMAL value, NULL) as a JS number. */
function toNumber(v: unknown): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const dec = v as { toDouble?: () => number };
  if (typeof dec.toDouble === 'function') return dec.toDouble();
  return Number(v);
}
