// A marketer merges a handed-off person with a duplicate contact a form made. HubSpot makes a new record
// of the two, with a new id (developer changelog, "Updated merge functionality for contacts and
// companies"): the link moves to it, and so does the person's funnel state, so the rep is not alerted a
// second time for someone they already have.
import { funnelFor, pricingAndDemo, seedAnais, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

/** Past the HubSpot emulator's search index lag (5 s). */
const STEP_MS = 6_000;

describe("a handed-off person merged with a duplicate contact", () => {
  let loop: LoopHarness;
  let ahead = 0;
  const now = () => new Date(Date.now() + ahead);
  const later = () => {
    ahead += STEP_MS;
  };
  afterEach(async () => {
    await loop.close();
  });

  it("keeps their MQL, follow-up clock and score on the merged record: no second handoff", async () => {
    loop = await startLoop({ now });
    seedReps(loop);
    const funnel = funnelFor(loop, "salesforce");
    const person = { id: seedAnais(loop) };
    pricingAndDemo(loop, person.id);
    later();
    expect((await loop.sync({ funnel })).summary.handoffs).toBe(1);
    const lead = loop.salesforce.data.list("Lead")[0]!;
    const [clock] = await loop.store.listSlaClocks();
    expect(clock?.personId).toBe(person.id);

    // She fills in a newsletter form with her personal address: a second contact, not sent to the CRM.
    const duplicate = loop.hubspot.data.createObject("contacts", { email: "anais.bd@gmail.com", firstname: "Anaïs" });
    later();
    await loop.sync({ funnel });
    later();
    const merged = loop.hubspot.data.mergeContacts(person.id, duplicate.id);
    later();

    const run = await loop.sync({ funnel });
    expect(run.summary.status).toBe("succeeded");
    expect(run.summary.handoffs).toBe(0);
    expect((await loop.store.findLinkByMarketing("contact", merged.id))?.crmId).toBe(lead.Id);
    expect((await loop.store.listSlaClocks()).map((c) => [c.personId, c.handoffAt])).toEqual([[merged.id, clock!.handoffAt]]);
    expect((await loop.store.listFunnelEvents({ personId: person.id })).length).toBe(0);
    expect((await loop.store.listFunnelEvents({ personId: merged.id })).map((e) => e.toStage)).toContain("mql");
    expect((await loop.store.listPersonScores({})).map((s) => s.personId)).not.toContain(person.id);

    later();
    expect((await loop.sync({ funnel })).summary.handoffs).toBe(0);
    const alerts = loop.salesforce.data
      .list("Task")
      .filter((t) => t.WhoId === lead.Id && String(t.Subject).startsWith("New MQL"));
    expect(alerts).toHaveLength(1);
  });
});
