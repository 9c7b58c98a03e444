// A person her rep trashed, whom an admin brings back with `leadloop requalify --yes`, then who acts and
// qualifies again: the run after hands her off (no breach of the trashed handoff's clock, which her rep's
// verdict closed), and `report funnel` and `report sla` count her two MQLs and handoffs. The requalify
// writes her contact (leadloop_status lead) at once, so its `leadloop_status` history reads trash → lead →
// mql; a lost store rebuilt from it brings back the admin's move to lead, as requalify made it, not a
// recycle: the report's figures stay (README "Recycle and trash", and "Funnel reports": a lost store counts
// a move no verdict made in no disposition). A store lost between the requalify and the next sync loses
// nothing: her records already say she is back.
import { rmSync } from "node:fs";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { runCli } from "../support/cli-run.js";
import { anaisTrashed, funnelFor, loopConfig } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

/** Whole seconds pass: the Salesforce emulator stamps to the second, and a rep's edit must follow leadloop's. */
const nextSecond = () => tick(1_100);

interface FunnelFigures {
  mqls: number;
  requalified: number;
  recycled: number;
  handoffs: number;
  dispositions: Record<string, number>;
}

describe.each(["salesforce", "hubspot"] as const)("a trashed person requalified by an admin, crm: %s", (crm) => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });
  const sync = (funnel: ReturnType<typeof funnelFor>) =>
    loop.sync({ funnel, ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
  const cli = async (args: string[]) => {
    const out = await runCli(["--config", loopConfig(loop, crm), ...args]);
    expect(out.code).toBe(0);
    return out.stdout;
  };
  const funnelReport = async () => {
    const r = JSON.parse(await cli(["report", "funnel", "--json", "--since", "2000-01-01"])) as FunnelFigures;
    return { mqls: r.mqls, requalified: r.requalified, recycled: r.recycled, dispositions: r.dispositions };
  };
  const path = async (personId: string) => (await loop.store.listFunnelEvents({ personId })).map((e) => `${e.fromStage}→${e.toStage}`);

  it("hands her off once she qualifies again, with no breach, and a lost store brings her moves back as they were", async () => {
    const { funnel, anais } = await anaisTrashed(loop, crm, sync);
    await nextSecond();
    // The admin types her address in another case; she visits the pricing page again before the next run.
    const requalified = JSON.parse(await cli(["requalify", "ANAIS.Berenger@sgo-optique.fr", "--yes", "--json"])) as { from: string; to: string };
    expect([requalified.from, requalified.to]).toEqual(["trash", "lead"]);
    recordActivity(loop.hubspot.data, {
      contactId: anais,
      kind: "pageView",
      properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "Tarifs – Entreprise" },
    });
    const again = await sync(funnel);
    expect([again.summary.handoffs, again.summary.slaBreaches]).toEqual([1, 0]);
    const moves = ["lead→mql", "mql→trash", "trash→lead", "lead→mql"];
    expect(await path(anais)).toEqual(moves);
    const contact = loop.hubspot.data.getObject("contacts", anais)!;
    expect(contact.properties.leadloop_status).toBe("mql");
    // Newest first: the requalify wrote `lead` at once, the handoff `mql` after it.
    expect(loop.hubspot.data.propertyHistory(contact, "leadloop_status").map((h) => h.value)).toEqual(["mql", "lead", "trash", "mql"]);

    const sla = JSON.parse(await cli(["sla", "--json"])) as { clocks: { status: string; current: boolean }[]; breaches: unknown[] };
    expect(sla.clocks.map((c) => [c.status, c.current])).toEqual([["open", true]]);
    expect(sla.breaches).toEqual([]);
    const slaReport = JSON.parse(await cli(["report", "sla", "--json", "--since", "2000-01-01"])) as Record<string, number>;
    expect([slaReport.handoffs, slaReport.met, slaReport.breached, slaReport.open]).toEqual([2, 1, 0, 1]);
    // Her second MQL is from lead, where requalify put her: no re-qualification, no recycle.
    const before = await funnelReport();
    expect(before).toEqual({ mqls: 2, requalified: 0, recycled: 0, dispositions: { qualified: 0, recycle: 0, trash: 1, unreachable: 0 } });

    await loop.restart(() => rmSync(loop.storePath));
    expect((await sync(funnel)).summary.handoffs).toBe(0);
    expect(await path(anais)).toEqual(moves);
    expect(await funnelReport()).toEqual(before);
  });

  it("keeps her requalified when the store is lost before the next sync: her records say she is back on both systems", async () => {
    const { funnel, anais } = await anaisTrashed(loop, crm, sync);
    await nextSecond();
    const requalified = JSON.parse(await cli(["requalify", "anais.BERENGER@sgo-optique.fr", "--yes", "--json"])) as { written?: boolean };
    // The store is lost before any sync writes anything: what requalify decided lives in the systems now.
    await loop.restart(() => rmSync(loop.storePath));
    await sync(funnel);
    const contact = loop.hubspot.data.getObject("contacts", anais)!.properties;
    expect([contact.leadloop_status, contact.lifecyclestage, contact.hs_lead_status, contact.leadloop_disposition_reason ?? ""]).toEqual([
      "lead",
      "lead",
      "NEW",
      "",
    ]);
    if (crm === "salesforce") {
      const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === anais)!;
      expect([lead.Status, lead.Leadloop_Disposition_Reason__c ?? null]).toEqual(["Open - Not Contacted", null]);
    }
    // The rebuilt store has her at lead, where requalify put her, not trashed; the command said it wrote her.
    expect((await path(anais)).at(-1)).toBe("trash→lead");
    expect(requalified.written).toBe(true);
  });
});
