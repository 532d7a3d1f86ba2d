/**
 * Reading a text-embedding model folder's files (the layout is described in text/folder.ts,
 * which decides what they mean): the folder itself, its ONNX file, and its JSON configs,
 * each failure an InputError naming the file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../util/errors';

/** Checks that `dir` is an existing folder. */
export function requireModelFolder(dir: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new InputError(dir, 'does not exist (expected a model folder with model.onnx and tokenizer.json)');
  }
  if (!st.isDirectory())
    throw new InputError(dir, 'is not a folder (expected a model folder with model.onnx and tokenizer.json)');
}

/** The folder's network: model.onnx, else onnx/model.onnx. */
export function findModelOnnx(dir: string): string {
  for (const rel of ['model.onnx', path.join('onnx', 'model.onnx')]) {
    const p = path.join(dir, rel);
    if (fs.existsSync(p)) return p;
  }
  throw new InputError(path.join(dir, 'model.onnx'), 'is missing (a model folder needs model.onnx or onnx/model.onnx)');
}

/** A JSON object file of the folder; undefined when it is absent and not `required`. */
export function readModelJson(file: string, required: boolean): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) {
    if (required) throw new InputError(file, 'is missing (a model folder needs model.onnx and tokenizer.json)');
    return undefined;
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object') throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new InputError(file, `is not valid JSON (${(e as Error).message})`);
  }
}

/** One entry of a sentence-transformers modules.json. */
export interface StModule {
  type?: string;
  path?: string;
}

/** A sentence-transformers modules.json (the pipeline's modules, in order); undefined when absent. */
export function readModulesList(file: string): StModule[] | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const modules = JSON.parse(fs.readFileSync(file, 'utf8')) as StModule[];
    if (!Array.isArray(modules)) throw new Error('expected a JSON array');
    return modules;
  } catch (e) {
    throw new InputError(file, `is not a valid modules list (${(e as Error).message})`);
  }
}
