// The time the adapters wait on and measure with: the real clock in production, a fake one in tests, so
// retry patience and the rolling API budget are tested without waiting.
import { setTimeout as sleep } from "node:timers/promises";

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (early, without an error). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** In [0, 1): the jitter of retry waits; Math.random when absent (tests fix it to be repeatable). */
  jitter?(): number;
  /**
   * Milliseconds since the epoch that things are dated by (a description's reading, a call counted against
   * Salesforce's 24-hour share) when that is not `now`: a run on a shifted clock (cli/context.ts `now`) dates
   * by it, as the runs it records are dated, while its waits and patience run in real time.
   */
  date?(): number;
}

/** The time `clock` dates things by: its `date`, else its `now`. */
export function dateOf(clock: Clock): number {
  return clock.date?.() ?? clock.now();
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    if (signal?.aborted) return;
    // The timer goes with the abort, so a stopping process does not stay alive for it.
    await sleep(ms, undefined, { signal }).catch((err: unknown) => {
      if (!signal?.aborted) throw err;
    });
  },
};
