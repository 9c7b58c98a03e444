// An admin deletes Leadloop_Disposition_Reason__c (README: optional; a run without it still takes the rep's
// verdicts) while the describes an earlier process kept in the store (sync.descriptionsKeptFor, a day) still
// list it: the run that first queries the Lead with it is refused (INVALID_FIELD, "No such column"), and the
// next run describes the objects again and takes the verdicts without the field (ARCHITECTURE.md "Kept
// descriptions"). Found by the long fault story (seed 25, Salesforce, round 7): every sync failed with exit 2
// until the kept describes aged out.
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openSandboxWorld, type SandboxWorld, syncWorld } from "../support/sandbox-world.js";

const REASON = "Leadloop_Disposition_Reason__c";

describe("a field the kept describes list, deleted by an admin", () => {
  let world: SandboxWorld;
  beforeEach(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 23, now: new Date(Date.now() - 60_000), contacts: 30 }), "kept-describe-deleted");
  });
  afterEach(async () => {
    await world.close();
  });

  it("fails one run, saying the org no longer has the field: the next reads the describes again and takes the rep's verdict without it", async () => {
    const first = await syncWorld(world);
    expect(first.code).toBe(0);
    const lead = world.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c && !l.IsConverted && String(l.Status).startsWith("Open"))!;
    expect(lead).toBeDefined();
    for (const object of ["Lead", "Contact"]) world.salesforce.data.deleteField(object, REASON);
    // Renée, the rep, finds the lead unqualified a second later (the emulator stamps whole seconds).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    world.salesforce.data.update("Lead", String(lead.Id), { Status: "Closed - Unqualified" });
    const refused = await syncWorld(world);
    // The one run refused says what happened: no mapping names the field, leadloop queried it itself.
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "Salesforce no longer has a field the describe leadloop kept listed (deleted or hidden since): No such column 'Leadloop_Disposition_Reason__c' on entity 'Lead'",
    );
    expect(refused.stderr).toContain("The next run describes the object again and goes on without the field");
    expect(refused.stderr).not.toContain("the mapping names");
    const next = await syncWorld(world);
    expect(next.stderr).not.toMatch(/No such column/);
    expect(next.code).toBe(0);
    const contact = world.hubspot.data.getObject("contacts", String(lead.HubSpot_Contact_Id__c))!;
    expect(contact.properties.leadloop_status).toBe("trash");
  }, 120_000);
});
