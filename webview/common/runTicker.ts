/**
 * The status line of a long engine run: what runs, the engine's latest percentage and
 * stage, and the seconds elapsed. It refreshes twice a second, not only on progress
 * reports, so a long stage without reports still visibly counts up (the run is alive).
 */
export interface RunProgress {
  percentage?: number;
  message?: string;
}

export class RunTicker {
  private timer: ReturnType<typeof setInterval> | undefined;
  private latest: RunProgress | undefined;

  constructor(private readonly statusId = 'status') {}

  /** Starts counting; `what` is the sentence's subject, e.g. "Computing the diagnostics". */
  start(what: string): void {
    this.stop();
    this.latest = undefined;
    const t0 = Date.now();
    const say = (): void => {
      const el = document.getElementById(this.statusId);
      if (!el) return;
      const pct = this.latest?.percentage === undefined ? '' : ` ${Math.round(this.latest.percentage)}%`;
      const stage = this.latest?.message ? ` (${this.latest.message})` : '';
      el.textContent = `${what}…${pct}${stage}, ${Math.round((Date.now() - t0) / 1000)} s. Cancel stops it.`;
    };
    say();
    this.timer = setInterval(say, 500);
  }

  /** The engine's latest progress report, shown at the next refresh. */
  report(p: RunProgress): void {
    this.latest = p;
  }

  /** Stops counting; the caller writes the final status. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
