// A merge made after a run's removals read, found by a page's read by id (its linked record answers as
// the record it went into): followed as the removals read follows one (src/sync/merges.ts), on either
// side. The person keeps her link, funnel state and follow-up clock on the survivor, so she is not handed
// off a second time; and a CRM merge the removals read follows moves her clock to the master.
import { funnelFor, pricingAndDemo, seedAnais, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

/** Past the HubSpot emulator's search index lag (5 s). */
const STEP_MS = 6_000;

describe("a handed-off person merged after the run's removals read (crm: salesforce)", () => {
  let loop: LoopHarness;
  const { now, later, reset } = movingClock(STEP_MS);
  afterEach(async () => {
    await loop.close();
  });

  /** Anaïs handed off on a Lead: her contact, the Lead and the run's funnel. */
  async function handedOff() {
    reset();
    loop = await startLoop({ now });
    seedReps(loop);
    const funnel = funnelFor(loop, "salesforce");
    const personId = seedAnais(loop);
    pricingAndDemo(loop, personId);
    later();
    expect((await loop.sync({ funnel })).summary.handoffs).toBe(1);
    const lead = String(loop.salesforce.data.list("Lead")[0]!.Id);
    const [clock] = await loop.store.listSlaClocks();
    expect([clock?.personId, clock?.crmId]).toEqual([personId, lead]);
    return { funnel, personId, lead, clock: clock! };
  }

  function alertsOn(recordId: string): unknown[] {
    return loop.salesforce.data.list("Task").filter((t) => t.WhoId === recordId && String(t.Subject).startsWith("New MQL"));
  }

  it("follows a marketing merge the Lead page finds: her link, clock and events move to the merged contact, no second handoff", async () => {
    const { funnel, personId, lead, clock } = await handedOff();
    const duplicate = loop.hubspot.data.createObject("contacts", { email: "anais.bd@gmail.com", firstname: "Anaïs", lastname: "  " });
    later();
    await loop.sync({ funnel });
    later();
    // The rep edits her Lead, so the Lead page reads her contact by id; the marketer merges her contact
    // with the duplicate once the run has read its removals.
    loop.salesforce.data.update("Lead", lead, { Title: "Directrice Commerciale Île-de-France" });
    later();
    let merged: { id: string } | undefined;
    const run = await loop.sync({
      funnel,
      onProgress: (p) => {
        if (p.phase === "salesforce Lead" && !merged) merged = loop.hubspot.data.mergeContacts(personId, duplicate.id);
      },
    });
    expect(run.summary.status).toBe("succeeded");
    expect(merged).toBeDefined();
    expect((await loop.store.findLinkByMarketing("contact", merged!.id))?.crmId).toBe(lead);
    expect(await loop.store.findLinkByMarketing("contact", personId)).toBeUndefined();
    const clocks = await loop.store.listSlaClocks();
    expect(clocks.map((c) => [c.personId, c.crmId, c.handoffAt])).toEqual([[merged!.id, lead, clock.handoffAt]]);
    expect((await loop.store.listFunnelEvents({ personId: merged!.id })).map((e) => e.toStage)).toContain("mql");

    later();
    const next = await loop.sync({ funnel });
    expect(next.summary.handoffs).toBe(0);
    expect(next.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(alertsOn(lead)).toHaveLength(1);
    expect(loop.salesforce.data.list("Lead")).toHaveLength(1);
    // The rep's edit of the Lead reached the merged contact.
    expect(loop.hubspot.data.getObject("contacts", merged!.id)!.properties.jobtitle).toBe("Directrice Commerciale Île-de-France");
  });

  it("follows a Lead merge the contact page finds: her link and clock move to the master, her clock not stopped", async () => {
    const { funnel, personId, lead, clock } = await handedOff();
    // A Lead a rep keyed in by hand (no email: leadloop leaves it alone until something links it), with
    // her title: merge() saves the master, so a blank one would be the rep's latest choice (most_recent).
    const master = loop.salesforce.data.insert("Lead", {
      LastName: "Bérenger-Duval",
      FirstName: "ANAÏS",
      Company: "SGO Optique",
      Title: "Directrice Commerciale",
    });
    later();
    await loop.sync({ funnel });
    later();
    // Marketing edits her contact, so the contact page reads her Lead by id; the rep merges her Lead into
    // the one keyed by hand once the run has read its removals.
    loop.hubspot.data.updateObject("contacts", personId, { jobtitle: "Directrice Commerciale Île-de-France" });
    later();
    let mergedAt = false;
    const run = await loop.sync({
      funnel,
      onProgress: (p) => {
        if (p.phase === "hubspot contacts" && !mergedAt) {
          loop.salesforce.data.merge("Lead", master, [lead]);
          mergedAt = true;
        }
      },
    });
    expect(run.summary.status).toBe("succeeded");
    expect(mergedAt).toBe(true);
    // Nothing went to the merged-away Lead, which takes no writes.
    expect(run.summary.errors).toEqual({ hubspot: 0, salesforce: 0 });
    expect(run.summary.restored).toBe(0);
    expect((await loop.store.findLinkByMarketing("contact", personId))?.crmId).toBe(master);
    expect(await loop.store.listSlaClocks({ gone: true })).toEqual([]);
    const clocks = await loop.store.listSlaClocks();
    expect(clocks.map((c) => [c.personId, c.crmId, c.handoffAt])).toEqual([[personId, master, clock.handoffAt]]);

    later(61_000);
    const next = await loop.sync({ funnel });
    expect(next.summary.status).toBe("succeeded");
    expect(next.summary.handoffs).toBe(0);
    expect(next.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    // The handoff's alert went with her Lead to the master (merge() re-parents related records).
    expect(alertsOn(master)).toHaveLength(1);
    expect(loop.salesforce.data.get("Lead", master)?.Title).toBe("Directrice Commerciale Île-de-France");
    expect((await loop.store.findLinkByMarketing("contact", personId))?.crmId).toBe(master);
  });

  it("moves her follow-up clock to the master when the removals read finds her Lead merged", async () => {
    const { funnel, personId, lead, clock } = await handedOff();
    const master = loop.salesforce.data.insert("Lead", { LastName: "Bérenger-Duval", Company: "SGO Optique" });
    later();
    await loop.sync({ funnel });
    // 90 s ago: getDeleted shows a merge once its minute has ended.
    loop.salesforce.data.merge("Lead", master, [lead], new Date(now().getTime() - 90_000));
    later(61_000);
    expect((await loop.sync({ funnel })).summary.handoffs).toBe(0);
    expect((await loop.store.findLinkByMarketing("contact", personId))?.crmId).toBe(master);
    const clocks = await loop.store.listSlaClocks();
    expect(clocks.map((c) => [c.personId, c.crmId, c.handoffAt])).toEqual([[personId, master, clock.handoffAt]]);
    expect(alertsOn(master)).toHaveLength(1);
  });
});
