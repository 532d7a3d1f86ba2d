// Exiting a script without cutting its output short: process.exit() drops whatever a pipe
// has not taken yet (stdout/stderr to a pipe are asynchronous), so wait for the streams first.
import fs from 'node:fs';

function flushed(stream) {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) resolve();
    else stream.write('', () => resolve());
  });
}

/** Exits with `code` once everything written to stdout and stderr so far has been handed over. */
export async function exitWhenFlushed(code) {
  process.exitCode = code;
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

/** A hard exit (a watchdog, a usage error before anything ran): `message` goes to fd 2 synchronously first. */
export function exitNow(code, message) {
  if (message) fs.writeSync(2, `${message}\n`);
  process.exit(code);
}
