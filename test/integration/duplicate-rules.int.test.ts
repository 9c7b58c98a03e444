// Salesforce duplicate rules, in the three set-ups an org may have (the standard Lead rule alerting,
// blocking, or switched off): leadloop never creates a duplicate Lead, whichever it is, because it
// matches before it creates; a rep's own duplicates do not stop it writing to the Lead it linked
// where the rule only alerts; and two people of the same name at one company, with different emails,
// whom the standard matching rule takes for one: the second one's refused Lead reaches the error queue
// once, naming the Lead it matched and what an admin does, and later runs spend no call on it.
import type { DuplicateRuleSetup } from "../../src/sandbox/salesforce/duplicate-rules.js";
import { funnelFor, pricingAndDemo, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

describe.each(["alert", "block", "inactive"] as DuplicateRuleSetup[])("duplicate rule: %s", (duplicateRule) => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop({ salesforce: { duplicateRule } });
    seedReps(loop);
  });
  afterEach(async () => {
    await loop.close();
  });

  const qualify = (email: string, firstname: string, lastname: string, company = "Éditions Dupont") => {
    const contact = loop.hubspot.data.createObject("contacts", {
      email,
      firstname,
      lastname,
      jobtitle: "Directrice des ventes",
      company,
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
  it("queues the refused Lead of a namesake at the same company once, naming the match, and retries nothing by itself", async () => {
    qualify("jose.garcia@acme.example", "José", "García", "Acme, Inc.");
    expect((await loop.sync({ funnel: funnelFor(loop, "salesforce") })).summary.handoffs).toBe(1);
    const garcias = () => loop.salesforce.data.list("Lead").filter((l) => l.LastName === "García");
    const [existing] = garcias();

    await tick();
    qualify("JGarcia@Acme-Logistics.example", "José", "García", "ACME INC");
    const second = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    const open = await loop.store.listErrors({ status: "open" });
    if (duplicateRule === "inactive") {
      expect(garcias()).toHaveLength(2);
      expect(open).toEqual([]);
      return;
    }
    expect(garcias()).toHaveLength(1);
    expect(second.summary.errors.salesforce).toBe(1);
    expect(open).toEqual([
      expect.objectContaining({ system: "salesforce", object: "Lead", operation: "upsert", errorClass: "conflict" }),
    ]);
    // What the admin reads: which rule, which Lead it matched, and the ways out.
    expect(open[0]!.message).toContain(`Standard_Rule_for_Leads_with_Duplicate_Leads matched Lead ${String(existing!.Id)}`);
    expect(open[0]!.message).toMatch(/same person.*another person/s);

    // Later runs with nothing new send nothing to Salesforce for it and queue it no second time.
    const writes: string[] = [];
    loop.salesforce.onWrite(({ path }) => void writes.push(path));
    for (let run = 0; run < 3; run++) {
      await tick();
      await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    }
    loop.salesforce.onWrite(undefined);
    expect(writes).toEqual([]);
    expect(garcias()).toHaveLength(1);
    expect(await loop.store.listErrors({ status: "open" })).toHaveLength(1);

    // Another person: a rep creates their Lead by hand (the UI saves past an alert), and the retry the
    // message names links it by email instead of creating a third. A blocking rule refuses even that
    // update, as Salesforce blocks on edit too: the entry stays open for the admin.
    const byHand = loop.salesforce.data.insert("Lead", {
      FirstName: "José",
      LastName: "García",
      Company: "ACME Inc",
      Email: "jgarcia@acme-logistics.example",
    });
    const retried = await loop.retry({ funnel: funnelFor(loop, "salesforce") });
    expect(garcias().map((l) => l.Id).sort()).toEqual([existing!.Id, byHand].sort());
    if (duplicateRule === "alert") {
      expect(retried.resolved).toEqual([open[0]!.id]);
      expect(loop.salesforce.data.get("Lead", byHand)?.HubSpot_Contact_Id__c).toBe(open[0]!.recordId);
    } else {
      expect(retried.stillFailing).toEqual([open[0]!.id]);
    }
  });
});
