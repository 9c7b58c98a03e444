// The HubSpot limiter's window (systems/window-limiter.ts): HubSpot counts a call when it reaches it, so a
// call counts from its answer's arrival, and the call a window later cannot reach HubSpot while the first
// is still in HubSpot's window (the sixth search of a second is answered 429 SECONDLY).
import { setTimeout as sleep } from "node:timers/promises";
import { WindowLimiter } from "../../src/systems/window-limiter.js";

describe("WindowLimiter", () => {
  it("lets the next call go a window after the last answer arrived, not after it was sent", async () => {
    const windowMs = 300;
    const limiter = new WindowLimiter(1, windowMs);
    const settled = await limiter.take();
    await sleep(120); // the answer takes its time
    const answeredAt = Date.now();
    settled();
    await limiter.take();
    // A timer may fire a millisecond early; counted from when the call was sent, it went 120 ms sooner.
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(windowMs - 2);
  });

  it("keeps its window in order when answers arrive out of order", async () => {
    let t = 1_000_000;
    const limiter = new WindowLimiter(2, 1_000, () => t);
    const first = await limiter.take();
    const second = await limiter.take();
    t += 100;
    second(); // the later call answers first
    t += 400;
    first();
    // A window after the second's answer, it has left the window; the first's is still in it.
    t += 1_000 - 400 + 50;
    let third = false;
    void limiter.take().then(() => (third = true));
    await sleep(0);
    expect(third).toBe(true);
    let fourth = false;
    void limiter.take().then(() => (fourth = true));
    await sleep(0);
    expect(fourth).toBe(false);
    t += 400;
    await sleep(400);
    expect(fourth).toBe(true);
  });

  // HubSpot states the portal's burst on its answers (X-HubSpot-RateLimit-Max and -Interval-Milliseconds):
  // 100 per 10 s on Starter, 190 on Professional and Enterprise. Paced at 100 for ever, a Professional
  // portal's first load took nearly twice the time its limit allows.
  it("follows the limit the system states, up or down, when made to follow it; keeps a given one otherwise", async () => {
    let t = 1_000_000;
    const windowMs = 100;
    const all: Promise<unknown>[] = [];
    const goes = async (limiter: WindowLimiter, calls: number): Promise<number> => {
      let went = 0;
      for (let i = 0; i < calls; i++) all.push(limiter.take().then(() => went++));
      await sleep(0);
      return went;
    };
    const following = new WindowLimiter(100, windowMs, () => t, true);
    following.observeLimit(190, windowMs);
    expect(await goes(following, 200)).toBe(190);

    // Stated per another interval, taken per its own window; lowered, it holds the calls past the new limit.
    const perHalf = new WindowLimiter(100, windowMs, () => t, true);
    perHalf.observeLimit(25, windowMs / 2);
    expect(await goes(perHalf, 60)).toBe(50);

    const given = new WindowLimiter(100, windowMs, () => t);
    given.observeLimit(190, windowMs);
    expect(await goes(given, 200)).toBe(100);

    // The calls held go once their window has passed: nothing is left waiting.
    t += windowMs;
    await sleep(windowMs * 2);
    t += windowMs;
    await Promise.all(all);
  });
});
