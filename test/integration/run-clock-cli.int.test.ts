// A CLI run on the clock its embedding program or test gives it (cli/context.ts `now`) dates and ages what
// it keeps across processes by that clock, as it dates the runs it records: the kept descriptions serve for
// `sync.descriptionsKeptFor` of that clock (ARCHITECTURE.md "Kept descriptions"), and the Salesforce share
// counts the calls of that clock's last 24 hours (README "Connecting real accounts"). Both emulators and
// every process read one clock the test moves.
import { DEFAULT_DESCRIPTIONS_KEPT_FOR_MS } from "../../src/config/leadloop-config.js";
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { runCli } from "../support/cli-run.js";
import { loopConfig, pricingAndDemo, seedAnais, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

const HOUR_MS = 3_600_000;

describe("a CLI run on a moved clock", () => {
  let loop: LoopHarness;
  let calls: ObservedCall[];
  let personId: string;
  const { now, later, reset } = movingClock();
  /** `leadloop sync --json` as a new process on the test's clock, with the Salesforce calls it made. */
  const sync = async () => {
    const from = calls.length;
    const out = await runCli(["--config", loopConfig(loop, "salesforce"), "sync", "--json"], {}, undefined, { now });
    return { ...out, salesforce: calls.slice(from) };
  };
  /** The sObjects described, alone or in a composite call. */
  const describes = (made: ObservedCall[]) =>
    made
      .flatMap((c) => (c.endpoint.endsWith("/composite") ? (c.body as { compositeRequest: { url: string }[] }).compositeRequest.map((r) => r.url) : [c.path]))
      .filter((u) => u.endsWith("/describe"));
  const used = async () => ((await loop.salesforce.control.call("GET", "/api-usage")) as { used: number }).used;

  beforeEach(async () => {
    reset();
    loop = await startLoop({ now });
    calls = [];
    loop.salesforce.calls.observe((c) => calls.push(c));
    seedReps(loop);
    personId = seedAnais(loop, { company: "Société Générale d'Optique — Lyon Part-Dieu" });
  });

  afterEach(async () => {
    await loop.close();
  });

  it("describes the Salesforce objects again once sync.descriptionsKeptFor of that clock has passed", async () => {
    // She qualifies: the first process makes her Lead, describing it.
    pricingAndDemo(loop, personId);
    later();
    const first = await sync();
    expect(first.code).toBe(0);
    expect(describes(first.salesforce)).not.toHaveLength(0);
    later(HOUR_MS);
    const kept = await sync();
    expect(kept.code).toBe(0);
    expect(describes(kept.salesforce)).toHaveLength(0);
    // A day and a minute after the first process read them, by the run's clock, her new phone number goes
    // to her Lead: the Lead is described again before the write.
    later(DEFAULT_DESCRIPTIONS_KEPT_FOR_MS - HOUR_MS + 60_000);
    loop.hubspot.data.updateObject("contacts", personId, { phone: "+33 4 78 12 34 56" });
    later();
    const aged = await sync();
    expect(aged.code).toBe(0);
    expect(describes(aged.salesforce).join(" ")).toMatch(/\/Lead\/describe/i);
    expect(loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)?.Phone).toBe("+33478123456");
  });

  it("counts the Salesforce share's calls over that clock's last 24 hours", async () => {
    // An org of 8 calls a day: leadloop's quarter is 2, spent by the first process.
    await loop.salesforce.control.call("PUT", "/api-usage", { used: 0, max: 8 });
    const spent = await sync();
    expect(spent.code).toBe(3);
    expect(await used()).toBe(2);
    // An hour on, the share is still spent: the next process stops before its first call.
    later(HOUR_MS);
    const within = await sync();
    expect(within.code).toBe(3);
    expect(within.stderr).toContain("(2 calls, share 0.25 of 8 = 2)");
    expect(await used()).toBe(2);
    // A day on, the org's day has rolled and so have leadloop's 24 hours: the next process calls again.
    later(24 * HOUR_MS);
    await loop.salesforce.control.call("PUT", "/api-usage", { used: 0, max: 8 });
    await sync();
    // Two calls made, where a count by the real clock took the first day's two as today's and made none.
    expect(await used()).toBe(2);
  });
});
