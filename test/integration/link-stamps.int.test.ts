// Link stamps end to end, with the shipped mappings against both emulators: every linked pair carries
// the other side's id, and a lost state store (deleted, emptied, or configured in a folder that does not
// exist yet) re-links everything from those stamps without creating a record on either side.
import { rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/store/open-store.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

const OBJECTS = {
  company: { marketing: "companies", crm: ["Account"], crmStamp: "HubSpot_Company_Id__c" },
  contact: { marketing: "contacts", crm: ["Lead", "Contact"], crmStamp: "HubSpot_Contact_Id__c" },
  deal: { marketing: "deals", crm: ["Opportunity"], crmStamp: "HubSpot_Deal_Id__c" },
} as const;
type Pair = keyof typeof OBJECTS;
const PAIRS = Object.keys(OBJECTS) as Pair[];
/** The mappings that keep the CRM id on the marketing record (leadloop_crm_id): all the shipped ones. */
const MARKETING_STAMPED: Pair[] = ["company", "contact", "deal"];

/**
 * A phone Lead, with no email for a match to go by, and Søren's contact, whose `leadloop_crm_id` an admin
 * filled with `stampOf` the Lead's id.
 */
function stampedPhoneLead(loop: LoopHarness, stampOf: (leadId: string) => string) {
  const lead = loop.salesforce.data.insert("Lead", { FirstName: "Søren", LastName: "Kjær", Company: "Nordlys AB", Phone: "+45 20 12 34 56" });
  const soren = loop.hubspot.data.createObject("contacts", {
    email: "soren.kjaer@nordlys.dk",
    firstname: "Søren",
    lastname: "Kjær",
    leadloop_crm_id: stampOf(lead),
  });
  return { lead, soren };
}

function writeCalls(counts: Record<string, number>): number {
  return Object.entries(counts)
    .filter(([endpoint]) =>
      /batch\/(create|update|upsert)|composite\/sobjects|^(POST|PATCH) .*sobjects/.test(endpoint),
    )
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Live records per object in both emulators. */
function recordCounts(loop: LoopHarness): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { marketing, crm } of Object.values(OBJECTS)) {
    counts[marketing] = loop.hubspot.data.listObjects(marketing).length;
    for (const object of crm) {
      counts[object] = loop.salesforce.data.list(object).filter((r) => r.IsDeleted !== true).length;
    }
  }
  return counts;
}

/** Every active link as "pair marketingId → crmType crmId", sorted. */
async function allLinks(loop: LoopHarness): Promise<string[]> {
  const out: string[] = [];
  for (const pair of PAIRS) {
    const ids = loop.hubspot.data.listObjects(OBJECTS[pair].marketing).map((o) => o.id);
    for (const link of (await loop.store.findLinksByMarketingIds(pair, ids)).values()) {
      out.push(`${pair} ${link.marketingId} → ${link.crmType} ${link.crmId}`);
    }
  }
  return out.sort();
}

/** The links whose records do not both carry the other side's id (empty when every stamp is in place). */
async function unstampedLinks(loop: LoopHarness): Promise<string[]> {
  const missing: string[] = [];
  for (const pair of PAIRS) {
    const { marketing, crmStamp } = OBJECTS[pair];
    const ids = loop.hubspot.data.listObjects(marketing).map((o) => o.id);
    for (const link of (await loop.store.findLinksByMarketingIds(pair, ids)).values()) {
      const crm = loop.salesforce.data.get(link.crmType, link.crmId);
      if (crm?.[crmStamp] !== link.marketingId) missing.push(`${link.crmType} ${link.crmId}`);
      const mkt = loop.hubspot.data.getObject(marketing, link.marketingId);
      if (MARKETING_STAMPED.includes(pair) && mkt?.properties.leadloop_crm_id !== link.crmId)
        missing.push(`${marketing} ${link.marketingId}`);
    }
  }
  return missing;
}

/**
 * Records on both sides: some only in HubSpot, some only in Salesforce, and some on both sides that
 * leadloop links by matching (a rep's Lead by email, an Account by its website's domain).
 */
