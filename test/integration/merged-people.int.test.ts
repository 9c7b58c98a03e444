// A marketer merges a handed-off person with a duplicate contact a form made. HubSpot makes a new record
// of the two, with a new id (developer changelog, "Updated merge functionality for contacts and
// companies"): the person's funnel state moves to it (with the link, when a pair links the contact), so
// the rep is not alerted a second time for someone they already have. In both CRM modes.
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { funnelFor, pricingAndDemo, seedAnais, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

/** Past the HubSpot emulator's search index lag (5 s). */
const STEP_MS = 6_000;
const DAY_MS = 86_400_000;

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

  it("keeps their behaviour on the merged record: the score the marketer and the rep see does not fall", async () => {
    reset();
    loop = await startLoop({ now });
    seedReps(loop);
    const funnel = funnelFor(loop, crm);
    const sync = () => loop.sync({ funnel, ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
    const personId = seedAnais(loop);
    // Her visits and demo request of last week: older than any look-back of a later run.
    for (const days of [9, 8, 6]) {
      const occurredAt = new Date(now().getTime() - days * DAY_MS);
      recordActivity(loop.hubspot.data, { contactId: personId, kind: "pageView", occurredAt, properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "Pricing" } });
    }
    recordActivity(loop.hubspot.data, {
      contactId: personId,
      kind: "formSubmission",
      occurredAt: new Date(now().getTime() - 5 * DAY_MS),
      properties: { hs_form_id: "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c05", hs_title: "Request a demo", hs_url: "https://www.leadloop-demo.com/demo" },
    });
    later();
    expect((await sync()).summary.handoffs).toBe(1);
    const scoreBefore = Number(loop.hubspot.data.getObject("contacts", personId)!.properties.leadloop_score);
    expect(scoreBefore).toBeGreaterThanOrEqual(60);

    const duplicate = loop.hubspot.data.createObject("contacts", { email: "anais.bd@gmail.com", firstname: "Anaïs" });
    later();
    await sync();
    later();
    const merged = loop.hubspot.data.mergeContacts(personId, duplicate.id);
    later();
    expect((await sync()).summary.status).toBe("succeeded");
    later();
    await sync();

    // The merged record's timeline holds her visits and demo request: its score is hers, not its fit alone.
    const contact = loop.hubspot.data.getObject("contacts", merged.id)!;
    expect(Number(contact.properties.leadloop_score)).toBeCloseTo(scoreBefore, 0);
    expect(contact.properties.leadloop_reasons).toMatch(/Requested a demo/);
    if (crm === "salesforce") {
      const [lead] = loop.salesforce.data.list("Lead");
      expect(Number(lead!.Leadloop_Score__c)).toBeCloseTo(scoreBefore, 0);
    }
  });
});
