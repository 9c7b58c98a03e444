// Two people of the same name at one company, with different emails: Salesforce's standard Lead matching
// rule matches them by first name, last name and company, so the second one's Lead is refused. The
// refusal reaches the error queue once, naming the Lead it matched and what an admin does, and later
// runs spend no call on it and create nothing.
import { funnelFor, pricingAndDemo, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

describe("duplicate rule: two José García at Acme, Inc.", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
    seedReps(loop);
  });
  afterEach(async () => {
    await loop.close();
  });

  const qualify = (email: string, company: string) => {
    const contact = loop.hubspot.data.createObject("contacts", {
      email,
      firstname: "José",
      lastname: "García",
      jobtitle: "Director de Compras",
      company,
      country: "Spain",
    });
    pricingAndDemo(loop, contact.id);
    return contact.id;
  };
  const garcias = () => loop.salesforce.data.list("Lead").filter((l) => l.LastName === "García");

  it("puts the second one's refused Lead in the error queue once, naming the match, and retries nothing by itself", async () => {
    qualify("jose.garcia@acme.example", "Acme, Inc.");
    const first = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    expect(first.summary.handoffs).toBe(1);
    const [existing] = garcias();
    expect(existing).toBeDefined();

    await tick();
    qualify("JGarcia@Acme-Logistics.example", "ACME INC");
    const second = await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    expect(garcias()).toHaveLength(1);
    const open = await loop.store.listErrors({ status: "open" });
    expect(open).toHaveLength(1);
    expect(open[0]).toEqual(
      expect.objectContaining({ system: "salesforce", object: "Lead", operation: "upsert", errorClass: "conflict" }),
    );
    // What the admin reads: which rule, which Lead it matched, and the ways out.
    expect(open[0]!.message).toContain(`Standard_Rule_for_Leads_with_Duplicate_Leads matched Lead ${String(existing!.Id)}`);
    expect(open[0]!.message).toMatch(/same person.*another person/s);
    expect(second.summary.errors.salesforce).toBe(1);

    // Later runs with nothing new send nothing to Salesforce for it and queue it no second time.
    const writes: string[] = [];
    loop.salesforce.onWrite(({ path }) => void writes.push(path));
    for (let run = 0; run < 3; run++) {
      await tick();
      await loop.sync({ funnel: funnelFor(loop, "salesforce") });
    }
    expect(writes).toEqual([]);
    expect(garcias()).toHaveLength(1);
    expect(await loop.store.listErrors({ status: "open" })).toHaveLength(1);
    loop.salesforce.onWrite(undefined);

    // Another person: a rep creates their Lead by hand (the UI saves past the alert), and the retry the
    // message names links it by email instead of creating a third.
    const byHand = loop.salesforce.data.insert("Lead", {
      FirstName: "José",
      LastName: "García",
      Company: "ACME Inc",
      Email: "jgarcia@acme-logistics.example",
    });
    const retried = await loop.retry({ funnel: funnelFor(loop, "salesforce") });
    expect(retried.resolved).toEqual([open[0]!.id]);
    expect(garcias().map((l) => l.Id).sort()).toEqual([existing!.Id, byHand].sort());
    expect(loop.salesforce.data.get("Lead", byHand)?.HubSpot_Contact_Id__c).toBe(open[0]!.recordId);
  });
});
