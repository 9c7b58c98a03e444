// A marketer merges a handed-off person with a duplicate contact a form made. HubSpot makes a new record
// of the two, with a new id (developer changelog, "Updated merge functionality for contacts and
// companies"): the person's funnel state moves to it (with the link, when a pair links the contact), so
// the rep is not alerted a second time for someone they already have. In both CRM modes.
import { funnelFor, pricingAndDemo, seedAnais, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

/** Past the HubSpot emulator's search index lag (5 s). */
const STEP_MS = 6_000;

describe.each(["salesforce", "hubspot"] as const)("a handed-off person merged with a duplicate contact, crm: %s", (crm) => {
  let loop: LoopHarness;
  const { now, later, reset } = movingClock(STEP_MS);
  afterEach(async () => {
    await loop.close();
  });

  /** The "New MQL" alert tasks on the person's CRM record. */
  function alerts(recordId: string): unknown[] {
    if (crm === "salesforce")
      return loop.salesforce.data.list("Task").filter((t) => t.WhoId === recordId && String(t.Subject).startsWith("New MQL"));
    return loop.hubspot.data.listObjects("tasks").filter((t) => String(t.properties.hs_task_subject).startsWith("New MQL"));
  }

  it("keeps their MQL, follow-up clock and score on the merged record: no second handoff", async () => {
    reset();
    loop = await startLoop({ now });
    seedReps(loop);
    const funnel = funnelFor(loop, crm);
    const sync = () => loop.sync({ funnel, ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
    const personId = seedAnais(loop);
    pricingAndDemo(loop, personId);
    later();
    expect((await sync()).summary.handoffs).toBe(1);
    const record = crm === "salesforce" ? String(loop.salesforce.data.list("Lead")[0]!.Id) : personId;
    const [clock] = await loop.store.listSlaClocks();
    expect(clock?.personId).toBe(personId);
    expect(alerts(record)).toHaveLength(1);

    // She fills in a newsletter form with her personal address: a second contact, not sent to the CRM.
    const duplicate = loop.hubspot.data.createObject("contacts", { email: "anais.bd@gmail.com", firstname: "Anaïs" });
    later();
    await sync();
    later();
    const merged = loop.hubspot.data.mergeContacts(personId, duplicate.id);
    later();

    const run = await sync();
    expect(run.summary.status).toBe("succeeded");
    expect(run.summary.handoffs).toBe(0);
    if (crm === "salesforce") expect((await loop.store.findLinkByMarketing("contact", merged.id))?.crmId).toBe(record);
    const clocks = await loop.store.listSlaClocks();
    expect(clocks.map((c) => [c.personId, c.handoffAt])).toEqual([[merged.id, clock!.handoffAt]]);
    // With HubSpot as the CRM the clock's record is the contact, which is the merged record now.
    expect(clocks[0]!.crmId).toBe(crm === "salesforce" ? record : merged.id);
    expect((await loop.store.listFunnelEvents({ personId })).length).toBe(0);
    expect((await loop.store.listFunnelEvents({ personId: merged.id })).map((e) => e.toStage)).toContain("mql");
    expect((await loop.store.listPersonScores({})).map((s) => s.personId)).not.toContain(personId);

    later();
    expect((await sync()).summary.handoffs).toBe(0);
    expect(alerts(record)).toHaveLength(1);
  });
});
