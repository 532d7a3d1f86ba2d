/**
 * The CLI as a Unix process: it never calls process.exit while the result may still be
 * in flight (a pipe takes 64 KiB at a time; exiting early cuts the JSON short), a closed
 * stdout ends it quietly with 141, and SIGINT/SIGTERM cancel the running analysis through
 * its token (a second signal, or a stage that does not stop in time, exits at once).
 */
import { writeStderrSync } from '../io/stderrSync';
import type { CliStreams } from './command';
import { EXIT } from './exit';
import { StopToken } from './stop';

/** After a signal, how long the work may take to reach its next check before the process exits anyway. */
const STOP_DEADLINE_MS = 2000;

type Signal = 'SIGINT' | 'SIGTERM';

/** One line straight to fd 2, for the paths that exit at once (nothing may be left in a buffer). */
function sayNow(line: string): void {
  writeStderrSync(`embedding-lens: ${line}\n`);
}

/** Resolves when everything written to `stream` so far has been handed to the system (or failed). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) resolve();
    else stream.write('', () => resolve());
  });
}

export function runProcess(run: (io: CliStreams, stop: StopToken) => Promise<number>): void {
  const stop = new StopToken();
  /** main()'s status once it has returned (the result may still be draining). */
  let finished: number | undefined;
  /** Set when stdout fails under us; it outranks main()'s status. */
  let streamStatus: number | undefined;

  const stdoutFailed = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      // The reader is gone: nothing more can be delivered, so stop the work and end as `yes | head` does.
      streamStatus ??= EXIT.pipeClosed;
    } else if (streamStatus === undefined) {
      sayNow(`cannot write the result to stdout: ${e.message}`);
      streamStatus = EXIT.internal;
    }
    stop.stop('EPIPE');
    process.exitCode = streamStatus;
  };
  process.stdout.on('error', stdoutFailed);
  // A closed stderr only loses messages; it must not become an uncaught exception.
  process.stderr.on('error', () => undefined);

  const onSignal = (sig: Signal) => {
    const first = stop.reason === 'SIGINT' || stop.reason === 'SIGTERM' ? stop.reason : undefined;
    if (first || finished !== undefined) {
      // A second signal, or one while only the output is still draining: the user wants out now.
      const reason = first ?? sig;
      const announced = finished === EXIT.SIGINT || finished === EXIT.SIGTERM;
      if (!announced) sayNow(`cancelled (${reason})`);
      process.exit(EXIT[reason]);
    }
    stop.stop(sig);
    setTimeout(() => {
      // The work holds on past its deadline (a stage without checks): leave without it.
      sayNow(`cancelled (${sig})`);
      process.exit(EXIT[sig]);
    }, STOP_DEADLINE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('uncaughtException', (e) => {
    sayNow(`internal error: ${e?.message ?? String(e)}`);
    if (process.env.EMBEDDING_LENS_DEBUG) sayNow(String(e?.stack));
    process.exit(EXIT.internal);
  });

  const io: CliStreams = {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    get errIsTTY() {
      return Boolean(process.stderr.isTTY);
    },
  };
  const done = (code: number) => {
    finished = code;
    process.exitCode = streamStatus ?? code;
    // Exit once the last write's callback says the bytes are with the system. Letting the loop
    // end by itself would be as safe, but Node then also tears down the environment (onnxruntime's
    // threads, the heap): 50–350 ms more on a busy machine, counted against a cancel's 1 s.
    void Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => {
      // A failed write calls back before its 'error' event is emitted: read the error off the stream.
      const failed: NodeJS.ErrnoException | null = process.stdout.errored;
      if (failed) stdoutFailed(failed);
      process.exit(streamStatus ?? code);
    });
  };
  run(io, stop).then(done, (e: unknown) => {
    sayNow(`internal error: ${(e as Error)?.message ?? String(e)}`);
    done(EXIT.internal);
  });
}
