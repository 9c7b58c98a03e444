// A person asks to be forgotten and the marketer deletes their contact for good (HubSpot's GDPR delete):
// unlike an archived contact it is in no recycle bin, so no list of deletions names it. leadloop learns of
// it when a write to the contact is refused, follows it as it follows a deletion (the refusals resolved,
// the waiting writes dropped, the link retired), and never makes the contact again from the CRM, even
// after losing its store (ARCHITECTURE.md "One run", step 3; FIDELITY.md, the GDPR delete row).
import { rmSync } from "node:fs";
import { slaBoard } from "../../src/sync/funnel/sla-list.js";
import { funnelFor, startAnaisLoop } from "../support/funnel-harness.js";
import { expectFieldSyncRefusalFollowed, stoppedBeforeDrain } from "../support/deletions.js";
import type { LoopHarness } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

const EMAIL = "anais.berenger@sgo-optique.fr";

describe("a contact deleted for good in HubSpot (GDPR)", () => {
  let loop: LoopHarness;
  let personId: string;
  const { now, later, reset } = movingClock();
  const contactsWithEmail = () =>
    loop.hubspot.data.listObjects("contacts").filter((c) => c.properties.email?.toLowerCase() === EMAIL);

  async function handedOff(crm: "salesforce" | "hubspot"): Promise<void> {
    reset();
    ({ loop, personId } = await startAnaisLoop(now));
    later();
    expect((await sync(crm)).summary.handoffs).toBe(1);
    later();
  }
  const sync = (crm: "salesforce" | "hubspot", options: Parameters<LoopHarness["sync"]>[0] = {}) =>
    loop.sync(
      crm === "salesforce"
        ? { funnel: funnelFor(loop, crm), ...options }
        : { funnel: funnelFor(loop, crm), mappings: [], crm: loop.hubspotAdapter, ...options },
    );

  afterEach(async () => {
    await loop.close();
  });

  it("Salesforce: the refusals of the writes waiting for her are resolved, the writes dropped and the link retired; the Lead stays the rep's", async () => {
    await handedOff("salesforce");
    const leadId = String(loop.salesforce.data.list("Lead")[0]!.Id);
    // The rep recycles the Lead and renames its city: the contact is owed the verdict and the city.
    loop.salesforce.data.update("Lead", leadId, { Status: "Closed - Not Converted", City: "Clermont-Ferrand" });
    later();
    // The verdict stopped the follow-up clock: the rep's follow-up task's completion waits too.
    expect(await stoppedBeforeDrain(loop, (options) => sync("salesforce", options))).toEqual([`disposition:${personId}`, expect.stringMatching(/^follow-up-done:00T/), `sync:marketing:contacts:${personId}`]);
    expect(loop.hubspot.data.gdprDeleteContact(personId)).toBe(true);
    later();

    const next = await sync("salesforce");
    expect(next.summary.status).toBe("succeeded");
    // The field sync's leftover goes out first, before the run follows removals: refused, the refusal is
    // checked, and the contact is found gone, so the verdict is dropped before the run's last drain.
    await expectFieldSyncRefusalFollowed(loop, personId);
    expect((await loop.store.findRetiredLinks("contact", "crm", [leadId])).get(leadId)?.retiredReason).toBe(
      `hubspot contacts ${personId} gone without a deletion hubspot lists (deleted for good)`,
    );

    // The rep goes on working the Lead: nothing comes back to HubSpot, and nothing is refused again.
    loop.salesforce.data.update("Lead", leadId, { Title: "Directrice Commerciale France" });
    later();
    const quiet = await sync("salesforce");
    expect(quiet.summary.errors).toEqual({ hubspot: 0, salesforce: 0 });
    expect(quiet.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
    expect(contactsWithEmail()).toEqual([]);
    expect(loop.salesforce.data.get("Lead", leadId)?.Title).toBe("Directrice Commerciale France");
  });

  it("Salesforce: her follow-up stops at the delete: leadloop's open task on her Lead is completed, and no breach or write of hers follows the rep's close", async () => {
    await handedOff("salesforce");
    const leadId = String(loop.salesforce.data.list("Lead")[0]!.Id);
    const newMql = () => loop.salesforce.data.list("Task").filter((t) => t.WhoId === leadId && String(t.Subject).startsWith("New MQL"));
    expect(newMql().map((t) => t.Status)).toEqual(["Not Started"]);
    // She asks to be forgotten; the rep, not told, goes on working her Lead and then closes it.
    expect(loop.hubspot.data.gdprDeleteContact(personId)).toBe(true);
    loop.salesforce.data.update("Lead", leadId, { Title: "Directrice Commerciale France" }, now());
    later();
    expect((await sync("salesforce")).summary.status).toBe("succeeded");
    expect((await loop.store.findRetiredLinks("contact", "crm", [leadId])).has(leadId)).toBe(true);
    later();
    await sync("salesforce");
    expect(newMql().map((t) => t.Status)).toEqual(["Completed"]);
    expect((await loop.store.listSlaClocks({ personIds: [personId], gone: true })).map((c) => c.crmId)).toEqual([leadId]);
    // `leadloop sla` reads her clock closed, decided when the run followed the deletion.
    const board = await slaBoard(loop.store, funnelFor(loop, "salesforce").sla, now());
    expect(board.clocks.find((c) => c.personId === personId)).toMatchObject({ status: "closed", decidedAt: expect.any(String) });

    const tasksOnHerLead = () => loop.salesforce.data.list("Task").filter((t) => t.WhoId === leadId).map((t) => [t.Id, t.Status]);
    const tasksBefore = tasksOnHerLead();
    loop.salesforce.data.update("Lead", leadId, { Status: "Closed - Not Converted" }, now());
    later(5 * 86_400_000);
    const after = await sync("salesforce");
    expect(after.summary.status).toBe("succeeded");
    expect(after.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(await loop.store.listSlaBreaches({})).toEqual([]);
    // No "SLA missed" alert, no reroute's task: the tasks on her Lead are as the deletion left them.
    expect(tasksOnHerLead()).toEqual(tasksBefore);
    expect(contactsWithEmail()).toEqual([]);
  });

  it("Salesforce: deleted for good with nothing written to her or changed on her Lead since, her clock falling due ends her follow-up, not a breach", async () => {
    await handedOff("salesforce");
    const leadId = String(loop.salesforce.data.list("Lead")[0]!.Id);
    expect(loop.hubspot.data.gdprDeleteContact(personId)).toBe(true);
    expect((await sync("salesforce")).summary.status).toBe("succeeded");
    // Past her follow-up time: the run asks her contact, finds it gone, and follows the delete.
    later(5 * 3_600_000);
    const due = await sync("salesforce");
    expect(due.summary.slaBreaches).toBe(0);
    expect(await loop.store.listSlaBreaches({})).toEqual([]);
    expect((await loop.store.findRetiredLinks("contact", "crm", [leadId])).get(leadId)?.retiredReason).toBe(
      `hubspot contacts ${personId} gone without a deletion hubspot lists (deleted for good)`,
    );
    later();
    await sync("salesforce");
    const newMql = loop.salesforce.data.list("Task").filter((t) => t.WhoId === leadId && String(t.Subject).startsWith("New MQL"));
    expect(newMql.map((t) => t.Status)).toEqual(["Completed"]);
    expect(loop.salesforce.data.list("Task").filter((t) => String(t.Subject).startsWith("SLA missed"))).toEqual([]);
  });

  it("Salesforce: a contact archived (the removals read lists it) ends her follow-up the same way", async () => {
    await handedOff("salesforce");
    const leadId = String(loop.salesforce.data.list("Lead")[0]!.Id);
    loop.hubspot.data.archiveObject("contacts", personId);
    later();
    expect((await sync("salesforce")).summary.status).toBe("succeeded");
    later();
    await sync("salesforce");
    expect((await loop.store.findRetiredLinks("contact", "crm", [leadId])).get(leadId)?.retiredReason).toBe(`hubspot contacts ${personId} deleted`);
    const newMql = loop.salesforce.data.list("Task").filter((t) => t.WhoId === leadId && String(t.Subject).startsWith("New MQL"));
    expect(newMql.map((t) => t.Status)).toEqual(["Completed"]);
    later(5 * 86_400_000);
    expect((await sync("salesforce")).summary.status).toBe("succeeded");
    expect(await loop.store.listSlaBreaches({})).toEqual([]);
  });

  it("Salesforce: a store lost after the delete does not bring her back from the Lead her stamp is on", async () => {
    await handedOff("salesforce");
    const leadId = String(loop.salesforce.data.list("Lead")[0]!.Id);
    expect(loop.salesforce.data.get("Lead", leadId)?.HubSpot_Contact_Id__c).toBe(personId);
    loop.hubspot.data.gdprDeleteContact(personId);
    later();
    await loop.restart(() => rmSync(loop.storePath));
    loop.salesforce.data.update("Lead", leadId, { City: "Clermont-Ferrand" });
    later();

    const run = await sync("salesforce");
    expect(run.summary.status).toBe("succeeded");
    expect(run.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(contactsWithEmail()).toEqual([]);
    later();
    expect((await sync("salesforce")).summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(contactsWithEmail()).toEqual([]);
  });

  it("HubSpot as the CRM: the handoff's writes waiting for her are dropped and their refusals resolved", async () => {
    reset();
    ({ loop, personId } = await startAnaisLoop(now));
    later();
    const waiting = await stoppedBeforeDrain(loop, (options) => sync("hubspot", options));
    expect(waiting.length).toBeGreaterThan(0);
    loop.hubspot.data.gdprDeleteContact(personId);
    later();

    expect((await sync("hubspot")).summary.status).toBe("succeeded");
    later();
    const after = await sync("hubspot");
    expect(after.summary.errors).toEqual({ hubspot: 0 });
    const onContact = (await loop.store.listErrors({})).filter((e) => e.object === "contacts");
    expect(onContact.length).toBeGreaterThan(0);
    expect(onContact.every((e) => e.recordId === personId && e.status === "resolved")).toBe(true);
    expect((await loop.store.listOutbox({ refused: true })).filter((w) => w.recordId === personId)).toEqual([]);
    expect(contactsWithEmail()).toEqual([]);
  });
});
