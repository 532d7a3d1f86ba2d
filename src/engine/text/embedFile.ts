/**
 * Embeds a text file into a new .npy plus a sidecar `<stem>.meta.jsonl` (one
 * {"text", "source_row"} object per vector, in the same order). Never replaces
 * an existing file unless `force`, never writes over the input, and writes both
 * through io/writeFile.ts so a cancelled run leaves nothing half-written.
 */
import * as path from 'path';
import { encodeNpy } from '../io/npy';
import { checkWritableAll, writeFilesAtomic, WriteOptions } from '../io/writeFile';
import { findSidecar } from '../io/metadata';
import { Cancellation, InputError, Progress } from '../util/errors';
import { readTextItems } from './inputs';
import { getModel } from './registry';
import type { EmbedFileParams as EmbedFileRequest, EmbedFileResult } from '../../shared/protocol/text';

export type { EmbedFileResult };

/** The request's parameters without the LSP progress token. */
export type EmbedFileParams = Omit<EmbedFileRequest, 'workDoneToken'>;

/** The sidecar written next to `out.npy`. */
function sidecarFor(out: string): string {
  return path.join(path.dirname(out), path.basename(out).replace(/\.npy$/i, '') + '.meta.jsonl');
}

/** Never over the input file; over an existing file only with `force`. */
function writeOptions(p: EmbedFileParams): WriteOptions {
  return { force: !!p.force, inputs: [p.input], inputProblem: 'is the input file; choose another --out' };
}

export async function embedFile(
  p: EmbedFileParams,
  opts: { token?: Cancellation; progress?: Progress } = {},
): Promise<EmbedFileResult> {
  const out = path.resolve(p.out);
  if (path.extname(out).toLowerCase() !== '.npy') throw new InputError(out, 'the output must be a .npy file');
  const meta = sidecarFor(out);
  checkWritableAll([out, meta], writeOptions(p));
  const t0 = performance.now();
  const items = await readTextItems(p.input, p.textColumn);
  opts.progress?.(0.02, 'loading model');
  const model = await getModel(p.model);
  const res = await model.embed(items.texts, {
    token: opts.token,
    progress: (f, m) => opts.progress?.(0.05 + 0.93 * f, m),
  });
  // Checked again (the user may have created a file while we were embedding), then both moved into place.
  writeFilesAtomic(
    [
      { file: out, data: encodeNpy(res.matrix.data, [res.matrix.rows, res.matrix.cols]) },
      {
        file: meta,
        data: items.texts.map((t, i) => JSON.stringify({ text: t, source_row: items.sourceRows[i] })).join('\n') + '\n',
      },
    ],
    writeOptions(p),
  );
  const warnings: string[] = [];
  const found = findSidecar(out);
  if (found && path.resolve(found) !== meta)
    warnings.push(
      `${path.basename(found)} sits next to ${path.basename(out)} and is found first as its metadata; open it with --meta ${path.basename(meta)}`,
    );
  if (res.truncated)
    warnings.push(
      `${res.truncated} item(s) were longer than the model's ${model.spec.maxLength} tokens and were truncated`,
    );
  opts.progress?.(1, 'done');
  return {
    out,
    metadata: meta,
    rows: res.matrix.rows,
    dims: res.matrix.cols,
    model: model.spec.dir,
    modelNotes: model.spec.notes,
    skippedBlank: items.skipped,
    truncated: res.truncated,
    seconds: (performance.now() - t0) / 1000,
    warnings,
  };
}
