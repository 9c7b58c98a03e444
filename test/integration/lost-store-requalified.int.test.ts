// A lost state store and a person who qualified twice: recycled by the rep, then an MQL again on new
// behaviour past the cool-down. The rebuild reads the contact's `leadloop_mql_date` history (and its
// `leadloop_status` and `leadloop_disposition_date` histories, together, to place the recycle and tell it
// for the rep's verdict: her CRM record is open again, so its status no longer shows it), so `report funnel
// --json --group-by source` after the loss counts the MQLs, re-qualifications and the recycle verdict (in
// Dispositions and her source's columns) it counted before, with each CRM; a contact that qualified once
// costs one history read. Her contact deleted before the loss, the same histories come from the recycle
// bin (the batch read with `archived=true`), read for her alone.
import { rmSync } from "node:fs";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { runCli } from "../support/cli-run.js";
import { funnelFor, loopConfig, pricingAndDemo, seedAnaisAtOptique, seedCamille, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

const DAY_MS = 86_400_000;
/** Whole seconds pass: the Salesforce emulator stamps to the second, and a rep's edit must follow leadloop's. */
const nextSecond = () => tick(1_100);

/** What the test compares of `report funnel --json --group-by source`. */
interface ReportFigures {
  mqls: number;
  requalified: number;
  recycled: number;
  dispositions: Record<string, number>;
  groups: { label: string; mqls: number; requalified: number; recycled: number; dispositions: Record<string, number> }[];
}

describe.each(["salesforce", "hubspot"] as const)("a lost store with crm: %s", (crm) => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  it.each([
    ["her contact kept", false],
    ["her contact deleted before the loss (from the recycle bin)", true],
  ])("brings back each MQL of a person recycled and qualified again, in order, with the same report: %s", async (_, binned) => {
    seedReps(loop);
    const funnel = funnelFor(loop, crm);
    const anais = seedAnaisAtOptique(loop);
    loop.hubspot.data.updateObject("contacts", anais, { hs_analytics_source: "PAID_SEARCH" });
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
    const until = new Date(Date.now() + 60 * DAY_MS).toISOString();
    const report = async (): Promise<ReportFigures> => {
      const args = ["report", "funnel", "--since", "2000-01-01", "--until", until, "--group-by", "source", "--json"];
      const out = await runCli(["--config", loopConfig(loop, crm), ...args], {}, undefined, { now: later });
      expect(out.code).toBe(0);
      return JSON.parse(out.stdout) as ReportFigures;
    };
    const figures = (r: ReportFigures) => [r.mqls, r.requalified, r.recycled, r.dispositions, r.groups.map((g) => [g.label, g.mqls, g.requalified, g.recycled, g.dispositions])];
    const before = await report();
    expect([before.mqls, before.requalified, before.dispositions.recycle]).toEqual([3, 1, 1]);
    expect(before.groups.find((g) => g.label === "PAID_SEARCH")?.dispositions.recycle).toBe(1);
    const mqlDates = (await loop.store.listFunnelEvents({ personId: anais })).filter((e) => e.toStage === "mql").map((e) => e.at.slice(0, 19));
    if (binned) loop.hubspot.data.archiveObject("contacts", anais);

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
    expect(events.find((e) => e.toStage === "recycled")?.cause).toMatch(/^restored: disposition recycle: /);
    expect(figures(await report())).toEqual(figures(before));
    // One read of both contacts' MQL date histories, one of the status and disposition date histories of
    // Anaïs, who has two; hers from the recycle bin when her contact is in it (Camille's read live first).
    const asked = histories.filter((c) => JSON.stringify(c.body).match(/leadloop_(mql_date|status)/));
    const read = (c: ObservedCall) => c.body as { propertiesWithHistory: string[]; inputs: unknown[] };
    expect(asked.map((c) => [read(c).propertiesWithHistory, read(c).inputs.length, c.query.get("archived") === "true"])).toEqual(
      binned
        ? [
            [["leadloop_mql_date"], 1, true],
            [["leadloop_status", "leadloop_disposition_date"], 1, true],
            [["leadloop_mql_date"], 1, false],
          ]
        : [
            [["leadloop_mql_date"], 2, false],
            [["leadloop_status", "leadloop_disposition_date"], 1, false],
          ],
    );
  });
});
