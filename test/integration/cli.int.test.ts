// The `leadloop` command as a user drives it: exit statuses, --help, --json on stdout, logs on stderr.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../support/cli-run.js";

const example = new URL("../../config/leadloop.example.yaml", import.meta.url).pathname;

describe("leadloop CLI", () => {
  it("prints help for the program and for each command, exit 0", async () => {
    const top = await runCli(["--help"]);
    expect(top.code).toBe(0);
    for (const command of ["sync", "daemon", "errors", "explain", "validate", "sandbox"]) {
      expect(top.stdout).toContain(command);
    }
    const sync = await runCli(["sync", "--help"]);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain("--dry-run");
  });

  it("exits 2 on an unknown command or option", async () => {
    expect((await runCli(["synk"])).code).toBe(2);
    expect((await runCli(["sync", "--dry-runn"])).code).toBe(2);
  });

  it("validates the shipped example (exit 0) and names line and key on a broken copy (exit 2)", async () => {
    const ok = await runCli(["validate", "--config", example, "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, crm: "salesforce" });

    const dir = mkdtempSync(join(tmpdir(), "leadloop-cli-"));
    const broken = join(dir, "leadloop.yaml");
    const text = readFileSync(example, "utf8")
      .replace("  apiVersion:", "  apiVersoin:")
      .replace("every: 5m", "every: [5m]");
    writeFileSync(broken, text);
    const bad = await runCli(["validate", "--config", broken]);
    expect(bad.code).toBe(2);
    const line = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
    expect(bad.stderr).toContain(
      `${broken}:${line("apiVersoin")}:3: salesforce.apiVersoin: unknown key (did you mean "apiVersion"?)`,
    );
    expect(bad.stderr).toContain(`${broken}:${line("every: [5m]")}:10: schedule.every:`);
    expect(bad.stdout).toBe("");
  });

  it("runs the sandbox twice with --json: one summary per run on stdout, with the contract's keys", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leadloop-sandbox-"));
    const configOut = join(dir, "leadloop.yaml");
    const result = await runCli([
      "--log-level",
      "error",
      "sandbox",
      "--runs",
      "2",
      "--seed",
      "7",
      "--contacts",
      "60",
      "--json",
      "--config-out",
      configOut,
    ]);
    expect(result.code).toBe(0);
    const runs = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(run).toEqual(
        expect.objectContaining({
          runId: expect.any(String),
          read: expect.objectContaining({ hubspot: expect.any(Number), salesforce: expect.any(Number) }),
          created: expect.any(Object),
          updated: expect.any(Object),
          unchanged: expect.any(Number),
          conflicts: expect.any(Number),
          restored: expect.any(Number),
          errors: expect.any(Object),
          apiCalls: expect.objectContaining({ hubspot: expect.any(Number), salesforce: expect.any(Number) }),
          handoffs: expect.any(Number),
          nearQualified: expect.any(Number),
        }),
      );
    }
    expect((runs[0]!.created as Record<string, number>).salesforce).toBeGreaterThan(0);
    // The written config validates and the store it names answers `errors list` after the sandbox ended.
    expect((await runCli(["validate", "--config", configOut])).code).toBe(0);
    const errors = await runCli(["errors", "list", "--status", "all", "--json", "--config", configOut]);
    expect(errors.code).toBe(0);
    expect(Array.isArray(JSON.parse(errors.stdout))).toBe(true);
  });
});
