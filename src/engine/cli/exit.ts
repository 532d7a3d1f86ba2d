/**
 * The CLI's exit statuses, one meaning each, so a script can tell a failed check from
 * bad input from a bug. 70 is sysexits' EX_SOFTWARE; the signal codes are 128 + the
 * signal number, as a shell reports a process killed by it.
 */
export const EXIT = {
  ok: 0,
  /** A check asked for on the command line failed (diagnose --fail-on, compress --fail-under-target). */
  checkFailed: 1,
  /** Bad input: a missing or unreadable file, a bad flag; one line names the file or flag. */
  badInput: 2,
  internal: 70,
  SIGINT: 130,
  /** stdout was closed before the result was written (the reader of a pipe exited, as in `yes | head`). */
  pipeClosed: 141,
  SIGTERM: 143,
} as const;

/** The `exit status:` section of --help. */
export const EXIT_HELP = [
  'exit status:',
  '  0    done (the result is on stdout, or in --output-file)',
  '  1    a check failed (diagnose --fail-on, compress --fail-under-target); the full result is still written',
  '  2    bad input: a missing or unreadable file, a bad option (one line on stderr names it)',
  '  70   internal error (one line; the stack with EMBEDDING_LENS_DEBUG=1)',
  '  130  interrupted (SIGINT), 143 terminated (SIGTERM): the work stops and nothing is written',
  '  141  stdout was closed before the result was written (e.g. `| head`)',
];
