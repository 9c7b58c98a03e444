// What a first load reads, and how often. With MQLs in many qualification groups it finds their
// Salesforce campaigns (the Campaign their Lead or Contact is a member of) by reading the org's
// CampaignMembers once, after a few per-group look-ups, instead of four queries for every group with MQLs;
// the events name the same campaigns as the per-group look-ups do (an org with more members than a run
// reads at once keeps them). The companies are listed once, ahead of the contacts: the scoring holds them
// and the company sync takes the same pages, so no company is read by id for the scoring.
import { jest } from "@jest/globals";
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { funnelFor, pricingAndDemo, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

// 200 MQLs handed off in one first load: tens of seconds on a loaded machine.
jest.setTimeout(300_000);

const PEOPLE = 200;
const FIRST_NAMES = ["Zoé", "André", "Łucja", "Mårten", "Chloé", "José", "Renée", "Søren", "Ana", "Jürgen"];

let loop: LoopHarness;
const queries: string[] = [];
/** The ids each HubSpot batch read asked for. */
const batchReads: string[][] = [];
/** The properties each HubSpot batch read of contacts asked for. */
const contactReadProperties: string[][] = [];
/** The ids each HubSpot batch read of contacts asked for. */
const contactReads: string[][] = [];
/** HubSpot's pages of companies listed whole (a first load's search by id). */
let companyPages = 0;
beforeEach(async () => {
  loop = await startLoop();
  seedReps(loop);
  queries.length = 0;
  batchReads.length = 0;
  contactReadProperties.length = 0;
  contactReads.length = 0;
  companyPages = 0;
  loop.salesforce.calls.observe((call: ObservedCall) => {
    const q = call.query.get("q");
    if (q) queries.push(q);
  });
  loop.hubspot.calls.observe((call: ObservedCall) => {
    if (call.endpoint === "POST /crm/v3/objects/:objectType/search" && call.path.includes("/companies/")) companyPages++;
    if (call.endpoint === "POST /crm/v3/objects/:objectType/batch/read")
      batchReads.push(((call.body as { inputs: { id: string }[] }).inputs ?? []).map((i) => i.id));
    if (call.endpoint === "POST /crm/v3/objects/:objectType/batch/read" && call.path.includes("/contacts/")) {
      contactReadProperties.push([...((call.body as { properties?: string[] }).properties ?? [])].sort());
      contactReads.push(((call.body as { inputs: { id: string }[] }).inputs ?? []).map((i) => i.id));
    }
  });
});
afterEach(async () => loop.close());

interface World {
  /** Email (as HubSpot holds it, lower-cased) → the Campaign id its MQL event must name, or null. */
  expected: Map<string, string | null>;
  companyIds: Set<string>;
}

/**
 * PEOPLE prospects who qualify, in id order (so in qualification groups and steps of the first load).
 * Some already are Salesforce Leads or Contacts (emails in another case) that are members of a campaign:
 * early ones (looked up per group) and late ones (after the run read every member), a Lead in two
 * campaigns (its first membership counts), a converted Lead's Contact, and a Lead with no campaign.
 */
function seedWorld(): World {
  const hs = loop.hubspot.data;
  const sf = loop.salesforce.data;
  const fair = sf.insert("Campaign", { Name: "Salon Logística Bilbao 2026", Type: "Trade Show", IsActive: true });
  const webinar = sf.insert("Campaign", { Name: "Webinar: Fixing the lead handoff", Type: "Webinar", IsActive: true });
  const expected = new Map<string, string | null>();
  const companies = Array.from({ length: 8 }, (_, i) =>
    hs.createObject("companies", {
      name: `Société Générale d'Études ${i}`,
      domain: `etudes-${i}.fr`,
      industry: "COMPUTER_SOFTWARE",
      numberofemployees: "420",
      country: "France",
    }),
  );
  for (let i = 0; i < PEOPLE; i++) {
    const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
    const email = `${first.normalize("NFD").replace(/[^\x20-\x7e]/g, "").toLowerCase()}.n${i}@etudes-${i % 8}.fr`;
    const person = hs.createObject("contacts", {
      email: i % 3 === 0 ? email.replace(/^./, (c) => c.toUpperCase()) : email,
      firstname: first,
      lastname: `Núñez ${i}`,
      jobtitle: "Directrice des Opérations",
      company: `Société Générale d'Études ${i % 8}`,
      country: "France",
      hs_analytics_source: "OFFLINE",
      hs_analytics_source_data_1: i % 2 === 0 ? "printemps-2026" : "",
    });
    hs.associate("contacts", person.id, "companies", companies[i % 8]!.id);
    pricingAndDemo(loop, person.id);
    expected.set(email, null);
    const crmEmail = email.toUpperCase();
    if (i % 25 === 1) {
      // A trade-show Lead sales had before marketing qualified the person.
      const lead = sf.insert("Lead", { FirstName: first, LastName: `Núñez ${i}`, Company: "Études", Email: crmEmail });
      sf.insert("CampaignMember", { CampaignId: fair, LeadId: lead, Status: "Responded" });
      expected.set(email, fair);
    } else if (i % 25 === 7) {
      // A Contact of the webinar.
      const contact = sf.insert("Contact", { FirstName: first, LastName: `Núñez ${i}`, Email: crmEmail });
      sf.insert("CampaignMember", { CampaignId: webinar, ContactId: contact, Status: "Sent" });
      expected.set(email, webinar);
    } else if (i % 50 === 13) {
      // In two campaigns: the first membership (lowest member Id) names the campaign.
      const lead = sf.insert("Lead", { FirstName: first, LastName: `Núñez ${i}`, Company: "Études", Email: crmEmail });
      sf.insert("CampaignMember", { CampaignId: webinar, LeadId: lead, Status: "Responded" });
      sf.insert("CampaignMember", { CampaignId: fair, LeadId: lead, Status: "Sent" });
      expected.set(email, webinar);
    } else if (i % 50 === 19) {
      // A Lead no campaign names: the person keeps their drill-down.
      sf.insert("Lead", { FirstName: first, LastName: `Núñez ${i}`, Company: "Études", Email: crmEmail });
    }
  }
  // Members of people HubSpot does not have: the org's membership is larger than the run's people.
  for (let i = 0; i < 30; i++) {
    const lead = sf.insert("Lead", { LastName: `Visiteur ${i}`, Company: "Salon", Email: `visiteur.${i}@salon-bilbao.es` });
    sf.insert("CampaignMember", { CampaignId: fair, LeadId: lead, Status: "Sent" });
  }
  return { expected, companyIds: new Set(companies.map((c) => c.id)) };
}

/** The MQL events' campaigns by lower-cased email. */
async function mqlCampaigns(): Promise<Map<string, { campaign: string | null; campaignId: string | null; campaignOrigin: string | null }>> {
  const events = (await loop.store.listFunnelEvents()).filter((e) => e.toStage === "mql");
  return new Map(
    events.map((e) => [
      (e.email ?? "").toLowerCase(),
      { campaign: e.campaign, campaignId: e.campaignId ?? null, campaignOrigin: e.campaignOrigin ?? null },
    ]),
  );
}

const memberLookups = () => queries.filter((q) => /FROM CampaignMember WHERE (LeadId|ContactId) IN/.test(q));
const emailLookups = () => queries.filter((q) => /FROM (Lead|Contact) WHERE Email IN/.test(q));
const counts = () => queries.filter((q) => /^SELECT COUNT\(\) FROM CampaignMember$/.test(q));
const memberReads = () => queries.filter((q) => /FROM CampaignMember WHERE SystemModstamp/.test(q));

async function firstLoad(readAtOnce?: number) {
  const world = seedWorld();
  const funnel = { ...funnelFor(loop, "salesforce"), ...(readAtOnce === undefined ? {} : { campaignMembersReadAtOnce: readAtOnce }) };
  const run = await loop.sync({ funnel });
  expect(run.summary.status).toBe("succeeded");
  const campaigns = await mqlCampaigns();
  expect(campaigns.size).toBe(PEOPLE);
  for (const [email, campaignId] of world.expected) {
    const got = campaigns.get(email)!;
    if (campaignId) expect({ email, ...got }).toMatchObject({ email, campaignId, campaignOrigin: "salesforce-campaign" });
    else expect({ email, origin: got.campaignOrigin }).toEqual({ email, origin: Number(/\.n(\d+)@/.exec(email)![1]) % 2 === 0 ? "source-property" : null });
  }
  return { campaigns, world };
}

describe("campaign membership on a first load", () => {
  it("reads the org's members once after a few per-group look-ups, and names every MQL's campaign", async () => {
    const { campaigns } = await firstLoad();
    // One COUNT() and one page of members; the per-group look-ups stop once they cost 8 calls.
    expect(counts()).toHaveLength(1);
    expect(memberReads()).toHaveLength(1);
    expect(memberLookups().length + emailLookups().length).toBeLessThanOrEqual(8 + 3);
    expect([...campaigns.values()].filter((c) => c.campaign === "Salon Logística Bilbao 2026").length).toBe(8);
    expect([...campaigns.values()].filter((c) => c.campaign === "Webinar: Fixing the lead handoff").length).toBe(8 + 4);
    // Each Campaign is read once, whatever the number of its people.
    expect(queries.filter((q) => /FROM Campaign WHERE Id IN/.test(q)).length).toBeLessThanOrEqual(2);
  });

  it("looks members up per group when the org has more than a run reads at once, with the same campaigns", async () => {
    await firstLoad(10);
    expect(counts()).toHaveLength(1);
    expect(memberReads()).toHaveLength(0);
    // Every step of 20 MQLs asks for its people's Leads and Contacts by email.
    expect(emailLookups().length).toBeGreaterThanOrEqual(2 * (PEOPLE / 20));
    // A member's LeadId is asked for Leads' ids only (00Q…), its ContactId for Contacts' (003…): a step
    // whose people have Leads alone asks one query, not two.
    expect(memberLookups().length).toBeGreaterThan(0);
    for (const q of memberLookups()) {
      const [, field, list] = /WHERE (LeadId|ContactId) IN \(([^)]*)\)/.exec(q)!;
      const ids = [...list!.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
      expect({ field, prefixes: [...new Set(ids.map((id) => id.slice(0, 3)))] }).toEqual({ field, prefixes: [field === "LeadId" ? "00Q" : "003"] });
    }
  });

  it("lists the companies once, for the scoring and the company sync both, and reads none by id", async () => {
    const { world } = await firstLoad();
    // 200 contacts of 8 companies: one page of companies, listed ahead of the contacts and held for the
    // scoring; the company sync takes that page instead of listing them again.
    expect(companyPages).toBe(1);
    expect(batchReads.filter((ids) => ids.some((id) => world.companyIds.has(id)))).toEqual([]);
    // Scored with their company (420 employees: the core market) and handed off to it.
    const people = loop.hubspot.data.listObjects("contacts").filter((c) => /@etudes-\d\.fr$/i.test(String(c.properties.email)));
    expect(people).toHaveLength(PEOPLE);
    for (const p of people) expect(String(p.properties.leadloop_reasons)).toContain("50 to 5,000 employees");
    const accounts = loop.salesforce.data.list("Account").filter((a) => /^Société Générale d'Études \d$/.test(String(a.Name)));
    expect(accounts).toHaveLength(8);
    for (const a of accounts) expect(Number(a.NumberOfEmployees)).toBe(420);
  });

  it("scores the people it hands off and the people on reps' own Leads from the qualification's read", async () => {
    // Besides the 200 MQLs, people who looked at pricing once (not MQLs) whom sales already has as Leads:
    // the history fill gives their Leads the score and the reasons.
    const people: string[] = [];
    for (let i = 0; i < 12; i++) {
      const email = `ines.garcia.${i}@cooperativa-${i}.es`;
      const person = loop.hubspot.data.createObject("contacts", { email, firstname: "Inés", lastname: `García ${i}`, jobtitle: "Compradora" });
      recordActivity(loop.hubspot.data, {
        contactId: person.id,
        kind: "pageView",
        properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "Pricing" },
      });
      people.push(person.id);
      // A third of them sales sent back to nurture before leadloop was installed: the first load reads
      // that status too, as history (no verdict of this run: closed-before-first-look.int.test.ts).
      const status = i % 3 === 0 ? { Status: "Closed - Not Converted" } : {};
      loop.salesforce.data.insert("Lead", { FirstName: "Inés", LastName: `GARCÍA ${i}`, Company: "Cooperativa", Email: email.toUpperCase(), ...status });
    }
    await firstLoad();
    const qualified = (await loop.store.listFunnelEvents()).filter((e) => e.toStage === "mql").map((e) => e.personId);
    expect(qualified).toHaveLength(PEOPLE);
    const seeded = new Set([...qualified, ...people]);
    // After the qualification read them, no contact is read again: not the 200 the handoff scores as
    // they are now, not the 12 the history fill scores, not the 4 whose Lead holds a verdict.
    expect(contactReads.filter((ids) => ids.some((id) => seeded.has(id)))).toEqual([]);
    const leads = loop.salesforce.data.list("Lead").filter((l) => /^GARCÍA \d+$/.test(String(l.LastName)));
    expect(leads).toHaveLength(12);
    for (const lead of leads) {
      expect(Number(lead.Leadloop_Score__c)).toBeGreaterThan(0);
      expect(String(lead.Leadloop_Reasons__c)).toMatch(/Pricing|pricing/);
    }
    const recycled = people.filter((_, i) => i % 3 === 0).map((id) => loop.hubspot.data.getObject("contacts", id)!.properties);
    for (const p of recycled) {
      // The Lead's status reaches the contact by the mapping; leadloop writes no verdict of its own.
      expect(p).toMatchObject({ hs_lead_status: "BAD_TIMING" });
      expect(p.leadloop_status).not.toBe("recycled");
      expect(p.leadloop_disposition_date ?? null).toBeNull();
    }
  });

  it("lists many companies in full pages, and reads no contact for a Lead status that decides nothing", async () => {
    // 600 contacts over 240 companies, each on a company drawn at random (a fixed sequence): a group of 100
    // contacts names about 80 companies, and after the first group most of them were read already.
    const hs = loop.hubspot.data;
    const companies = Array.from({ length: 240 }, (_, i) =>
      hs.createObject("companies", { name: `Coopérative Île-de-France ${i}`, domain: `coop-${i}.fr`, industry: "RETAIL" }),
    );
    const openLeads = new Set<string>();
    let seed = 42;
    const companyOf = Array.from({ length: 600 }, () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return Math.floor(seed / 65_536) % 240;
    });
    for (let i = 0; i < 600; i++) {
      const email = `renée.o'brien.${i}@coop-${companyOf[i]}.fr`.normalize("NFD").replace(/[^\x20-\x7e]/g, "");
      const person = hs.createObject("contacts", {
        email: i % 5 === 0 ? email.toUpperCase() : email,
        firstname: i % 2 === 0 ? "Renée" : "RENÉE",
        lastname: `O'Brien ${i}`,
        jobtitle: i % 3 === 0 ? "" : "Acheteuse",
      });
      hs.associate("contacts", person.id, "companies", companies[companyOf[i]!]!.id);
      // Every tenth person is a Lead sales has not worked yet: a status that decides nothing.
      if (i % 10 === 0)
        openLeads.add(
          loop.salesforce.data.insert("Lead", { LastName: `O'Brien ${i}`, Company: "Coop", Email: email, Status: "Open - Not Contacted" }),
        );
    }
    const run = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    expect(run.summary.status).toBe("succeeded");
    const companyIds = new Set(companies.map((c) => c.id));
    const companyReads = batchReads.filter((ids) => ids.length > 0 && ids.every((id) => companyIds.has(id)));
    // Two pages of 200, once: the qualification scores with them and the company sync takes them.
    expect(companyPages).toBe(2);
    // Read by id: only the companies of the people linked to the Leads, in one batch read, which the
    // company pair takes to the CRM after the contact pair (inclusion.ts): none was included when listed.
    const ofLinked = new Set([...Array(600).keys()].filter((i) => i % 10 === 0).map((i) => companies[companyOf[i]!]!.id));
    expect(companyReads).toHaveLength(1);
    expect(new Set(companyReads.flat())).toEqual(ofLinked);
    // The 60 open Leads are linked, and their statuses seen, without reading their contacts for it.
    const linked = await loop.store.findLinksByCrmIds("contact", [...openLeads]);
    expect(linked.size).toBe(60);
    expect(contactReadProperties.filter((p) => p.includes("lifecyclestage") && p.length <= 3)).toEqual([]);
  });
});
