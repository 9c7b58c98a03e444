// A lost state store and a person who qualified twice: recycled by the rep, then an MQL again on new
// behaviour past the cool-down. The rebuild reads the contact's `leadloop_mql_date` history (and its
// `leadloop_status` history to place the recycle), so `report funnel` after the loss counts the MQLs and
// re-qualifications it counted before, with each CRM; a contact that qualified once costs one history read.
import { rmSync } from "node:fs";
import { buildFunnelReport } from "../../src/report/build.js";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { funnelFor, pricingAndDemo, seedAnaisAtOptique, seedCamille, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

const DAY_MS = 86_400_000;
/** Whole seconds pass: the Salesforce emulator stamps to the second, and a rep's edit must follow leadloop's. */
const nextSecond = () => tick(1_100);

describe.each(["salesforce", "hubspot"] as const)("a lost store with crm: %s", (crm) => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("brings back each MQL of a person recycled and qualified again, in order, with the same report", async () => {
    seedReps(loop);
    const funnel = funnelFor(loop, crm);
    const anais = seedAnaisAtOptique(loop);
    // Camille qualifies once: her MQL date history, read with Anaïs's, holds nothing earlier.
    const camille = seedCamille(loop);
    // Past the recycle's 30-day cool-down, so the second qualification hands her off at once.
    const later = () => new Date(Date.now() + 31 * DAY_MS);
    const sync = (now?: () => Date) =>
      loop.sync({ funnel, ...(now ? { now } : {}), ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });

    pricingAndDemo(loop, anais);
    pricingAndDemo(loop, camille);
    expect((await sync()).summary.handoffs).toBe(2);
    await nextSecond();
    if (crm === "hubspot") loop.hubspot.data.updateObject("contacts", anais, { hs_lead_status: "BAD_TIMING" });
    else {
      const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === anais)!;
      loop.salesforce.data.update("Lead", String(lead.Id), { Status: "Closed - Not Converted" });
    }
    expect((await sync()).summary.dispositions.recycle).toBe(1);
    await nextSecond();
    recordActivity(loop.hubspot.data, {
      contactId: anais,
      kind: "pageView",
      properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "Tarifs – Entreprise" },
    });
    expect((await sync(later)).summary.handoffs).toBe(1);
    const path = async () => (await loop.store.listFunnelEvents({ personId: anais })).map((e) => `${e.fromStage}→${e.toStage}`);
    expect(await path()).toEqual(["lead→mql", "mql→recycled", "recycled→mql"]);
    const period = { since: new Date(Date.now() - DAY_MS).toISOString().slice(0, 10), until: new Date(Date.now() + 60 * DAY_MS).toISOString() };
    const report = () => buildFunnelReport(loop.store, period, later());
    const before = await report();
    expect([before.mqls, before.requalified]).toEqual([3, 1]);
    const mqlDates = (await loop.store.listFunnelEvents({ personId: anais })).filter((e) => e.toStage === "mql").map((e) => e.at.slice(0, 19));

    await loop.restart(() => rmSync(loop.storePath));
    const histories: ObservedCall[] = [];
    const stop = loop.hubspot.calls.observe((call) => {
      if (JSON.stringify(call.body ?? {}).includes("propertiesWithHistory")) histories.push(call);
    });
    const restored = await sync(later);
    stop();
    expect(restored.summary.handoffs).toBe(0);
    expect(await path()).toEqual(["lead→mql", "mql→recycled", "recycled→mql"]);
    const events = await loop.store.listFunnelEvents({ personId: anais });
    expect(events.filter((e) => e.toStage === "mql").map((e) => e.at.slice(0, 19))).toEqual(mqlDates);
    expect(events.every((e) => e.cause.startsWith("restored:"))).toBe(true);
    const after = await report();
    expect([after.mqls, after.requalified, after.recycled]).toEqual([before.mqls, before.requalified, before.recycled]);
    // One read of both contacts' MQL date histories, one of the status history of Anaïs, who has two.
    const asked = histories.filter((c) => JSON.stringify(c.body).match(/leadloop_(mql_date|status)/));
    expect(asked.map((c) => (c.body as { propertiesWithHistory: string[]; inputs: unknown[] })).map((b) => [b.propertiesWithHistory, b.inputs.length])).toEqual([
      [["leadloop_mql_date"], 2],
      [["leadloop_status"], 1],
    ]);
  });
});
