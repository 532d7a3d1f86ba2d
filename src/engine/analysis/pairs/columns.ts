/**
 * Reading the metadata columns the pairs analyses need: a two-valued group
 * column (modality), a pairing column, a class-label column, an id column.
 * Every problem is an InputError that names the metadata file and the column.
 */
import { Dataset, metadataColumn } from '../../data/dataset';
import { InputError } from '../../util/errors';

function key(v: string | number | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v);
  return s === '' ? null : s;
}

function source(ds: Dataset): string {
  return ds.metadata?.source ?? ds.path;
}

export interface TwoGroups {
  names: [string, string];
  /** Dataset rows of each group, ascending. */
  rows: [Int32Array, Int32Array];
  /** Rows whose group cell is empty or another value (not in either group). */
  ignored: number;
}

/**
 * Splits rows by `column`. With `values` the two groups are those values; without,
 * the column must hold exactly two distinct non-empty values (in order of first appearance).
 */
export function twoGroups(ds: Dataset, column: string, values?: [string, string]): TwoGroups {
  const col = metadataColumn(ds, column);
  const seen: string[] = [];
  for (const v of col.values) {
    const k = key(v);
    if (k !== null && !seen.includes(k)) {
      seen.push(k);
      if (seen.length > 64) break;
    }
  }
  let names: [string, string];
  if (values) {
    if (values[0] === values[1])
      throw new InputError(undefined, `the two groups must differ, got '${values[0]}' twice`);
    for (const v of values)
      if (!seen.includes(v))
        throw new InputError(
          source(ds),
          `column '${column}' has no value '${v}' (values: ${seen.slice(0, 10).join(', ')})`,
        );
    names = values;
  } else {
    if (seen.length !== 2) {
      throw new InputError(
        source(ds),
        `column '${column}' must split the rows into two groups but has ${seen.length > 64 ? 'more than 64' : seen.length} distinct values (${seen.slice(0, 10).join(', ')}${seen.length > 10 ? ', …' : ''}); name the two groups to compare`,
      );
    }
    names = [seen[0], seen[1]];
  }
  const a: number[] = [];
  const b: number[] = [];
  let ignored = 0;
  col.values.forEach((v, i) => {
    const k = key(v);
    if (k === names[0]) a.push(i);
    else if (k === names[1]) b.push(i);
    else ignored++;
  });
  for (const [g, rows] of [
    [names[0], a],
    [names[1], b],
  ] as const) {
    if (rows.length < 2)
      throw new InputError(
        source(ds),
        `group '${g}' of column '${column}' has ${rows.length} row(s); the gap needs at least 2 per group`,
      );
  }
  return { names, rows: [Int32Array.from(a), Int32Array.from(b)], ignored };
}

export interface Pairing {
  /** Matched dataset rows: a[i] in group A is paired with b[i] in group B. */
  a: Int32Array;
  b: Int32Array;
  /** Rows of either group with no partner in the other. */
  unpaired: number;
}

/** Matches the rows of the two groups by equal values of `column`; each value at most once per group. */
export function pairRows(ds: Dataset, column: string, groups: TwoGroups): Pairing {
  const col = metadataColumn(ds, column);
  const index = (rows: Int32Array, g: string) => {
    const m = new Map<string, number>();
    for (const r of rows) {
      const k = key(col.values[r]);
      if (k === null) continue;
      if (m.has(k))
        throw new InputError(
          source(ds),
          `pair id '${k}' of column '${column}' appears more than once in group '${g}' (rows ${m.get(k)} and ${r}); each pair id must link one row of each group`,
        );
      m.set(k, r);
    }
    return m;
  };
  const ma = index(groups.rows[0], groups.names[0]);
  const mb = index(groups.rows[1], groups.names[1]);
  const a: number[] = [];
  const b: number[] = [];
  for (const [k, r] of ma) {
    const s = mb.get(k);
    if (s !== undefined) {
      a.push(r);
      b.push(s);
    }
  }
  if (a.length < 2)
    throw new InputError(
      source(ds),
      `column '${column}' links only ${a.length} pair(s) between groups '${groups.names[0]}' and '${groups.names[1]}'; matched retrieval needs at least 2`,
    );
  return {
    a: Int32Array.from(a),
    b: Int32Array.from(b),
    unpaired: groups.rows[0].length + groups.rows[1].length - 2 * a.length,
  };
}

export interface Labels {
  /** Class names, in class-index order. */
  classes: string[];
  /** Class index of every row, −1 for rows without a label. */
  codes: Int32Array;
  /** True when the labels are the integers 0..C−1 themselves (so they index classifier rows). */
  integerCodes: boolean;
}

/**
 * Class labels from `column`. Integer labels keep their value as the class index
 * (so row c of a classifier's weights is class c); other labels are indexed in
 * sorted order.
 */
export function labelCodes(ds: Dataset, column: string): Labels {
  const col = metadataColumn(ds, column);
  const n = ds.matrix.rows;
  const keys = Array.from({ length: n }, (_, i) => key(col.values[i]));
  const distinct = [...new Set(keys.filter((k): k is string => k !== null))];
  if (distinct.length > 100_000)
    throw new InputError(
      source(ds),
      `column '${column}' has ${distinct.length} distinct values; that is not a class-label column`,
    );
  const ints = distinct.every((k) => /^\d+$/.test(k)) && distinct.length > 0;
  let classes: string[];
  if (ints) {
    const max = Math.max(...distinct.map(Number));
    classes = Array.from({ length: max + 1 }, (_, c) => String(c));
  } else {
    classes = distinct.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const codes = Int32Array.from(keys, (k) => (k === null ? -1 : (index.get(ints ? String(Number(k)) : k) ?? -1)));
  return { classes, codes, integerCodes: ints };
}

/** Names of id-like columns that both files have; used to check that their rows are the same items. */
const ID_COLUMNS = ['id', 'uid', 'key', 'item_id', 'row_id', 'word', 'path', 'filename'];

/**
 * Checks that two datasets hold the same items in the same order: equal row
 * counts and, for the given id column (or the first id-like column both have),
 * equal values row by row. Returns the column checked, if any.
 */
export function checkAligned(a: Dataset, b: Dataset, idColumn?: string): string | undefined {
  if (a.matrix.rows !== b.matrix.rows) {
    throw new InputError(
      b.path,
      `has ${b.matrix.rows} rows but ${shortName(a)} has ${a.matrix.rows}; comparing two models needs the same items in the same order (row counts differ)`,
    );
  }
  let name = idColumn;
  if (!name) {
    const inA = new Set((a.metadata?.columns ?? []).map((c) => c.name));
    name = ID_COLUMNS.find((c) => inA.has(c) && (b.metadata?.columns ?? []).some((x) => x.name === c));
  }
  if (!name) return undefined;
  const ca = metadataColumn(a, name);
  const cb = metadataColumn(b, name);
  for (let i = 0; i < a.matrix.rows; i++) {
    const x = key(ca.values[i]);
    const y = key(cb.values[i]);
    if (x !== y) {
      throw new InputError(
        b.path,
        `row ${i} has ${name} '${y ?? '(empty)'}' but row ${i} of ${shortName(a)} has '${x ?? '(empty)'}'; the files are not row-aligned (id column '${name}' disagrees)`,
      );
    }
  }
  return name;
}

function shortName(ds: Dataset): string {
  return ds.path.split(/[\\/]/).pop() ?? ds.path;
}
