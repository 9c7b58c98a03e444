// `leadloop sync` stops on SIGTERM after the batch in hand: exit 0 with status "stopped", and the next
// run picks up what the stopped one decided but had not written, until a run has nothing left to write.
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runSyncChild } from "../support/kill-at-write.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const seed = generateSeed({ seed: 11, now: new Date(Date.now() - 60_000), contacts: 40 });

describe("leadloop sync and SIGTERM", () => {
  let world: SandboxWorld;
  beforeEach(async () => {
    world = await openSandboxWorld(seed, "sync-stop");
  });
  afterEach(async () => {
    await world.close();
  });

  it("stops after the batch in hand with exit 0, and the next runs finish the work", async () => {
    // Early in the run, while what its phases decided still waits in the outbox: the run writes each
    // record's outbox writes once, in full batches, at its end, so a first load of 40 contacts makes
    // few write calls.
    const stopped = await runSyncChild(world, { atWrite: 4, signal: "SIGTERM" });
    expect(stopped.signal).toBeNull();
    expect(stopped.code).toBe(0);
    expect(stopped.summary?.status).toBe("stopped");

    const resumed = await runSyncChild(world);
    expect([0, 4]).toContain(resumed.code);
    expect(resumed.summary?.status).toBe("succeeded");
    expect(resumed.writes).toBeGreaterThan(0);
    const quiet = await runSyncChild(world);
    expect(quiet.summary?.status).toBe("succeeded");
    expect(quiet.writes).toBe(0);
  });
});
