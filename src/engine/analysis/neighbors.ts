/** The nearest rows of one row of a dataset: the neighbours panel, `embedding-lens neighbors` and the hovers. */
import type { Metric, Neighbor } from '../../shared/protocol/common';
import { Dataset, datasetNorms } from '../data/dataset';
import { knnSearch } from '../kernels/knn';
import { rowSlice } from '../core/matrix';
import { InputError } from '../util/errors';
import { preparedCorpus, WorkOptions } from './overview';

/** The k nearest rows of row `row` (self excluded). */
export async function rowNeighbors(
  ds: Dataset,
  row: number,
  k: number,
  metric: Metric,
  opts: WorkOptions = {},
): Promise<Neighbor[]> {
  const n = ds.matrix.rows;
  if (!Number.isInteger(row) || row < 0 || row >= n)
    throw new InputError(ds.path, `row ${row} is out of range (the file has rows 0–${n - 1})`);
  if (!Number.isInteger(k) || k < 1) throw new InputError(undefined, `k must be a positive integer, got ${k}`);
  const norms = datasetNorms(ds);
  if (!Number.isFinite(norms[row]))
    throw new InputError(ds.path, `row ${row} contains NaN or Inf values; it has no neighbours`);
  if (metric === 'cosine' && norms[row] === 0)
    throw new InputError(ds.path, `row ${row} is a zero vector; cosine similarity is undefined for it`);
  const res = await knnSearch(preparedCorpus(ds, metric), rowSlice(ds.matrix, row, row + 1), {
    k: Math.min(k, n - 1),
    exclude: Int32Array.of(row),
    token: opts.token,
  });
  const out: Neighbor[] = [];
  for (let t = 0; t < res.k; t++) if (res.indices[t] >= 0) out.push({ row: res.indices[t], score: res.scores[t] });
  return out;
}
