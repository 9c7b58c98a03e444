// `leadloop explain <email>` as an ops admin runs it after a refusal: a field whose value changed since
// the last sync says so (not "in step"), the open error-queue entry is named with its retry, and what
// leadloop wrote besides the mapped fields (score, stage) is listed with its rule.
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

describe("leadloop explain", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 31, now: new Date(), contacts: 12 }), "explain-cli");
  });
  afterAll(async () => {
    await world.close();
  });

  it("tells a value Salesforce refused from one in step, names the open entry, and lists leadloop's own writes", async () => {
    const config = ["-c", world.configPath];
    expect([0, 4]).toContain((await runCli(["sync", ...config])).code);
    const lead = world.salesforce.data.list("Lead").find((l) => typeof l.HubSpot_Contact_Id__c === "string" && l.HubSpot_Contact_Id__c !== "")!;
    const contactId = String(lead.HubSpot_Contact_Id__c);
    const email = world.hubspot.data.getObject("contacts", contactId)!.properties.email!;
    // A marketer pastes a phone number with a note: longer than Salesforce's Phone field takes.
    const phone = "+1 (555) 010-2345 ext. 1234 — demander l'accueil, puis le service achats";
    world.hubspot.data.updateObject("contacts", contactId, { phone });
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await runCli(["sync", ...config])).code).toBe(4);
    const [entry] = JSON.parse((await runCli(["errors", "list", "--json", ...config])).stdout) as { id: number; message: string }[];
    expect(entry?.message).toContain("STRING_TOO_LONG");

    const explained = await runCli(["explain", email.toUpperCase(), ...config]);
    expect(explained.code).toBe(0);
    const phoneLine = explained.stdout.split("\n").find((l) => l.trimStart().startsWith("phone = "))!;
    expect(phoneLine).toContain(JSON.stringify(phone));
    expect(phoneLine).toContain(`refused by salesforce, so the sides differ until it is fixed: open error #${entry!.id}`);
    expect(phoneLine).not.toContain("in step");
    expect(explained.stdout).toContain(`open error #${entry!.id} (salesforce Lead ${lead.Id}`);
    expect(explained.stdout).toContain(`leadloop errors retry --id ${entry!.id}`);
    expect(explained.stdout).toMatch(/what leadloop wrote besides the mapped fields[\s\S]*hubspot contacts leadloop_score = /);

    // The next run queues nothing new, but the refusal still waits: a scheduler sees exit 4 until it is fixed.
    const again = await runCli(["sync", "--json", ...config]);
    expect(again.code).toBe(4);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: "succeeded", errors: { salesforce: 0 }, openErrors: 1 });
  });
});
