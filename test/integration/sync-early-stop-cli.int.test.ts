// A SIGTERM while `leadloop sync` is still starting (its modules loading, a few tenths of a second on a
// busy machine) is leadloop's own clean stop, as one mid-run is: exit 0, status "stopped" in --json, and
// the store holds no run left half-written (README "Exit statuses"), where the signal's default ended
// the process with 143. The child says when it starts loading the command line (test/support/module-announce.mjs).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openStore } from "../../src/store/open-store.js";
import type { RunSummary } from "../../src/sync/run-summary.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const BIN = fileURLToPath(new URL("../../bin/leadloop.js", import.meta.url));
const ANNOUNCE = fileURLToPath(new URL("../support/module-announce.mjs", import.meta.url));

/** `leadloop sync --json` in a child sent SIGTERM as it starts loading `module` (a path under dist/). */
async function syncStoppedAtLoad(world: SandboxWorld, module: string) {
  const child = spawn(process.execPath, ["--import", ANNOUNCE, BIN, "--log-level", "info", "sync", "--json", "-c", world.configPath], {
    // Jest's NODE_OPTIONS (--experimental-vm-modules) is not for the CLI.
    env: { ...process.env, NODE_OPTIONS: "", TZ: "UTC", LEADLOOP_ANNOUNCE_MODULE: module },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let signalled = false;
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString("utf8");
    // Once: a second SIGTERM is a person insisting, which ends the process at once.
    if (!signalled && stderr.includes(`loading ${module}\n`)) signalled = child.kill("SIGTERM");
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once("close", (c, s) => resolve([c, s])),
  );
  return { code, signal, stdout, stderr };
}

describe("leadloop sync stopped while it starts", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 36, now: new Date(), contacts: 8 }), "sync-early-stop");
  });
  afterAll(async () => {
    await world.close();
  });

  it.each([["dist/cli/main.js"], ["dist/cli/commands/sync.js"]])("a SIGTERM as %s loads stops cleanly: exit 0, no half-written run", async (module) => {
    const run = await syncStoppedAtLoad(world, module);
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });
    expect((JSON.parse(run.stdout) as RunSummary).status).toBe("stopped");
    expect(run.stderr).toContain('"message":"run.stopping"');

    const store = await openStore({ path: world.storePath }, { existing: true });
    try {
      const runs = await store.listRuns(10);
      expect(runs.filter((r) => r.status === "running" || r.finishedAt === null)).toEqual([]);
      expect(runs[0]).toMatchObject({ status: "stopped" });
    } finally {
      await store.close();
    }
  });
});
