// `leadloop sync --json | jq` as a script runs it: a run that cannot begin (another run holds the store, the
// configuration has a typo) still prints one object on stdout, in a failed run's shape, saying why, with
// the documented exit status; the log and the failure's line stay on stderr (README "Commands").
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openStore } from "../../src/store/open-store.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

interface FailedJson {
  runId: string | null;
  status: string;
  failure: string;
  openErrors: number | null;
  read: Record<string, number>;
}

describe("sync --json when the run cannot begin", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 36, now: new Date(), contacts: 8 }), "sync-failure-json");
  });
  afterAll(async () => {
    await world.close();
  });

  it("prints why another run holding the store kept it out, exit 1, the log on stderr", async () => {
    expect([0, 4]).toContain((await runCli(["--log-level", "warn", "sync", "-c", world.configPath])).code);
    const store = await openStore({ path: world.storePath }, { existing: true });
    const holder = "crm-worker-2:4711:run-20261205T091500";
    await store.acquireLock("sync", holder, new Date().toISOString(), 2 * 60_000);
    try {
      const run = await runCli(["--log-level", "info", "sync", "--json", "-c", world.configPath]);
      expect(run.code).toBe(1);
      const summary = JSON.parse(run.stdout) as FailedJson;
      expect(summary).toMatchObject({ runId: null, status: "failed", openErrors: null, read: { hubspot: 0, salesforce: 0 } });
      expect(summary.failure).toContain(`another leadloop run holds the state store's lock (${holder}`);
      expect(run.stderr).toContain('"message":"run.failed"');
      expect(run.stderr.trim().split("\n").at(-1)).toBe(`leadloop: ${summary.failure}`);
    } finally {
      await store.releaseLock("sync", holder);
      await store.close();
    }
  });

  it("prints the configuration's problem, naming file, line and key, exit 2", async () => {
    const configPath = join(world.dir, "leadloop-typo.yaml");
    writeFileSync(configPath, readFileSync(world.configPath, "utf8").replace(/^ {2}path: /m, "  pth: "));
    const run = await runCli(["sync", "--dry-run", "--json", "-c", configPath]);
    expect(run.code).toBe(2);
    const summary = JSON.parse(run.stdout) as FailedJson & { dryRun: boolean };
    expect(summary).toMatchObject({ runId: null, dryRun: true, status: "failed", read: {} });
    expect(summary.failure).toMatch(new RegExp(`^${configPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:3: store\\.pth: unknown key`));
    expect(run.stderr).toContain("leadloop: configuration error");
  });
});
