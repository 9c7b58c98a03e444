// A run's API calls are every call its process made for it (README "Commands", `apiCalls`): a process's
// first run counts the preparation before it (leadloop's own HubSpot properties made, the mapped ones
// checked, cli/preparation.ts), which reads each object's property list once; a daemon prepares once.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { FUNNEL_PROPERTIES } from "../../src/systems/hubspot/leadloop-properties.js";
import { openStore } from "../../src/store/open-store.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const BIN = fileURLToPath(new URL("../../bin/leadloop.js", import.meta.url));
/** leadloop's own properties of an object, made in one call (systems/hubspot/ensure-properties.ts). */
const BATCH_CREATE = "POST /crm/v3/properties/:objectType/batch/create";
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
    expect(observed.hubspot.some((c) => c.endpoint === BATCH_CREATE)).toBe(true);
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
    expect(again.hubspot.filter((c) => c.endpoint.startsWith("POST /crm/v3/properties/"))).toEqual([]);
    expect((JSON.parse(next.stdout) as { apiCalls: PerSystem }).apiCalls).toEqual(apiCallsOf(again));
  });

  it("read each property list once on a fresh portal and make leadloop's properties in one batch create per object", async () => {
    expect(world.hubspot.data.getProperty("deals", "leadloop_crm_id")).toBeUndefined();
    const observed = observeCalls(world);
    const run = await runCli(["sync", "-c", world.configPath, "--json"]);
    observed.stop();
    expect(run.code).toBe(0);
    // Read before the creates; each batch's answer extends the kept list (ensure-properties.ts).
    expect(propertyListReads(observed.hubspot)).toEqual({ companies: 1, contacts: 1, deals: 1 });
    // One batch create per object, none one at a time: leadloop_crm_id on each object, and the funnel's
    // 11 contact properties with the contacts' (README "Commands").
    const creates = observed.hubspot.filter((c) => c.endpoint.startsWith("POST /crm/v3/properties/"));
    expect(creates.map((c) => c.endpoint)).toEqual(Array(3).fill(BATCH_CREATE));
    const inputs = (object: string) =>
      creates
        .filter((c) => c.path === `/crm/v3/properties/${object}/batch/create`)
        .map((c) => (c.body as { inputs: { name: string }[] }).inputs.map((i) => i.name).sort());
    expect(inputs("companies")).toEqual([["leadloop_crm_id"]]);
    expect(inputs("deals")).toEqual([["leadloop_crm_id"]]);
    expect(inputs("contacts")).toEqual([["leadloop_crm_id", ...FUNNEL_PROPERTIES.map((p) => p.definition.name)].sort()]);
    // Made as asked: the unique CRM ids, the funnel's types and options.
    const hs = world.hubspot.data;
    for (const object of ["contacts", "companies", "deals"] as const) {
      expect(hs.getProperty(object, "leadloop_crm_id")).toMatchObject({ type: "string", fieldType: "text", hasUniqueValue: true });
    }
    for (const { definition } of FUNNEL_PROPERTIES) {
      const made = hs.getProperty("contacts", definition.name);
      expect([definition.name, made?.type, made?.fieldType]).toEqual([definition.name, definition.type, definition.fieldType]);
      expect(made!.options.map((o) => o.value)).toEqual((definition.options ?? []).map((o) => o.value));
    }
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
