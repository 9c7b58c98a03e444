// README "Connecting real accounts": leadloop uses at most `sync.salesforceApiShare` (25% by default) of the
// org's API allocation over any 24 hours, read from `Sforce-Limit-Info`, counting the calls of the runs
// it recorded; at its share `leadloop sync` stops cleanly with exit 3, and the next run resumes from the
// saved cursors: nothing is lost, nothing is made twice.
import { readFileSync, writeFileSync } from "node:fs";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

describe("sync.salesforceApiShare (default 25%)", () => {
  let world: SandboxWorld;
  const used = async () => ((await world.salesforce.control.call("GET", "/api-usage")) as { used: number }).used;
  afterEach(async () => {
    await world.close();
  });

  it("stops a run at a quarter of the org's allocation with exit 3; a later run resumes and makes each Lead once", async () => {
    world = await openSandboxWorld(generateSeed({ seed: 23, now: new Date(), contacts: 40 }), "api-share");
    // An org whose other integrations left it 60 calls of headroom, of 80 a day: leadloop's share is 20.
    await world.salesforce.control.call("PUT", "/api-usage", { used: 0, max: 80 });

    const stopped = await runCli(["sync", "-c", world.configPath, "--json"]);

    expect(stopped.code).toBe(3);
    expect(stopped.stderr.trim().split("\n").at(-1)).toMatch(/sync\.salesforceApiShare/);
    expect((JSON.parse(stopped.stdout) as { status: string }).status).toBe("failed");
    expect(await used()).toBeLessThanOrEqual(20);
    // The run's calls are recorded, and the allocation it read: a second process within the 24 hours stops
    // before its first call, where learning the allocation anew would spend one call past the share.
    const again = await runCli(["sync", "-c", world.configPath, "--json"]);
    expect(again.code).toBe(3);
    expect(again.stderr.trim().split("\n").at(-1)).toMatch(/\(20 calls, share 0\.25 of 80 = 20\)/);
    expect(await used()).toBeLessThanOrEqual(20);

    // The org's other integrations calm down and the admin raises the share, as the message advises: the
    // next runs resume and finish.
    await world.salesforce.control.call("PUT", "/api-usage", { used: await used(), max: 1_000_000 });
    writeFileSync(world.configPath, `${readFileSync(world.configPath, "utf8")}sync:\n  salesforceApiShare: 0.5\n`);
    const resumed = await runCli(["sync", "-c", world.configPath, "--json"]);
    expect(resumed.code).toBe(0);
    expect((await runCli(["sync", "-c", world.configPath, "--json"])).code).toBe(0);

    // Compared with an org that never ran out, seeded alike: the same Leads, each once.
    const stamps = world.salesforce.data
      .list("Lead")
      .map((l) => l.HubSpot_Contact_Id__c)
      .filter((s): s is string => typeof s === "string");
    expect(new Set(stamps).size).toBe(stamps.length);
    const plain = await openSandboxWorld(generateSeed({ seed: 23, now: new Date(), contacts: 40 }), "api-share-plain");
    try {
      expect((await runCli(["sync", "-c", plain.configPath, "--json"])).code).toBe(0);
      expect((await runCli(["sync", "-c", plain.configPath, "--json"])).code).toBe(0);
      const plainStamps = plain.salesforce.data
        .list("Lead")
        .map((l) => l.HubSpot_Contact_Id__c)
        .filter((s): s is string => typeof s === "string");
      expect(stamps.length).toBe(plainStamps.length);
    } finally {
      await plain.close();
    }
  });
});
