// A write leadloop decided waits in the outbox (a run stopped before its drain), and the record it is for
// is deleted (or merged away in Salesforce, which deletes the losing record) before the next run: the
// write can never be made. The next run follows the deletion: the
// refusal its first drain met is in the error queue and resolved there, what the outbox still kept for the
// record is dropped, and no later run sends it or queues it again.
import { funnelFor, startAnaisLoop } from "../support/funnel-harness.js";
import { expectFieldSyncRefusalFollowed, stoppedBeforeDrain } from "../support/deletions.js";
import type { LoopHarness } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

describe("writes for a record deleted before they went out", () => {
  let loop: LoopHarness;
  let personId: string;
  let leadId: string;
  const { now, later, reset } = movingClock();
  const funnel = () => funnelFor(loop, "salesforce");
  /** A run of the pair and the funnel, with `options` (a stop, progress) besides. */
  const syncWith = (options: Parameters<LoopHarness["sync"]>[0]) => loop.sync({ funnel: funnel(), ...options });

  beforeEach(async () => {
    reset();
    ({ loop, personId } = await startAnaisLoop(now));
    later();
    expect((await loop.sync({ funnel: funnel() })).summary.handoffs).toBe(1);
    leadId = String(loop.salesforce.data.list("Lead")[0]!.Id);
    later();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("HubSpot: a contact deleted while its disposition and field sync wait", async () => {
    // The rep recycles the Lead and renames its city: the contact gets the verdict and the city.
    loop.salesforce.data.update("Lead", leadId, { Status: "Closed - Not Converted", City: "Clermont-Ferrand" });
    later();
    // The verdict stopped the follow-up clock: the rep's follow-up task's completion waits too.
    expect(await stoppedBeforeDrain(loop, syncWith)).toEqual([`disposition:${personId}`, expect.stringMatching(/^follow-up-done:00T/), `sync:marketing:contacts:${personId}`]);
    loop.hubspot.data.archiveObject("contacts", personId);
    later();

    const next = await loop.sync({ funnel: funnel() });
    expect(next.summary.status).toBe("succeeded");
    // The field sync's leftover goes out first, before the run reads the deletion: refused, and queued.
    await expectFieldSyncRefusalFollowed(loop, personId);

    later();
    const after = await loop.sync({ funnel: funnel() });
    expect(after.summary.errors).toEqual({ hubspot: 0, salesforce: 0 });
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
  });

  it("Salesforce: a Lead deleted while the field sync's write to it waits", async () => {
    loop.hubspot.data.updateObject("contacts", personId, { jobtitle: "Directrice Générale Adjointe" });
    later();
    expect(await stoppedBeforeDrain(loop, syncWith)).toEqual([`sync:crm:Lead:${leadId}`]);
    loop.salesforce.data.delete("Lead", leadId);
    later();

    const next = await loop.sync({ funnel: funnel() });
    expect(next.summary.status).toBe("succeeded");
    const queued = await loop.store.listErrors({});
    expect(queued.map((e) => [e.system, e.recordId, e.status])).toEqual([["salesforce", leadId, "resolved"]]);
    expect(queued[0]!.message).toContain("ENTITY_IS_DELETED");
    expect(await loop.store.listOutbox({ refused: true })).toEqual([]);
    expect(await loop.store.findLinkByCrm("contact", "Lead", leadId)).toBeUndefined();

    later();
    const after = await loop.sync({ funnel: funnel() });
    expect(after.summary.errors).toEqual({ hubspot: 0, salesforce: 0 });
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
  });

  it("Salesforce: a Lead merged into another while the write to it waits; the link follows the Lead the rep kept", async () => {
    loop.hubspot.data.updateObject("contacts", personId, { jobtitle: "Directrice Générale Adjointe" });
    later();
    expect(await stoppedBeforeDrain(loop, syncWith)).toEqual([`sync:crm:Lead:${leadId}`]);
    // A rep enters the person again by hand, then merges the two Leads keeping theirs: leadloop's Lead is
    // the losing record.
    const survivor = loop.salesforce.data.insert("Lead", {
      FirstName: "Anaïs",
      LastName: "Bérenger",
      Email: "anais.berenger@sgo-optique.fr",
      Company: "SGO Optique",
      Status: "Working - Contacted",
    });
    loop.salesforce.data.merge("Lead", survivor, [leadId]);
    later();

    const next = await loop.sync({ funnel: funnel() });
    expect(next.summary.status).toBe("succeeded");
    const queued = await loop.store.listErrors({});
    expect(queued.map((e) => [e.system, e.recordId, e.status])).toEqual([["salesforce", leadId, "resolved"]]);
    expect(await loop.store.listOutbox({ refused: true })).toEqual([]);
    expect((await loop.store.findLinkByMarketing("contact", personId))?.crmId).toBe(survivor);

    later();
    const after = await loop.sync({ funnel: funnel() });
    expect(after.summary.errors).toEqual({ hubspot: 0, salesforce: 0 });
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
    // The merge is the rep's latest word on the Lead: the contact now agrees with the Lead it kept.
    const kept = loop.salesforce.data.get("Lead", survivor)!;
    expect(kept.HubSpot_Contact_Id__c).toBe(personId);
    expect(loop.hubspot.data.getObject("contacts", personId)!.properties.jobtitle ?? null).toBe(kept.Title ?? null);
  });
});
