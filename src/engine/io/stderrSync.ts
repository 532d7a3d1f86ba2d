/**
 * A line straight to file descriptor 2, written before the call returns. Only for the paths
 * that exit at once (a second signal, a stage that ignores cancellation): an asynchronous
 * write would still be in a buffer when the process ends.
 */
import * as fs from 'node:fs';

export function writeStderrSync(text: string): void {
  try {
    fs.writeSync(2, text);
  } catch {
    // stderr is closed too: nothing left to tell
  }
}
