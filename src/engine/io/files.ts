/**
 * Existence and kind checks on the user's files, with failures as InputErrors naming the file,
 * so engine code outside io/ asks these instead of touching the file system.
 */
import * as fs from 'fs';
import { InputError } from '../util/errors';

/** True when `file` exists (a file or a folder). */
export function fileExists(file: string): boolean {
  return fs.existsSync(file);
}

/** Throws `InputError(file, 'does not exist')` unless it exists. */
export function requireExists(file: string): void {
  if (!fs.existsSync(file)) throw new InputError(file, 'does not exist');
}

/** Checks that `file` is an existing regular file; returns its size in bytes. */
export function requireFile(file: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new InputError(file, 'does not exist');
  }
  if (!stat.isFile()) throw new InputError(file, 'is not a file');
  return stat.size;
}

/** `size:mtime` of a file, or undefined when it cannot be read: tells when a cached load is stale. */
export function fileStamp(file: string): string | undefined {
  try {
    const st = fs.statSync(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}
