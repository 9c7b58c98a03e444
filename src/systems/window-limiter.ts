// Keeps calls under a rate such as "190 per 10 seconds": waits before a call that would exceed the
// window. Adapters also feed it the remaining budget the system reports in its headers.
import { setTimeout as sleep } from "node:timers/promises";

export class WindowLimiter {
  private readonly stamps: number[] = [];
  private pausedUntil = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when one more call fits in the window, and counts it. */
  async take(): Promise<void> {
    for (;;) {
      const t = this.now();
      while (this.stamps.length > 0 && this.stamps[0]! <= t - this.windowMs) this.stamps.shift();
      const wait = Math.max(
        this.pausedUntil - t,
        this.stamps.length >= this.max ? this.stamps[0]! + this.windowMs - t : 0,
      );
      if (wait <= 0) {
        this.stamps.push(t);
        return;
      }
      await sleep(wait);
    }
  }

  /** The system said only `remaining` calls are left in this window: pause when it is nearly spent. */
  observeRemaining(remaining: number, intervalMs: number = this.windowMs): void {
    if (remaining <= 1) this.pausedUntil = Math.max(this.pausedUntil, this.now() + intervalMs);
  }
}
