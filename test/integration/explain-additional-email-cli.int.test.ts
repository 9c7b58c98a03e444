// `leadloop explain` for a person HubSpot merged from two contacts: the survivor keeps one email and
// holds the other as an additional one (`hs_additional_emails`), and the CRM record linked to it carries
// that other address. The email line says so, not "in step": the values differ, and neither side is
// rewritten because the contact holds the CRM's address too (core/merge/merge-record.ts `agree`).
import { runCli } from "../support/cli-run.js";
import { loopConfig } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

describe("leadloop explain, a contact merged from two", () => {
  let loop: LoopHarness;
  afterEach(async () => loop.close());

  it("says the contact holds the Lead's email besides its own, not that the differing values are in step", async () => {
    loop = await startLoop();
    const hs = loop.hubspot.data;
    const work = hs.createObject("contacts", { email: "Ethan.Lefevre-Aubert@Cooperative-Meridionale.fr", firstname: "Éthan", lastname: "Lefèvre-Aubert" });
    const personal = hs.createObject("contacts", { email: "ethan.laurent.1987@correio.example", firstname: "Ethan" });
    const ethan = hs.mergeContacts(work.id, personal.id);
    // A rep keyed in a Lead from the address he signed up with first.
    const lead = loop.salesforce.data.insert("Lead", {
      FirstName: "Éthan",
      LastName: "Lefèvre-Aubert",
      Company: "Coopérative Méridionale",
      Email: "Ethan.Laurent.1987@correio.example",
      Title: "Responsable des achats, Provence-Alpes-Côte d'Azur et Occitanie",
    });
    const config = ["--config", loopConfig(loop, "salesforce")];
    expect((await runCli(["sync", ...config])).code).toBe(0);
    expect(loop.salesforce.data.get("Lead", lead)?.HubSpot_Contact_Id__c).toBe(ethan.id);

    const explained = await runCli(["explain", "ethan.lefevre-aubert@cooperative-meridionale.fr", ...config]);
    expect(explained.code).toBe(0);
    const emailLine = explained.stdout.split("\n").find((l) => l.trimStart().startsWith("email = "))!;
    expect(emailLine).toContain('email = "ethan.lefevre-aubert@cooperative-meridionale.fr" | Email = "Ethan.Laurent.1987@correio.example"');
    expect(emailLine).toContain(
      "the sides differ, and the sync writes neither: marketing's record holds the other's value besides its own " +
        "(a HubSpot contact's additional email, as a merge of two contacts leaves it)",
    );
    expect(emailLine).not.toContain("in step");
    // Fields whose values are the same are still in step; --json names the holder.
    expect(explained.stdout).toMatch(/firstname = "Éthan" \| FirstName = "Éthan" .* in step since it was linked/);
    const json = JSON.parse((await runCli(["explain", "--json", "Ethan.Lefevre-Aubert@cooperative-meridionale.fr", ...config])).stdout) as {
      links: { fields: { marketingField: string; heldBesides: string | null }[] }[];
    };
    expect(json.links[0]!.fields.filter((f) => f.heldBesides !== null)).toEqual([expect.objectContaining({ marketingField: "email", heldBesides: "marketing" })]);
  }, 60_000);
});
