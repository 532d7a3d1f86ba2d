/**
 * A dataset is one opened embedding file: its float32 matrix, the metadata rows
 * that go with it, and caches of everything derived from them (norms, prepared
 * k-NN corpora, moments, PCA) so each is computed once per dataset.
 */
import * as path from 'path';
import type { DatasetInfo, OpenParams } from '../../shared/protocol/datasets';
import { Matrix, rowNorms } from '../core/matrix';
import { requireFile } from '../io/files';
import { readNpy } from '../io/npy';
import { readParquet } from '../io/parquet';
import { columnInfo, findSidecar, MetadataTable, pickLabelColumn, readMetadata } from '../io/metadata';
import { InputError } from '../util/errors';

export interface Dataset {
  id: string;
  path: string;
  format: 'npy' | 'parquet';
  matrix: Matrix;
  dtype: string;
  fileBytes: number;
  column?: string;
  metadata?: MetadataTable;
  warnings: string[];
  /** Memoised derived values, keyed by what they are (e.g. 'norms', 'corpus:cosine'). */
  cache: Map<string, unknown>;
}

let nextId = 1;

export async function loadDataset(params: OpenParams): Promise<Dataset> {
  const file = path.resolve(params.path);
  const size = requireFile(file);
  const ext = path.extname(file).toLowerCase();
  let ds: Dataset;
  if (ext === '.npy') {
    const npy = readNpy(file, { flattenLeading: params.flattenLeading });
    ds = base(file, 'npy', npy.matrix, npy.header.descr, size, npy.warnings);
    if (npy.header.shape.length > 2)
      ds.warnings.push(`leading axes of shape (${npy.header.shape.join(', ')}) flattened into ${npy.matrix.rows} rows`);
  } else if (ext === '.parquet' || ext === '.pq') {
    const pq = await readParquet(file, { column: params.column });
    ds = base(file, 'parquet', pq.matrix, pq.dtype, size, pq.warnings);
    ds.column = pq.column;
    ds.metadata = pq.metadata;
  } else {
    throw new InputError(file, `unsupported file type '${ext || '(none)'}' (open a .npy or .parquet file)`);
  }
  const metaPath = params.metaPath ?? (ds.format === 'npy' ? findSidecar(file) : undefined);
  if (metaPath) attachMetadata(ds, readMetadata(path.resolve(metaPath)));
  return ds;
}

function base(
  file: string,
  format: Dataset['format'],
  matrix: Matrix,
  dtype: string,
  fileBytes: number,
  warnings: string[],
): Dataset {
  return {
    id: `ds${nextId++}`,
    path: file,
    format,
    matrix,
    dtype,
    fileBytes,
    warnings: [...warnings],
    cache: new Map(),
  };
}

/**
 * Attaches a metadata table. A row-count mismatch is kept visible as a warning and
 * the table is aligned by position only over the rows both have; never silently.
 */
function attachMetadata(ds: Dataset, meta: MetadataTable): void {
  if (meta.rows !== ds.matrix.rows) {
    ds.warnings.push(
      `${path.basename(meta.source)} has ${meta.rows} rows but ${path.basename(ds.path)} has ${ds.matrix.rows} vectors: rows are matched by position and ${meta.rows > ds.matrix.rows ? 'the extra metadata rows are ignored' : 'vectors past the end of the metadata have no metadata'}`,
    );
    const n = ds.matrix.rows;
    meta = {
      ...meta,
      rows: n,
      columns: meta.columns.map((c) => ({
        ...c,
        values: Array.from({ length: n }, (_, i) => (i < c.values.length ? c.values[i] : null)),
      })),
    };
  }
  ds.metadata = meta;
}

/** Memoises a derived value on the dataset. */
export function cached<T>(ds: Dataset, key: string, compute: () => T): T {
  if (ds.cache.has(key)) return ds.cache.get(key) as T;
  const v = compute();
  ds.cache.set(key, v);
  // A failed async computation must not stay cached.
  if (v instanceof Promise) v.catch(() => ds.cache.delete(key));
  return v;
}

export function datasetNorms(ds: Dataset): Float64Array {
  return cached(ds, 'norms', () => rowNorms(ds.matrix));
}

export function datasetInfo(ds: Dataset): DatasetInfo {
  const cols = ds.metadata?.columns ?? [];
  let memory = ds.matrix.data.byteLength;
  for (const v of ds.cache.values()) memory += approxBytes(v);
  return {
    id: ds.id,
    path: ds.path,
    metaPath: ds.metadata && ds.metadata.source !== ds.path ? ds.metadata.source : undefined,
    format: ds.format,
    rows: ds.matrix.rows,
    dims: ds.matrix.cols,
    dtype: ds.dtype,
    fileBytes: ds.fileBytes,
    memoryBytes: memory,
    column: ds.column,
    columns: cols.map(columnInfo),
    labelColumn: pickLabelColumn(cols),
    warnings: ds.warnings,
  };
}

function approxBytes(v: unknown): number {
  if (ArrayBuffer.isView(v)) return v.byteLength;
  if (v && typeof v === 'object') {
    let s = 0;
    for (const x of Object.values(v)) if (ArrayBuffer.isView(x)) s += x.byteLength;
    return s;
  }
  return 0;
}

/** Metadata values of one row, in column order. */
export function metadataRow(ds: Dataset, row: number): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const c of ds.metadata?.columns ?? []) out[c.name] = c.values[row] ?? null;
  return out;
}

/** The named column, or a clear error listing the available ones. */
export function metadataColumn(ds: Dataset, name: string) {
  const cols = ds.metadata?.columns ?? [];
  const c = cols.find((x) => x.name === name);
  if (!c) {
    throw new InputError(
      ds.metadata?.source ?? ds.path,
      cols.length
        ? `has no column '${name}' (columns: ${cols.map((x) => x.name).join(', ')})`
        : `has no metadata, so there is no column '${name}' (pass --meta FILE)`,
    );
  }
  return c;
}
