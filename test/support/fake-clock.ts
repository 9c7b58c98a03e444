// A clock that only moves when told to or when something sleeps on it: retries and the API budget are
// tested over minutes and days without waiting.
import type { Clock } from "../../src/systems/clock.js";

export class FakeClock implements Clock {
  /** Every sleep asked for, in order. */
  readonly slept: number[] = [];

  constructor(private t: number) {}

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
