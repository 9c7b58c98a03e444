// `leadloop store stats` through the CLI: after a sync of the sandbox's world it names every table with
// its rows and bytes, the bytes per linked contact, and it never creates a store that is not there.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { openStore } from "../../src/store/open-store.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

interface StatsJson {
  path: string;
  fileBytes: number;
  walBytes: number;
  pageSize: number;
  freeBytes: number;
  tables: { name: string; rows: number; bytes: number; indexBytes: number }[];
  linkedContacts: number;
  scoredContacts: number;
  bytesPerLinkedContact: number | null;
  bytesPerScoredContact: number | null;
}

describe("leadloop store stats", () => {
  let world: SandboxWorld;
  let env: Record<string, string>;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 23, now: new Date(), contacts: 40 }), "store-stats");
    env = { LEADLOOP_CONFIG: world.configPath };
    const sync = await runCli(["sync"], env);
    expect([0, 4]).toContain(sync.code);
  }, 120_000);
  afterAll(async () => {
    await world.close();
  });

  it("reports each table's rows and bytes, and the bytes per linked and per scored contact", async () => {
    const result = await runCli(["store", "stats", "--json"], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const stats = JSON.parse(result.stdout) as StatsJson;
    expect(stats.path).toBe(world.storePath);
    expect(stats.fileBytes).toBe(statSync(world.storePath).size);

    // The counts are the store's own: the same figures its port gives.
    const store = await openStore({ path: world.storePath });
    try {
      expect(stats.linkedContacts).toBe(await store.countLinks("contact"));
    } finally {
      await store.close();
    }
    expect(stats.linkedContacts).toBeGreaterThan(0);
    expect(stats.scoredContacts).toBeGreaterThanOrEqual(stats.linkedContacts);
    expect(stats.bytesPerLinkedContact).toBe(Math.round((stats.fileBytes + stats.walBytes) / stats.linkedContacts));
    expect(stats.bytesPerScoredContact).toBe(Math.round((stats.fileBytes + stats.walBytes) / stats.scoredContacts));

    const byName = new Map(stats.tables.map((t) => [t.name, t]));
    // The first load wrote and audited fields, and linked contacts.
    expect(byName.get("links")!.rows).toBeGreaterThanOrEqual(stats.linkedContacts);
    // A write's fields are packed on its row (migration 19): no table of field rows, and the writes carry
    // the record index.
    expect(byName.get("audit_writes")!.rows).toBeGreaterThan(0);
    expect(byName.has("audit_rows")).toBe(false);
    expect(byName.get("audit_writes")!.indexBytes).toBeGreaterThan(0);
    // audit_log is a view over audit_writes: it owns no pages and is not listed.
    expect(byName.has("audit_log")).toBe(false);
    // Every table owns at least its root page; the pages of all tables and indexes fit in the file
    // (the WAL may hold pages not yet checkpointed).
    for (const t of stats.tables) expect(t.bytes).toBeGreaterThanOrEqual(stats.pageSize);
    const pages = stats.tables.reduce((sum, t) => sum + t.bytes + t.indexBytes, 0);
    expect(pages).toBeLessThanOrEqual(stats.fileBytes + stats.walBytes);
    // Largest first.
    const sizes = stats.tables.map((t) => t.bytes + t.indexBytes);
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
  });

  it("prints the same as a table for a person to read", async () => {
    const result = await runCli(["store", "stats"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${world.storePath}: `);
    expect(result.stdout).toMatch(/^audit_writes\s+[\d,]+\s+[\d,]+\s+[\d,]+\s+[\d,]+$/m);
    expect(result.stdout).toMatch(/^linked contacts: [\d,]+, [\d,]+ bytes each$/m);
  });

  it("fails with exit status 1 and creates nothing when the store does not exist yet, as do the other commands that only read it", async () => {
    const missing = join(world.dir, "nowhere", "state.db");
    const configPath = join(world.dir, "elsewhere.yaml");
    writeFileSync(configPath, readFileSync(world.configPath, "utf8").replaceAll(world.storePath, missing));
    // A mistyped store.path must not answer "nothing here" from a store made on the spot.
    const readers = [
      ["store", "stats"],
      ["errors", "list", "--json"],
      ["hot"],
      ["near-qualified"],
      ["sla"],
      ["report", "funnel"],
      ["unlock", "--yes"],
      ["requalify", "Zoë.Lefèvre@example.fr", "--yes"],
      ["explain", "Zoë.Lefèvre@example.fr"],
      ["digest"],
      ["digest", "--write"],
      // Without a store there is nothing to retry, whether it names entries or not.
      ["errors", "retry"],
      ["errors", "retry", "--id", "1"],
    ];
    for (const command of readers) {
      const result = await runCli([...command, "--config", configPath]);
      expect({ command, code: result.code, stdout: result.stdout }).toEqual({ command, code: 1, stdout: "" });
      expect(result.stderr).toContain(`leadloop: no state store at ${missing} (store.path); \`leadloop sync\` creates it`);
    }
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(world.dir, "nowhere"))).toBe(false);
  });

  it("says what it prints and its exit statuses in --help", async () => {
    const result = await runCli(["store", "stats", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--json");
    expect(result.stdout).toContain("Exit status: 0 printed, 1 no store at store.path yet, 2 bad configuration.");
  });
});
