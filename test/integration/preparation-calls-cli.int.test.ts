// A process's preparation before its first run (leadloop's own HubSpot properties made, the mapped ones
// checked, cli/compose.ts) reads each object's property list once.
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const seed = generateSeed({ seed: 23, now: new Date(Date.now() - 60_000), contacts: 30 });

/** Every call both emulators answer from now until the returned stop. */
function observeCalls(world: SandboxWorld): { hubspot: ObservedCall[]; salesforce: ObservedCall[]; stop(): void } {
  const hubspot: ObservedCall[] = [];
  const salesforce: ObservedCall[] = [];
  const stops = [world.hubspot.calls.observe((c) => hubspot.push(c)), world.salesforce.calls.observe((c) => salesforce.push(c))];
  return { hubspot, salesforce, stop: () => stops.forEach((s) => s()) };
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

  it("read each property list once on a fresh portal, though leadloop makes its properties on it", async () => {
    expect(world.hubspot.data.getProperty("deals", "leadloop_crm_id")).toBeUndefined();
    const observed = observeCalls(world);
    const run = await runCli(["sync", "-c", world.configPath, "--json"]);
    observed.stop();
    expect(run.code).toBe(0);
    // Read before the creates; each create's answer extends the kept list (describe.ts ensureProperty).
    expect(propertyListReads(observed.hubspot)).toEqual({ companies: 1, contacts: 1, deals: 1 });
    const creates = observed.hubspot.filter((c) => c.endpoint === "POST /crm/v3/properties/:objectType").map((c) => c.path);
    expect(creates.filter((p) => p.endsWith("/deals"))).toEqual(["/crm/v3/properties/deals"]);
    expect(creates.filter((p) => p.endsWith("/contacts")).length).toBeGreaterThanOrEqual(12);
    expect(world.hubspot.data.getProperty("deals", "leadloop_crm_id")).toMatchObject({ hasUniqueValue: true });
  });
});
