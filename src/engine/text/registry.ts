/**
 * Where models come from: a folder the user names, or `builtin` (the GloVe static
 * model that the build writes to dist/models/glove-100d, see
 * scripts/build-builtin-model.mjs). Loaded models are kept, one per folder, until
 * the folder's files change.
 */
import * as path from 'path';
import { fileExists, fileStamp } from '../io/files';
import { InputError } from '../util/errors';
import { TextModel } from './model';

export const BUILTIN = 'builtin';
const BUILTIN_REL = path.join('models', 'glove-100d');

/**
 * The built-in model's folder: $EMBEDDING_LENS_BUILTIN_MODEL, else the first
 * `dist/models/glove-100d` (or `models/glove-100d` next to the bundle) found
 * walking up from this module — which works from the bundle (dist/engine) and
 * from the sources run with tsx (src/engine/text).
 */
export function builtinModelDir(): string {
  const env = process.env.EMBEDDING_LENS_BUILTIN_MODEL;
  if (env) return env;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    for (const cand of [path.join(dir, BUILTIN_REL), path.join(dir, 'dist', BUILTIN_REL)]) {
      if (fileExists(path.join(cand, 'model.onnx'))) return cand;
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new InputError(
    undefined,
    'the built-in model is not built (run `npm run build`, which runs scripts/build-builtin-model.mjs)',
  );
}

/** Folder for a `--model` value: `builtin` (or nothing) means the built-in model. */
export function resolveModelDir(model: string | undefined): string {
  return !model || model === BUILTIN ? builtinModelDir() : path.resolve(model);
}

const loaded = new Map<string, { stamp: string; model: Promise<TextModel> }>();

function folderStamp(dir: string): string {
  return [
    'model.onnx',
    path.join('onnx', 'model.onnx'),
    'tokenizer.json',
    'modules.json',
    path.join('1_Pooling', 'config.json'),
  ]
    .map((f) => `${f}:${fileStamp(path.join(dir, f)) ?? '-'}`)
    .join('|');
}

/** The loaded model for a `--model` value, reloaded when its files changed. */
export function getModel(model: string | undefined): Promise<TextModel> {
  const dir = resolveModelDir(model);
  const stamp = folderStamp(dir);
  const hit = loaded.get(dir);
  if (hit && hit.stamp === stamp) return hit.model;
  if (hit) void hit.model.then((m) => m.release()).catch(() => undefined);
  const p = TextModel.load(dir);
  loaded.set(dir, { stamp, model: p });
  p.catch(() => {
    if (loaded.get(dir)?.model === p) loaded.delete(dir);
  });
  return p;
}
