import type { Cancellation } from '../util/errors';

/** Why the CLI stops early: a signal, or stdout closed under it (EPIPE). */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'EPIPE';

/** The cancellation token the process runner gives main(): the first reason wins. */
export class StopToken implements Cancellation {
  reason: StopReason | undefined;
  get isCancellationRequested(): boolean {
    return this.reason !== undefined;
  }
  stop(reason: StopReason): void {
    this.reason ??= reason;
  }
}
