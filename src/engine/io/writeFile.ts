/**
 * The one way the engine writes a file for the user (CLI results, exports, embedded
 * text): checked first, written under a temporary name in the same folder, then moved
 * into place, so a failed or cancelled run never leaves a half-written file and a
 * reader never sees one. An existing file is replaced only when the caller says so,
 * and never one of the inputs.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../util/errors';

export interface WriteOptions {
  /** Replace an existing file (the CLI's --force; the host asks the user first). */
  force?: boolean;
  /** Files this run reads (the embedding file, its sidecar): never written over, even with force. */
  inputs?: readonly (string | undefined)[];
  /** What to tell the user to do when the file exists; default: pass --force. */
  existsHint?: string;
}

/**
 * Resolves `file` and checks that it may be written: not an input, its folder exists,
 * and it does not exist yet unless `force`. Throws an InputError naming the file.
 */
export function checkWritable(file: string, opts: WriteOptions = {}): string {
  const out = path.resolve(file);
  for (const input of opts.inputs ?? [])
    if (input && path.resolve(input) === out) throw new InputError(out, 'is an input of this run; choose another file');
  const dir = path.dirname(out);
  if (!fs.existsSync(dir)) throw new InputError(out, `its folder ${dir} does not exist`);
  if (fs.existsSync(out)) {
    if (!opts.force) throw new InputError(out, `already exists; ${opts.existsHint ?? 'pass --force to replace it'}`);
    if (fs.statSync(out).isDirectory()) throw new InputError(out, 'is a folder');
  }
  return out;
}

/** A temporary name next to `file` (same folder, so the final rename never crosses file systems). */
export function temporaryPath(file: string, suffix = ''): string {
  const rand = randomBytes(4).toString('hex');
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${rand}.tmp${suffix}`);
}

/**
 * Moves a finished temporary file into place. Without `force` it links instead of renaming,
 * so a file created by someone else meanwhile is never replaced (link fails with EEXIST);
 * file systems without hard links fall back to a checked rename.
 */
export function commitTemporary(tmp: string, file: string, opts: WriteOptions = {}): void {
  if (opts.force) {
    fs.renameSync(tmp, file);
    return;
  }
  try {
    fs.linkSync(tmp, file);
    fs.rmSync(tmp, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new InputError(file, `already exists; ${opts.existsHint ?? 'pass --force to replace it'}`);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw e;
    if (fs.existsSync(file))
      throw new InputError(file, `already exists; ${opts.existsHint ?? 'pass --force to replace it'}`);
    fs.renameSync(tmp, file);
  }
}

/** Writes `data` to `file` atomically (see the module comment); returns the resolved path. */
export function writeFileAtomic(file: string, data: string | Uint8Array, opts: WriteOptions = {}): string {
  return writeFileAtomicWith(file, (tmp) => fs.writeFileSync(tmp, data, { flag: 'wx' }), opts);
}

/**
 * Like writeFileAtomic, for writers that produce the file themselves (DuckDB's COPY, a
 * stream): `write(tmp)` fills the temporary path; it is moved into place only if it resolves.
 */
export function writeFileAtomicWith(
  file: string,
  write: (tmp: string) => Promise<void>,
  opts?: WriteOptions,
): Promise<string>;
export function writeFileAtomicWith(file: string, write: (tmp: string) => void, opts?: WriteOptions): string;
export function writeFileAtomicWith(
  file: string,
  write: (tmp: string) => void | Promise<void>,
  opts: WriteOptions = {},
): string | Promise<string> {
  const out = checkWritable(file, opts);
  const tmp = temporaryPath(out, path.extname(out));
  const finish = () => {
    commitTemporary(tmp, out, opts);
    return out;
  };
  const cleanUp = () => fs.rmSync(tmp, { force: true });
  let pending: void | Promise<void>;
  try {
    pending = write(tmp);
  } catch (e) {
    cleanUp();
    throw e;
  }
  if (!(pending instanceof Promise)) {
    try {
      return finish();
    } finally {
      cleanUp();
    }
  }
  return pending.then(finish).finally(cleanUp);
}
