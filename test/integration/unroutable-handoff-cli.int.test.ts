// An ops admin whose routing gives MQLs to no active rep (every rep in it has left the CRM, the fallback
// too): the handoff phase's refusal is in `errors list`, with what to do, `errors retry` says why it has
// nothing to send, and the first sync after the routing is fixed hands the people off and settles it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

interface Listed {
  id: number;
  operation: string;
  errorClass: string;
  message: string;
  whatToDo: string;
}

describe("an MQL no active rep can take", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 31, now: new Date(), contacts: 40 }), "unroutable-cli");
  });
  afterAll(async () => {
    await world.close();
  });

  it("is in the error queue until a sync after the routing is fixed hands them off", async () => {
    const config = ["-c", world.configPath];
    const routingFile = join(world.dir, "routing.yaml");
    const routing = readFileSync(routingFile, "utf8");
    // Every rep the routing names, the fallback among them, is someone the CRM has no user for.
    const gone = routing.replace(/([a-z0-9.]+)@/g, "former.$1@");
    expect(gone).not.toBe(routing);
    writeFileSync(routingFile, gone);

    const stuck = JSON.parse((await runCli(["sync", "--json", ...config])).stdout) as { handoffs: number; openErrors: number };
    expect(stuck.handoffs).toBe(0);
    const listed = JSON.parse((await runCli(["errors", "list", "--json", ...config])).stdout) as Listed[];
    const unroutable = listed.filter((e) => e.operation === "routing");
    expect(unroutable.length).toBeGreaterThan(0);
    expect(stuck.openErrors).toBe(listed.length);
    for (const e of unroutable) {
      expect(e.errorClass).toBe("config");
      expect(e.message).toMatch(/^no active rep to hand \S+@\S+ to: .*fallback rep former\.\S+ is not an active rep/);
      expect(e.whatToDo).toContain("the next sync settles the entry");
    }
    const text = await runCli(["errors", "list", ...config]);
    expect(text.stdout).toContain("no active rep to hand");

    const retried = await runCli(["errors", "retry", "--json", ...config]);
    expect(retried.code).toBe(4);
    const skipped = (JSON.parse(retried.stdout) as { skipped: { id: number; reason: string }[] }).skipped;
    expect(skipped.filter((s) => unroutable.some((e) => e.id === s.id)).map((s) => s.reason)).toEqual(
      unroutable.map(() => "no write stands behind it: the next sync settles it once what its message names is fixed"),
    );

    // The admin puts the routing back: the next sync hands each of them off and settles their entries.
    writeFileSync(routingFile, routing);
    const fixed = JSON.parse((await runCli(["sync", "--json", ...config])).stdout) as { handoffs: number };
    expect(fixed.handoffs).toBe(unroutable.length);
    const after = JSON.parse((await runCli(["errors", "list", "--json", ...config])).stdout) as Listed[];
    expect(after.filter((e) => e.operation === "routing")).toEqual([]);
  });
});
