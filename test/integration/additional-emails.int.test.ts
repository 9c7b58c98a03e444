// HubSpot finds a contact by any of its emails: `email`, and the additional ones a merge or a marketer
// gave it (`hs_additional_emails`), so a look-up by email may answer a contact whose own email is another.
// A rep's Lead under the person's other address is that contact's: it is neither created as a contact,
// whose upsert on that email would land on the contact and take its own email away, nor an error.
import { funnelFor } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";
import { contactMappings } from "../support/test-mappings.js";

describe("a Lead under an email a HubSpot contact holds as an additional one", () => {
  let loop: LoopHarness;
  afterEach(async () => loop.close());

  it("is not made a contact: the contact linked to the person's Lead keeps its email and its link", async () => {
    loop = await startLoop({ mappings: contactMappings() });
    // Anna signed up twice; marketing merged the two, so she holds both addresses.
    const work = loop.hubspot.data.createObject("contacts", { email: "anna.berg@nordlys.example", firstname: "Anna", lastname: "Berg" });
    const short = loop.hubspot.data.createObject("contacts", { email: "A.Berg@Nordlys.example", firstname: "Anna", lastname: "Berg" });
    const anna = loop.hubspot.data.mergeContacts(work.id, short.id);
    expect(anna.properties).toMatchObject({ email: "anna.berg@nordlys.example", hs_additional_emails: "a.berg@nordlys.example" });
    const first = await loop.sync();
    expect(first.summary.created).toEqual({ hubspot: 0, salesforce: 1 });
    const [annasLead] = loop.salesforce.data.list("Lead");
    expect(annasLead?.HubSpot_Contact_Id__c).toBe(anna.id);

    // A rep keys in a Lead for her from a business card, with the short address.
    const repsLead = loop.salesforce.data.insert("Lead", {
      FirstName: "Anna",
      LastName: "Berg",
      Company: "Nordlys Shipping",
      Email: "A.Berg@NORDLYS.example",
      Title: "Økonomisjef",
    });
    const run = await loop.sync();
    expect(run.summary.status).toBe("succeeded");
    expect(run.summary.created.hubspot).toBe(0);
    expect(run.summary.updated.hubspot).toBe(0);
    expect(await loop.store.listErrors()).toEqual([]);
    const contacts = loop.hubspot.data.listObjects("contacts");
    expect(contacts.map((c) => [c.id, c.properties.email, c.properties.hs_additional_emails])).toEqual([
      [anna.id, "anna.berg@nordlys.example", "a.berg@nordlys.example"],
    ]);
    expect(loop.salesforce.data.get("Lead", repsLead)?.HubSpot_Contact_Id__c ?? null).toBeNull();
    expect(loop.salesforce.data.get("Lead", String(annasLead!.Id))?.HubSpot_Contact_Id__c).toBe(anna.id);
  });

  it("links to that contact without writing the Lead's address over the contact's own email", async () => {
    loop = await startLoop({ mappings: contactMappings() });
    const work = loop.hubspot.data.createObject("contacts", { email: "joao.silva@atlantico.example", firstname: "João", lastname: "Silva" });
    const gmail = loop.hubspot.data.createObject("contacts", { email: "joaosilva1987@correio.example", firstname: "João" });
    const joao = loop.hubspot.data.mergeContacts(work.id, gmail.id);
    // A rep met him at a fair and entered the address from his sign-up; marketing has no MQL to hand over,
    // so no Lead of its own is made for him.
    const repsLead = loop.salesforce.data.insert("Lead", {
      FirstName: "João",
      LastName: "Silva",
      Company: "Atlântico Seguros",
      Email: "JoaoSilva1987@correio.example",
      Title: "Diretor financeiro",
    });
    const run = await loop.sync({ funnel: { ...funnelFor(loop, "salesforce"), inclusion: "mql" } });
    expect(run.summary.status).toBe("succeeded");
    expect(run.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(await loop.store.listErrors()).toEqual([]);
    const contacts = loop.hubspot.data.listObjects("contacts");
    expect(contacts.map((c) => [c.id, c.properties.email, c.properties.hs_additional_emails, c.properties.jobtitle])).toEqual([
      [joao.id, "joao.silva@atlantico.example", "joaosilva1987@correio.example", "Diretor financeiro"],
    ]);
    // The Lead is his, and keeps the address the rep entered.
    const lead = loop.salesforce.data.get("Lead", repsLead);
    expect([lead?.HubSpot_Contact_Id__c, lead?.Email]).toEqual([joao.id, "JoaoSilva1987@correio.example"]);

    // Nothing is owed afterwards: the next run writes nothing either way.
    const again = await loop.sync({ funnel: { ...funnelFor(loop, "salesforce"), inclusion: "mql" } });
    expect([again.summary.updated, again.summary.created]).toEqual([
      { hubspot: 0, salesforce: 0 },
      { hubspot: 0, salesforce: 0 },
    ]);
  });
});

describe("a contact whose additional email a CRM record already holds", () => {
  let loop: LoopHarness;
  afterEach(async () => loop.close());

  const leadsOf = (lastName: string) => loop.salesforce.data.list("Lead").filter((l) => l.LastName === lastName);

  it("is linked to that Lead, on the first load and in a later run, not given a second one", async () => {
    loop = await startLoop({ mappings: contactMappings() });
    // Before leadloop: a rep's Lead for Ingrid under her old address, which marketing merged into her
    // contact when she signed up again from her new employer.
    const ingridsLead = loop.salesforce.data.insert("Lead", {
      FirstName: "Ingrid",
      LastName: "Halvorsen",
      Company: "Fjord Logistikk",
      Email: "ingrid.halvorsen@fjordlogistikk.example",
    });
    const newJob = loop.hubspot.data.createObject("contacts", { email: "ingrid@havbris.example", firstname: "Ingrid", lastname: "Halvorsen" });
    const oldJob = loop.hubspot.data.createObject("contacts", { email: "Ingrid.Halvorsen@fjordlogistikk.example", firstname: "Ingrid" });
    const ingrid = loop.hubspot.data.mergeContacts(newJob.id, oldJob.id);
    const first = await loop.sync();
    expect(first.summary.status).toBe("succeeded");
    expect(first.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(leadsOf("Halvorsen").map((l) => [l.Id, l.HubSpot_Contact_Id__c, l.Email])).toEqual([
      [ingridsLead, ingrid.id, "ingrid.halvorsen@fjordlogistikk.example"],
    ]);

    // Later: a rep enters Pedro from a badge scan; marketing, which knew him by his personal address,
    // merges in the contact his work address made, so the contact leadloop reads next holds both.
    const pedrosLead = loop.salesforce.data.insert("Lead", {
      FirstName: "Pedro",
      LastName: "Alves",
      Company: "Ribeira Têxteis",
      Email: "p.alves@ribeira-texteis.example",
    });
    const personal = loop.hubspot.data.createObject("contacts", { email: "pedro.alves@correio.example", firstname: "Pedro", lastname: "Alves" });
    const work = loop.hubspot.data.createObject("contacts", { email: "p.alves@ribeira-texteis.example", firstname: "Pedro" });
    const pedro = loop.hubspot.data.mergeContacts(personal.id, work.id);
    await tick();
    const later = await loop.sync();
    expect(later.summary.status).toBe("succeeded");
    expect(later.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(leadsOf("Alves").map((l) => [l.Id, l.HubSpot_Contact_Id__c, l.Email])).toEqual([
      [pedrosLead, pedro.id, "p.alves@ribeira-texteis.example"],
    ]);
    expect(loop.hubspot.data.listObjects("contacts").map((c) => [c.properties.email, c.properties.hs_additional_emails])).toEqual([
      ["ingrid@havbris.example", "ingrid.halvorsen@fjordlogistikk.example"],
      ["pedro.alves@correio.example", "p.alves@ribeira-texteis.example"],
    ]);
    expect(await loop.store.listErrors()).toEqual([]);
  });
});
