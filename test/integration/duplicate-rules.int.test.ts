// Salesforce duplicate rules, in the three set-ups an org may have (the standard Lead rule alerting,
// blocking, or switched off): leadloop never creates a duplicate Lead, whichever it is, because it
// matches before it creates; and a rep's own duplicates do not stop it writing to the Lead it linked
// where the rule only alerts.
import type { DuplicateRuleSetup } from "../../src/sandbox/salesforce/duplicate-rules.js";
import { funnelFor, pricingAndDemo, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

describe.each(["alert", "block", "inactive"] as DuplicateRuleSetup[])("duplicate rule: %s", (duplicateRule) => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop({ salesforce: { duplicateRule } });
    seedReps(loop);
  });
  afterEach(async () => {
    await loop.close();
  });

  const qualify = (email: string, firstname: string, lastname: string) => {
    const contact = loop.hubspot.data.createObject("contacts", {
      email,
      firstname,
      lastname,
      jobtitle: "Directrice des ventes",
      company: "Éditions Dupont",
      country: "France",
    });
    pricingAndDemo(loop, contact.id);
    return contact.id;
  };
  const leadsWith = (email: string) =>
    loop.salesforce.data.list("Lead").filter((l) => String(l.Email).toLowerCase() === email);

  it("links an MQL to the rep's existing Lead (email in other case) and creates none", async () => {
    const existing = loop.salesforce.data.insert("Lead", {
      FirstName: "Renée",
      LastName: "Dupont",
      Company: "Éditions Dupont",
      Email: "Renee.Dupont@Editions-Dupont.FR",
    });
    const id = qualify("renee.dupont@editions-dupont.fr", "Renée", "Dupont");
    const run = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    expect(run.summary.handoffs).toBe(1);
    const leads = leadsWith("renee.dupont@editions-dupont.fr");
    expect(leads.map((l) => [l.Id, l.HubSpot_Contact_Id__c])).toEqual([[existing, id]]);
  });

  it("creates no Lead when the rep has two for the person; writes to the linked one unless the rule blocks", async () => {
    // A rep's duplicates (imported, or from before the rule): in-process inserts skip the org's rules.
    const dupes = ["Noémie", "Noemie"].map((first) =>
      loop.salesforce.data.insert("Lead", {
        FirstName: first,
        LastName: "Roux",
        Company: "Éditions Dupont",
        Email: "Noemie.Roux@editions-dupont.fr",
      }),
    );
    const id = qualify("noemie.roux@editions-dupont.fr", "Noémie", "Roux");
    const run = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    const leads = leadsWith("noemie.roux@editions-dupont.fr");
    expect(leads.map((l) => l.Id).sort()).toEqual([...dupes].sort());
    const linked = leads.filter((l) => l.HubSpot_Contact_Id__c === id);
    const errors = await loop.store.listErrors({ status: "open" });
    if (duplicateRule === "block") {
      // Blocked even on edit: nothing written, the refusal is in the error queue with Salesforce's message.
      expect(linked).toHaveLength(0);
      expect(errors.map((e) => e.message).join("\n")).toContain("duplicate");
      expect(run.summary.handoffs).toBe(0);
    } else {
      expect(linked).toHaveLength(1);
      expect(run.summary.handoffs).toBe(1);
      expect(errors).toEqual([]);
    }
  });
});
