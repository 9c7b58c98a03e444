// A run or `errors retry` whose lease ran out while its process stalled, and whose store another run then
// took, or whose store file was deleted or replaced under it (ARCHITECTURE.md "The run lock"): it finds out
// before its next write, and writes nothing beside the run that may hold the store.
import { copyFileSync, renameSync, rmSync } from "node:fs";
import { classifyFailure } from "../../src/cli/failure.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { funnelFor, pricingAndDemo, seedAnais, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

const OTHER_RUN = "crm-worker-2:4711:run-20261205T091500";

/**
 * Anaïs qualified (her score waits in the outbox) and a run starts; as it starts reading the contacts it
 * syncs to Salesforce, `meanwhile` happens, once.
 */
function syncInterrupted(loop: LoopHarness, later: () => void, meanwhile: () => void): { run: Promise<unknown>; anais: string; happened: () => boolean } {
  seedReps(loop);
  const anais = seedAnais(loop);
  pricingAndDemo(loop, anais);
  later(); // past HubSpot's search index lag, which the loop's own clock keeps
  let happened = false;
  const run = loop.sync({
    funnel: funnelFor(loop, "salesforce"),
    onProgress: (event) => {
      if (event.phase !== "hubspot contacts" || happened) return;
      happened = true;
      meanwhile();
    },
  });
  return { run, anais, happened: () => happened };
}

describe("a run interrupted", () => {
  let loop: LoopHarness;
  const { now, later } = movingClock();
  beforeEach(async () => {
    loop = await startLoop({ now });
  });
  afterEach(async () => {
    await loop.close();
  });

  it("sends no write once another run took the store, and fails naming that run", async () => {
    // Its process stalls past its lease (three minutes go by on its clock) and another run takes the store.
    const { run, anais, happened } = syncInterrupted(loop, later, () => {
      later(3 * 60_000);
      void loop.store.acquireLock("sync", OTHER_RUN, now().toISOString(), 2 * 60_000);
    });
    await expect(run).rejects.toThrow(`lost the run lock to another process (${OTHER_RUN}); stopping`);
    expect(happened()).toBe(true);
    // Anaïs qualified, but her Lead and her score wait for the run that holds the store.
    expect(loop.salesforce.data.list("Lead")).toEqual([]);
    expect(loop.hubspot.data.getObject("contacts", anais)?.properties.leadloop_score).toBeUndefined();
    expect((await loop.store.lockHolder("sync"))?.holder).toBe(OTHER_RUN);
  });

  it.each([
    ["deleted", "was deleted"],
    ["replaced by a restore from a backup", "was replaced by another file"],
  ])("sends no write once its state store file is %s, and fails naming it", async (how, says) => {
    // An admin clears the store's folder, or restores last night's copy over it (README "The run lock").
    // Before, the run went on into the file no one reads again: her Lead made, and the store that knew it
    // gone with the process, while a second run could take a new store at the path.
    const backup = `${loop.storePath}.bak`;
    if (how !== "deleted") copyFileSync(loop.storePath, backup);
    const { run, anais, happened } = syncInterrupted(loop, later, () => {
      if (how === "deleted") for (const suffix of ["", "-wal", "-shm"]) rmSync(`${loop.storePath}${suffix}`, { force: true });
      else renameSync(backup, loop.storePath);
    });
    await expect(run).rejects.toThrow(`the state store file ${loop.storePath} ${says} while this process had it open; stopping before the next write`);
    expect(happened()).toBe(true);
    expect(loop.salesforce.data.list("Lead")).toEqual([]);
    expect(loop.hubspot.data.getObject("contacts", anais)?.properties.leadloop_score).toBeUndefined();
  });
});

/**
 * Two people whose Leads a validation rule refused, then lifted, and an `errors retry` that would create
 * both: as it reads the contacts behind the entries, `meanwhile` happens, once. What the retry threw.
 */
async function retryInterrupted(loop: LoopHarness, later: () => void, meanwhile: () => void): Promise<unknown> {
  const rule = (lastName: string) => ({ object: "Lead", field: "LastName", equals: lastName, message: "Blocked by a validation rule" });
  loop.salesforce.faults.add({ records: [rule("Nørgaard"), rule("Ibáñez")] });
  loop.hubspot.data.createObject("contacts", { email: "mette.norgaard@fjordkraft.dk", firstname: "Mette", lastname: "Nørgaard", company: "" });
  loop.hubspot.data.createObject("contacts", { email: "JOSE.ibanez@Olivar.es", firstname: "José", lastname: "Ibáñez", company: "Olivar Hermanos" });
  later(); // past HubSpot's search index lag, which the loop's own clock keeps
  const first = await loop.sync();
  expect(first.summary.errors.salesforce).toBe(2);
  loop.salesforce.faults.clear();
  await tick();
  let happened = false;
  const stop = loop.hubspot.calls.observe(() => {
    if (happened) return;
    happened = true;
    meanwhile();
  });
  const failure = await loop.retry().then(
    () => undefined,
    (err: unknown) => err,
  );
  stop();
  expect(happened).toBe(true);
  return failure;
}

describe("an errors retry interrupted", () => {
  let loop: LoopHarness;
  const { now, later } = movingClock();
  beforeEach(async () => {
    loop = await startLoop({ now });
  });
  afterEach(async () => {
    await loop.close();
  });

  it("sends no write once another run took the store, and stops with a message, not a bug report", async () => {
    // Its process stalls past its lease (three minutes on its clock) and a daemon's run takes the store.
    const failure = await retryInterrupted(loop, later, () => {
      later(3 * 60_000);
      void loop.store.acquireLock("sync", OTHER_RUN, now().toISOString(), 2 * 60_000);
    });
    expect(classifyFailure(failure, { runsSync: false })).toEqual({
      message: expect.stringMatching(new RegExp(`^lost the run lock to another process \\(${OTHER_RUN}\\); stopping before the next write`)),
      exitCode: EXIT.failure,
    });
    // Neither Lead was created beside the run that holds the store; both entries wait, open, for it.
    expect(loop.salesforce.data.list("Lead")).toEqual([]);
    expect(await loop.store.listErrors({ status: "open" })).toHaveLength(2);
    expect((await loop.store.lockHolder("sync"))?.holder).toBe(OTHER_RUN);
    const [run] = await loop.store.listRuns(1);
    expect(run!.status).toBe("failed");
  });

  it("sends no write once its state store file is deleted, and stops naming it (README \"The run lock\")", async () => {
    const failure = await retryInterrupted(loop, later, () => {
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${loop.storePath}${suffix}`, { force: true });
    });
    expect(classifyFailure(failure, { runsSync: false })).toEqual({
      message: expect.stringContaining(`the state store file ${loop.storePath} was deleted while this process had it open; stopping before the next write`),
      exitCode: EXIT.failure,
    });
    expect(loop.salesforce.data.list("Lead")).toEqual([]);
  });
});
