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
  /**
   * The problem reported when the target is one of `inputs`; default: 'is an input of this run; choose another file'.
   */
  inputProblem?: string;
}

/**
 * Resolves `file` and checks that it may be written: not an input, its folder exists,
 * and it does not exist yet unless `force`. Throws an InputError naming the file.
 */
export function checkWritable(file: string, opts: WriteOptions = {}): string {
  const out = path.resolve(file);
  for (const input of opts.inputs ?? [])
    if (input && path.resolve(input) === out)
      throw new InputError(out, opts.inputProblem ?? 'is an input of this run; choose another file');
  const dir = path.dirname(out);
  if (!fs.existsSync(dir)) throw new InputError(out, `its folder ${dir} does not exist`);
  if (fs.existsSync(out)) {
    if (!opts.force) throw new InputError(out, `already exists; ${opts.existsHint ?? 'pass --force to replace it'}`);
    if (fs.statSync(out).isDirectory()) throw new InputError(out, 'is a folder');
  }
  return out;
}

/**
 * checkWritable for several files written together (an export's arrays, embeddings and
 * their sidecar): all are checked before any is written, and a file named twice is refused.
 */
export function checkWritableAll(files: readonly string[], opts: WriteOptions = {}): string[] {
  const seen = new Set<string>();
  return files.map((file) => {
    const out = checkWritable(file, opts);
    if (seen.has(out)) throw new InputError(out, 'was chosen for two different outputs');
    seen.add(out);
    return out;
  });
}

/** A temporary name next to `file` (same folder, so the final rename never crosses file systems). */
function temporaryPath(file: string, suffix = ''): string {
  const rand = randomBytes(4).toString('hex');
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${rand}.tmp${suffix}`);
}

/**
 * Moves a finished temporary file into place. Without `force` it links instead of renaming,
 * so a file created by someone else meanwhile is never replaced (link fails with EEXIST);
 * file systems without hard links fall back to a checked rename.
 */
function commitTemporary(tmp: string, file: string, opts: WriteOptions = {}): void {
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

/**
 * Writes several files as one: every target is checked (checkWritableAll), each is written
 * under its temporary name, and only then are they moved into place. If one cannot be moved
 * (say someone created it meanwhile), those already moved are removed again unless `force`
 * (they were new files), so a failed run leaves none of them behind. Returns the resolved paths.
 */
export function writeFilesAtomic(
  entries: readonly { file: string; data: string | Uint8Array }[],
  opts: WriteOptions = {},
): string[] {
  const outs = checkWritableAll(
    entries.map((e) => e.file),
    opts,
  );
  const tmps: string[] = [];
  const committed: string[] = [];
  try {
    entries.forEach((e, i) => {
      const tmp = temporaryPath(outs[i], path.extname(outs[i]));
      tmps.push(tmp);
      fs.writeFileSync(tmp, e.data, { flag: 'wx' });
    });
    outs.forEach((out, i) => {
      commitTemporary(tmps[i], out, opts);
      committed.push(out);
    });
  } catch (e) {
    if (!opts.force) for (const out of committed) fs.rmSync(out, { force: true });
    throw e;
  } finally {
    for (const tmp of tmps) fs.rmSync(tmp, { force: true });
  }
  return outs;
}

/**
 * Runs `use` on a scratch file holding `data`, next to `near` (e.g. the CSV that DuckDB
 * converts into the Parquet being written), and removes it afterwards whatever happens.
 */
export async function withScratchFile<T>(
  near: string,
  suffix: string,
  data: string | Uint8Array,
  use: (scratch: string) => Promise<T>,
): Promise<T> {
  const scratch = temporaryPath(near, suffix);
  try {
    fs.writeFileSync(scratch, data, { flag: 'wx' });
    return await use(scratch);
  } finally {
    fs.rmSync(scratch, { force: true });
  }
}