function seed(loop: LoopHarness) {
  const hs = loop.hubspot.data;
  const sf = loop.salesforce.data;
  hs.createObject("companies", {
    name: "Nordlys AB",
    domain: "nordlys.se",
    city: "Tromsø",
    country: "Norway",
  });
  hs.createObject("companies", {
    name: "Kraków Logistics",
    domain: "krakow-logistics.pl",
    country: "Poland",
  });
  // A bare domain: the lookup compares the whole Website, so "https://www.nordlys.se/" would not match.
  const matchedAccount = sf.insert("Account", { Name: "Nordlys AB", Website: "nordlys.se" });
  sf.insert("Account", {
    Name: "Tōkyō Works 株式会社",
    Website: "https://tokyo-works.jp",
    BillingCity: "Tokyo",
  });

  hs.createObject("contacts", {
    email: "Zoe.Angstrom@Nordlys.se",
    firstname: "Zoë",
    lastname: "Ångström",
    company: "Nordlys AB",
    jobtitle: "Head of Revenue Operations",
  });
  const ana = hs.createObject("contacts", {
    email: "ana.lopez@acme.com",
    firstname: "Ana",
    lastname: "López",
  });
  const repLead = sf.insert("Lead", {
    FirstName: "Ana",
    LastName: "López",
    Company: "Acme",
    Email: "Ana.Lopez@ACME.com",
    Title: "Procurement Lead",
  });
  sf.insert("Lead", {
    FirstName: "Łukasz",
    LastName: "Wiśniewski",
    Company: "Kraków Logistics",
    Email: "lukasz.wisniewski@krakow-logistics.pl",
  });
  sf.insert("Contact", { FirstName: "Kenji", LastName: "Satō", Email: "kenji.sato@tokyo-works.jp" });

  hs.createObject("deals", {
    dealname: "Nordlys – platform renewal",
    amount: "48000",
    closedate: "2025-09-30T00:00:00.000Z",
    dealstage: "contractsent",
  });
  sf.insert("Opportunity", {
    Name: "Kraków Logistics – fleet tracking",
    Amount: 125000,
    StageName: "Qualification",
    CloseDate: "2025-11-15",
  });
  return { ana, repLead, matchedAccount };
}

