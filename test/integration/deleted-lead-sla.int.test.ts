// A rep deletes a Lead leadloop handed off (Salesforce as the CRM): when a run follows the deletion, the
// follow-up clock on the Lead stops, so no breach or alert follows, and the writes still waiting for the
// person there (the handoff's tasks, whose queue entries name the task's key) leave the outbox with their
// refusals resolved (ARCHITECTURE.md "One write path" and "The follow-up SLA", a deleted record).
import { runCli } from "../support/cli-run.js";
import { funnelFor, hotEmails, loopConfig, startAnaisLoop } from "../support/funnel-harness.js";
import { expectDeletedHandoffShown, expectNothingOwedAfterDeletion, stoppedBeforeDrain } from "../support/deletions.js";
import type { LoopHarness } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

describe("a handed-off Lead deleted in Salesforce", () => {
  let loop: LoopHarness;
  let personId: string;
  const { now, later, reset } = movingClock();
  const sync = (options: Parameters<LoopHarness["sync"]>[0] = {}) => loop.sync({ funnel: funnelFor(loop, "salesforce"), ...options });
  const slaTasks = () => loop.salesforce.data.list("Task").filter((t) => String(t.Subject).startsWith("SLA missed"));

  beforeEach(async () => {
    reset();
    ({ loop, personId } = await startAnaisLoop(now));
    later();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("after the handoff: her clock stops, no breach or alert task for the rep's manager, and she leaves the hot list", async () => {
    expect((await sync()).summary.handoffs).toBe(1);
    expect(await hotEmails(loop, "salesforce", now)).toEqual(["anais.berenger@sgo-optique.fr"]);
    later();
    loop.salesforce.data.delete("Lead", String(loop.salesforce.data.list("Lead")[0]!.Id));
    await expectNothingOwedAfterDeletion(loop, () => sync(), later, slaTasks);
    // Her contact is still in HubSpot, but she is no rep's lead: `leadloop hot` no longer lists her.
    expect(await hotEmails(loop, "salesforce", now)).toEqual([]);
    // Her rep had the handoff before the deletion: it counts, closed.
    await expectDeletedHandoffShown(loopConfig(loop, "salesforce"), now, personId, true);
  });

  // Deleted and emptied from the Recycle Bin between two runs: getDeleted may no longer list it ("sObject
  // Get Deleted": fewer "if an administrator has purged the Recycle Bin"), nor queryAll read it, so only its
  // absence tells (ARCHITECTURE.md "Crash safety", a removal no system lists).
  it("after the handoff, deleted and emptied before the next run: her clock stops, no breach or alert task", async () => {
    expect((await sync()).summary.handoffs).toBe(1);
    later();
    const lead = String(loop.salesforce.data.list("Lead")[0]!.Id);
    loop.salesforce.data.delete("Lead", lead);
    loop.salesforce.data.emptyRecycleBin("Lead", lead);
    await expectNothingOwedAfterDeletion(loop, () => sync(), later, slaTasks);
    expect(await loop.store.findLinkByMarketing("contact", personId)).toBeUndefined();
    expect(await hotEmails(loop, "salesforce", now)).toEqual([]);
    expect(loop.salesforce.data.list("Lead")).toEqual([]);
  });

  // Emptied from the Recycle Bin while a write to it stays refused (from before the removals read's window,
  // so no removals read asks after it) and her clock runs: the marketer's next edit of her contact makes the
  // field sync read the Lead by id, and that read is what finds it gone. It is followed there as any
  // deletion (ARCHITECTURE.md "One write path"), where the link was retired and the refusal, the refused
  // write and the clock stayed behind it.
  it("emptied while a write to it is refused and her clock runs: the run whose read finds it gone leaves nothing owed", async () => {
    expect((await sync()).summary.handoffs).toBe(1);
    const lead = String(loop.salesforce.data.list("Lead")[0]!.Id);
    // A validation rule an admin added refuses the marketer's new title.
    loop.salesforce.faults.add({ records: [{ object: "Lead", field: "Title", equals: "Stagiaire", message: "Titles must name a role" }] });
    later();
    loop.hubspot.data.updateObject("contacts", personId, { jobtitle: "Stagiaire" });
    later();
    await sync();
    expect(await loop.store.listErrors({ status: "open" })).toEqual([expect.objectContaining({ object: "Lead", recordId: lead })]);
    later(10 * 60_000);
    await sync();
    later(10 * 60_000);
    loop.salesforce.data.delete("Lead", lead);
    loop.salesforce.data.emptyRecycleBin("Lead", lead);
    loop.hubspot.data.updateObject("contacts", personId, { jobtitle: "Directrice des achats" });
    later();
    expect((await sync()).summary.status).toBe("succeeded");
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
    expect(await loop.store.listOutbox({ refused: true })).toEqual([]);
    expect((await loop.store.listSlaClocks({ gone: true })).map((c) => c.crmId)).toEqual([lead]);
    expect((await loop.store.findRetiredLinks("contact", "marketing", [personId])).get(personId)?.retiredReason).toBe(
      `salesforce Lead ${lead} no longer found (deleted)`,
    );
    await expectNothingOwedAfterDeletion(loop, () => sync(), later, slaTasks);
    expect(loop.salesforce.data.list("Lead")).toEqual([]);
  });

  // getDeleted refuses a start more than 30 days back (INVALID_REPLICATION_DATE): a run after a longer pause
  // reads the removals from as far back as Salesforce allows, where it failed whole.
  it("after a pause of more than 30 days: the run succeeds and follows a Lead deleted meanwhile", async () => {
    expect((await sync()).summary.handoffs).toBe(1);
    const lead = String(loop.salesforce.data.list("Lead")[0]!.Id);
    later(31 * 86_400_000);
    loop.salesforce.data.delete("Lead", lead);
    later();
    expect((await sync()).summary.status).toBe("succeeded");
    expect(await loop.store.findLinkByMarketing("contact", personId)).toBeUndefined();
    expect((await loop.store.findRetiredLinks("contact", "marketing", [personId])).get(personId)?.retiredReason).toBe(
      `salesforce Lead ${lead} deleted`,
    );
    expect(loop.salesforce.data.list("Lead")).toEqual([]);
  });

  // A mass delete (a long transaction) stamps its deletions when it starts and shows them when it commits:
  // a run between the two is told by getDeleted's latestDateCovered that its window was covered only to the
  // transaction's start ("GetDeletedResult"), and the next run reads from there, not from its own end.
  it("deleted in a long transaction that commits after a run's removals read: the next run follows it", async () => {
    expect((await sync()).summary.handoffs).toBe(1);
    const lead = String(loop.salesforce.data.list("Lead")[0]!.Id);
    later(10 * 60_000);
    const massDelete = loop.salesforce.data.beginTransaction();
    later(6 * 60_000);
    expect((await sync()).summary.status).toBe("succeeded");
    expect(await loop.store.findLinkByMarketing("contact", personId)).toBeDefined();
    massDelete.commit(() => loop.salesforce.data.delete("Lead", lead, massDelete.startedAt));
    later();
    expect((await sync()).summary.status).toBe("succeeded");
    expect(await loop.store.findLinkByMarketing("contact", personId)).toBeUndefined();
    expect((await loop.store.findRetiredLinks("contact", "marketing", [personId])).get(personId)?.retiredReason).toBe(
      `salesforce Lead ${lead} deleted`,
    );
    await expectNothingOwedAfterDeletion(loop, () => sync(), later, slaTasks);
  });

  it("while the handoff's writes wait: they leave the outbox, their refusals are resolved, no handoff counts", async () => {
    // The first run makes her Lead; a second, stopped before its drain, decides a reroute-free handoff's
    // writes only when the Lead exists, so the handoff of the first run is what waits here.
    const waiting = await stoppedBeforeDrain(loop, sync);
    const lead = loop.salesforce.data.list("Lead")[0];
    expect(lead?.HubSpot_Contact_Id__c).toBe(personId);
    expect(waiting.some((k) => k.startsWith(`leadloop:handoff:${personId}:`))).toBe(true);
    loop.salesforce.data.delete("Lead", String(lead!.Id));
    await expectNothingOwedAfterDeletion(loop, () => sync(), later, slaTasks);
    // Nothing of the handoff reached a rep (the Lead's owner, the tasks): her MQL counts, no handoff does,
    // and no clock is on the board, as with HubSpot as the CRM.
    expect(loop.salesforce.data.list("Task")).toEqual([]);
    await expectDeletedHandoffShown(loopConfig(loop, "salesforce"), now, personId, false);
    // Her contact lives on: `leadloop explain` says why her handoff counts nowhere.
    const told = await runCli(["--config", loopConfig(loop, "salesforce"), "explain", "anais.berenger@sgo-optique.fr"], {}, undefined, { now });
    expect(told.code).toBe(0);
    expect(told.stdout).toContain("nothing of the handoff reached the rep (the record was deleted first), so it counts as no handoff");
  });
});
