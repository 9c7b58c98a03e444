// HubSpot finds deletions only by listing its recycle bin whole (`archived=true`, 100 a page), so a
// portal that cleaned up a list of old contacts pays for them on every run. A bin of more than 1,000
// records is listed at most every `hubspot.recycleBinEvery` (an hour by default), from where its last
// listing ended: a contact deleted in between is followed by the next listing, not missed; a small bin
// is listed on every run (README "Deletions and merges").
import { jest } from "@jest/globals";
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { funnelFor, startAnaisLoop } from "../support/funnel-harness.js";
import type { LoopHarness } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

// 1,150 contacts made and deleted in the emulator, then four runs: seconds, more on a loaded machine.
jest.setTimeout(120_000);

const MINUTE = 60_000;

describe("HubSpot's recycle bin, listed to follow deletions", () => {
  let loop: LoopHarness;
  let personId: string;
  const { now, later, reset } = movingClock();
  const funnel = () => funnelFor(loop, "salesforce");

  /** Deletes `count` contacts of a bought list, each with a name and an address of its own. */
  function cleanUpOldList(count: number): void {
    for (let i = 0; i < count; i++) {
      const id = loop.hubspot.data.createObject("contacts", {
        email: `Ancien.Contact${i}@Liste-Salon-2019.fr`,
        firstname: i % 2 === 0 ? "Hélène" : "Jörg",
        lastname: `Müller-Lefèvre ${i}`,
      }).id;
      loop.hubspot.data.archiveObject("contacts", id);
    }
  }

  /** One run, with the pages of the contacts' recycle bin it listed. */
  async function run(): Promise<{ binPages: number }> {
    const calls: ObservedCall[] = [];
    const stop = loop.hubspot.calls.observe((c) => calls.push(c));
    try {
      const result = await loop.sync({ funnel: funnel() });
      expect(result.summary.status).toBe("succeeded");
      expect(result.summary.errors).toEqual({ hubspot: 0, salesforce: 0 });
    } finally {
      stop();
    }
    const binPages = calls.filter((c) => c.path === "/crm/v3/objects/contacts" && c.query.get("archived") === "true").length;
    return { binPages };
  }

  /** 1,150 deleted contacts; the first run links Anaïs, the second lists the bin. */
  async function firstListingOfALargeBin(): Promise<void> {
    cleanUpOldList(1_150);
    later();
    // The first run links and has no deletion to follow yet; its first load lists the bin once, for the
    // funnel of contacts a lost store's people deleted since (binned-people.ts), here none.
    expect((await run()).binPages).toBe(12);
    expect(await linked()).toBe(true);
    later();
    expect((await run()).binPages).toBe(12); // 1,150 records, 100 a page
  }

  async function linked(): Promise<boolean> {
    return (await loop.store.findLinkByMarketing("contact", personId)) !== undefined;
  }

  beforeEach(async () => {
    reset();
    ({ loop, personId } = await startAnaisLoop(now));
  });
  afterEach(async () => {
    await loop.close();
  });

  it("a bin of 1,150 contacts is listed once an hour, and a deletion between two listings is followed by the next", async () => {
    await firstListingOfALargeBin();

    // Anaïs is deleted in HubSpot five minutes later: the next run leaves the bin for later.
    later(5 * MINUTE);
    loop.hubspot.data.archiveObject("contacts", personId);
    later();
    expect((await run()).binPages).toBe(0);
    expect(await linked()).toBe(true);
    later(20 * MINUTE);
    expect((await run()).binPages).toBe(0);

    // An hour after the last listing the bin is listed again, from where that listing ended.
    later(40 * MINUTE);
    expect((await run()).binPages).toBe(12);
    expect(await linked()).toBe(false);
  });

  it("a CRM change for a contact deleted between two listings finds it gone at once, without the bin", async () => {
    await firstListingOfALargeBin();
    const leadId = String(loop.salesforce.data.list("Lead")[0]!.Id);

    // Anaïs is deleted in HubSpot; her rep then corrects the Lead's city and recycles it.
    loop.hubspot.data.archiveObject("contacts", personId);
    later();
    loop.salesforce.data.update("Lead", leadId, { City: "Besançon", Status: "Closed - Not Converted" });
    later();
    const changed = await run(); // no error: nothing is written to a contact that is gone
    expect(changed.binPages).toBe(0);
    expect(await linked()).toBe(false);
    expect(loop.hubspot.data.records("contacts", false).map((c) => c.id)).not.toContain(personId);
  });

  it("a bin of a few records is listed on every run", async () => {
    cleanUpOldList(3);
    later();
    await run();
    later();
    expect((await run()).binPages).toBe(1);
    loop.hubspot.data.archiveObject("contacts", personId);
    later();
    expect((await run()).binPages).toBe(1);
    expect(await linked()).toBe(false);
  });
});
