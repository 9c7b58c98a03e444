// A run's API calls are every call its process made for it (README "Commands", `apiCalls`): a process's
// first run counts the preparation before it (leadloop's own HubSpot properties made, the mapped ones
// checked, cli/preparation.ts), which reads each object's property list once; a daemon prepares once.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openStore } from "../../src/store/open-store.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const BIN = fileURLToPath(new URL("../../bin/leadloop.js", import.meta.url));
const seed = generateSeed({ seed: 23, now: new Date(Date.now() - 60_000), contacts: 30 });

type PerSystem = { hubspot: number; salesforce: number };

/** Every call both emulators answer from now until the returned stop. */
function observeCalls(world: SandboxWorld): { hubspot: ObservedCall[]; salesforce: ObservedCall[]; stop(): void } {
  const hubspot: ObservedCall[] = [];
  const salesforce: ObservedCall[] = [];
  const stops = [world.hubspot.calls.observe((c) => hubspot.push(c)), world.salesforce.calls.observe((c) => salesforce.push(c))];
  return { hubspot, salesforce, stop: () => stops.forEach((s) => s()) };
}

/** API calls as the systems count them: Salesforce's OAuth token requests are apart (`authCalls`). */
function apiCallsOf(observed: { hubspot: ObservedCall[]; salesforce: ObservedCall[] }): PerSystem {
  return {
    hubspot: observed.hubspot.length,
    salesforce: observed.salesforce.filter((c) => !c.endpoint.includes("/oauth2/token")).length,
  };
}

/** How many times each object's property list was read (GET /crm/v3/properties/{object}). */
function propertyListReads(calls: readonly ObservedCall[]): Record<string, number> {
  const reads: Record<string, number> = {};
  for (const c of calls) {
    const list = /^\/crm\/v3\/properties\/([^/]+)$/.exec(c.path);
    if (list && c.endpoint.startsWith("GET ")) reads[list[1]!] = (reads[list[1]!] ?? 0) + 1;
  }
  return reads;
}

describe("the calls a process makes preparing", () => {
  let world: SandboxWorld;
  beforeEach(async () => {
    world = await openSandboxWorld(seed, "preparation-calls");
  });
  afterEach(async () => {
    await world.close();
  });

  it("count toward a sync's run, in --json and in the stored run, and a next process's toward its own", async () => {
    const observed = observeCalls(world);
    const run = await runCli(["sync", "-c", world.configPath, "--json"]);
    observed.stop();
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { runId: string; apiCalls: PerSystem; authCalls: PerSystem };
    // Every call the process made is the run's: the preparation's reads and creates with the sync's own.
    expect(observed.hubspot.some((c) => c.endpoint === "POST /crm/v3/properties/:objectType")).toBe(true);
    expect(summary.apiCalls).toEqual(apiCallsOf(observed));
    expect(summary.authCalls).toEqual({ hubspot: 0, salesforce: 1 });
    const store = await openStore({ path: world.storePath }, { existing: true });
    try {
      const [stored] = await store.listRuns(1);
      expect(stored!.id).toBe(summary.runId);
      expect((stored!.summary as { apiCalls: PerSystem }).apiCalls).toEqual(summary.apiCalls);
    } finally {
      await store.close();
    }

    // The next `leadloop sync` is a process of its own: it reads the property lists again (its properties
    // all exist, so it creates none), and counts them.
    const again = observeCalls(world);
    const next = await runCli(["sync", "-c", world.configPath, "--json"]);
    again.stop();
    expect([0, 4]).toContain(next.code);
    expect(again.hubspot.filter((c) => c.endpoint === "POST /crm/v3/properties/:objectType")).toEqual([]);
    expect((JSON.parse(next.stdout) as { apiCalls: PerSystem }).apiCalls).toEqual(apiCallsOf(again));
  });

  it("read each property list once on a fresh portal, though leadloop makes its properties on it", async () => {
    expect(world.hubspot.data.getProperty("deals", "leadloop_crm_id")).toBeUndefined();
    const observed = observeCalls(world);
    const run = await runCli(["sync", "-c", world.configPath, "--json"]);
    observed.stop();
    expect(run.code).toBe(0);
    // Read before the creates; each create's answer extends the kept list (describe.ts ensureProperty).
    expect(propertyListReads(observed.hubspot)).toEqual({ companies: 1, contacts: 1, deals: 1 });
    const creates = observed.hubspot.filter((c) => c.endpoint === "POST /crm/v3/properties/:objectType").map((c) => c.path);
    // leadloop_crm_id on each object, and the funnel's 11 contact properties: 14 (README "Commands").
    const perObject = (object: string) => creates.filter((p) => p === `/crm/v3/properties/${object}`).length;
    expect({ companies: perObject("companies"), contacts: perObject("contacts"), deals: perObject("deals") }).toEqual({ companies: 1, contacts: 12, deals: 1 });
    expect(creates).toHaveLength(14);
    expect(world.hubspot.data.getProperty("deals", "leadloop_crm_id")).toMatchObject({ hasUniqueValue: true });
  });

  it("count toward a daemon's first run only: its runs' calls, in run.finished, add up to every call it made", async () => {
    const config = parse(readFileSync(world.configPath, "utf8")) as Record<string, unknown>;
    config.schedule = { every: "1s" };
    writeFileSync(world.configPath, stringify(config));
    const observed = observeCalls(world);
    const daemon = spawn(process.execPath, [BIN, "--log-level", "info", "daemon", "--port", "0", "--runs", "2", "--config", world.configPath], {
      env: { ...process.env, NODE_OPTIONS: "", TZ: "UTC" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    daemon.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => daemon.once("close", resolve));
    observed.stop();
    expect(code).toBe(0);
    const finished = stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { message: string; status?: string; apiCalls?: PerSystem })
      .filter((e) => e.message === "run.finished");
    expect(finished.map((e) => e.status)).toEqual(["succeeded", "succeeded"]);
    const [first, second] = finished.map((e) => e.apiCalls!);
    expect({ hubspot: first!.hubspot + second!.hubspot, salesforce: first!.salesforce + second!.salesforce }).toEqual(apiCallsOf(observed));
    // Prepared once for both runs: the lists are read by the first run's preparation alone.
    expect(observed.hubspot.filter((c) => c.path.startsWith("/crm/v3/properties/") && c.endpoint.startsWith("GET ")).length).toBe(3);
  }, 60_000);
});
