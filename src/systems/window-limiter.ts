// Keeps calls under a rate such as "190 per 10 seconds": waits before a call that would exceed the
// window. Adapters also feed it the remaining budget the system reports in its headers.
//
// The system counts a call when the request reaches it, some time after it was sent; a call counted from
// when it was sent would let the call a window later reach the system while the first is still in its
// window (HubSpot answers 429 SECONDLY to the sixth search of a second). So a call counts from when it
// was sent until its answer arrives, and from then on from that arrival: the latest the system can have
// counted it.
import { setTimeout as sleep } from "node:timers/promises";

/** Tells the limiter the call's answer arrived. */
export type CallSettled = () => void;

export class WindowLimiter {
  /** When each call of the window counts from, earliest first. */
  private readonly stamps: { at: number }[] = [];
  private pausedUntil = 0;

  /** `followsStated`: the limit the system states (`observeLimit`) replaces `max`; else `max` is kept as given. */
  constructor(
    private max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly followsStated = false,
  ) {}

  /**
   * The system stated its limit: `max` calls per `intervalMs`. A limiter that follows it takes it as its own
   * from the next call on, higher or lower than the one it was made with: a portal whose tier allows more
   * is not held to the lowest tier's rate.
   */
  observeLimit(max: number, intervalMs: number = this.windowMs): void {
    if (!this.followsStated || !(max > 0) || !(intervalMs > 0)) return;
    this.max = Math.max(1, Math.floor((max * this.windowMs) / intervalMs));
  }

  /**
   * Resolves when one more call fits in the window, and counts it; call what it gives once the answer arrived.
   * Resolves at once, counting nothing, when `stop` aborts: the caller sends no call after a stop.
   */
  async take(stop?: AbortSignal): Promise<CallSettled> {
    for (;;) {
      if (stop?.aborted) return () => undefined;
      const t = this.now();
      while (this.stamps.length > 0 && this.stamps[0]!.at <= t - this.windowMs) this.stamps.shift();
      const wait = Math.max(
        this.pausedUntil - t,
        this.stamps.length >= this.max ? this.stamps[0]!.at + this.windowMs - t : 0,
      );
      if (wait <= 0) {
        const stamp = { at: t };
        this.stamps.push(stamp);
        return () => this.settle(stamp);
      }
      await sleep(wait, undefined, stop ? { signal: stop } : undefined).catch((err: unknown) => {
        if (!stop?.aborted) throw err;
      });
    }
  }

  /** The system said only `remaining` calls are left in this window: pause when it is nearly spent. */
  observeRemaining(remaining: number, intervalMs: number = this.windowMs): void {
    if (remaining <= 1) this.pausedUntil = Math.max(this.pausedUntil, this.now() + intervalMs);
  }

  private settle(stamp: { at: number }): void {
    stamp.at = Math.max(stamp.at, this.now());
    // Answers of calls sent side by side may arrive out of order: the window stays earliest first.
    this.stamps.sort((a, b) => a.at - b.at);
  }
}