describe("link stamps", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  /** The first sync: one run links and creates, the next carries the created records' ids back. */
  async function firstSync() {
    const first = await loop.sync();
    expect(first.summary.status).toBe("succeeded");
    await tick();
    await loop.sync();
    await tick();
  }

  it("stamps the records it links by matching in the same run and never sends a stamp twice", async () => {
    const { ana, repLead, matchedAccount } = seed(loop);
    const first = await loop.sync();
    expect(first.summary.restored).toBe(0);
    expect(loop.salesforce.data.get("Lead", repLead)?.HubSpot_Contact_Id__c).toBe(ana.id);
    expect(loop.hubspot.data.getObject("contacts", ana.id)?.properties.leadloop_crm_id).toBe(repLead);
    const companies = loop.hubspot.data.listObjects("companies");
    const nordlys = companies.find((c) => c.properties.domain === "nordlys.se")!;
    expect(loop.salesforce.data.get("Account", matchedAccount)?.HubSpot_Company_Id__c).toBe(nordlys.id);
    expect(nordlys.properties.leadloop_crm_id).toBe(matchedAccount);

    // The second run reads back everything the first wrote: the matched pairs' stamps are in place and
    // nothing is written to them again; only the records whose counterparts the first run created get
    // those new ids (and a new Lead's default status comes back).
    await tick();
    const second = await loop.sync();
    const audit = await loop.store.listAudit([ana.id, repLead, nordlys.id, matchedAccount], 500);
    const stamped = audit.filter((a) => a.runId === first.summary.runId && a.rule === "link stamp");
    expect(stamped.map((a) => `${a.recordId} ${a.field}`).sort()).toEqual(
      [
        `${repLead} HubSpot_Contact_Id__c`,
        `${ana.id} leadloop_crm_id`,
        `${matchedAccount} HubSpot_Company_Id__c`,
        `${nordlys.id} leadloop_crm_id`,
      ].sort(),
    );
    expect(audit.filter((a) => a.runId === second.summary.runId)).toEqual([]);
    await tick();
    loop.hubspot.calls.reset();
    loop.salesforce.calls.reset();
    const third = await loop.sync();
    expect(third.summary.updated).toEqual({ hubspot: 0, salesforce: 0 });
    expect(third.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(writeCalls(loop.hubspot.calls.byEndpoint())).toBe(0);
    expect(writeCalls(loop.salesforce.calls.byEndpoint())).toBe(0);
    expect(second.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(await unstampedLinks(loop)).toEqual([]);
  });

  it("links a contact stamped with its Lead's 15-character id, as Salesforce's reports show it, to that Lead", async () => {
    const hs = loop.hubspot.data;
    const sf = loop.salesforce.data;
    // The contact's stamp an admin imported from a report.
    const { lead, soren } = stampedPhoneLead(loop, (id) => id.slice(0, 15));

    const first = await loop.sync();
    expect(first.summary.status).toBe("succeeded");
    expect((await loop.store.findLinkByMarketing("contact", soren.id))?.crmId).toBe(lead);
    expect(sf.list("Lead").filter((l) => l.IsDeleted !== true)).toHaveLength(1);
    expect(sf.get("Lead", lead)?.HubSpot_Contact_Id__c).toBe(soren.id);
    await tick();
    await loop.sync();
    // The stamp now holds the id in the form the API gives.
    expect(hs.getObject("contacts", soren.id)?.properties.leadloop_crm_id).toBe(lead);
  });

  it("reads the stamps that name a Salesforce id when another contact's stamp holds text that is no id", async () => {
    const hs = loop.hubspot.data;
    const sf = loop.salesforce.data;
    const { lead, soren } = stampedPhoneLead(loop, (id) => id);
    // An import filled the stamp with a spreadsheet's placeholder; Salesforce refuses a query naming it.
    const ines = hs.createObject("contacts", { email: "ines@oporto.pt", firstname: "Inês", lastname: "Sá", leadloop_crm_id: "n/a" });

    const first = await loop.sync();
    expect(first.summary.status).toBe("succeeded");
    expect((await loop.store.findLinkByMarketing("contact", soren.id))?.crmId).toBe(lead);
    expect(sf.get("Lead", lead)?.HubSpot_Contact_Id__c).toBe(soren.id);
    // "n/a" names no record, gone or not: Inês is paired as any unstamped contact is, and the link's stamp
    // replaces the placeholder.
    const inesLead = (await loop.store.findLinkByMarketing("contact", ines.id))?.crmId;
    expect(inesLead).toMatch(/^00Q/);
    await loop.sync();
    expect(hs.getObject("contacts", ines.id)?.properties.leadloop_crm_id).toBe(inesLead);
    expect(sf.list("Lead").filter((l) => l.Email === "ines@oporto.pt")).toHaveLength(1);
  });

  it("makes no second contact for a second Lead with a linked person's email, and nothing is refused", async () => {
    const { ana, repLead } = seed(loop);
    await firstSync();
    // A rep enters Ana again by hand, her email in capitals. HubSpot keeps one contact per email, so a
    // contact made for this Lead would be refused as a duplicate, or land on Ana and take her link away.
    loop.salesforce.data.insert("Lead", { FirstName: "Ana", LastName: "López García", Company: "ACME S.L.", Email: "ANA.LOPEZ@acme.com" });
    await tick();
    const run = await loop.sync();
    expect(run.summary.created.hubspot).toBe(0);
    expect(run.summary.errors).toEqual({ hubspot: 0, salesforce: 0 });
    const contacts = loop.hubspot.data.listObjects("contacts").filter((c) => c.properties.email === "ana.lopez@acme.com");
    expect(contacts.map((c) => [c.id, c.properties.leadloop_crm_id])).toEqual([[ana.id, repLead]]);
    expect((await loop.store.findLinkByMarketing("contact", ana.id))?.crmId).toBe(repLead);
  });

  it("makes a contact for a rep's Lead keyed on its email, with the Lead's id stamped in the same create", async () => {
    seed(loop);
    const first = await loop.sync();
    const lead = loop.salesforce.data.list("Lead").find((l) => l.LastName === "Wiśniewski")!;
    const made = loop.hubspot.data.listObjects("contacts").find((c) => c.properties.email === "lukasz.wisniewski@krakow-logistics.pl")!;
    expect(made.properties.leadloop_crm_id).toBe(lead.Id);
    // HubSpot keeps one contact per email: an upsert on it updates a contact made meanwhile with that
    // email, where one keyed on the stamp would be refused as a duplicate. The audit names the key of a
    // create that no mapped field decided ("idempotency key"); the email is mapped, the stamp is not.
    const audit = await loop.store.listAudit([made.id], 100);
    const created = audit.filter((a) => a.runId === first.summary.runId && a.operation === "create");
    expect(created.find((a) => a.field === "leadloop_crm_id")).toMatchObject({ after: lead.Id, rule: "create" });
    expect(created.find((a) => a.field === "email")?.after).toBe("lukasz.wisniewski@krakow-logistics.pl");
  });

  it("keeps in each link's snapshots what both stamp fields hold, for the echo check", async () => {
    seed(loop);
    await firstSync();
    const held: string[] = [];
    for (const pair of PAIRS) {
      const ids = loop.hubspot.data.listObjects(OBJECTS[pair].marketing).map((o) => o.id);
      const links = [...(await loop.store.findLinksByMarketingIds(pair, ids)).values()];
      const snapshots = await loop.store.getSnapshots(links.map((l) => l.id));
      for (const link of links) {
        const stamp = snapshots.get(link.id)?.["link stamp"];
        held.push(`${pair} ${link.marketingId}: ${stamp?.marketing} ${stamp?.crm}`);
      }
    }
    const expected = (await allLinks(loop)).map((l) => {
      const [pair, marketingId, , , crmId] = l.split(" ");
      return `${pair} ${marketingId}: ${crmId} ${marketingId}`;
    });
    expect(held.sort()).toEqual(expected.sort());
  });

  it("after a full first sync every linked pair carries both stamps", async () => {
    seed(loop);
    await firstSync();
    const links = await allLinks(loop);
    // 3 companies (2 in HubSpot, Tōkyō Works from Salesforce), 4 people, 2 deals.
    expect(links.filter((l) => l.startsWith("company"))).toHaveLength(3);
    expect(links.filter((l) => l.startsWith("contact"))).toHaveLength(4);
    expect(links.filter((l) => l.startsWith("deal"))).toHaveLength(2);
    expect(await unstampedLinks(loop)).toEqual([]);
  });

  describe.each([
    ["deleted", (path: string) => rmSync(path)],
    ["truncated to 0 bytes", (path: string) => truncateSync(path, 0)],
  ])("a state store %s", (_how, lose) => {
    it("re-links every pair from the stamps and creates nothing on either side", async () => {
      seed(loop);
      await firstSync();
      const before = { records: recordCounts(loop), links: await allLinks(loop) };

      await loop.restart(() => lose(loop.storePath));
      expect(await loop.store.countLinks()).toBe(0);
      const run = await loop.sync();

      expect(run.summary.status).toBe("succeeded");
      expect(run.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
      expect(recordCounts(loop)).toEqual(before.records);
      expect(await allLinks(loop)).toEqual(before.links);
      expect(run.summary.restored).toBe(before.links.length);
      for (const pair of PAIRS) {
        expect(await loop.store.countLinks(pair)).toBe(before.links.filter((l) => l.startsWith(pair)).length);
      }
    });
  });

  it("with a store path in a folder that does not exist, creates the folder and re-links", async () => {
    seed(loop);
    await firstSync();
    const before = { records: recordCounts(loop), links: await allLinks(loop) };

    const path = join(tmpdir(), `leadloop-missing-${process.pid}-${Date.now()}`, "nested", "state.db");
    const store = await openStore({ path });
    try {
      const run = await loop.sync({ store });
      expect(run.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
      expect(run.summary.restored).toBe(before.links.length);
      expect(await store.countLinks()).toBe(before.links.length);
      expect(recordCounts(loop)).toEqual(before.records);
    } finally {
      await store.close();
      rmSync(join(path, "..", ".."), { recursive: true, force: true });
    }
  });

  it("stamps the Contact a Lead became (no custom field carried over), and re-links it", async () => {
    const { ana, repLead } = seed(loop);
    await firstSync();
    const converted = loop.salesforce.data.convertLead(repLead, {
      convertedStatus: "Closed - Converted",
      doNotCreateOpportunity: true,
    });
    expect(loop.salesforce.data.get("Contact", converted.contactId)?.HubSpot_Contact_Id__c).toBeNull();
    await tick();
    await loop.sync();
    expect(await loop.store.findLinkByMarketing("contact", ana.id)).toMatchObject({
      crmType: "Contact",
      crmId: converted.contactId,
    });
    expect(loop.salesforce.data.get("Contact", converted.contactId)?.HubSpot_Contact_Id__c).toBe(ana.id);
    // Her contact's stamp follows her from the Lead to the Contact: one property both contact mappings name.
    expect(loop.hubspot.data.getObject("contacts", ana.id)?.properties.leadloop_crm_id).toBe(converted.contactId);

    await tick();
    const before = { records: recordCounts(loop), links: await allLinks(loop) };
    await loop.restart(() => rmSync(loop.storePath));
    const run = await loop.sync();
    expect(run.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(recordCounts(loop)).toEqual(before.records);
    expect(await allLinks(loop)).toEqual(before.links);
    expect(await loop.store.findLinkByMarketing("contact", ana.id)).toMatchObject({
      crmType: "Contact",
      crmId: converted.contactId,
    });
  });
});
