// `leadloop report campaigns` as a user drives it after syncs against the seeded emulators: rows are
// titled by the HubSpot campaign a contact names (first-touch converting campaign) or the Salesforce
// Campaign its Lead is a member of, with the system's type and where the campaign came from, and by the
// source drill-down where neither names one; a portal without the campaigns API (starter) falls back to
// the drill-down. HubSpot-CRM runs count the contacts they read.
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { HUBSPOT_CAMPAIGNS, SALESFORCE_CAMPAIGNS } from "../../src/sandbox/seed/vocab/web.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

interface Row {
  campaign: string;
  campaignId: string | null;
  origin: string | null;
  type: string;
  source: string;
  mqls: number;
  opportunities: number;
}

const LINKEDIN = HUBSPOT_CAMPAIGNS.find((c) => c.utm === "LinkedIn - State of RevOps 2026")!;
const SAASTR = SALESFORCE_CAMPAIGNS.find((c) => c.utm === "SaaStr Annual booth")!;
const ROADSHOW = SALESFORCE_CAMPAIGNS.find((c) => c.utm === null)!;

/** A prospect of the seeded portal who shows buying intent: the pricing page, then a demo request. */
function hotProspect(world: SandboxWorld, p: { email: string; firstname: string; lastname: string; source: string; drillDown?: string; firstTouch?: string }): string {
  const contact = world.hubspot.data.createObject("contacts", {
    email: p.email,
    firstname: p.firstname,
    lastname: p.lastname,
    jobtitle: "VP Revenue Operations",
    company: "Nordlys Analytics",
    country: "Sweden",
    hs_analytics_source: p.source,
    hs_analytics_source_data_1: p.drillDown,
    hs_analytics_first_touch_converting_campaign: p.firstTouch,
  });
  recordActivity(world.hubspot.data, { contactId: contact.id, kind: "pageView", properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "Pricing" } });
  recordActivity(world.hubspot.data, {
    contactId: contact.id,
    kind: "formSubmission",
    properties: { hs_form_id: "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c05", hs_title: "Request a demo", hs_url: "https://www.leadloop-demo.com/demo" },
  });
  return contact.id;
}

async function sync(world: SandboxWorld): Promise<Record<string, unknown>> {
  const out = await runCli(["--log-level", "error", "sync", "--json", "--config", world.configPath]);
  expect([0, 4]).toContain(out.code);
  return JSON.parse(out.stdout) as Record<string, unknown>;
}

async function campaigns(world: SandboxWorld): Promise<Row[]> {
  const out = await runCli(["report", "campaigns", "--json", "--since", "2000-01-01", "--config", world.configPath]);
  expect(out.code).toBe(0);
  return (JSON.parse(out.stdout) as { campaigns: Row[] }).campaigns;
}

const seed = () => generateSeed({ seed: 11, now: new Date(), contacts: 0, companies: 1, reps: 3 });

describe("report campaigns from HubSpot campaigns and Salesforce Campaigns", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(seed(), "campaigns");
  });
  afterAll(async () => world.close());

  it("titles rows by campaign name with the system's type and origin, and keeps the drill-down where no system names one", async () => {
    const roadshow = world.salesforce.data.list("Campaign").find((c) => c.Name === ROADSHOW.name)!;
    hotProspect(world, { email: "zoe.angstrom@nordlys-analytics.se", firstname: "Zoë", lastname: "Ångström", source: "PAID_SOCIAL", drillDown: LINKEDIN.utm, firstTouch: LINKEDIN.id });
    const inigo = hotProspect(world, { email: "inigo.nunez@Nunez-Logistica.es", firstname: "Iñigo", lastname: "Núñez", source: "OFFLINE", drillDown: "SaaStr Annual booth" });
    // One utm campaign typed two ways, and a blank first-touch campaign.
    hotProspect(world, { email: "marie-claire.dubois@exemple.fr", firstname: "Marie-Claire", lastname: "Dubois", source: "PAID_SEARCH", drillDown: "Google Ads - Brand", firstTouch: " " });
    hotProspect(world, { email: "ana.lima@exemplo.com.br", firstname: "Ana", lastname: "Lima", source: "PAID_SEARCH", drillDown: " google ads  -  BRAND " });
    // Sales met Søren at the roadshow before marketing knew him: his Lead is already a Campaign member
    // when he qualifies (found by email, not linked yet), and HubSpot names no campaign for him.
    const soren = world.salesforce.data.insert("Lead", { FirstName: "Søren", LastName: "Kierkegaard", Email: "Soren.K@Fjord-Data.dk", Company: "Fjord Data", Status: "Open - Not Contacted" });
    world.salesforce.data.insert("CampaignMember", { CampaignId: roadshow.Id, LeadId: soren, Status: "Responded" });
    hotProspect(world, { email: "soren.k@fjord-data.dk", firstname: "Søren", lastname: "Kierkegaard", source: "DIRECT_TRAFFIC" });
    const handoff = await sync(world);
    expect(handoff.handoffs).toBe(5);

    // Sales adds Iñigo's Lead to the booth's Campaign, then converts it.
    const sf = world.salesforce.data;
    const lead = sf.list("Lead").find((l) => String(l.Email).toLowerCase() === "inigo.nunez@nunez-logistica.es")!;
    const booth = sf.list("Campaign").find((c) => c.Name === SAASTR.name)!;
    sf.insert("CampaignMember", { CampaignId: booth.Id, LeadId: lead.Id, Status: "Responded" });
    sf.convertLead(lead.Id as string, { opportunityName: "Núñez Logística – Flota" });
    const converted = await sync(world);
    expect(converted.conversions).toBe(1);

    const rows = await campaigns(world);
    const pick = (r: Row) => [r.campaign, r.origin, r.type, r.source, r.mqls, r.opportunities];
    expect(rows.map(pick)).toEqual(
      expect.arrayContaining([
        [LINKEDIN.name, "hubspot-campaign", LINKEDIN.type, "PAID_SOCIAL", 1, 0],
        [SAASTR.name, "salesforce-campaign", "Trade Show", "OFFLINE", 1, 1],
        ["Google Ads - Brand", "source-property", "PAID_SEARCH", "PAID_SEARCH", 2, 0],
        [ROADSHOW.name, "salesforce-campaign", "Conference", "DIRECT_TRAFFIC", 1, 0],
      ]),
    );
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.origin === "hubspot-campaign")?.campaignId).toBe(LINKEDIN.id);
    expect(rows.find((r) => r.campaign === SAASTR.name)?.campaignId).toBe(booth.Id);
    expect(rows.find((r) => r.campaign === ROADSHOW.name)?.campaignId).toBe(roadshow.Id);
    expect(inigo).toBeTruthy();

    // The same in text and CSV: names, not ids.
    const text = await runCli(["report", "campaigns", "--since", "2000-01-01", "--config", world.configPath]);
    expect(text.stdout).toContain(LINKEDIN.name);
    expect(text.stdout).toContain("salesforce-campaign");
    expect(text.stdout).not.toContain(String(booth.Id));
    const csv = await runCli(["report", "campaigns", "--csv", "--since", "2000-01-01", "--config", world.configPath]);
    expect(csv.stdout.split("\n")[0]).toMatch(/^campaign,origin,campaignId,type,source,/);
  }, 300_000);
});

