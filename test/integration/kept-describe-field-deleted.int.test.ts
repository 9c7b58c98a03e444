// An admin deletes Leadloop_Disposition_Reason__c (README: optional; a run without it still takes the rep's
// verdicts) while the describes an earlier process kept in the store (sync.descriptionsKeptFor, a day) still
// list it: the run that first queries the Lead with it is refused (INVALID_FIELD, "No such column"), and the
// next run describes the objects again and takes the verdicts without the field (ARCHITECTURE.md "Kept
// descriptions"). Found by the long fault story (seed 25, Salesforce, round 7): every sync failed with exit 2
// until the kept describes aged out. A `requalify` after the deletion, whose write blanks the field on the
// Lead, is refused as a whole call: it keeps the move for the next sync (exit 3), saying the org no longer
// has the field rather than that a mapping names it (no mapping does), and the next sync writes it.
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openSandboxWorld, type SandboxWorld, syncWorld } from "../support/sandbox-world.js";
import { runCli } from "../support/cli-run.js";

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

  it("keeps a requalify for the next sync, saying the org no longer has the field, and the next sync writes it", async () => {
    expect((await syncWorld(world)).code).toBe(0);
    const lead = world.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c && l.Leadloop_MQL_Date__c && !l.IsConverted && String(l.Status).startsWith("Open"))!;
    const person = String(lead.HubSpot_Contact_Id__c);
    const contact = () => world.hubspot.data.getObject("contacts", person)!.properties;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    world.salesforce.data.update("Lead", String(lead.Id), { Status: "Closed - Unqualified", [REASON]: "Pas le bon interlocuteur – déjà équipé" });
    expect((await syncWorld(world)).code).toBe(0);
    expect(contact().leadloop_status).toBe("trash");
    world.salesforce.data.deleteField("Lead", REASON);
    const requalify = await runCli(["requalify", String(contact().email).toUpperCase(), "--yes", "--json", "-c", world.configPath]);
    expect(requalify.code).toBe(3);
    const { message } = JSON.parse(requalify.stdout) as { message: string };
    expect(message).toContain(`Salesforce no longer has a field the describe leadloop kept listed (deleted or hidden since): No such column '${REASON}' on sobject of type Lead`);
    expect(message).not.toContain("the mapping names");
    expect(contact()).toMatchObject({ leadloop_status: "lead", hs_lead_status: "NEW" });
    const next = await syncWorld(world);
    expect(next.code).toBe(0);
    expect(world.salesforce.data.get("Lead", String(lead.Id))!.Status).toBe("Open - Not Contacted");
    // Back in the funnel (her behaviour may qualify her again in the same run): the verdict is gone from both.
    expect(["lead", "mql"]).toContain(contact().leadloop_status);
    expect(contact().hs_lead_status).toBe("NEW");
    expect((await runCli(["errors", "list", "-c", world.configPath])).stdout).toContain("no open errors");
  }, 120_000);
});
