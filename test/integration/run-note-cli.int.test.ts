// What a system failure says depends on the command it stopped: a sync run keeps its committed work and
// says the next run resumes from the saved cursors; a command that only reads (explain) has no run to
// resume, so its message ends without that note, whether a system kept failing or refused.
import { appendFileSync } from "node:fs";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

describe("the run note of a system failure", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 31, now: new Date(), contacts: 12 }), "run-note-cli");
    appendFileSync(world.configPath, "sync:\n  retryPatience: 2s\n");
  });
  afterAll(async () => {
    await world.close();
  });

  it("is said by sync, not by explain: a 429 storm outlasting the patience, then Salesforce's allocation spent", async () => {
    const config = ["--log-level", "error", "-c", world.configPath];
    expect([0, 4]).toContain((await runCli(["sync", ...config])).code);
    const lead = world.salesforce.data.list("Lead").find((l) => typeof l.HubSpot_Contact_Id__c === "string" && l.HubSpot_Contact_Id__c !== "")!;
    const email = world.hubspot.data.getObject("contacts", String(lead.HubSpot_Contact_Id__c))!.properties.email!;
    const lastLine = (stderr: string) => stderr.trim().split("\n").at(-1) ?? "";

    // Kept failing: every HubSpot call answers 429 until the patience is spent.
    await world.hubspot.control.addFaults({ requests: [{ kind: "rate_limit", retryAfterSeconds: 0 }] });
    const storm = await runCli(["explain", email, ...config]);
    expect(storm.code).toBe(3);
    expect(lastLine(storm.stderr)).toMatch(/^leadloop: stopped after 2s of 429 Too Many Requests from HubSpot .*patience \(sync\.retryPatience\)\.$/);
    expect(storm.stderr).not.toContain("next run");
    const stormedRun = await runCli(["sync", ...config]);
    expect(stormedRun.code).toBe(3);
    expect(lastLine(stormedRun.stderr)).toMatch(/\(sync\.retryPatience\)\. Work committed so far is kept; the next run resumes from the saved cursors\.$/);
    await world.hubspot.control.clearFaults();

    // Refused: the org's Salesforce API allocation for the last 24 hours is spent.
    await world.salesforce.control.call("PUT", "/api-usage", { used: 100_000, max: 100_000 });
    const spent = await runCli(["explain", email, ...config]);
    expect(spent.code).toBe(3);
    expect(lastLine(spent.stderr)).toMatch(/^leadloop: stopped: the org's Salesforce API allocation .* age past 24 hours\.$/);
    expect(spent.stderr).not.toContain("next run");
    const spentRun = await runCli(["sync", ...config]);
    expect(spentRun.code).toBe(3);
    expect(lastLine(spentRun.stderr)).toMatch(/REQUEST_LIMIT_EXCEEDED.* age past 24 hours\. The next run after that resumes from the saved cursors\.$/);
  });
});
