// A SIGTERM while `leadloop sync` or `daemon` is still starting (its modules loading, a few tenths of a second
// on a busy machine) is leadloop's own clean stop, as one mid-run is: exit 0, status "stopped" in --json
// (README "Exit statuses"), where the signal's default ended the process with 143. A stop before the run
// began is no run: no call to either system after it, and no run in the store's history, where a run was
// recorded and its opening calls (leadloop's HubSpot properties, the run's probes) made all the same. The child says when it starts loading the command line (test/support/module-announce.mjs).
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openStore } from "../../src/store/open-store.js";
import type { RunSummary } from "../../src/sync/run-summary.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const BIN = fileURLToPath(new URL("../../bin/leadloop.js", import.meta.url));
const ANNOUNCE = fileURLToPath(new URL("../support/module-announce.mjs", import.meta.url));

/** `leadloop <command>` in a child sent SIGTERM as it starts loading `module` (a path under dist/). */
async function stoppedAtLoad(world: SandboxWorld, module: string, command: readonly string[] = ["sync", "--json"]) {
  const child = spawn(process.execPath, ["--import", ANNOUNCE, BIN, "--log-level", "info", ...command, "-c", world.configPath], {
    // Jest's NODE_OPTIONS (--experimental-vm-modules) is not for the CLI.
    env: { ...process.env, NODE_OPTIONS: "", TZ: "UTC", LEADLOOP_ANNOUNCE_MODULE: module },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let signalled = false;
  // The calls each system had answered when the signal was sent.
  let callsAtSignal: number[] = [];
  const calls = () => [world.hubspot.calls.total(), world.salesforce.calls.total()];
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString("utf8");
    // Once: a second SIGTERM is a person insisting, which ends the process at once.
    if (!signalled && stderr.includes(`loading ${module}\n`)) {
      callsAtSignal = calls();
      signalled = child.kill("SIGTERM");
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once("close", (c, s) => resolve([c, s])),
  );
  return { code, signal, stdout, stderr, callsAtSignal, callsAtEnd: calls() };
}

describe("leadloop sync and daemon stopped while they start", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 36, now: new Date(), contacts: 8 }), "sync-early-stop");
  });
  afterAll(async () => {
    await world.close();
  });

  it.each([["dist/cli/main.js"], ["dist/cli/commands/sync.js"]])("a SIGTERM as %s loads stops cleanly: exit 0, no call made, no run recorded", async (module) => {
    const before = await runsInStore();
    const run = await stoppedAtLoad(world, module);
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });
    expect(JSON.parse(run.stdout) as RunSummary).toMatchObject({ status: "stopped", runId: null, failure: null });
    expect(run.stderr).toContain('"message":"run.stopping"');
    expect(run.stderr).toContain('"message":"run.stopped_before_start"');
    expect(run.callsAtEnd).toEqual(run.callsAtSignal);
    expect(await runsInStore()).toEqual(before);
  });

  // The daemon is what a service manager stops, and may stop as it starts: the same clean stop, before its
  // first run, and the daemon lease given back (the next daemon starts at once).
  it("a SIGTERM as the daemon's command loads stops it cleanly before its first run: exit 0", async () => {
    const before = await runsInStore();
    const run = await stoppedAtLoad(world, "dist/cli/commands/daemon.js", ["daemon", "--port", "0"]);
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });
    expect(run.stderr).toContain('"message":"daemon.stopping"');
    expect(await runsInStore()).toEqual(before);
    const next = await stoppedAtLoad(world, "dist/sync/engine.js", ["daemon", "--port", "0", "--runs", "1"]);
    expect(next.stderr).not.toContain("another leadloop daemon");
    expect({ code: next.code, signal: next.signal }).toEqual({ code: 0, signal: null });
  });

  // Once the run is recorded a stop is a run's stop, still with no call after it (the retry layer makes
  // none once the stop came): a stop while one of the run's opening calls is in flight (held here for a while) ends the run when that call answers, before
  // the next, and the history says it stopped. The calls, in a run after the first: Salesforce's composite
  // describe of the five objects (its second composite call, after the window probe; asked before the
  // conversions' read), and HubSpot's archived companies (the company pair's removals, before its merge
  // search). Each made its next call after the stop before. A process describes the objects when no earlier
  // process's describes are kept (ARCHITECTURE.md "Kept descriptions"): `0s` keeps none here.
  it.each([
    ["the describe", "salesforce", "/composite", 2],
    ["the recycle bin listing", "hubspot", "GET /crm/v3/objects/:objectType", 2],
  ] as const)("a SIGTERM while the recorded run's %s is in flight makes no call after it: exit 0, the run recorded as stopped", async (_, held, endpoint, nth) => {
    const config = parse(readFileSync(world.configPath, "utf8")) as { sync?: object };
    writeFileSync(world.configPath, stringify({ ...config, sync: { ...config.sync, descriptionsKeptFor: "0s" } }));
    expect((await runCli(["sync", "-c", world.configPath])).code).toBe(0);
    const emulator = held === "hubspot" ? world.hubspot : world.salesforce;
    // The calls of the same kind before it answer at once; the one held answers after 1.5 s.
    const [method, path] = held === "hubspot" ? ["GET", "/crm/v3/objects/"] : ["POST", endpoint];
    const fault = (delayMs: number) => ({ kind: "slow" as const, delayMs, path, method, times: 1 });
    emulator.faults.add({ requests: [...Array.from({ length: nth - 1 }, () => fault(0)), fault(1_500)] });
    const child = spawn(process.execPath, [BIN, "--log-level", "info", "sync", "--json", "-c", world.configPath], {
      env: { ...process.env, NODE_OPTIONS: "", TZ: "UTC" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Every call either system is asked from the signal on: the one in flight was asked before it.
    const afterSignal: string[] = [];
    let seen = 0;
    let signalled = false;
    const observe = (system: string) => (call: { endpoint: string }) => {
      if (signalled) afterSignal.push(`${system} ${call.endpoint}`);
      else if (system === held && call.endpoint.endsWith(endpoint) && ++seen === nth) signalled = child.kill("SIGTERM");
    };
    const stopObserving = [world.hubspot.calls.observe(observe("hubspot")), world.salesforce.calls.observe(observe("salesforce"))];
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve)).finally(() => {
      for (const stop of stopObserving) stop();
      emulator.faults.clear();
    });

    expect(signalled).toBe(true);
    expect({ code, afterSignal }).toEqual({ code: 0, afterSignal: [] });
    expect(stderr).toContain('"message":"run.started"');
    const summary = JSON.parse(stdout) as RunSummary;
    expect(summary).toMatchObject({ status: "stopped", failure: null });
    expect(summary.runId).not.toBeNull();
    expect((await runsInStore())[0]).toEqual([summary.runId, "stopped"]);
  }, 30_000);

  async function runsInStore() {
    if (!existsSync(world.storePath)) return [];
    const store = await openStore({ path: world.storePath }, { existing: true });
    try {
      return (await store.listRuns(50)).map((r) => [r.id, r.status]);
    } finally {
      await store.close();
    }
  }
});
