// A company whose new Account Salesforce's standard Account duplicate rule refuses (same name, same billing
// city: "Mueller GmbH" beside an Account "Müller GmbH", München) is one error-queue entry naming the company,
// the Account it matched and the rule, with a remedy that works, and later runs spend no call on it; its
// people's Leads sync meanwhile, with no Account. On a first load, an incremental run and after a lost store.
import { rmSync } from "node:fs";
import type { HubspotObject } from "../../src/sandbox/hubspot/hubspot-data.js";
import { funnelFor, pricingAndDemo, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

describe("a company Salesforce refuses as a duplicate Account", () => {
  let loop: LoopHarness;
  let existing: string;
  beforeEach(async () => {
    loop = await startLoop();
    seedReps(loop);
    // Sales' Account of the customer, entered by a rep in Salesforce.
    existing = loop.salesforce.data.insert("Account", {
      Name: "Müller GmbH",
      BillingCity: "München",
      BillingCountry: "DE",
      Website: "https://www.mueller-maschinenbau.de",
    });
  });
  afterEach(async () => loop.close());

  const sync = () => loop.sync({ funnel: funnelFor(loop, "salesforce") });
  const accounts = () => loop.salesforce.data.list("Account");
  const leads = () => loop.salesforce.data.list("Lead").filter((l) => l.LastName === "Weiß");

  /** "Mueller GmbH" from a form: no domain, the city spelled out; Jürgen Weiß, a sales director there, an MQL. */
  function seedMueller(): { company: HubspotObject; person: string } {
    const company = loop.hubspot.data.createObject("companies", {
      name: "Mueller GmbH",
      city: "Muenchen",
      country: "Deutschland",
      numberofemployees: "400",
      industry: "COMPUTER_SOFTWARE",
    });
    const person = loop.hubspot.data.createObject("contacts", {
      email: "Juergen.Weiss@Mueller-Gruppe.DE",
      firstname: "Jürgen",
      lastname: "Weiß",
      jobtitle: "Geschäftsführer Vertrieb",
      company: "Mueller GmbH",
      country: "Deutschland",
    });
    loop.hubspot.data.associate("contacts", person.id, "companies", company.id);
    pricingAndDemo(loop, person.id);
    return { company, person: person.id };
  }

  /** The one open entry, about the company, naming the Account it matched, the rule and what to do. */
  async function expectOneEntryFor(companyId: string): Promise<number> {
    const open = await loop.store.listErrors({ status: "open" });
    expect(open).toEqual([
      expect.objectContaining({ system: "salesforce", object: "Account", recordId: companyId, errorClass: "conflict" }),
    ]);
    const message = open[0]!.message;
    expect(message).toContain(`Standard_Account_Duplicate_Rule matched Account ${existing}`);
    expect(message).toMatch(/\[Mueller GmbH\]$/);
    expect(message).toContain("merge it in HubSpot into the company the Account's HubSpot_Company_Id__c names");
    expect(message).toContain(`with HubSpot_Company_Id__c "${companyId}", and \`leadloop errors retry\` links it`);
    return open[0]!.id;
  }

  /** Jürgen's Lead, handed off with the company's name though the company has no Account. */
  function expectLeadWithoutAccount(person: string): void {
    expect(leads()).toEqual([
      expect.objectContaining({ Company: "Mueller GmbH", HubSpot_Contact_Id__c: person, Email: "juergen.weiss@mueller-gruppe.de" }),
    ]);
  }

  it("queues it once on an incremental run, hands its person off, and a namesake's Account made by hand takes the retry", async () => {
    // The first load brings the Account into HubSpot as a company of its own.
    expect((await sync()).summary.status).toBe("succeeded");
    const twin = loop.hubspot.data.listObjects("companies").find((c) => c.properties.leadloop_crm_id === existing);
    expect(twin?.properties.name).toBe("Müller GmbH");

    await tick();
    const { company, person } = seedMueller();
    const run = await sync();
    expect(run.summary.errors.salesforce).toBe(1);
    expect(run.summary.handoffs).toBe(1);
    expect(accounts().map((a) => a.Id)).toEqual([existing]);
    const entry = await expectOneEntryFor(company.id);
    expectLeadWithoutAccount(person);

    // Later runs with nothing new send nothing to Salesforce for it and queue it no second time.
    const writes: string[] = [];
    loop.salesforce.onWrite(({ path }) => void writes.push(path));
    for (let i = 0; i < 3; i++) {
      await tick();
      await sync();
    }
    loop.salesforce.onWrite(undefined);
    expect(writes).toEqual([]);
    expect((await loop.store.listErrors({ status: "open" })).map((e) => e.id)).toEqual([entry]);

    // Another company of that name: a rep makes its Account by hand (the UI saves past the alert) with the
    // company's id, as the entry says; the retry writes the company's fields to it and links the two.
    const byHand = loop.salesforce.data.insert("Account", {
      Name: "Mueller GmbH",
      BillingCity: "München",
      HubSpot_Company_Id__c: company.id,
    });
    const retried = await loop.retry({ funnel: funnelFor(loop, "salesforce") });
    expect(retried.resolved).toEqual([entry]);
    expect(accounts().map((a) => a.Id).sort()).toEqual([existing, byHand].sort());
    expect(loop.salesforce.data.get("Account", byHand)).toEqual(
      expect.objectContaining({ NumberOfEmployees: 400, Industry: "Technology", HubSpot_Company_Id__c: company.id }),
    );
    await tick();
    await sync();
    expect(loop.hubspot.data.getObject("companies", company.id)?.properties.leadloop_crm_id).toBe(byHand);
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
    expect(leads()).toHaveLength(1);
  });

  /**
   * The form's company refused as a duplicate Account, then, as its entry says, merged by the admin into
   * the company of the same firm that the Account's first load made in HubSpot.
   */
  async function mergedIntoTwin(): Promise<{ person: string; entry: number; merged: HubspotObject }> {
    const { company, person } = seedMueller();
    await sync();
    const entry = await expectOneEntryFor(company.id);
    const twin = loop.hubspot.data.listObjects("companies").find((c) => c.properties.leadloop_crm_id === existing)!;
    await tick();
    return { person, entry, merged: loop.hubspot.data.mergeCompanies(twin.id, company.id) };
  }

  it("resolves on the retry once the two HubSpot companies of one firm are merged into one, linked to the Account", async () => {
    const { person, entry, merged } = await mergedIntoTwin();
    // The next run follows the merge (the Account's link moves to the merged company); the retry finds the
    // form's company answered by the merged one, linked and in step, and resolves the entry.
    await sync();
    const retried = await loop.retry({ funnel: funnelFor(loop, "salesforce") });
    expect(retried.resolved).toEqual([entry]);
    await tick();
    await sync();
    expect(accounts().map((a) => a.Id)).toEqual([existing]);
    expect(loop.salesforce.data.get("Account", existing)?.HubSpot_Company_Id__c).toBe(merged.id);
    expect(loop.hubspot.data.getObject("companies", merged.id)?.properties.leadloop_crm_id).toBe(existing);
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
    expectLeadWithoutAccount(person);
  });

  it("resolves on a retry run right after the merge, before any sync follows it: the retry follows the merge to the merged company", async () => {
    const { person, entry, merged } = await mergedIntoTwin();
    // The admin retries at once, as the entry says: no run has followed the merge yet.
    const retried = await loop.retry({ funnel: funnelFor(loop, "salesforce") });
    expect(retried.stillFailing).toEqual([]);
    expect(retried.resolved).toEqual([entry]);
    expect(accounts().map((a) => a.Id)).toEqual([existing]);
    await tick();
    const after = await sync();
    expect(after.summary.errors).toEqual({ hubspot: 0, salesforce: 0 });
    expect(accounts().map((a) => a.Id)).toEqual([existing]);
    expect(loop.salesforce.data.get("Account", existing)?.HubSpot_Company_Id__c).toBe(merged.id);
    expect(loop.hubspot.data.getObject("companies", merged.id)?.properties.leadloop_crm_id).toBe(existing);
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
    expectLeadWithoutAccount(person);
  });

  it("queues it once on a first load and again, once, after a lost store, creating no Account, Lead or company twice", async () => {
    const { company, person } = seedMueller();
    const first = await sync();
    expect(first.summary.handoffs).toBe(1);
    expect(accounts().map((a) => a.Id)).toEqual([existing]);
    await expectOneEntryFor(company.id);
    expectLeadWithoutAccount(person);
    const companies = loop.hubspot.data.listObjects("companies").map((c) => c.id).sort();

    await loop.restart(() => rmSync(loop.storePath, { force: true }));
    await tick();
    await sync();
    expect(accounts().map((a) => a.Id)).toEqual([existing]);
    await expectOneEntryFor(company.id);
    expectLeadWithoutAccount(person);
    expect(loop.hubspot.data.listObjects("companies").map((c) => c.id).sort()).toEqual(companies);
  });
});
