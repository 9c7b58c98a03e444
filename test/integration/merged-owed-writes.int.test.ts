// What leadloop still owed a Lead that a rep then merged into another is owed to the master: the Lead is
// deleted and its writes dropped, so the marketer's change waiting for it reaches the master through the
// moved link's snapshots (src/sync/owed-fields.ts), settled against what the master holds by the
// mapping's rules (ARCHITECTURE.md "Links").
import { stoppedBeforeDrain } from "../support/deletions.js";
import { funnelFor, seedAnais, startAnaisLoop } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

/** Past the HubSpot emulator's search index lag (5 s). */
const STEP_MS = 6_000;

describe("a Lead merged away while leadloop's writes to it wait (crm: salesforce)", () => {
  let loop: LoopHarness;
  const { now, later, reset } = movingClock(STEP_MS);
  afterEach(async () => {
    await loop.close();
  });

  it("writes the marketer's change the Lead was owed to the master, keeping the master's newer value", async () => {
    reset();
    loop = await startLoop({ now });
    const personId = seedAnais(loop, { phone: "+33 1 42 68 53 00" });
    later();
    await loop.sync();
    const lead = (await loop.store.findLinkByMarketing("contact", personId))!.crmId;
    // A Lead a rep keyed in by hand, no email: leadloop leaves it alone until something links it.
    const master = loop.salesforce.data.insert("Lead", { LastName: "Bérenger-Duval", FirstName: "ANAÏS", Company: "SGO Optique" });
    later();
    await loop.sync();

    // The marketer edits her title and phone; a validation rule refuses the Lead's write (both fields).
    loop.salesforce.faults.add({ records: [{ object: "Lead", field: "Title", equals: "Directrice Commerciale Île-de-France", message: "Titles name no region" }] });
    loop.hubspot.data.updateObject("contacts", personId, { jobtitle: "Directrice Commerciale Île-de-France", phone: "+33 6 12 34 56 78" });
    later();
    const refused = await loop.sync();
    expect(refused.summary.errors.salesforce).toBe(1);
    expect(loop.salesforce.data.get("Lead", lead)?.Title).toBe("Directrice Commerciale");

    // The admin lifts the rule; a rep types the master's phone, then merges her Lead into it, keeping
    // the Lead's title (merge()'s masterRecord values, as the Merge page's choice of each field).
    loop.salesforce.faults.clear();
    later();
    loop.salesforce.data.update("Lead", master, { Phone: "+33 1 40 20 50 50" });
    later();
    loop.salesforce.data.update("Lead", master, { Title: "Directrice Commerciale" });
    later();
    loop.salesforce.data.merge("Lead", master, [lead]);
    later(61_000);
    const run = await loop.sync();
    expect(run.summary.status).toBe("succeeded");
    expect((await loop.store.findLinkByMarketing("contact", personId))?.crmId).toBe(master);
    // The title she was owed reached the master; the phone the rep typed after her edit stays, and goes
    // to her contact.
    expect(loop.salesforce.data.get("Lead", master)?.Title).toBe("Directrice Commerciale Île-de-France");
    expect(loop.salesforce.data.get("Lead", master)?.Phone).toBe("+33 1 40 20 50 50");
    expect(loop.hubspot.data.getObject("contacts", personId)!.properties.phone).toBe("+33140205050");
    expect(run.summary.errors).toEqual({ hubspot: 0, salesforce: 0 });

    later();
    const next = await loop.sync();
    expect(next.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(loop.salesforce.data.get("Lead", master)?.Title).toBe("Directrice Commerciale Île-de-France");
    expect(loop.hubspot.data.getObject("contacts", personId)!.properties.jobtitle).toBe("Directrice Commerciale Île-de-France");
  });

  it("writes her handoff to the master once, not to the merged-away Lead", async () => {
    reset();
    let personId: string;
    ({ loop, personId } = await startAnaisLoop(now));
    const master = loop.salesforce.data.insert("Lead", { LastName: "Bérenger-Duval", FirstName: "Anaïs", Company: "SGO Optique" });
    later();
    const syncWith = (options: Parameters<LoopHarness["sync"]>[0]) => loop.sync({ funnel: funnelFor(loop, "salesforce"), ...options });
    const waiting = await stoppedBeforeDrain(loop, syncWith);
    const lead = (await loop.store.findLinkByMarketing("contact", personId))!.crmId;
    expect(waiting).toEqual(expect.arrayContaining([`handoff:${personId}:owner`, `handoff:${personId}:record`, expect.stringMatching(/^leadloop:handoff:/)]));
    // A rep merges her new Lead into the one keyed by hand before leadloop's writes reach it.
    loop.salesforce.data.merge("Lead", master, [lead]);
    later(61_000);
    const run = await syncWith({});
    expect(run.summary.status).toBe("succeeded");
    // Nothing refused: no write went to the merged-away Lead (ENTITY_IS_DELETED), her alert included.
    expect(run.summary.errors).toEqual({ hubspot: 0, salesforce: 0 });
    const saved = loop.salesforce.data.get("Lead", master)!;
    // Routed to Hélène (France: the emea queue).
    const helene = loop.salesforce.data.list("User").find((u) => u.Email === "helene.dubois@leadloop-demo.com")!;
    expect(saved.OwnerId).toBe(helene.Id);
    expect(Number(saved.Leadloop_Score__c)).toBeGreaterThan(0);
    expect(saved.Leadloop_MQL_Date__c).not.toBeNull();
    const alerts = () => loop.salesforce.data.list("Task").filter((t) => String(t.Subject).startsWith("New MQL"));
    expect(alerts().map((t) => t.WhoId)).toEqual([master]);

    later();
    const next = await syncWith({});
    expect(next.summary.handoffs).toBe(0);
    expect(next.summary.errors).toEqual({ hubspot: 0, salesforce: 0 });
    expect(alerts()).toHaveLength(1);
    expect(await loop.store.listOutbox({})).toEqual([]);
    expect(await loop.store.listOutbox({ refused: true })).toEqual([]);
  });

  it("stops her follow-up clock when a rep merges her Lead into another person's, as on a deletion", async () => {
    reset();
    let personId: string;
    ({ loop, personId } = await startAnaisLoop(now));
    // Bérénice, not an MQL, whose Lead a rep keyed in with her email: linked by it.
    const other = loop.hubspot.data.createObject("contacts", { email: "berenice.duval@sgo-optique.fr", firstname: "Bérénice", lastname: "Duval" });
    loop.salesforce.data.insert("Lead", { LastName: "Duval", FirstName: "Bérénice", Company: "SGO Optique", Email: "Berenice.Duval@sgo-optique.fr" });
    later();
    const syncFunnel = () => loop.sync({ funnel: funnelFor(loop, "salesforce") });
    expect((await syncFunnel()).summary.handoffs).toBe(1);
    const lead = (await loop.store.findLinkByMarketing("contact", personId))!.crmId;
    const hers = (await loop.store.findLinkByMarketing("contact", other.id))!.crmId;
    // 90 s ago: getDeleted shows a merge once its minute has ended.
    loop.salesforce.data.merge("Lead", hers, [lead], new Date(now().getTime() - 90_000));
    later(61_000);
    const run = await syncFunnel();
    expect(run.summary.status).toBe("succeeded");
    expect(await loop.store.findLinkByMarketing("contact", personId)).toBeUndefined();
    expect((await loop.store.findLinkByMarketing("contact", other.id))?.crmId).toBe(hers);
    // Her clock stopped on the merged-away Lead, not left open there nor moved to Bérénice's.
    expect((await loop.store.listSlaClocks({ gone: true })).map((c) => [c.personId, c.crmId])).toEqual([[personId, lead]]);
    expect(await loop.store.listSlaClocks({ open: true, gone: false })).toEqual([]);

    // Long past the follow-up time: no breach for her raised on either Lead.
    later(5 * 60 * 60_000);
    const late = await syncFunnel();
    expect(late.summary.slaBreaches).toBe(0);
    expect(late.summary.errors).toEqual({ hubspot: 0, salesforce: 0 });
    expect(loop.salesforce.data.list("Task").filter((t) => String(t.Subject).startsWith("SLA"))).toEqual([]);
  });
});
