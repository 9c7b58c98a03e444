// What `leadloop` loads before it does anything: --help and --version load the command line alone, and
// a command loads its own module, not the others' (src/cli/command-list.ts), nor a system's client until
// it talks to that system (src/cli/compose.ts). Each case runs the built `bin/leadloop.js` in a child process that logs every
// module it resolves (test/support/module-log.mjs).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore } from "../../src/store/open-store.js";

const BIN = fileURLToPath(new URL("../../bin/leadloop.js", import.meta.url));
const MODULE_LOG = fileURLToPath(new URL("../support/module-log.mjs", import.meta.url));
const EXAMPLE = fileURLToPath(new URL("../../config/leadloop.example.yaml", import.meta.url));

/** What a command printed and the packages and leadloop modules it loaded. */
function run(args: string[]): {
  code: number | null;
  stdout: string;
  stderr: string;
  packages: Set<string>;
  modules: Set<string>;
} {
  const dir = mkdtempSync(join(tmpdir(), "leadloop-startup-"));
  const log = join(dir, "modules.txt");
  try {
    const child = spawnSync(process.execPath, ["--import", MODULE_LOG, BIN, ...args], {
      // Jest's NODE_OPTIONS (--experimental-vm-modules) is not for the CLI.
      env: { ...process.env, NODE_OPTIONS: "", TZ: "UTC", LEADLOOP_MODULE_LOG: log },
      encoding: "utf8",
    });
    const urls = readFileSync(log, "utf8").split("\n").filter(Boolean);
    const packages = new Set(urls.flatMap((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []));
    const modules = new Set(urls.flatMap((u) => /\/dist\/(.+)\.js$/.exec(u)?.[1] ?? []));
    return { code: child.status, stdout: child.stdout, stderr: child.stderr, packages, modules };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CLIENTS = ["jsforce", "@hubspot/api-client", "better-sqlite3", "winston", "zod", "date-fns"];

describe("leadloop's start-up", () => {
  it("--version and --help load the command line alone", () => {
    const version = run(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = run(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["sync", "daemon", "errors", "explain <email>", "report", "forecast", "store", "sandbox"]) {
      expect(help.stdout).toContain(`  ${command} `);
    }
    for (const { packages, modules } of [version, help]) {
      expect(CLIENTS.filter((p) => packages.has(p))).toEqual([]);
      expect([...modules].filter((m) => !m.startsWith("cli/") && !m.startsWith("log/") && !m.startsWith("config/"))).toEqual([]);
      expect([...modules].filter((m) => m.startsWith("cli/commands/"))).toEqual([]);
    }
  });

  it("a command's help loads that command's module and no other's", () => {
    const sync = run(["--log-level", "warn", "sync", "--help"]);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain("--dry-run");
    expect([...sync.modules].filter((m) => m.startsWith("cli/commands/"))).toEqual(["cli/commands/sync"]);
    expect([...sync.modules].some((m) => m.startsWith("sandbox/"))).toBe(false);

    const errors = run(["help", "errors"]);
    expect(errors.code).toBe(0);
    expect(errors.stdout).toMatch(/list .*\n[\s\S]*retry /);
    expect([...errors.modules].filter((m) => m.startsWith("cli/commands/"))).toEqual(["cli/commands/errors"]);
  });

  it("commands that do not talk to HubSpot or Salesforce load neither client", async () => {
    // The shipped example, its files named absolutely and its store in a folder of its own.
    const dir = mkdtempSync(join(tmpdir(), "leadloop-startup-store-"));
    const config = join(dir, "leadloop.yaml");
    const shipped = dirname(EXAMPLE);
    writeFileSync(
      config,
      readFileSync(EXAMPLE, "utf8")
        .replace(/path: \.\.\/\.leadloop\/state\.db/, `path: ${join(dir, "state.db")}`)
        .replace(/mappings: \.\.\/mappings/, `mappings: ${join(shipped, "../mappings")}`)
        .replace(/: \.\/(qualification|routing|sla)\.yaml/g, (_m, file: string) => `: ${join(shipped, `${file}.yaml`)}`),
    );
    try {
      const valid = run(["validate", "--config", config, "--json"]);
      expect(valid.code).toBe(0);
      expect(JSON.parse(valid.stdout)).toMatchObject({ ok: true });
      // The store a first sync would have made: the commands below only read one, and refuse a missing one.
      await (await openStore({ path: join(dir, "state.db") })).close();
      const errors = run(["errors", "list", "--config", config, "--json"]);
      expect(errors.code).toBe(0);
      expect(JSON.parse(errors.stdout)).toEqual([]);
      const report = run(["report", "funnel", "--config", config, "--json"]);
      expect(report.code).toBe(0);
      for (const command of [valid, errors, report]) {
        // The configuration was read and checked (zod), the store opened where a command needs it ...
        expect(command.packages.has("zod")).toBe(true);
        // ... and no system's client loaded.
        expect(command.packages.has("jsforce")).toBe(false);
        expect(command.packages.has("@hubspot/api-client")).toBe(false);
        expect([...command.modules].filter((m) => /^systems\/(hubspot|salesforce)\/(adapter|index)$/.test(m))).toEqual([]);
      }
      expect(errors.packages.has("better-sqlite3")).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a mistyped command exits 2 with a suggestion, having loaded no command", () => {
    const typo = run(["synk"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Did you mean sync?");
    expect([...typo.modules].filter((m) => m.startsWith("cli/commands/"))).toEqual([]);
  });
});
