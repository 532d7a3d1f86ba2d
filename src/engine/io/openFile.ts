import * as fs from 'fs';
import { InputError } from '../util/errors';

/** Opens a user's file read-only; failure becomes an InputError naming the file and the system's reason. */
export function openReadOnly(file: string): number {
  try {
    return fs.openSync(file, 'r');
  } catch (e) {
    throw new InputError(file, `cannot be opened (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
