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
});
