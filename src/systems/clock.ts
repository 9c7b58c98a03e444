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
