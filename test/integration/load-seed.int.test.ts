import { type HubspotEmulator, startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { loadSeed } from "../../src/sandbox/load-seed.js";
import { type SalesforceEmulator, startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";

describe("loadSeed", () => {
  let hubspot: HubspotEmulator;
  let salesforce: SalesforceEmulator;
  beforeAll(async () => {
    hubspot = await startHubspotEmulator();
    salesforce = await startSalesforceEmulator();
  });
  afterAll(async () => {
    await hubspot.close();
    await salesforce.close();
  });

  it("fills both emulators with every seeded record, messy values intact", () => {
    const seed = generateSeed({ seed: 7, now: new Date("2026-11-23T12:00:00Z"), contacts: 120 });
    const { counts, ids } = loadSeed(seed, { hubspot, salesforce });
    expect(counts.contacts).toBe(120);
    expect(hubspot.data.listObjects("contacts")).toHaveLength(120);
    expect(hubspot.data.listObjects("companies")).toHaveLength(seed.companies.length);
    expect(hubspot.data.listEvents()).toHaveLength(seed.activities.length);
    expect(salesforce.data.list("Lead")).toHaveLength(seed.crm.leads.length);
    expect(salesforce.data.list("Opportunity")).toHaveLength(seed.crm.opportunities.length);
    const accented = seed.contacts.find((c) => /[À-ž]/.test(c.firstName + c.lastName))!;
    const stored = hubspot.data.getObject("contacts", ids.contacts.get(accented.key)!)!;
    expect(stored.properties.firstname).toBe(accented.firstName);
    expect(ids.owners.size).toBe(seed.reps.length);
  });

  // Two worlds from one seed must be the same org: a test compares a crashed world with a clean one, and
  // the newer of two duplicate Leads is the one a contact matches.
  it("seeds the org's records at one instant, so two worlds from one seed order them alike", async () => {
    const seed = generateSeed({ seed: 11, now: new Date("2026-11-23T12:00:00Z"), contacts: 40 });
    // A clock that moves a second each time it is read (Salesforce keeps its times to the second): a
    // loader that stamps its inserts by the running clock gives each record a time of its own, as a
    // second's boundary between two inserts did in a slow world.
    let ms = Date.parse("2026-11-23T12:00:00Z");
    const org = await startSalesforceEmulator({ now: () => new Date((ms += 1000)) });
    const portal = await startHubspotEmulator();
    try {
      loadSeed(seed, { hubspot: portal, salesforce: org });
      const seeded = ["Account", "Contact", "Lead", "Campaign", "CampaignMember", "Opportunity"].flatMap((o) => org.data.list(o));
      expect(seeded.length).toBeGreaterThan(40);
      expect(new Set(seeded.map((r) => r.SystemModstamp))).toEqual(new Set([seeded[0]!.SystemModstamp]));
      // The seed's duplicate Lead (one email, written again in capitals) is among them.
      const antoine = org.data.list("Lead").filter((l) => String(l.Email).toLowerCase() === "antoine.jackson@paragondata.co.uk");
      expect(antoine).toHaveLength(2);
    } finally {
      await org.close();
      await portal.close();
    }
  });
});
