// `leadloop sandbox --keep` as README's "The run lock" section shows it: it seeds and starts the
// emulators, prints their URLs and waits, running no sync; meanwhile any command can be pointed at it
// (`sync -c sandbox/leadloop.yaml --dry-run`, `validate -c sandbox/leadloop.yaml --live`), and Ctrl-C or
// SIGTERM ends it with 0. The built command runs in a child process, as a terminal runs it.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { runCli } from "../support/cli-run.js";

const BIN = new URL("../../bin/leadloop.js", import.meta.url).pathname;

describe("leadloop sandbox --keep", () => {
  // A folder named as a person names one: accents and a blank.
  const dir = join(mkdtempSync(join(tmpdir(), "leadloop-keep-")), "Démo Équipe");
  const config = join(dir, "leadloop.yaml");
  let child: ChildProcessWithoutNullStreams;
  let stdout = "";
  let stderr = "";
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  beforeAll(async () => {
    child = spawn(process.execPath, [BIN, "sandbox", "--keep", "--seed", "7", "--contacts", "40", "--config-out", config], {
      env: { ...process.env, NODE_OPTIONS: "", TZ: "UTC" },
    });
    exited = new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString("utf8");
        if (stderr.includes("waiting; Ctrl-C to stop")) resolve();
      });
      void exited.then(({ code }) => reject(new Error(`sandbox --keep exited with ${code} before waiting: ${stderr}`)));
    });
  }, 120_000);
  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("prints the emulators' URLs and the config it wrote, and runs no sync", () => {
    expect(stdout).toMatch(/^hubspot emulator: http:\/\/127\.0\.0\.1:\d+ \(enterprise\)$/m);
    expect(stdout).toMatch(/^salesforce emulator: http:\/\/127\.0\.0\.1:\d+$/m);
    expect(stdout).toContain(`config: ${config}\n`);
    // No run: no summary line, and no store made yet.
    expect(stdout).not.toContain("run ");
    expect(existsSync(join(dir, "state.db"))).toBe(false);
  });

  it("answers sync --dry-run and validate --live pointed at its config while it waits", async () => {
    const dry = await runCli(["--log-level", "error", "sync", "-c", config, "--dry-run", "--json"]);
    expect([0, 4]).toContain(dry.code);
    const plan = JSON.parse(dry.stdout) as { status: string; dryRun: boolean; plan: unknown[]; read: { hubspot: number } };
    expect(plan).toMatchObject({ status: "succeeded", dryRun: true });
    expect(plan.read.hubspot).toBeGreaterThan(0);
    expect(plan.plan.length).toBeGreaterThan(0);

    const live = await runCli(["--log-level", "error", "validate", "-c", config, "--live", "--json"]);
    expect(live.code).toBe(0);
    expect(JSON.parse(live.stdout)).toMatchObject({ ok: true, live: true });
  }, 120_000);

  it("refuses a second sandbox in its folder, naming its process, and leaves its config and store as they are", async () => {
    // Before, the second sandbox deleted the kept store and wrote a config naming its own emulators, gone
    // when it ended: the admin's next `sync -c` against the kept sandbox failed to connect.
    const kept = readFileSync(config, "utf8");
    const storeThere = existsSync(join(dir, "state.db"));
    const second = await runCli(["sandbox", "--once", "--seed", "3", "--contacts", "10", "--config-out", config]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`a sandbox --keep (pid ${child.pid}) serves ${config}`);
    expect(second.stderr).toContain(`kill -TERM ${child.pid}`);
    expect(second.stderr).not.toContain("unexpected error");
    expect(second.stdout).toBe("");
    expect(readFileSync(config, "utf8")).toBe(kept);
    expect(existsSync(join(dir, "state.db"))).toBe(storeThere);
  }, 120_000);

  it("ends with 0 on SIGTERM, and a sandbox may use its folder again", async () => {
    child.kill("SIGTERM");
    expect(await exited).toEqual({ code: 0, signal: null });
    const again = await runCli(["--log-level", "error", "sandbox", "--once", "--seed", "3", "--contacts", "10", "--config-out", config]);
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
  }, 120_000);
});

describe("leadloop sandbox --keep --json", () => {
  it("prints one object naming the emulators and the config on stdout, the lines on stderr, and waits", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "leadloop-keep-json-")), "Essai Hélène");
    const config = join(dir, "leadloop.yaml");
    const child = spawn(process.execPath, [BIN, "sandbox", "--keep", "--json", "--crm", "hubspot", "--contacts", "20", "--config-out", config], {
      env: { ...process.env, NODE_OPTIONS: "", TZ: "UTC" },
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString("utf8");
        if (stderr.includes("waiting; Ctrl-C to stop")) resolve();
      });
      void exited.then((code) => reject(new Error(`sandbox --keep --json exited with ${code} before waiting: ${stderr}`)));
    });
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    const said = JSON.parse(stdout) as { hubspot: { url: string; tier: string }; salesforce: null; config: string; crm: string };
    expect(said).toEqual({ hubspot: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), tier: "enterprise" }, salesforce: null, config, crm: "hubspot" });
    expect(stderr).toContain(`hubspot emulator: ${said.hubspot.url} (enterprise)\n`);
  }, 120_000);
});
