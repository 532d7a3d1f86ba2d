/**
 * What the map panel asks about a set of rows: the selection's label mix, the
 * rows nearest its centroid outside it (cosine: the mean of the unit rows,
 * i.e. the direction the selection shares; euclidean: the mean row), and rows
 * whose metadata text contains a search string.
 */
import type { MapSearchResult, MapSelectionResult } from '../../../shared/protocol/map';
import { Dataset, metadataColumn } from '../../data/dataset';
import { pickLabelColumn } from '../../io/metadata';
import { preparedCorpus } from '../overview';
import { Cancellation, InputError, throwIfCancelled } from '../../util/errors';
import { TopK } from './topk';

const MAX_MIX = 12;

export interface SelectionOptions {
  k: number;
  metric: 'cosine' | 'euclidean';
  column?: string;
  token?: Cancellation;
}

export function selectionSummary(ds: Dataset, rows: number[], o: SelectionOptions): MapSelectionResult {
  const n = ds.matrix.rows;
  const d = ds.matrix.cols;
  for (const r of rows)
    if (!Number.isInteger(r) || r < 0 || r >= n)
      throw new InputError(ds.path, `row ${r} is out of range (the file has rows 0–${n - 1})`);
  if (!Number.isInteger(o.k) || o.k < 0)
    throw new InputError(undefined, `k must be a non-negative integer, got ${o.k}`);
  const sel = new Uint8Array(n);
  for (const r of rows) sel[r] = 1;
  const count = sel.reduce((a, b) => a + b, 0);

  // Label mix: of the column asked for, else the first categorical column (a mix of unique texts says nothing).
  const mixName = o.column ?? ds.metadata?.columns.find((c) => c.kind === 'category')?.name;
  const mix: { value: string; count: number }[] = [];
  if (mixName) {
    const col = metadataColumn(ds, mixName);
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      if (!sel[i]) continue;
      const v = col.values[i];
      const key = v === null || v === '' ? '(missing)' : String(v);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    for (const [value, c] of sorted.slice(0, MAX_MIX)) mix.push({ value, count: c });
    const rest = sorted.slice(MAX_MIX).reduce((a, [, c]) => a + c, 0);
    if (rest) mix.push({ value: 'other', count: rest });
  }

  // Centroid neighbours, float64, over the rows that can be neighbours.
  const corpus = preparedCorpus(ds, o.metric);
  const X = corpus.gemm.data;
  const c = new Float64Array(d);
  let used = 0;
  for (let i = 0; i < n; i++) {
    if (!sel[i] || !corpus.valid[i]) continue;
    for (let j = 0; j < d; j++) c[j] += X[i * d + j];
    used++;
  }
  const neighbors: MapSelectionResult['neighbors'] = [];
  if (used && o.k > 0) {
    for (let j = 0; j < d; j++) c[j] /= used;
    let cn = 0;
    for (let j = 0; j < d; j++) cn += c[j] * c[j];
    cn = Math.sqrt(cn);
    const top = new TopK(o.k);
    for (let i = 0; i < n; i++) {
      if (sel[i] || !corpus.valid[i]) continue;
      if ((i & 0xffff) === 0) throwIfCancelled(o.token);
      let s = 0;
      if (o.metric === 'cosine') {
        for (let j = 0; j < d; j++) s += X[i * d + j] * c[j];
        top.push(cn > 0 ? -s / cn : 0, i); // key: −cos(row, centroid)
      } else {
        for (let j = 0; j < d; j++) s += (X[i * d + j] - c[j]) ** 2;
        top.push(Math.sqrt(s), i);
      }
    }
    const labelName = pickLabelColumn(ds.metadata?.columns ?? []);
    const labels = labelName ? metadataColumn(ds, labelName).values : undefined;
    for (let t = 0; t < top.size; t++) {
      const r = top.idx[t];
      const v = labels?.[r];
      neighbors.push({
        row: r,
        score: o.metric === 'cosine' ? -top.dist[t] : top.dist[t],
        label: v === null || v === undefined ? undefined : String(v),
      });
    }
  }
  return { count, metric: o.metric, column: mixName, mix, neighbors };
}

/** Rows whose metadata (one column, or every text/category column) contains `text`, case-insensitively. */
export function searchRows(ds: Dataset, text: string, column?: string, limit = 10000): MapSearchResult {
  const needle = text.trim().toLowerCase();
  if (!needle) return { rows: new Int32Array(0), total: 0 };
  const cols = column ? [metadataColumn(ds, column)] : (ds.metadata?.columns ?? []).filter((c) => c.kind !== 'number');
  const n = ds.matrix.rows;
  const rows: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (cols.some((c) => c.values[i] !== null && String(c.values[i]).toLowerCase().includes(needle))) {
      total++;
      if (rows.length < limit) rows.push(i);
    }
  }
  return { rows: Int32Array.from(rows), total };
}
