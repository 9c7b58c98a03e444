// An email argument that is no email address (`leadloop explain notanemail`, a rep's name given to
// `--owner`) is the caller's mistake: a usage error naming the argument, exit 2, before anything is read
// (README "Exit statuses"), where each command answered "no such person" or "no such rep" with exit 1. An
// email nobody has is still that answer, exit 1.
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

describe("email arguments", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 36, now: new Date(), contacts: 8 }), "email-argument-cli");
    expect([0, 4]).toContain((await runCli(["--log-level", "warn", "sync", "-c", world.configPath])).code);
  });
  afterAll(async () => {
    await world.close();
  });

  it.each([["explain"], ["route"], ["requalify", "--yes"]])("%s <email> refuses a word that is no email, exit 2", async (command, ...flags) => {
    for (const word of ["notanemail", "helene dubois", ""]) {
      const run = await runCli([command, word, ...flags, "--json", "-c", world.configPath]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`value '${word}' is invalid for argument 'email'. expected an email address`);
      expect(run.stdout).toBe("");
    }
  });

  it.each([["hot"], ["sla"], ["digest"]])("%s --owner refuses a word that is no email, exit 2", async (command) => {
    const run = await runCli([command, "--owner", "helene.dubois", "-c", world.configPath]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("option '--owner <email>' argument 'helene.dubois' is invalid. expected an email address");
    expect(run.stdout).toBe("");
  });

  it("still answers exit 1 for an email address nobody has, and reads one pasted with blanks and in capitals", async () => {
    const nobody = await runCli(["explain", "nobody@example.org", "-c", world.configPath]);
    expect(nobody.code).toBe(1);
    // Said on stderr, as every command's failure is; stdout stays empty, and --json still has its object.
    expect(nobody.stdout).toBe("");
    expect(nobody.stderr).toBe("leadloop: nobody@example.org: no linked records (not synced yet, or no such person)\n");
    const nobodyJson = await runCli(["explain", "Nobody@Example.org", "--json", "-c", world.configPath]);
    expect(nobodyJson.code).toBe(1);
    expect(JSON.parse(nobodyJson.stdout)).toMatchObject({ email: "nobody@example.org", links: [], person: null });
    expect(nobodyJson.stderr).toContain("leadloop: nobody@example.org: no linked records");
    const someone = world.hubspot.data.listObjects("contacts").find((c) => (c.properties.email ?? "").includes("@"))!;
    const pasted = await runCli(["explain", ` ${someone.properties.email!.toUpperCase()} `, "--json", "-c", world.configPath]);
    expect(pasted.code).toBe(0);
    expect((JSON.parse(pasted.stdout) as { email: string }).email).toBe(someone.properties.email!.toLowerCase());
  });

  // `route --json` printed nothing for an email nobody has, so `route --json | jq` had nothing to read, where
  // `explain --json` answers with the person null.
  it("route --json answers an email nobody has on stdout too, the person null, exit 1", async () => {
    const run = await runCli(["route", "Nobody@Example.org", "--json", "-c", world.configPath]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({ email: "nobody@example.org", person: null, steps: [], decision: null });
    expect(run.stderr).toContain("no marketing contact with email nobody@example.org");
  });

  // And for someone it finds, the same keys: `person` was there only as null, so `.person` told nothing.
  it("route --json names the person it routes and their CRM record, in the shape of an email nobody has", async () => {
    // A Lead the sync linked and stamped with its contact's id, not converted: the person's CRM record.
    const lead = world.salesforce.data.list("Lead").find((l) => typeof l.Email === "string" && l.HubSpot_Contact_Id__c && !l.IsConverted)!;
    const run = await runCli(["route", String(lead.Email), "--json", "-c", world.configPath]);
    const routed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(routed)).toEqual(["email", "person", "steps", "decision"]);
    expect(routed.person).toEqual({ personId: lead.HubSpot_Contact_Id__c, crmType: "Lead", crmId: lead.Id });
  });
});
