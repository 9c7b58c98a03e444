// The run lock as a user meets it: a lock left by a process that died on this host does not stop the
// next `leadloop sync`; one held by a live run stops it (exit 1, naming the holder) until
// `leadloop unlock` releases it, after asking on a terminal or with --yes; a holder still running on
// this host is stopped, not unlocked.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { type HubspotEmulator, startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { loadSeed } from "../../src/sandbox/load-seed.js";
import { type SalesforceEmulator, startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import { sandboxConfigText } from "../../src/sandbox/sandbox-config.js";
import { sandboxRoutingText } from "../../src/sandbox/sandbox-routing.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openStore } from "../../src/store/open-store.js";
import type { HeldLock } from "../../src/store/port.js";
import { type CliResult, runCli } from "../support/cli-run.js";

let hubspot: HubspotEmulator;
let salesforce: SalesforceEmulator;
let configFile: string;
let storePath: string;

beforeAll(async () => {
  hubspot = await startHubspotEmulator();
  salesforce = await startSalesforceEmulator();
  const dir = mkdtempSync(join(tmpdir(), "leadloop-run-lock-"));
  const seed = generateSeed({ seed: 11, now: new Date(), contacts: 30 });
  loadSeed(seed, { hubspot, salesforce });
  configFile = join(dir, "leadloop.yaml");
  storePath = join(dir, "state.db");
  const routingPath = join(dir, "routing.yaml");
  writeFileSync(routingPath, sandboxRoutingText(seed));
  writeFileSync(
    configFile,
    sandboxConfigText({ hubspot, salesforce, storePath, routingPath, crm: "salesforce" }),
  );
});

afterAll(async () => {
  await hubspot.close();
  await salesforce.close();
});

/** A pid that belonged to a process that has exited: what `kill -9` leaves behind. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await once(child, "exit");
  return child.pid!;
}

/** Takes the run lock through the store, as another leadloop process would have, and starts its run. */
async function holdRunLock(holder: string, runId?: string): Promise<void> {
  const store = await openStore({ path: storePath });
  try {
    expect(await store.acquireLock("sync", holder, new Date().toISOString(), 2 * 60_000)).toBe(true);
    if (runId) await store.startRun({ id: runId, startedAt: new Date(Date.now() - 60_000).toISOString(), dryRun: false });
  } finally {
    await store.close();
  }
}

async function runLock(): Promise<HeldLock | undefined> {
  const store = await openStore({ path: storePath });
  try {
    return await store.lockHolder("sync");
  } finally {
    await store.close();
  }
}

const sync = () => runCli(["--log-level", "warn", "sync", "--json", "--config", configFile]);
const unlock = (args: string[], input?: Parameters<typeof runCli>[2]) =>
  runCli(["--log-level", "error", "unlock", ...args, "--config", configFile], {}, input);

function expectRan(result: CliResult): void {
  // 4: the seeded data is messy on purpose, so some records land in the error queue.
  expect([0, 4]).toContain(result.code);
  expect(JSON.parse(result.stdout)).toMatchObject({ status: "succeeded" });
}

describe("the run lock", () => {
  it("is taken over at once from a process on this host that died holding it", async () => {
    const dead = `${hostname()}:${await deadPid()}:20250310T090000-deadbeef`;
    await holdRunLock(dead, "20250310T090000-deadbeef");

    const result = await sync();
    expectRan(result);
    expect(result.stderr).toContain("run_lock.taken_over");
    expect(result.stderr).toContain(dead);
    expect(await runLock()).toBeUndefined();
    // The killed run is recorded as failed, not shown running for good.
    expect(result.stderr).toContain("run.abandoned");
    const store = await openStore({ path: storePath });
    const runs = await store.listRuns(10).finally(() => store.close());
    expect(runs.find((r) => r.id === "20250310T090000-deadbeef")).toMatchObject({ status: "failed" });
    expect(runs.filter((r) => r.status === "running")).toEqual([]);
  });

  it("stops sync while a live run holds it, until `leadloop unlock --yes` releases it", async () => {
    const foreign = "crm-worker-2:4242:20250310T090000-abcd1234";
    await holdRunLock(foreign);

    const blocked = await sync();
    expect(blocked.code).toBe(1);
    // --json says why on stdout, as a failed run's summary: the run never began.
    expect(JSON.parse(blocked.stdout)).toMatchObject({ runId: null, status: "failed" });
    expect(blocked.stderr).toContain(`another leadloop run holds the state store's lock (${foreign}, since`);
    expect(blocked.stderr).toContain("its lease ends at");
    expect(blocked.stderr).toContain("`leadloop unlock` clears the lock");

    // Without a terminal to ask on, unlock needs --yes and touches nothing.
    const refused = await unlock([]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("pass --yes");
    expect((await runLock())?.holder).toBe(foreign);

    const released = await unlock(["--yes", "--json"]);
    expect(released.code).toBe(0);
    expect(JSON.parse(released.stdout)).toMatchObject({
      released: true,
      held: { name: "sync", holder: foreign, holderExited: false },
    });
    expectRan(await sync());

    const free = await unlock(["--json"]);
    expect(free.code).toBe(0);
    expect(JSON.parse(free.stdout)).toEqual({ held: null, released: false });
  });

  it("is not taken from a live process on this host, by a run or by `leadloop unlock --yes`", async () => {
    const live = `${hostname()}:${process.pid}:20250310T090000-11ve1ive`;
    await holdRunLock(live);

    const blocked = await sync();
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(live);
    // Running, so no stale lock: the way out is to wait, not `leadloop unlock`, which would refuse it.
    expect(blocked.stderr).toContain(`this run did nothing. It is running on this host (pid ${process.pid}): try again when it ends`);
    expect(blocked.stderr).not.toContain("leadloop unlock");
    expect((await runLock())?.holder).toBe(live);

    // A daemon mid-run, say: released, its run would fail at its next renewal, and a sync could start
    // beside it meanwhile. The admin is told to stop it instead.
    const refused = await unlock(["--yes", "--json"]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ released: false, held: { holder: live, holderRunning: true, holderExited: false } });
    expect(refused.stderr).toContain(`is running on this host (pid ${process.pid}), so it was not released: stop it with \`kill -TERM ${process.pid}\``);
    const asked = await unlock([], { text: "y\n", terminal: true });
    expect(asked.code).toBe(1);
    expect(asked.stdout).toContain("its process on this host is running");
    expect((await runLock())?.holder).toBe(live);

    const store = await openStore({ path: storePath });
    await store.releaseLock("sync", live).finally(() => store.close());
  });

  it("asks on a terminal before releasing: anything but yes keeps the lock", async () => {
    const foreign = "crm-worker-3:77:20250310T090000-0a0a0a0a";
    await holdRunLock(foreign);
    const since = (await runLock())!.acquiredAt;

    const kept = await unlock([], { text: "n\n", terminal: true });
    expect(kept.code).toBe(1);
    expect(kept.stdout).toContain(`the run lock is held by ${foreign} since ${since}`);
    expect(kept.stderr).toContain(`Release the run lock held by ${foreign} since ${since}? [y/N]`);
    expect((await runLock())?.holder).toBe(foreign);

    const closed = await unlock([], { text: "", terminal: true });
    expect(closed.code).toBe(1);
    expect((await runLock())?.holder).toBe(foreign);

    const released = await unlock([], { text: "y\n", terminal: true });
    expect(released.code).toBe(0);
    expect(released.stdout).toContain(`released the run lock held by ${foreign} since ${since}`);
    expect(await runLock()).toBeUndefined();
  });
});
