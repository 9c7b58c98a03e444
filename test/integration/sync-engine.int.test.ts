// The engine end to end: real adapters over loopback HTTP against both emulators, a SQLite store, and
// explicit mappings. Each test seeds what it needs through the emulators' in-process APIs.
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";
import { contactMappings } from "../support/test-mappings.js";

function writeCalls(counts: Record<string, number>): number {
  return Object.entries(counts)
    .filter(([endpoint]) =>
      /batch\/(create|update|upsert)|composite\/sobjects|^(POST|PATCH) .*sobjects/.test(endpoint),
    )
    .reduce((sum, [, n]) => sum + n, 0);
}

describe("sync engine", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop({ mappings: contactMappings() });
  });
  afterEach(async () => {
    await loop.close();
  });

  it("creates both ways, then updates both ways, then a quiet run writes nothing", async () => {
    const zoe = loop.hubspot.data.createObject("contacts", {
      email: "Zoe.Angstrom@Nordlys.se",
      firstname: "Zoë",
      lastname: "Ångström",
      company: "Nordlys AB",
      jobtitle: "Head of Revenue Operations",
    });
    const repLead = loop.salesforce.data.insert("Lead", {
      FirstName: "Łukasz",
      LastName: "Wiśniewski",
      Company: "Kraków Logistics",
      Email: "lukasz.wisniewski@krakow-logistics.pl",
      Title: "Operations Manager",
    });

    const first = await loop.sync();
    expect(first.summary.status).toBe("succeeded");
    const leads = loop.salesforce.data.query(
      "SELECT Id, Email, LastName, Title, HubSpot_Contact_Id__c FROM Lead WHERE HubSpot_Contact_Id__c != null",
    ).records;
    const fromCrm = loop.hubspot.data
      .listObjects("contacts")
      .find((c) => c.properties.email?.startsWith("lukasz"));
    // Both Leads carry their contact's id after the first run: the one leadloop created, and the rep's
    // own Lead, stamped with the contact made from it in the same run.
    expect(leads).toHaveLength(2);
    expect(leads.find((l) => l.Id !== repLead)).toMatchObject({
      Email: "zoe.angstrom@nordlys.se",
      LastName: "Ångström",
      Title: "Head of Revenue Operations",
      HubSpot_Contact_Id__c: zoe.id,
    });
    expect(leads.find((l) => l.Id === repLead)).toMatchObject({ HubSpot_Contact_Id__c: fromCrm?.id });
    expect(fromCrm?.properties).toMatchObject({
      firstname: "Łukasz",
      lastname: "Wiśniewski",
      jobtitle: "Operations Manager",
    });
    expect(await loop.store.countLinks("contact")).toBe(2);

    await tick();
    loop.hubspot.data.updateObject("contacts", zoe.id, { jobtitle: "VP Revenue Operations" });
    loop.salesforce.data.update("Lead", repLead, { Phone: "+48 12 345 67 89" });
    const second = await loop.sync();
    // Salesforce: Zoë's title only (the rep's Lead got its stamp in the first run).
    expect(second.summary.updated).toEqual({ hubspot: 1, salesforce: 1 });
    expect(loop.salesforce.data.get("Lead", repLead)?.HubSpot_Contact_Id__c).toBe(fromCrm!.id);
    expect(loop.salesforce.data.get("Lead", String(leads.find((l) => l.Id !== repLead)!.Id))?.Title).toBe("VP Revenue Operations");
    expect(loop.hubspot.data.getObject("contacts", fromCrm!.id)?.properties.phone).toBe("+48 12 345 67 89");

    await tick();
    loop.hubspot.calls.reset();
    loop.salesforce.calls.reset();
    const quiet = await loop.sync();
    expect(quiet.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(quiet.summary.updated).toEqual({ hubspot: 0, salesforce: 0 });
    expect(writeCalls(loop.hubspot.calls.byEndpoint())).toBe(0);
    expect(writeCalls(loop.salesforce.calls.byEndpoint())).toBe(0);
  });

  it("syncs a Lead edit stamped 120 s before the saved cursor, then re-reads it without writing", async () => {
    const lead = loop.salesforce.data.insert(
      "Lead",
      {
        FirstName: "Aoife",
        LastName: "Ní Bhriain",
        Company: "Cló Iar-Chonnacht",
        Email: "aoife.nibhriain@cic.ie",
        Title: "Marketing Manager",
      },
      new Date(Date.now() - 10 * 60_000),
    );
    await loop.sync();
    const contact = loop.hubspot.data
      .listObjects("contacts")
      .find((c) => c.properties.email === "aoife.nibhriain@cic.ie")!;
    expect(contact.properties.jobtitle).toBe("Marketing Manager");

    // The rep's save took its SystemModstamp 120 s before the cursor the run saved, and committed after it.
    const cursor = (await loop.store.getCursor("salesforce", "Lead"))!;
    const stamped = new Date(Date.parse(cursor.value) - 120_000).toISOString();
    await loop.salesforce.control.call("PATCH", `/records/Lead/${lead}`, {
      fields: { Title: "Head of Marketing" },
      at: stamped,
    });
    expect(loop.salesforce.data.get("Lead", lead)?.SystemModstamp).toBe(
      `${stamped.slice(0, 19)}.000+0000`,
    );
    const second = await loop.sync();
    expect(second.summary.updated).toEqual({ hubspot: 1, salesforce: 0 });
    expect(loop.hubspot.data.getObject("contacts", contact.id)?.properties.jobtitle).toBe("Head of Marketing");

    // The next run reads the edit again (it is inside the look-back) and the echo check absorbs it.
    await tick();
    loop.hubspot.calls.reset();
    loop.salesforce.calls.reset();
    const quiet = await loop.sync();
    expect(quiet.summary.read.salesforce).toBeGreaterThan(0);
    expect(quiet.summary.unchanged).toBeGreaterThan(0);
    expect(quiet.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(quiet.summary.updated).toEqual({ hubspot: 0, salesforce: 0 });
    expect(writeCalls(loop.hubspot.calls.byEndpoint())).toBe(0);
    expect(writeCalls(loop.salesforce.calls.byEndpoint())).toBe(0);
  });

  it("matches by email whatever its case and spacing, prefers a Contact to a Lead, and creates nothing twice", async () => {
    loop.salesforce.data.insert("Lead", { LastName: "López", Company: "Acme", Email: "ana.lopez@acme.com" });
    const contactId = loop.salesforce.data.insert("Contact", {
      LastName: "López",
      Email: "ANA.LOPEZ@ACME.COM",
    });
    const ana = loop.hubspot.data.createObject("contacts", {
      email: " Ana.Lopez@Acme.com",
      lastname: "López",
    });

    await loop.sync();
    const link = await loop.store.findLinkByMarketing("contact", ana.id);
    expect(link).toMatchObject({ crmType: "Contact", crmId: contactId, matchKey: "ana.lopez@acme.com" });
    expect(loop.salesforce.data.list("Lead")).toHaveLength(1);
    expect(loop.salesforce.data.list("Contact")).toHaveLength(1);
    expect(
      loop.hubspot.data.listObjects("contacts").filter((c) => c.properties.email === "ana.lopez@acme.com"),
    ).toHaveLength(1);
  });

  it("settles a field changed on both sides by its conflict rule and reports the conflict", async () => {
    const marie = loop.hubspot.data.createObject("contacts", {
      email: "marie.dupont@exemple.fr",
      lastname: "Dupont",
      jobtitle: "Responsable marketing",
    });
    await loop.sync();
    const leadId = (await loop.store.findLinkByMarketing("contact", marie.id))!.crmId;

    await tick();
    loop.hubspot.data.updateObject("contacts", marie.id, { jobtitle: "Directrice marketing" });
    loop.salesforce.data.update("Lead", leadId, { Title: "CMO" });
    const result = await loop.sync();
    expect(result.summary.conflicts).toBe(1);
    // prefer_crm: the CRM's value is written to marketing; the CRM keeps its own.
    expect(loop.hubspot.data.getObject("contacts", marie.id)?.properties.jobtitle).toBe("CMO");
    expect(loop.salesforce.data.get("Lead", leadId)?.Title).toBe("CMO");
  });

  it("sends a record the CRM refuses to the error queue and writes the rest of its batch", async () => {
    await loop.salesforce.control.addFaults({
      records: [
        {
          object: "Lead",
          field: "LastName",
          equals: "Refusé",
          message: "Last name rejected by a validation rule",
        },
      ],
    });
    for (const name of ["Martin", "Refusé", "Bernard", "Petit"]) {
      loop.hubspot.data.createObject("contacts", {
        email: `${ascii(name).toLowerCase()}@exemple.fr`,
        lastname: name,
      });
    }
    const result = await loop.sync();
    expect(result.summary.created.salesforce).toBe(3);
    expect(result.summary.errors.salesforce).toBe(1);
    const errors = await loop.store.listErrors({ status: "open" });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ system: "salesforce", object: "Lead", errorClass: "data" });
    expect(errors[0]!.message).toContain("Last name rejected by a validation rule");
    expect(
      loop.salesforce.data
        .list("Lead")
        .map((l) => l.LastName)
        .sort(),
    ).toEqual(["Bernard", "Martin", "Petit"]);
  });

  it("survives a 429 storm, honouring Retry-After", async () => {
    loop.hubspot.data.createObject("contacts", { email: "storm@exemple.fr", lastname: "Orage" });
    await loop.hubspot.control.addFaults({
      requests: [{ kind: "rate_limit", times: 3, retryAfterSeconds: 1 }],
    });
    const started = Date.now();
    const result = await loop.sync();
    expect(result.summary.status).toBe("succeeded");
    expect(result.summary.created.salesforce).toBe(1);
    // Three refusals, each asking for 1 s: the run cannot have been quicker than that.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
  });

  it("resumes a run killed between writing and committing without duplicates or lost updates", async () => {
    for (let i = 0; i < 450; i++) {
      loop.hubspot.data.createObject("contacts", {
        email: `person.${i}@grande-entreprise.fr`,
        lastname: `Personne ${i}`,
      });
    }
    let commits = 0;
    const store = loop.store;
    const crashing = Object.create(store) as typeof store;
    crashing.commitBatch = async (batch) => {
      commits++;
      if (commits === 2) throw new Error("killed");
      return store.commitBatch(batch);
    };
    await expect(loop.sync({ store: crashing })).rejects.toThrow("killed");

    await loop.restart();
    await loop.sync();
    const leads = loop.salesforce.data.list("Lead");
    expect(leads).toHaveLength(450);
    expect(new Set(leads.map((l) => l.HubSpot_Contact_Id__c)).size).toBe(450);
    expect(await loop.store.countLinks("contact")).toBe(450);
  });

  it("follows a converted Lead to its Contact, and retires the link of a deleted record", async () => {
    const kenji = loop.hubspot.data.createObject("contacts", {
      email: "kenji.sato@tokyo-works.jp",
      lastname: "Sato",
    });
    const gone = loop.hubspot.data.createObject("contacts", { email: "gone@exemple.fr", lastname: "Parti" });
    await loop.sync();
    const kenjiLead = (await loop.store.findLinkByMarketing("contact", kenji.id))!.crmId;
    const goneLead = (await loop.store.findLinkByMarketing("contact", gone.id))!.crmId;

    await tick();
    const converted = loop.salesforce.data.convertLead(kenjiLead, { convertedStatus: "Closed - Converted" });
    // getDeleted answers in whole minutes up to the last one that ended: a deletion of the current minute
    // shows in the next window (leadloop's overlap by two minutes). This one happened 90 s ago.
    loop.salesforce.data.delete("Lead", goneLead, new Date(Date.now() - 90_000));
    await tick();
    await loop.sync();
    expect(await loop.store.findLinkByMarketing("contact", kenji.id)).toMatchObject({
      crmType: "Contact",
      crmId: converted.contactId,
    });
    expect(await loop.store.findLinkByMarketing("contact", gone.id)).toBeUndefined();

    await tick();
    loop.hubspot.data.updateObject("contacts", kenji.id, { jobtitle: "CTO" });
    await loop.sync();
    expect(loop.salesforce.data.get("Contact", converted.contactId)?.Title).toBe("CTO");
    expect(loop.salesforce.data.list("Lead").filter((l) => l.IsDeleted !== true)).toHaveLength(1);
  });

  it("follows records merged on either side to the record that survived", async () => {
    const [a, b] = ["Ingrid", "Ólafur"].map((name, i) =>
      loop.hubspot.data.createObject("contacts", { email: `${ascii(name).toLowerCase()}.${i}@fjord.is`, lastname: name }),
    );
    await loop.sync();
    const leadA = (await loop.store.findLinkByMarketing("contact", a!.id))!.crmId;
    // No email: leadloop leaves it alone until something links it.
    const spare = loop.salesforce.data.insert("Lead", { LastName: "Jónsdóttir", Company: "Fjord" });

    await tick();
    // A rep merges Ingrid's Lead into another Lead; marketing merges Ólafur into a new contact.
    // 90 s ago: getDeleted shows a merge once its minute has ended.
    loop.salesforce.data.merge("Lead", spare, [leadA], new Date(Date.now() - 90_000));
    const survivor = loop.hubspot.data.createObject("contacts", { email: "olafur.survivor@fjord.is", lastname: "Ólafsson" });
    const leadB = (await loop.store.findLinkByMarketing("contact", b!.id))!.crmId;
    // HubSpot makes a new record of the two, with a new id.
    const merged = loop.hubspot.data.mergeContacts(survivor.id, b!.id);
    await tick();
    await loop.sync();

    expect((await loop.store.findLinkByMarketing("contact", a!.id))?.crmId).toBe(spare);
    expect(await loop.store.findLinkByMarketing("contact", b!.id)).toBeUndefined();
    expect(await loop.store.findLinkByMarketing("contact", survivor.id)).toBeUndefined();
    expect((await loop.store.findLinkByMarketing("contact", merged.id))?.crmId).toBe(leadB);
  });

  it("keeps one link when marketing merges two linked contacts: the primary's Lead, the other left as it is", async () => {
    const [primary, duplicate] = ["Sigrún", "Sigga"].map((name, i) =>
      loop.hubspot.data.createObject("contacts", { email: `${ascii(name).toLowerCase()}.${i}@fjord.is`, lastname: name }),
    );
    await loop.sync();
    const leadOf = async (id: string) => (await loop.store.findLinkByMarketing("contact", id))?.crmId;
    const [primaryLead, duplicateLead] = [await leadOf(primary!.id), await leadOf(duplicate!.id)];
    expect(primaryLead).toBeDefined();
    expect(duplicateLead).toBeDefined();

    await tick();
    const merged = loop.hubspot.data.mergeContacts(primary!.id, duplicate!.id);
    await tick();
    const run = await loop.sync();
    expect(run.summary.status).toBe("succeeded");
    expect(await leadOf(merged.id)).toBe(primaryLead);
    expect(await leadOf(primary!.id)).toBeUndefined();
    expect(await leadOf(duplicate!.id)).toBeUndefined();
    // Neither Lead is deleted or made again: the duplicate's Lead is the reps' to merge.
    expect(loop.salesforce.data.list("Lead").map((l) => String(l.Id)).sort()).toEqual([primaryLead!, duplicateLead!].sort());
    await tick();
    expect((await loop.sync()).summary.created).toEqual({ hubspot: 0, salesforce: 0 });
  });
});

