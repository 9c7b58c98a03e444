// Which leadloop.yaml a command reads, as README's "Commands" says: `-c, --config <file>`, else
// `$LEADLOOP_CONFIG`, else `./leadloop.yaml` in the folder the command runs in. The built command runs in
// a child process of its own, so "the folder it runs in" is its own working directory.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";

const BIN = new URL("../../bin/leadloop.js", import.meta.url).pathname;
const SHIPPED = new URL("../..", import.meta.url).pathname;

async function leadloopIn(cwd: string, args: string[], env: Record<string, string> = {}) {
  const base: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: "", TZ: "UTC", ...env };
  if (!("LEADLOOP_CONFIG" in env)) delete base.LEADLOOP_CONFIG;
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env: base });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, stdout, stderr };
}

/** A copy of the shipped configuration in `<root>/<name>/` (its mappings beside it), with `crm` set. */
function configFolder(root: string, name: string, crm: "salesforce" | "hubspot"): string {
  const folder = join(root, name);
  mkdirSync(folder, { recursive: true });
  for (const file of ["qualification.yaml", "routing.yaml", "sla.yaml"]) cpSync(join(SHIPPED, "config", file), join(folder, file));
  cpSync(join(SHIPPED, "mappings"), join(folder, "mappings"), { recursive: true });
  const text = readFileSync(join(SHIPPED, "config", "leadloop.example.yaml"), "utf8")
    .replace(/^crm: salesforce/m, `crm: ${crm}`)
    .replace(/^mappings: .*$/m, crm === "hubspot" ? "" : "mappings: ./mappings");
  writeFileSync(join(folder, "leadloop.yaml"), text);
  return join(folder, "leadloop.yaml");
}

interface ValidateJson {
  ok: boolean;
  config: string;
  crm: string;
}

describe("the configuration file a command reads", () => {
  // Folders named as people name them: accents, capitals and blanks.
  const root = mkdtempSync(join(tmpdir(), "leadloop-config-file-"));
  const marketing = configFolder(root, "Équipe Marketing", "salesforce");
  const fromEnv = configFolder(root, "Ops Réglages", "hubspot");
  const here = join(root, "Équipe Marketing");

  it("is ./leadloop.yaml in the working folder when neither --config nor LEADLOOP_CONFIG names one", async () => {
    const result = await leadloopIn(here, ["validate", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, config: marketing, crm: "salesforce" } satisfies ValidateJson);

    // A folder without one: the message names the file it looked for there.
    const empty = join(root, "Sans Fichier");
    mkdirSync(empty);
    const missing = await leadloopIn(empty, ["validate"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${join(empty, "leadloop.yaml")}: file not found`);
    // Said with where the file is looked for and how to make one, as an admin's first command meets it.
    expect(missing.stderr).toContain("(the default ./leadloop.yaml: name another with --config <file> or LEADLOOP_CONFIG;");
    expect(missing.stderr).toContain("`leadloop sandbox` writes ./sandbox/leadloop.yaml to try");

    // One named with --config is the file the admin meant: said alone.
    const named = await leadloopIn(empty, ["validate", "--config", join(empty, "Réglages.yaml")]);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(`${join(empty, "Réglages.yaml")}: file not found\n`);
  });

  it("is read after the options are checked: a wrong choice is said as such, not the missing file", async () => {
    const empty = join(root, "Sans Réglages");
    mkdirSync(empty);
    const listed = await leadloopIn(empty, ["errors", "list", "--status", "ouvert"]);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toContain("option '--status <status>' argument 'ouvert' is invalid. Allowed choices are open, resolved, discarded, all.");
    expect(listed.stderr).not.toContain("file not found");
  });

  it("is $LEADLOOP_CONFIG over ./leadloop.yaml, and --config over both", async () => {
    const env = await leadloopIn(here, ["validate", "--json"], { LEADLOOP_CONFIG: fromEnv });
    expect(env.code).toBe(0);
    expect(JSON.parse(env.stdout)).toMatchObject({ ok: true, config: fromEnv, crm: "hubspot" } satisfies ValidateJson);

    for (const flag of ["-c", "--config"]) {
      const flagged = await leadloopIn(here, ["validate", flag, marketing, "--json"], { LEADLOOP_CONFIG: fromEnv });
      expect(flagged.code).toBe(0);
      expect(JSON.parse(flagged.stdout)).toMatchObject({ ok: true, config: marketing, crm: "salesforce" } satisfies ValidateJson);
    }
  });
});
