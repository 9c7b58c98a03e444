// A clock that only moves when told to or when something sleeps on it: retries and the API budget are
// tested over minutes and days without waiting.
import type { Clock } from "../../src/systems/clock.js";

export class FakeClock implements Clock {
  /** Every sleep asked for, in order. */
  readonly slept: number[] = [];

  /** `jitter`: the fixed jitter of retry waits, so a test's waits are the same on every run. */
  constructor(
    private t: number,
    private readonly fixedJitter = 0.5,
  ) {}

  jitter(): number {
    return this.fixedJitter;
  }

  now(): number {
    return this.t;
  }

  async sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    this.t += ms;
    await Promise.resolve();
  }

  advance(ms: number): void {
    this.t += ms;
  }
}
