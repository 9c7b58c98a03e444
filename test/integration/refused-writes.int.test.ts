// A field-sync write a system refused is decided again when either side changes (ARCHITECTURE.md "One
// write path"): a rep's later edit of the field is not overwritten by the stale write, on a sync or on
// `errors retry`, and the entry is resolved once nothing is owed any more; when the Lead is converted the
// owed edit meets the Contact the same way.
import { funnelFor, pricingAndDemo, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

let loop: LoopHarness;
beforeEach(async () => {
  loop = await startLoop();
  seedReps(loop);
});
afterEach(async () => {
  await loop.close();
});

const hs = () => loop.hubspot.data;
const sf = () => loop.salesforce.data;
const sync = () => loop.sync({ funnel: funnelFor(loop, "salesforce") });
const contact = (id: string) => hs().getObject("contacts", id)!.properties;
const leadOf = (hubspotId: string) => sf().list("Lead").find((l) => l.HubSpot_Contact_Id__c === hubspotId)!;
/** A rep's edit a second after the marketer's: Salesforce stamps modifications in whole seconds. */
const repLater = () => tick(1_100);
const openEntries = () => loop.store.listErrors({ status: "open" });
const retry = () => loop.retry();

/** An MQL handed off to a Lead, with a title the marketer then changes to one the org refuses. */
async function refusedTitle(): Promise<{ personId: string; leadId: string }> {
  const company = hs().createObject("companies", {
    name: "Verrerie Dauphiné",
    domain: "verrerie-dauphine.example",
    industry: "COMPUTER_SOFTWARE",
    numberofemployees: "420",
    country: "France",
  });
  const person = hs().createObject("contacts", {
    email: "Maelys.Fontaine@Verrerie-Dauphine.example",
    firstname: "Maëlys",
    lastname: "Fontaine",
    jobtitle: "Directrice des Opérations",
    hs_analytics_source: "ORGANIC_SEARCH",
    company: "Verrerie Dauphiné",
    country: "France",
  });
  hs().associate("contacts", person.id, "companies", company.id);
  await sync();
  await tick();
  pricingAndDemo(loop, person.id);
  await sync();
  const leadId = leadOf(person.id).Id as string;
  // A validation rule an admin added in Salesforce refuses the marketer's new title.
  loop.salesforce.faults.add({
    records: [{ object: "Lead", field: "Title", equals: "Stagiaire", message: "Titles must name a role" }],
  });
  await tick();
  hs().updateObject("contacts", person.id, { jobtitle: "Stagiaire" });
  await tick();
  await sync();
  expect(await openEntries()).toEqual([expect.objectContaining({ object: "Lead", recordId: leadId })]);
  loop.salesforce.faults.clear();
  return { personId: person.id, leadId };
}

describe("a refused field-sync write", () => {
  it("gives way to a rep's later edit of the field: the entry is resolved and a retry sends nothing stale", async () => {
    const { personId, leadId } = await refusedTitle();
    await repLater();
    sf().update("Lead", leadId, { Title: "Directrice Commerciale" });
    await tick();
    await sync();

    expect(contact(personId).jobtitle).toBe("Directrice Commerciale");
    expect(sf().get("Lead", leadId)?.Title).toBe("Directrice Commerciale");
    expect(await openEntries()).toEqual([]);
    const retried = await retry();
    expect(retried.resolved).toEqual([]);
    expect(sf().get("Lead", leadId)?.Title).toBe("Directrice Commerciale");
    await sync();
    expect(contact(personId).jobtitle).toBe("Directrice Commerciale");
  });

  it("holds back only the refused side: a rep's edit of another field still reaches the contact", async () => {
    const { personId, leadId } = await refusedTitle();
    await repLater();
    sf().update("Lead", leadId, { City: "Lyon" });
    await tick();
    await sync();

    expect(contact(personId).city).toBe("Lyon");
    expect(contact(personId).jobtitle).toBe("Stagiaire");
    expect(sf().get("Lead", leadId)?.Title).toBe("Directrice des Opérations");
    // The title is still owed: the entry stays open, and the next sync neither sends it nor loses it.
    expect(await openEntries()).toEqual([expect.objectContaining({ object: "Lead", recordId: leadId })]);
    await tick();
    await sync();
    expect(await openEntries()).toHaveLength(1);
    loop.salesforce.faults.clear();
    await retry();
    expect(sf().get("Lead", leadId)).toMatchObject({ Title: "Stagiaire", City: "Lyon" });
    expect(await openEntries()).toEqual([]);
  });

  it("holds back only the refused side when HubSpot refuses: a marketer's edit of another field reaches the Lead", async () => {
    const { personId, leadId } = await refusedTitle();
    await sync();
    expect(await openEntries()).toHaveLength(1);
    // Clear the Lead's refusal first: the marketer's title goes through once the rule is lifted.
    await retry();
    expect(await openEntries()).toEqual([]);
    loop.hubspot.faults.add({ records: [{ object: "contacts", field: "jobtitle", equals: "Concierge" }] });
    await repLater();
    sf().update("Lead", leadId, { Title: "Concierge" });
    await tick();
    await sync();
    expect(await openEntries()).toEqual([expect.objectContaining({ system: "hubspot", recordId: personId })]);
    await repLater();
    hs().updateObject("contacts", personId, { city: "Grenoble" });
    await tick();
    await sync();

    expect(sf().get("Lead", leadId)?.City).toBe("Grenoble");
    expect(contact(personId).jobtitle).toBe("Stagiaire");
    expect(await openEntries()).toHaveLength(1);
  });

  it("is decided again by errors retry from both sides' values, so a rep's edit made since is kept", async () => {
    const { personId, leadId } = await refusedTitle();
    await repLater();
    sf().update("Lead", leadId, { Title: "Directrice Commerciale" });
    await tick();
    const retried = await retry();

    expect(retried.stillFailing).toEqual([]);
    expect(retried.resolved).toHaveLength(1);
    expect(sf().get("Lead", leadId)?.Title).toBe("Directrice Commerciale");
    expect(contact(personId).jobtitle).toBe("Directrice Commerciale");
    expect(await openEntries()).toEqual([]);
  });

  it("refused again on a retry, keeps naming the fields and the person, and waits without being sent", async () => {
    const { leadId } = await refusedTitle();
    loop.salesforce.faults.add({
      records: [{ object: "Lead", field: "Title", equals: "Stagiaire", message: "Titles must name a role" }],
    });
    const retried = await retry();
    expect(retried.stillFailing).toHaveLength(1);
    const [entry] = await openEntries();
    expect(entry!.attempts).toBe(2);
    expect(entry!.message).toContain("(fields: Title)");
    expect(entry!.message).toContain("[maelys.fontaine@verrerie-dauphine.example]");
    const titleWrites = () => sf().list("Lead").find((l) => l.Id === leadId)!.Title;
    await sync();
    expect(titleWrites()).toBe("Directrice des Opérations");
    expect((await openEntries()).map((e) => e.attempts)).toEqual([2]);
  });

  it("is resolved when the marketer fixes the value and the write is accepted", async () => {
    const { personId, leadId } = await refusedTitle();
    await tick();
    hs().updateObject("contacts", personId, { jobtitle: "Acheteuse Senior" });
    await tick();
    await sync();

    expect(sf().get("Lead", leadId)?.Title).toBe("Acheteuse Senior");
    expect(await openEntries()).toEqual([]);
  });

  it("is resolved when the rep gives the Lead the marketer's value: nothing is owed", async () => {
    const { personId, leadId } = await refusedTitle();
    await tick();
    // The rep types the title by hand past the rule (an admin's bypass), so both sides agree.
    sf().update("Lead", leadId, { Title: "Stagiaire" });
    await tick();
    await sync();

    expect(contact(personId).jobtitle).toBe("Stagiaire");
    expect(await openEntries()).toEqual([]);
  });

  it("meets the Contact a converted Lead became, where the rep's later title wins", async () => {
    const { personId, leadId } = await refusedTitle();
    await repLater();
    sf().update("Lead", leadId, { Title: "Directrice Commerciale" });
    await tick();
    const conv = sf().convertLead(leadId, { opportunityName: "Verrerie Dauphiné – Renouvellement" });
    await tick();
    await sync();
    await tick();
    await sync();

    expect(sf().get("Contact", conv.contactId)?.Title).toBe("Directrice Commerciale");
    expect(contact(personId).jobtitle).toBe("Directrice Commerciale");
    expect(await openEntries()).toEqual([]);
  });
});
