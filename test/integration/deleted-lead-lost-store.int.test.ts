// A rep deletes the Lead leadloop made for a person, and the Recycle Bin is emptied (or the Lead was
// hard-deleted); later the state store is lost. The run on the new store must not make the Lead again from
// the contact whose stamp names it: sales removed it on purpose (ARCHITECTURE.md "One run", step 3,
// "nothing is re-created blindly"; the mirror of a contact deleted for good, gdpr-deleted-contact.int.test.ts).
import { rmSync } from "node:fs";
import { loadMappings } from "../../src/config/mapping-file.js";
import { SHIPPED_MAPPINGS } from "../../src/sandbox/package-paths.js";
import { funnelFor, loopConfig, pricingAndDemo, seedAnais, seedReps, startAnaisLoop } from "../support/funnel-harness.js";
import { runCli } from "../support/cli-run.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { beforeMidnight, movingClock } from "../support/moving-clock.js";

/** The contact's stamp: the id of the Lead, or of the Contact it became, as the shipped mappings name it. */
const STAMP = "leadloop_crm_id";

describe("a Lead deleted in Salesforce, then a lost store", () => {
  let loop: LoopHarness;
  let personId: string;
  const { now, later, reset } = movingClock();
  const sync = () => loop.sync({ funnel: funnelFor(loop, "salesforce") });
  const leads = () => loop.salesforce.data.list("Lead");
  const followUps = (leadId: string) =>
    loop.salesforce.data.list("Task").filter((t) => t.WhoId === leadId && String(t.Subject).startsWith("New MQL"));

  beforeEach(async () => {
    reset();
    // The shipped mappings, which stamp the contact with its CRM record's id.
    loop = await startLoop({ now, mappings: loadMappings(SHIPPED_MAPPINGS) });
    seedReps(loop);
    personId = seedAnais(loop);
    pricingAndDemo(loop, personId);
    later();
    expect((await sync()).summary.handoffs).toBe(1);
    later();
    // The contact is stamped once its Lead exists: the run after the one that made it.
    await sync();
    const [lead] = leads();
    expect(lead?.HubSpot_Contact_Id__c).toBe(personId);
    expect(loop.hubspot.data.getObject("contacts", personId)?.properties[STAMP]).toBe(lead!.Id);
    later();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("makes no new Lead from the contact whose stamp names the deleted one, however often it runs", async () => {
    loop.salesforce.data.delete("Lead", String(leads()[0]!.Id));
    later();
    await loop.restart(() => rmSync(loop.storePath));
    // The marketer edits her contact meanwhile: the new store's run reads it as an unlinked MQL.
    loop.hubspot.data.updateObject("contacts", personId, { jobtitle: "Directrice Commerciale Europe" });
    later();

    const run = await sync();
    expect(run.summary.status).toBe("succeeded");
    expect(run.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(run.summary.handoffs).toBe(0);
    later();
    loop.hubspot.data.updateObject("contacts", personId, { city: "Clermont-Ferrand" });
    later();
    expect((await sync()).summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(leads()).toEqual([]);
  });

  it("links her again when a Lead with her email is there: a stamp gone only keeps a create from happening", async () => {
    const deleted = String(leads()[0]!.Id);
    loop.salesforce.data.delete("Lead", deleted);
    // A rep re-enters her as a Lead of their own, by hand.
    const again = loop.salesforce.data.insert("Lead", {
      FirstName: "Anaïs",
      LastName: "Bérenger-Duval",
      Email: "anais.berenger@sgo-optique.fr",
      Company: "Société Générale d'Optique",
      Status: "Open - Not Contacted",
    });
    later();
    await loop.restart(() => rmSync(loop.storePath));
    loop.hubspot.data.updateObject("contacts", personId, { jobtitle: "Directrice Commerciale Europe" });
    later();

    await sync();
    expect(leads().map((l) => l.Id)).toEqual([again]);
    expect((await loop.store.findLinkByMarketing("contact", personId))?.crmId).toBe(again);
    // Her tasks went with the deleted Lead (Salesforce deletes a Lead's activities with it): the rep who
    // entered her again is handed her, with one follow-up task.
    expect(followUps(again)).toHaveLength(1);
    expect(followUps(deleted)).toEqual([]);
  });
});

// Within Salesforce's 15 days the new store learns of the deletion, or the merge, from Salesforce itself
// (its first removals read of Lead and Contact, ARCHITECTURE.md "One run", step 3), before the contact's
// stamp is asked.
// Each runs from the wall clock and from the day's last minutes, so that the store is lost the day after the
// handoff: a handoff decided again on the new store is the same handoff, whatever the day.
describe.each([
  ["", undefined],
  [", the day after the handoff", () => beforeMidnight(200)],
])("a Lead deleted or merged away in Salesforce, then a lost store (shipped mappings)%s", (_, startAt) => {
  let loop: LoopHarness;
  let personId: string;
  const { now, later, reset } = movingClock();
  const sync = () => loop.sync({ funnel: funnelFor(loop, "salesforce") });
  const leads = () => loop.salesforce.data.list("Lead");
  const followUps = (leadId: string) =>
    loop.salesforce.data.list("Task").filter((t) => t.WhoId === leadId && String(t.Subject).startsWith("New MQL"));
  const explain = async (email: string) => {
    const out = await runCli(["--config", loopConfig(loop, "salesforce"), "explain", email], {}, undefined, { now });
    expect(out.code).toBe(0);
    return out.stdout;
  };

  beforeEach(async () => {
    reset(startAt?.());
    ({ loop, personId } = await startAnaisLoop(now));
    later();
    expect((await sync()).summary.handoffs).toBe(1);
    later();
    await sync();
    expect(leads().map((l) => l.HubSpot_Contact_Id__c)).toEqual([personId]);
    later();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("a deletion a run followed: explain says so before and after the loss, and no Lead comes back", async () => {
    const deleted = String(leads()[0]!.Id);
    loop.salesforce.data.delete("Lead", deleted);
    later();
    await sync();
    const said = `no CRM record: salesforce Lead ${deleted} deleted`;
    expect(await explain("anais.berenger@sgo-optique.fr")).toContain(said);
    later();
    await loop.restart(() => rmSync(loop.storePath));
    loop.hubspot.data.updateObject("contacts", personId, { jobtitle: "Directrice Commerciale Europe" });
    later();
    const run = await sync();
    expect(run.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(run.summary.handoffs).toBe(0);
    later();
    expect((await sync()).summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(leads()).toEqual([]);
    expect(await explain("ANAIS.BERENGER@sgo-optique.fr")).toContain(said);
  });

  it("a merge into a rep's own Lead of her, under another email: the survivor is hers, no Lead is made", async () => {
    // The rep had entered her by hand, with her personal address; sales merges leadloop's Lead into it.
    const own = loop.salesforce.data.insert("Lead", {
      FirstName: "Anaïs",
      LastName: "Bérenger",
      Email: "anais.bd@orange.fr",
      Company: "Société Générale d'Optique",
      Status: "Working - Contacted",
    });
    loop.salesforce.data.merge("Lead", own, [String(leads().find((l) => l.Id !== own)!.Id)]);
    later();
    await loop.restart(() => rmSync(loop.storePath));
    later();

    // (The survivor does not carry her MQL date, so the handoff takes it as any MQL's record: ARCHITECTURE.md
    // "a lost store".)
    expect((await sync()).summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    later();
    await sync();
    expect(leads().map((l) => [l.Id, l.HubSpot_Contact_Id__c])).toEqual([[own, personId]]);
    expect((await loop.store.findLinkByMarketing("contact", personId))?.crmId).toBe(own);
    // Her personal address is not someone new in HubSpot.
    expect(loop.hubspot.data.listObjects("contacts").map((c) => c.id)).toEqual([personId]);
    // The merge brought the handoff's follow-up task to the survivor; the handoff decided again finds it.
    expect(followUps(own)).toHaveLength(1);
  });
});

// Salesforce's getDeleted lists whole minutes and ends its window at the minute its end falls in, so the
// new store's first removals read, which ends at the run's signpost, is not told of a deletion made earlier
// in that same minute. Without a contact stamp (a mapping with no `marketing.externalId`) that read is
// the only thing that says sales removed her Lead (ARCHITECTURE.md "Links").
describe("a Lead deleted in the same minute as a lost store's first run (no contact stamp)", () => {
  let loop: LoopHarness;
  let personId: string;
  const { now, later, reset } = movingClock();
  const sync = () => loop.sync({ funnel: funnelFor(loop, "salesforce") });
  const leads = () => loop.salesforce.data.list("Lead");
  const unstamped = loadMappings(SHIPPED_MAPPINGS).map((m) =>
    m.pair === "contact" ? { ...m, marketingExternalId: undefined } : m,
  );

  beforeEach(async () => {
    reset();
    loop = await startLoop({ now, mappings: unstamped });
    seedReps(loop);
    personId = seedAnais(loop);
    pricingAndDemo(loop, personId);
    later();
    expect((await sync()).summary.handoffs).toBe(1);
    later();
    await sync();
    expect(leads().map((l) => l.HubSpot_Contact_Id__c)).toEqual([personId]);
    expect(loop.hubspot.data.getObject("contacts", personId)?.properties[STAMP] ?? null).toBeNull();
  });
  afterEach(async () => {
    await loop.close();
  });

  it.each([
    ["a minute before the run", 65_000],
    ["5 seconds into the run's minute", 5_000],
  ])("makes no new Lead for her when sales deleted hers %s", async (_, intoMinuteMs) => {
    // The run's minute starts on the next whole minute; the deletion is `intoMinuteMs` before the run.
    const runAt = Math.ceil(now().getTime() / 60_000) * 60_000 + 60_000 + 10_000;
    reset(new Date(runAt - intoMinuteMs));
    loop.salesforce.data.delete("Lead", String(leads()[0]!.Id));
    await loop.restart(() => rmSync(loop.storePath));
    reset(new Date(runAt));

    const run = await sync();
    expect(run.summary.status).toBe("succeeded");
    expect(run.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    later();
    loop.hubspot.data.updateObject("contacts", personId, { city: "Clermont-Ferrand" });
    later();
    expect((await sync()).summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(leads()).toEqual([]);
  });
});
