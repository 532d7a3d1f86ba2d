import * as path from 'path';

/**
 * A problem with the user's input (file, flag, metadata), as opposed to a bug.
 * Its message is one line that names the file and the problem; the CLI prints
 * it as is and the extension shows it in a notification.
 */
export class InputError extends Error {
  constructor(
    readonly file: string | undefined,
    readonly problem: string,
  ) {
    super(file ? `${path.basename(file)}: ${problem}` : problem);
    this.name = 'InputError';
  }
}

/** Raised by kernels when the caller's cancellation token fires. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** What kernels poll between blocks; satisfied by LSP's CancellationToken. */
export interface Cancellation {
  readonly isCancellationRequested: boolean;
}

export function throwIfCancelled(token: Cancellation | undefined): void {
  if (token?.isCancellationRequested) throw new CancelledError();
}

/** Progress callback: fraction done in [0, 1] and an optional message. */
export type Progress = (fraction: number, message?: string) => void;

/** Lets the event loop run (LSP cancel notifications, other requests) between kernel blocks. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Lets the event loop in, then throws if `token` fired meanwhile. Call it right before an
 * onnxruntime run: a signal handled while the run is being prepared is then seen before
 * the run (which blocks) rather than after it.
 */
export async function checkpoint(token: Cancellation | undefined): Promise<void> {
  await yieldToEventLoop();
  throwIfCancelled(token);
}

/**
 * For loops whose rows cannot be grouped into blocks up front: `if (pace.due) await pace.yield()`
 * once per row lets the event loop in, and checks `token`, every `ms` of work.
 */
export class Pacer {
  private last = Date.now();
  constructor(
    private readonly token?: Cancellation,
    private readonly ms = 50,
  ) {}
  get due(): boolean {
    return Date.now() - this.last > this.ms;
  }
  async yield(): Promise<void> {
    await checkpoint(this.token);
    this.last = Date.now();
  }
}
