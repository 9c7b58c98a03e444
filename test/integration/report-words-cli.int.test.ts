// `leadloop report` speaks the CRM's language: with Salesforce an accepted lead is converted into an
// Opportunity; with HubSpot as the CRM the rep opens a deal for the contact, and no lead is converted, so
// the funnel, the campaigns, the HTML page and the console name deals there, and never say "converted leads".
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { loopConfig, funnelFor, pricingAndDemo, seedAnais, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";
import { runCli } from "../support/cli-run.js";

type Crm = "salesforce" | "hubspot";

const WORDS: Record<Crm, { sqls: string; deals: string; column: string; rate: string; not: RegExp }> = {
  salesforce: { sqls: "converted leads", deals: "Opportunities", column: "OPPS", rate: "SAL→opportunity", not: /\bdeals?\b/i },
  hubspot: { sqls: "accepted contacts given a deal", deals: "Deals", column: "DEALS", rate: "SAL→deal", not: /opportunit|converted lead|\bopps?\b/i },
};

describe.each(["salesforce", "hubspot"] as const)("report words with crm: %s", (crm) => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
    seedReps(loop);
  });
  afterEach(async () => {
    await loop.close();
  });

  const sync = () =>
    loop.sync({ funnel: funnelFor(loop, crm), ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });

  it("names the deal stage as the CRM does in the funnel, campaigns and HTML reports", async () => {
    const anais = seedAnais(loop, { hs_analytics_source: "PAID_SEARCH" });
    await sync();
    await tick();
    pricingAndDemo(loop, anais);
    expect((await sync()).summary.handoffs).toBe(1);
    // The rep accepts her and opens the deal: converts the Lead with an Opportunity, or, with HubSpot,
    // says CONNECTED and then associates a new deal with the contact.
    await tick(1_100);
    if (crm === "salesforce") {
      const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === anais)!;
      loop.salesforce.data.convertLead(String(lead.Id), { opportunityName: "Société Générale d'Optique – Pilote" });
    } else {
      loop.hubspot.data.updateObject("contacts", anais, { hs_lead_status: "CONNECTED" });
      await tick();
      await sync();
      await tick(1_100);
      const deal = loop.hubspot.data.createObject("deals", { dealname: "Société Générale d'Optique – Pilote", dealstage: "presentationscheduled", amount: "9400", pipeline: "default" });
      loop.hubspot.data.associate("deals", deal.id, "contacts", anais);
    }
    await tick();
    expect((await sync()).summary.conversions).toBe(1);

    const config = loopConfig(loop, crm);
    const html = join(dirname(config), "report.html");
    const funnel = await runCli(["--config", config, "report", "funnel", "--group-by", "source", "--since", "2000-01-01", "--html", html]);
    expect(funnel.code).toBe(0);
    const words = WORDS[crm];
    expect(funnel.stdout).toMatch(new RegExp(`SQLs +1 +${words.sqls}\\n`));
    // In the figures' column, as every other line.
    expect(funnel.stdout).toMatch(new RegExp(`\\n  ${words.deals.padEnd(15)}     1   ${words.rate} 100\\.0%`));
    expect(funnel.stdout).toContain(` ${words.column} `);
    expect(funnel.stdout).not.toMatch(words.not);
    const page = readFileSync(html, "utf8");
    expect(page).toContain(`<div class="label">${words.deals}</div>`);
    expect(page).toContain(words.sqls);
    // What a reader sees: the text, not the data's keys (the JSON and the elements' data-* attributes).
    expect(page.replace(/<script[^]*?<\/script>/g, "").replace(/<[^>]*>/g, " ")).not.toMatch(words.not);

    const campaigns = await runCli(["--config", config, "report", "campaigns", "--since", "2000-01-01"]);
    expect(campaigns.code).toBe(0);
    expect(campaigns.stdout).toMatch(new RegExp(`SALS +${words.column} +WON`));
  });
});
