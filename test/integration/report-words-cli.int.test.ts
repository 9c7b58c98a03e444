// `leadloop report` speaks the CRM's language: with Salesforce an accepted lead is converted into an
// Opportunity; with HubSpot as the CRM the rep opens a deal for the contact, and no lead is converted, so
// the funnel, the campaigns, the HTML page and the console's funnel tab name deals there, and never say
// "converted leads".
import { readFileSync } from "node:fs";
import { loadSla } from "../../src/config/sla-file.js";
import { DEFAULT_REPORT_SETTINGS } from "../../src/core/report/index.js";
import type { ConsoleSources } from "../../src/daemon/console/sources.js";
import { startHealthServer } from "../../src/daemon/health-server.js";
import { silentLogger } from "../../src/log/logger.js";
import { SHIPPED_CONFIG } from "../../src/sandbox/package-paths.js";
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

    // The console's funnel tab, as `leadloop daemon` serves it for this CRM.
    const sources = {
      store: loop.store,
      state: { startedAt: new Date(), runs: 0, failures: 0, lastSummary: null, lastSuccessAt: null, running: false, lastProgressAt: null, unhealthyAfterMs: 60_000 },
      crm,
      mappings: [],
      sla: loadSla(`${SHIPPED_CONFIG}/sla.yaml`),
      report: { settings: DEFAULT_REPORT_SETTINGS, routing: null },
      salesforceApiShare: 0.25,
      usage: () => ({}),
      checkLive: async () => [],
      retry: async () => {
        throw new Error("no retry in this test");
      },
      now: () => new Date(),
    } satisfies ConsoleSources;
    const server = await startHealthServer(sources.state, "127.0.0.1", 0, { sources, log: silentLogger });
    try {
      const tab = await (await fetch(`http://127.0.0.1:${server.port}/funnel`)).text();
      expect(tab).toMatch(new RegExp(`data-figure="opportunities"><span>${words.deals}</span><b>1</b><span>${words.rate} 100`));
    } finally {
      await server.close();
    }
  });
});
