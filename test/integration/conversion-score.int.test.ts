// A rep converts a handed-off Lead: the Contact it became is the record the rep works from then on, so it
// takes the person's score, reasons and behaviour summary in the run that follows the conversion, not a
// run later (ARCHITECTURE.md "One run", the CRM changes). Salesforce copies no custom field to the
// Contact unless an admin mapped it, as here.
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { funnelFor, pricingAndDemo, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

describe("a converted Lead's Contact", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  /** Jürgen, handed off to a rep in Salesforce: his Lead carries the score leadloop wrote. */
  async function handedOff() {
    seedReps(loop);
    const company = loop.hubspot.data.createObject("companies", {
      name: "Müller & Söhne Logistik GmbH",
      domain: "mueller-soehne.de",
      industry: "COMPUTER_SOFTWARE",
      numberofemployees: "380",
      country: "Germany",
    });
    const person = loop.hubspot.data.createObject("contacts", {
      email: "juergen.mueller@mueller-soehne.de",
      firstname: "Jürgen",
      lastname: "Müller-Lüdenscheidt",
      jobtitle: "VP Operations",
      company: "Müller & Söhne Logistik GmbH",
      country: "Germany",
    });
    loop.hubspot.data.associate("contacts", person.id, "companies", company.id);
    const funnel = funnelFor(loop, "salesforce");
    await loop.sync({ funnel });
    await tick();
    pricingAndDemo(loop, person.id);
    expect((await loop.sync({ funnel })).summary.handoffs).toBe(1);
    const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === person.id)!;
    expect(Number(lead.Leadloop_Score__c)).toBeGreaterThan(0);
    return { person, funnel, lead };
  }

  /** The rep converts the Lead; Salesforce carries none of leadloop's fields to the Contact. */
  function convert(lead: Record<string, unknown>): string {
    const { contactId } = loop.salesforce.data.convertLead(lead.Id as string, { opportunityName: "Müller & Söhne – Flottenpilot" });
    expect(loop.salesforce.data.get("Contact", contactId)?.Leadloop_Score__c ?? null).toBeNull();
    return contactId;
  }

  /** What the rep sees on the Contact is what the marketer sees on the HubSpot contact. */
  function expectContactShowsScore(personId: string, contactId: string): void {
    const hs = loop.hubspot.data.getObject("contacts", personId)!.properties;
    const contact = loop.salesforce.data.get("Contact", contactId)!;
    expect(contact.HubSpot_Contact_Id__c).toBe(personId);
    expect(Number(contact.Leadloop_Score__c)).toBe(Number(hs.leadloop_score));
    expect(Number(contact.Leadloop_Fit_Score__c)).toBe(Number(hs.leadloop_fit_score));
    expect(Number(contact.Leadloop_Behavior_Score__c)).toBe(Number(hs.leadloop_behavior_score));
    expect(contact.Leadloop_Reasons__c).toBe(hs.leadloop_reasons);
    expect(String(contact.Leadloop_Activity_Summary__c)).toContain("Request a demo");
  }

  it("carries the person's score, reasons and summary after the run that follows the conversion, and the next run writes nothing", async () => {
    const { person, funnel, lead } = await handedOff();
    await tick();
    const contactId = convert(lead);
    await tick();
    const converted = await loop.sync({ funnel });
    expect(converted.summary.conversions).toBe(1);
    expectContactShowsScore(person.id, contactId);
    const audit = await loop.store.listAudit([contactId]);
    expect(audit.filter((a) => a.field === "Leadloop_Score__c").map((a) => a.rule)).toEqual([
      expect.stringMatching(/re-scored after the handoff/),
    ]);

    // The run after it has nothing to carry: no write reaches Salesforce.
    await tick();
    const next = await loop.sync({ funnel });
    expect((next.summary.updated as Record<string, number>).salesforce ?? 0).toBe(0);
  });

  it("carries the score in the next run when the conversion's run is stopped before its history fill", async () => {
    const { person, funnel, lead } = await handedOff();
    await tick();
    const contactId = convert(lead);
    await tick();
    const stop = new AbortController();
    const stopped = await loop.sync({
      funnel,
      signal: stop.signal,
      // SIGTERM once the contact pair has moved the link: the handoff and the history fill come after it.
      onProgress: (p) => {
        if (p.phase === "handoff") stop.abort();
      },
    });
    expect(stopped.summary.status).toBe("stopped");
    expect((await loop.store.findLinksByMarketingIds("contact", [person.id])).get(person.id)?.crmId).toBe(contactId);
    expect(loop.salesforce.data.get("Contact", contactId)?.Leadloop_Score__c ?? null).toBeNull();
    // What the stopped run owed the Contact waits in the store, and the next run writes it.
    expect((await loop.store.listHistoryToFill()).map((h) => [h.personId, h.crmId, h.cause])).toEqual([[person.id, contactId, "converted"]]);
    await tick();
    expect((await loop.sync({ funnel })).summary.status).toBe("succeeded");
    expectContactShowsScore(person.id, contactId);
    expect(await loop.store.listHistoryToFill()).toEqual([]);
  });

  it("takes the score he has now when he acted before the rep converted, scored earlier in the same run", async () => {
    const { person, funnel, lead } = await handedOff();
    await tick();
    recordActivity(loop.hubspot.data, {
      contactId: person.id,
      kind: "formSubmission",
      properties: { hs_title: "Whitepaper: Flottensicherheit", hs_url: "https://www.leadloop-demo.com/resources/fleet-security" },
    });
    const contactId = convert(lead);
    await tick();
    await loop.sync({ funnel });
    expectContactShowsScore(person.id, contactId);
    expect(String(loop.salesforce.data.get("Contact", contactId)!.Leadloop_Activity_Summary__c)).toContain("Flottensicherheit");
    expect(Number(loop.hubspot.data.getObject("contacts", person.id)!.properties.leadloop_score)).not.toBe(
      Number(lead.Leadloop_Score__c),
    );
    // The converted Lead itself took no write (Salesforce refuses them) and nothing waits in the error queue.
    expect(loop.salesforce.data.get("Lead", lead.Id as string)!.Leadloop_Score__c).toBe(lead.Leadloop_Score__c);
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
  });
});
