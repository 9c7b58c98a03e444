// Sales changing its mind, in both CRM modes: a rep trashes a handed-off lead, then weeks later converts
// it after all (Salesforce's convertLead with an Opportunity; with HubSpot as the CRM, OPEN_DEAL and a
// deal) and wins the deal. The person moves on from trash to opportunity and won, the contact's lifecycle
// stage follows (cleared first: HubSpot keeps trash as "other", after both in its order), and `report
// funnel` counts the win. Before, trash let only `requalify` out: the conversion and the win were
// dropped without an error-queue entry, and the customer's contact said trash for good (long-story audit).
import { runCli } from "../support/cli-run.js";
import { acceptWithDeal, funnelFor, loopConfig, pricingAndDemo, seedAnais, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

/** Past the HubSpot emulator's search index lag (5 s) and Salesforce's whole-second stamps. */
const STEP_MS = 6_000;
const WEEK_MS = 7 * 86_400_000;

describe.each(["salesforce", "hubspot"] as const)("a lead the rep trashed, then converted and won (crm: %s)", (crm) => {
  let loop: LoopHarness;
  const { now, later, reset } = movingClock(STEP_MS);
  afterEach(async () => {
    await loop.close();
  });

  it("moves on to opportunity and won, the contact's stage follows and the report counts the win", async () => {
    reset();
    loop = await startLoop({ now });
    seedReps(loop);
    const funnel = funnelFor(loop, crm);
    const sync = () => loop.sync({ funnel, ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
    const anais = seedAnais(loop);
    const contact = () => loop.hubspot.data.getObject("contacts", anais)!.properties;
    pricingAndDemo(loop, anais);
    later();
    expect((await sync()).summary.handoffs).toBe(1);

    later();
    const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === anais);
    if (crm === "salesforce") loop.salesforce.data.update("Lead", String(lead!.Id), { Status: "Closed - Unqualified" });
    else loop.hubspot.data.updateObject("contacts", anais, { hs_lead_status: "UNQUALIFIED" });
    later();
    expect((await sync()).summary.dispositions.trash).toBe(1);
    expect(contact()).toMatchObject({ leadloop_status: "trash", lifecyclestage: "other" });

    // Weeks later she calls back with a budget: the rep converts the lead after all.
    later(3 * WEEK_MS);
    let dealId: string;
    if (crm === "salesforce")
      dealId = loop.salesforce.data.convertLead(String(lead!.Id), { opportunityName: "Société Générale d'Optique – Déploiement Europe" }).opportunityId!;
    else dealId = acceptWithDeal(loop, anais, "Société Générale d'Optique – Déploiement Europe", "48000");
    later();
    const converted = await sync();
    expect(converted.summary.conversions).toBe(1);
    expect(contact()).toMatchObject({ leadloop_status: "opportunity", lifecyclestage: "opportunity" });

    later(WEEK_MS);
    if (crm === "salesforce")
      loop.salesforce.data.update("Opportunity", dealId, { StageName: "Closed Won", Amount: 48000, CloseDate: now().toISOString().slice(0, 10) });
    else loop.hubspot.data.updateObject("deals", dealId, { dealstage: "closedwon", closedate: now().toISOString() });
    later();
    expect((await sync()).summary.outcomes.won).toBe(1);
    expect(contact()).toMatchObject({ leadloop_status: "won", lifecyclestage: "customer" });
    // With HubSpot as the CRM, OPEN_DEAL is the rep's acceptance before the deal is read, as for anyone.
    const moves = crm === "salesforce" ? ["mql", "trash", "opportunity", "won"] : ["mql", "trash", "sal", "opportunity", "won"];
    expect((await loop.store.listFunnelEvents({ personId: anais })).map((e) => e.toStage)).toEqual(moves);
    expect(await loop.store.listErrors()).toEqual([]);

    const report = await runCli(["report", "funnel", "--since", "2000-01-01", "--json", "--config", loopConfig(loop, crm)], {}, undefined, { now });
    expect(JSON.parse(report.stdout)).toMatchObject({ won: 1, revenue: 48000 });
  });
});
