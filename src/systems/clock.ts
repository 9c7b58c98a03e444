// The time the adapters wait on and measure with: the real clock in production, a fake one in tests, so
// retry patience and the rolling API budget are tested without waiting.
import { setTimeout as sleep } from "node:timers/promises";

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** In [0, 1): the jitter of retry waits; Math.random when absent (tests fix it to be repeatable). */
  jitter?(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms) => {
    await sleep(ms);
  },
};
