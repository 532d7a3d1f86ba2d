/**
 * Text queries against an open dataset: embed the text with a model, then the
 * engine's exact k-NN (kernels/knn.ts) over the dataset's cached prepared corpus.
 */
import type { Metric, Neighbor } from '../../shared/protocol/common';
import { rowNeighbors } from '../analysis/neighbors';
import { preparedCorpus } from '../analysis/overview';
import { matrix } from '../core/matrix';
import { Dataset, datasetInfo, metadataRow } from '../data/dataset';
import { knnSearch } from '../kernels/knn';
import { Cancellation, InputError } from '../util/errors';
import { TextModel } from './model';

export interface LabelledNeighbor extends Neighbor {
  /** The row's label/text from the metadata, when there is one. */
  text?: string;
}

/** The embedding of one query text; empty text and text with no known token are input errors. */
export async function embedQuery(model: TextModel, text: string, token?: Cancellation): Promise<Float32Array> {
  if (typeof text !== 'string' || text.trim() === '')
    throw new InputError(undefined, 'the text is empty; type a word or sentence to search for');
  const r = await model.embed([text], { token });
  const v = r.matrix.data;
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j] * v[j];
  if (!(s > 0))
    throw new InputError(
      undefined,
      `the model knows none of the words of "${text.length > 60 ? text.slice(0, 57) + '…' : text}", so it has no vector for it`,
    );
  return v;
}

function checkDims(ds: Dataset, model: TextModel): void {
  if (ds.matrix.cols !== model.dims) {
    throw new InputError(
      ds.path,
      `has ${ds.matrix.cols}-dimensional vectors but the model (${model.spec.dir}) gives ${model.dims}-dimensional ones; use the model that made this file`,
    );
  }
}

/** The text shown for a row: the dataset's label column, else nothing. */
export function rowText(ds: Dataset, row: number): string | undefined {
  const col = datasetInfo(ds).labelColumn;
  if (!col) return undefined;
  const v = metadataRow(ds, row)[col];
  return v === null || v === undefined ? undefined : String(v);
}

function labelled(ds: Dataset, ns: Neighbor[]): LabelledNeighbor[] {
  return ns.map((n) => ({ ...n, text: rowText(ds, n.row) }));
}

/** The k rows nearest to a text. */
export async function neighborsOfText(
  ds: Dataset,
  model: TextModel,
  text: string,
  k: number,
  metric: Metric,
  token?: Cancellation,
): Promise<LabelledNeighbor[]> {
  if (!Number.isInteger(k) || k < 1) throw new InputError(undefined, `k must be a positive integer, got ${k}`);
  checkDims(ds, model);
  const q = await embedQuery(model, text, token);
  const res = await knnSearch(preparedCorpus(ds, metric), matrix(1, q.length, q), {
    k: Math.min(k, ds.matrix.rows),
    token,
  });
  const out: Neighbor[] = [];
  for (let t = 0; t < res.k; t++) if (res.indices[t] >= 0) out.push({ row: res.indices[t], score: res.scores[t] });
  return labelled(ds, out);
}

/** The k rows nearest to a row, with their texts (the hover). */
export async function labelledRowNeighbors(
  ds: Dataset,
  row: number,
  k: number,
  metric: Metric,
  token?: Cancellation,
): Promise<LabelledNeighbor[]> {
  return labelled(ds, await rowNeighbors(ds, row, k, metric, { token }));
}