describe.each([
  ["prefer_crm", "CMO", "CMO"],
  ["prefer_marketing", "Directrice marketing", "Directrice marketing"],
  ["prefer_crm_unless_blank", "Directrice marketing", "Directrice marketing"],
  ["most_recent", "Directrice marketing", "Directrice marketing"],
] as const)("a field changed on both sides under %s", (rule, marketingAfter, crmAfter) => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop({ mappings: contactMappings(rule) });
  });
  afterEach(async () => {
    await loop.close();
  });

  it(`ends as marketing "${marketingAfter}" and CRM "${crmAfter}", reported as one conflict`, async () => {
    const marie = loop.hubspot.data.createObject("contacts", {
      email: "marie.dupont@exemple.fr",
      lastname: "Dupont",
      jobtitle: "Responsable marketing",
    });
    await loop.sync();
    const leadId = (await loop.store.findLinkByMarketing("contact", marie.id))!.crmId;

    await tick();
    // The CRM changes first (to a blank under prefer_crm_unless_blank), marketing a moment later.
    loop.salesforce.data.update("Lead", leadId, { Title: rule === "prefer_crm_unless_blank" ? null : "CMO" });
    await tick(20);
    loop.hubspot.data.updateObject("contacts", marie.id, { jobtitle: "Directrice marketing" });
    const result = await loop.sync();

    expect(result.summary.conflicts).toBe(1);
    expect(loop.hubspot.data.getObject("contacts", marie.id)?.properties.jobtitle).toBe(marketingAfter);
    expect(loop.salesforce.data.get("Lead", leadId)?.Title).toBe(crmAfter);
  });
});

/** Salesforce takes ASCII local parts only: "Ólafur" is written "olafur" in an address. */
function ascii(name: string): string {
  return name.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}
