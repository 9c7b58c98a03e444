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
});
