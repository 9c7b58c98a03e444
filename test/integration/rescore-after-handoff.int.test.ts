// A rep works in the CRM: after the handoff, what the person does next must reach the Lead too, not only
// the marketing contact (ARCHITECTURE.md "One run", step 2: re-scored after the handoff). A run with no
// new behaviour writes nothing there for the fraction of a point its score decays meanwhile (a decay by a
// point or across a threshold is written: core/scoring/visible-change.ts, scoring.unit "a written score's decay").
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { funnelFor, pricingAndDemo, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

describe("a handed-off person's CRM record after new behaviour", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("takes the contact's new score, reasons and summary in the next run, and nothing in a run without behaviour", async () => {
    seedReps(loop);
    const company = loop.hubspot.data.createObject("companies", {
      name: "Brauhaus Technik GmbH",
      domain: "brauhaus-technik.de",
      industry: "COMPUTER_SOFTWARE",
      numberofemployees: "420",
      country: "Germany",
    });
    const jonas = loop.hubspot.data.createObject("contacts", {
      email: "jonas.becker@brauhaus-technik.de",
      firstname: "Jonas",
      lastname: "Becker",
      jobtitle: "VP Operations",
      company: "Brauhaus Technik GmbH",
      country: "Germany",
    });
    loop.hubspot.data.associate("contacts", jonas.id, "companies", company.id);
    const funnel = funnelFor(loop, "salesforce");
    await loop.sync({ funnel });
    await tick();
    pricingAndDemo(loop, jonas.id);
    expect((await loop.sync({ funnel })).summary.handoffs).toBe(1);
    const leadOf = () => loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === jonas.id)!;
    const atHandoff = leadOf();
    expect(String(atHandoff.Leadloop_Activity_Summary__c)).not.toContain("Security whitepaper");
    const tasksAtHandoff = loop.salesforce.data.list("Task").length;

    // Two days later Jonas downloads the security whitepaper and reads the integrations page.
    await tick();
    recordActivity(loop.hubspot.data, {
      contactId: jonas.id,
      kind: "formSubmission",
      properties: { hs_title: "Security whitepaper", hs_url: "https://www.leadloop-demo.com/resources/security" },
    });
    recordActivity(loop.hubspot.data, {
      contactId: jonas.id,
      kind: "pageView",
      properties: { hs_url: "https://www.leadloop-demo.com/integrations", hs_title: "Integrations" },
    });
    const after = await loop.sync({ funnel });
    expect(after.summary.handoffs).toBe(0);
    const contact = loop.hubspot.data.getObject("contacts", jonas.id)!.properties;
    const lead = leadOf();
    expect(Number(contact.leadloop_score)).not.toBe(Number(atHandoff.Leadloop_Score__c));
    expect(Number(lead.Leadloop_Score__c)).toBe(Number(contact.leadloop_score));
    expect(Number(lead.Leadloop_Fit_Score__c)).toBe(Number(contact.leadloop_fit_score));
    expect(Number(lead.Leadloop_Behavior_Score__c)).toBe(Number(contact.leadloop_behavior_score));
    expect(lead.Leadloop_Reasons__c).toBe(contact.leadloop_reasons);
    expect(String(lead.Leadloop_Activity_Summary__c)).toContain("Security whitepaper");
    expect(String(lead.Leadloop_Activity_Summary__c)).toContain("Integrations");
    // Fields only: the rep gets no new task for it, and the owner and MQL date stay the handoff's.
    expect(loop.salesforce.data.list("Task")).toHaveLength(tasksAtHandoff);
    expect(lead.OwnerId).toBe(atHandoff.OwnerId);
    expect(lead.Leadloop_MQL_Date__c).toBe(atHandoff.Leadloop_MQL_Date__c);
    // explain names the rule behind the Lead's score.
    const audit = await loop.store.listAudit([lead.Id as string]);
    expect(audit.some((a) => a.field === "Leadloop_Score__c" && /re-scored after the handoff/.test(a.rule))).toBe(true);

    // Nothing new: no write to Salesforce, though the points decay a little.
    await tick();
    const salesforceCalls: ObservedCall[] = [];
    const stop = loop.salesforce.calls.observe((c) => salesforceCalls.push(c));
    const idle = await loop.sync({ funnel });
    stop();
    expect((idle.summary.updated as Record<string, number>).salesforce ?? 0).toBe(0);
    // Writes go through sObject Collections (or a single sObject): no such call at all.
    expect(salesforceCalls.filter((c) => /^(PATCH|POST|PUT|DELETE) .*\/sobjects/.test(c.endpoint)).map((c) => c.endpoint)).toEqual([]);
    expect(leadOf().Leadloop_Score__c).toBe(lead.Leadloop_Score__c);
  });
});
