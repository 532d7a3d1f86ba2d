/**
 * LSP handlers of the text feature (search by text, hovers, embedding files): describe a model, embed texts,
 * neighbours of a text in an open dataset, the columns of a text file, embed a
 * file into a new .npy + sidecar, and a row's neighbours with their texts (the
 * hover). Every long one reports progress and stops when the host cancels.
 */
import {
  EmbedFile,
  EmbedText,
  NeighborsOfText,
  RowNeighborsWithText,
  TextColumns,
  TextModelDescribe,
} from '../../shared/protocol/text';
import { embedFile } from '../text/embedFile';
import { listTextColumns } from '../text/inputs';
import { labelledRowNeighbors, neighborsOfText, rowText } from '../text/query';
import { BUILTIN, getModel, resolveModelDir, builtinModelDir } from '../text/registry';
import { InputError, throwIfCancelled } from '../util/errors';
import { EngineContext } from './context';

/** More texts than this in one EmbedText request would make a reply of hundreds of MB; use EmbedFile. */
const MAX_EMBED_TEXTS = 10000;

function isBuiltin(model: string | undefined): boolean {
  if (!model || model === BUILTIN) return true;
  try {
    return resolveModelDir(model) === builtinModelDir();
  } catch {
    return false;
  }
}

export function registerTextHandlers(ctx: EngineContext): void {
  ctx.handle(TextModelDescribe, 'Loading text model', async (p) => {
    const m = await getModel(p?.model);
    const s = m.spec;
    return {
      dir: s.dir,
      builtin: isBuiltin(p?.model),
      dims: m.dims,
      maxLength: s.maxLength,
      pooling: s.pooling,
      normalize: s.normalize,
      takesText: m.takesText,
      notes: s.notes,
    };
  });

  ctx.handle(EmbedText, 'Embedding text', async (p, w) => {
    if (!Array.isArray(p.texts) || p.texts.some((t) => typeof t !== 'string'))
      throw new InputError(undefined, 'texts must be a list of strings');
    if (p.texts.length > MAX_EMBED_TEXTS)
      throw new InputError(
        undefined,
        `${p.texts.length} texts in one request; embed more than ${MAX_EMBED_TEXTS} as a file (Embed Text File…)`,
      );
    w.progress(0, 'loading model');
    const m = await getModel(p.model);
    throwIfCancelled(w.token);
    const r = await m.embed(p.texts, { token: w.token, progress: (f, msg) => w.progress(f, msg) });
    const d = r.matrix.cols;
    const vectors = Array.from({ length: r.matrix.rows }, (_, i) => r.matrix.data.subarray(i * d, (i + 1) * d));
    return { dims: r.matrix.cols, vectors, truncated: r.truncated };
  });

  ctx.handle(NeighborsOfText, 'Finding neighbours of text', async (p, w) => {
    const ds = ctx.dataset(p.datasetId);
    w.progress(0, 'loading model');
    const m = await getModel(p.model);
    throwIfCancelled(w.token);
    w.progress(0.3, 'searching');
    const neighbors = await neighborsOfText(ds, m, p.text, p.k, p.metric, w.token);
    return { model: m.spec.dir, dims: m.dims, neighbors };
  });

  ctx.handle(TextColumns, 'Reading columns', (p) => listTextColumns(p.input));

  ctx.handle(EmbedFile, 'Embedding text file', (p, w) =>
    embedFile(
      { input: p.input, out: p.out, model: p.model, textColumn: p.textColumn, force: p.force },
      { token: w.token, progress: w.progress },
    ),
  );

  ctx.handle(RowNeighborsWithText, 'Finding neighbours', async (p, w) => {
    const t0 = performance.now();
    const ds = ctx.dataset(p.datasetId);
    const neighbors = await labelledRowNeighbors(ds, p.row, p.k, p.metric, w.token);
    return { row: p.row, text: rowText(ds, p.row), neighbors, ms: performance.now() - t0 };
  });
}