describe("report campaigns on a portal without the campaigns API, with HubSpot as the CRM", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(seed(), "campaigns-starter", "hubspot", "starter");
  });
  afterAll(async () => world.close());

  it("falls back to the source drill-down, and counts the contacts the run read", async () => {
    hotProspect(world, { email: "zoe.angstrom@nordlys-analytics.se", firstname: "Zoë", lastname: "Ångström", source: "PAID_SOCIAL", drillDown: LINKEDIN.utm, firstTouch: LINKEDIN.id });
    const run = await sync(world);
    expect(run.handoffs).toBe(1);
    expect((run.read as Record<string, number>).hubspot).toBeGreaterThanOrEqual(1);
    const rows = await campaigns(world);
    expect(rows.map((r) => [r.campaign, r.origin, r.campaignId, r.type, r.mqls])).toEqual([
      [LINKEDIN.utm, "source-property", null, "PAID_SOCIAL", 1],
    ]);
  }, 300_000);

  it("warns of the refusal in the run that met it, and the runs after neither ask HubSpot nor warn again", async () => {
    const asked: string[] = [];
    const stop = world.hubspot.calls.observe((c) => {
      if (c.path.startsWith("/marketing/v3/campaigns")) asked.push(c.path);
    });
    try {
      // The store of the test above met the refusal already: a new contact naming a campaign asks nothing.
      hotProspect(world, { email: "bjorn.nystrom@nordlys-analytics.se", firstname: "Björn", lastname: "Nyström", source: "PAID_SOCIAL", drillDown: LINKEDIN.utm, firstTouch: LINKEDIN.id });
      const out = await runCli(["--log-level", "warn", "sync", "--json", "--config", world.configPath]);
      expect(out.code).toBe(0);
      expect(JSON.parse(out.stdout).handoffs).toBe(1);
      expect(out.stderr).not.toContain("campaigns.refused");
      expect(asked).toEqual([]);
    } finally {
      stop();
    }
    const rows = await campaigns(world);
    expect(rows.map((r) => [r.campaign, r.origin, r.mqls])).toEqual([[LINKEDIN.utm, "source-property", 2]]);
  }, 300_000);
});

describe("a portal without the campaigns API, met for the first time", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(seed(), "campaigns-refused", "hubspot", "starter");
  });
  afterAll(async () => world.close());

  it("asks once and warns once, naming what it needs and that it asks again in a day", async () => {
    const asked: string[] = [];
    const stop = world.hubspot.calls.observe((c) => {
      if (c.path.startsWith("/marketing/v3/campaigns")) asked.push(c.path);
    });
    try {
      hotProspect(world, { email: "aino.makela@nordlys-analytics.fi", firstname: "Aino", lastname: "Mäkelä", source: "PAID_SOCIAL", drillDown: LINKEDIN.utm, firstTouch: LINKEDIN.id });
      const first = await runCli(["--log-level", "warn", "sync", "--config", world.configPath]);
      expect(first.code).toBe(0);
      expect(first.stderr.match(/campaigns\.refused/g)).toHaveLength(1);
      expect(first.stderr).toContain("marketing.campaigns.read");
      expect(first.stderr).toContain("asked again in a day");
      expect(asked).toHaveLength(1);
      hotProspect(world, { email: "olafur.jonsson@nordlys-analytics.is", firstname: "Ólafur", lastname: "Jónsson", source: "PAID_SOCIAL", drillDown: LINKEDIN.utm, firstTouch: LINKEDIN.id });
      const second = await runCli(["--log-level", "warn", "sync", "--config", world.configPath]);
      expect(second.code).toBe(0);
      expect(second.stderr).not.toContain("campaigns.refused");
      expect(asked).toHaveLength(1);
    } finally {
      stop();
    }
  }, 300_000);
});
