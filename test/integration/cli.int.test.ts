// The `leadloop` command as a user drives it: exit statuses, --help, --json on stdout, logs on stderr.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type HubspotEmulator, startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { SHIPPED_CONFIG } from "../../src/sandbox/package-paths.js";
import { type SalesforceEmulator, startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import { sandboxConfigText } from "../../src/sandbox/sandbox-config.js";
import { openStore } from "../../src/store/open-store.js";
import { BEHAVIOUR_SOURCE_FACT } from "../../src/sync/funnel/behaviour-reader.js";
import { runCli } from "../support/cli-run.js";

const example = new URL("../../config/leadloop.example.yaml", import.meta.url).pathname;
const BIN = new URL("../../bin/leadloop.js", import.meta.url).pathname;

/** The built command in a child process of its own, as a shell runs it. */
async function spawnCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_OPTIONS: "", TZ: "UTC" } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, stdout, stderr };
}

/** Both emulators on 127.0.0.1 and a sandbox configuration for them with this `sync.retryPatience`. */
async function withEmulators(
  patience: string,
  use: (world: { hubspot: HubspotEmulator; salesforce: SalesforceEmulator; config: string; store: string }) => Promise<void>,
): Promise<void> {
  const hubspot = await startHubspotEmulator();
  const salesforce = await startSalesforceEmulator();
  try {
    const dir = mkdtempSync(join(tmpdir(), "leadloop-cli-emulated-"));
    const config = join(dir, "leadloop.yaml");
    const endpoints = {
      hubspot: { url: hubspot.url, accessToken: hubspot.accessToken },
      salesforce,
      storePath: join(dir, "state.db"),
      routingPath: join(SHIPPED_CONFIG, "routing.yaml"),
      crm: "salesforce" as const,
    };
    writeFileSync(config, `${sandboxConfigText(endpoints)}sync:\n  retryPatience: ${patience}\n`);
    await use({ hubspot, salesforce, config, store: endpoints.storePath });
  } finally {
    await hubspot.close();
    await salesforce.close();
  }
}

describe("leadloop CLI", () => {
  it("prints help for the program and for each command, exit 0", async () => {
    const top = await runCli(["--help"]);
    expect(top.code).toBe(0);
    for (const command of ["sync", "daemon", "errors", "explain", "unlock", "validate", "sandbox"]) {
      expect(top.stdout).toContain(command);
    }
    const sync = await runCli(["sync", "--help"]);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain("--dry-run");
    // What the help says is what the command does: a discarded entry is kept (listed as discarded), and an
    // --id left out has no value to show.
    const discard = (await runCli(["errors", "discard", "--help"])).stdout;
    expect(discard).not.toContain("(default: [])");
    expect(discard).not.toContain("leave the queue");
    expect(discard.replace(/\s+/g, " ")).toContain("they are kept as discarded, no longer open, and their refused write is never sent");
    expect((await runCli(["errors", "retry", "--help"])).stdout).not.toContain("(default: [])");
    // A touch is what README's SLA section says it is; more touches are owed only until the rep decides.
    const sla = (await runCli(["sla", "--help"])).stdout.replace(/\s+/g, " ");
    expect(sla).not.toContain("too few touches");
    expect(sla).toContain("a task they complete, or a lead status they set; leadloop's own tasks never count");
    expect(sla).toContain("until the rep decides, when fewer touches than config/sla.yaml expects are made within its touch window");
  });

  it("exits 2 on an unknown command or option", async () => {
    expect((await runCli(["synk"])).code).toBe(2);
    expect((await runCli(["sync", "--dry-runn"])).code).toBe(2);
    // Help asked of a command that does not exist is no help: the name is said unknown, a near one offered.
    for (const args of [["runs", "--help"], ["-c", "leadloop.yaml", "erors", "list", "-h"]]) {
      const asked = await runCli(args);
      expect({ args, code: asked.code, stdout: asked.stdout }).toEqual({ args, code: 2, stdout: "" });
      expect(asked.stderr).toContain(`error: unknown command '${args.includes("runs") ? "runs" : "erors"}'`);
    }
    expect((await runCli(["erors", "--help"])).stderr).toContain("Did you mean errors?");
    // At any depth, and through the help command: the unknown name is the one said, with its near name.
    const unknown = { lst: ["errors", "lst", "--help"], slaa: ["help", "report", "slaa"], runs: ["help", "runs"] };
    for (const [name, args] of [...Object.entries(unknown), ["lst", ["help", "errors", "lst"]] as const]) {
      const asked = await runCli([...args]);
      expect({ args, code: asked.code, stdout: asked.stdout }).toEqual({ args, code: 2, stdout: "" });
      expect(asked.stderr).toContain(`error: unknown command '${name}'`);
    }
    expect((await runCli(["help", "errors", "lst"])).stderr).toContain("Did you mean list?");
    // The help command names a subcommand as --help does.
    const nested = await runCli(["help", "report", "funnel"]);
    expect(nested.code).toBe(0);
    expect(nested.stdout).toBe((await runCli(["report", "funnel", "--help"])).stdout);
    expect(nested.stdout).toContain("Usage: leadloop report funnel");
    // After the help word every word names a command: one past a command without subcommands is unknown too.
    for (const args of [["help", "errors", "list", "extra"], ["help", "explain", "ana.lopez@acme.com"]]) {
      const asked = await runCli(args);
      expect({ args, code: asked.code, stdout: asked.stdout }).toEqual({ args, code: 2, stdout: "" });
      expect(asked.stderr).toContain(`error: unknown command '${args.at(-1)}' ('${args.slice(1, -1).join(" ")}' has no subcommands)`);
    }
    // An operand the command does not take is the usage error with the help option as without it, where
    // the help was printed and the exit was 0; the operands a command takes, and its options' values, are
    // no excess.
    for (const args of [
      ["errors", "list", "extra", "--help"],
      ["errors", "list", "--json", "extra", "-h"],
      ["-c", "leadloop.yaml", "explain", "ana.lopez@acme.com", "jo.ng@acme.com", "--help"],
      ["report", "funnel", "--since", "2026-01-01", "q3", "--help"],
    ]) {
      const asked = await runCli(args);
      const command = args.includes("explain") ? "explain" : args.includes("funnel") ? "funnel" : "list";
      expect({ args, code: asked.code, stdout: asked.stdout }).toEqual({ args, code: 2, stdout: "" });
      expect(asked.stderr).toContain(`error: too many arguments for '${command}'. Expected ${command === "explain" ? "1 argument" : "0 arguments"}`);
      expect(asked.stderr).toBe((await runCli(args.filter((a) => a !== "--help" && a !== "-h"))).stderr);
    }
    const spawned = await spawnCli(["errors", "list", "extra", "--help"]);
    expect(spawned).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: too many arguments for 'list'. Expected 0 arguments but got 1.\n(run with --help for usage)\n",
    });
    for (const args of [["explain", "ana.lopez@acme.com", "--help"], ["report", "funnel", "--since", "2026-01-01", "--help"], ["errors", "list", "--log-level", "debug", "-h"]]) {
      const asked = await runCli(args);
      expect({ args, code: asked.code, stderr: asked.stderr }).toEqual({ args, code: 0, stderr: "" });
      expect(asked.stdout).toContain("Usage: leadloop ");
    }
    // The help option before the command's name asks that command's help, as after it does.
    for (const args of [["--help", "report"], ["-h", "report", "funnel"], ["-c", "leadloop.yaml", "--help", "errors", "discard"]]) {
      const asked = await runCli(args);
      const named = args.filter((a) => !["--help", "-h", "-c", "leadloop.yaml"].includes(a));
      expect({ args, code: asked.code }).toEqual({ args, code: 0 });
      expect(asked.stdout).toBe((await runCli([...named, "--help"])).stdout);
      expect(asked.stdout).toContain(`Usage: leadloop ${named.join(" ")}`);
    }
    const known = await runCli(["errors", "--help"]);
    expect(known.code).toBe(0);
    expect(known.stdout).toContain("discard");
  });

  it("reads whole-number options one way: out of range or not a number is exit 2 naming the option", async () => {
    const refused: [string[], string][] = [
      [["daemon", "--port", "70000"], "option '--port <n>' argument '70000' is invalid. expected a whole number from 0 to 65535"],
      [["daemon", "--port", "9464abc"], "option '--port <n>' argument '9464abc' is invalid"],
      [["daemon", "--runs", "0"], "option '--runs <n>' argument '0' is invalid. expected a whole number ≥ 1"],
      [["errors", "retry", "--id", "douze"], "option '--id <n>' argument 'douze' is invalid"],
      [["hot", "--limit", "-1"], "option '--limit <n>' argument '-1' is invalid"],
      [["forecast", "--contacts", "250000", "--hubspot-burst", "0"], "option '--hubspot-burst <n>' argument '0' is invalid"],
      [["sandbox", "--contacts", "1e3"], "option '--contacts <n>' argument '1e3' is invalid"],
    ];
    for (const [args, message] of refused) {
      const result = await runCli(args);
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: "" });
      expect(result.stderr).toContain(message);
    }
    // A configuration file the sandbox cannot write is named before any emulator starts.
    const notAFolder = join(mkdtempSync(join(tmpdir(), "leadloop-config-out-")), "a-file");
    writeFileSync(notAFolder, "");
    const configOut = await runCli(["sandbox", "--config-out", join(notAFolder, "leadloop.yaml")]);
    expect(configOut.code).toBe(2);
    expect(configOut.stderr).toContain(`leadloop: --config-out ${join(notAFolder, "leadloop.yaml")}: cannot write it: a part of its path is a file, not a folder`);
    // Thousands may be grouped, as people write them.
    const grouped = await runCli(["forecast", "--contacts", "250,000", "--changes-per-day", "25_000", "--json"]);
    expect(grouped.code).toBe(0);
    expect(JSON.parse(grouped.stdout)).toMatchObject({ counts: { contacts: 250_000, changesPerDay: 25_000 } });
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

    // Paths that lead to the wrong kind of thing say so, not a raw EISDIR or ENOTDIR.
    const folder = await runCli(["validate", "--config", dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`${dir}: it is a folder, not a file`);
    const mappingsFile = join(dir, "mappings-as-a-file.yaml");
    writeFileSync(mappingsFile, readFileSync(example, "utf8").replace(/^mappings: .*$/m, `mappings: ${broken}`));
    const notFolder = await runCli(["validate", "--config", mappingsFile]);
    expect(notFolder.code).toBe(2);
    // Said at the key that names it (the mappings key's line of the example), with the path it gives.
    const mappingsLine = readFileSync(example, "utf8").split("\n").findIndex((l) => l.startsWith("mappings:")) + 1;
    expect(notFolder.stderr).toContain(`${mappingsFile}:${mappingsLine}:1: mappings: it is a file, not a folder of mappings: ${broken}\n`);
  });

  it("validate checks every file even when an earlier one has problems, and --json gives them all on stdout (exit 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leadloop-cli-files-"));
    const shipped = dirname(example);
    // A shipped file with one mistake in the copy, at `name` under `dir`; the file and the line to name.
    const copy = (name: string, from: string, to: string) => {
      const text = readFileSync(join(shipped, "..", name.startsWith("mappings/") ? "" : "config", name), "utf8");
      expect(text).toContain(from);
      writeFileSync(join(dir, name), text.replace(from, to));
      return { file: join(dir, name), line: text.split("\n").findIndex((l) => l.includes(from.trim())) + 1 };
    };
    mkdirSync(join(dir, "mappings"));
    for (const name of ["company-account.yaml", "contact-contact.yaml", "deal-opportunity.yaml"]) {
      copyFileSync(join(shipped, "..", "mappings", name), join(dir, "mappings", name));
    }
    const mapping = copy("mappings/contact-lead.yaml", "    conflict: prefer_crm_unless_blank\n", "    conflict: prefer_crm_unles_blank\n");
    const qualification = copy("qualification.yaml", "  mql: 60", "  mql: sixty");
    const routing = copy("routing.yaml", "keepAccountOwner: true", "keepAccountOwner: yes please");
    const sla = copy("sla.yaml", "clock: calendar", "clock: calender");
    const config = join(dir, "leadloop.yaml");
    writeFileSync(config, readFileSync(example, "utf8").replace(/^mappings: .*$/m, "mappings: ./mappings"));

    const text = await runCli(["validate", "--config", config]);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe("");
    for (const { file, line } of [mapping, qualification, routing, sla]) expect(text.stderr).toContain(`${file}:${line}:`);

    const json = await runCli(["validate", "--json", "--config", config]);
    expect(json.code).toBe(2);
    const answer = JSON.parse(json.stdout) as { ok: boolean; problems: { source: string; line: number; key: string; severity: string }[] };
    expect(answer.ok).toBe(false);
    expect(answer.problems.map((p) => [p.source, p.line, p.key, p.severity])).toEqual([
      [mapping.file, mapping.line, "fields[0].conflict", "error"],
      [qualification.file, qualification.line, "thresholds.mql", "error"],
      [routing.file, routing.line, "keepAccountOwner", "error"],
      [sla.file, sla.line, "clock", "error"],
    ]);
  });

  it("refuses a token an HTTP header cannot carry, by position, without printing the token (exit 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leadloop-token-"));
    const config = join(dir, "leadloop.yaml");
    // Pasted from a document: typographic quotes around the token.
    const text = readFileSync(example, "utf8").replace(
      "${HUBSPOT_ACCESS_TOKEN:-pat-na1-replace-me}",
      "“pat-na1-5f1c9a7e-séçret”",
    );
    writeFileSync(config, text);
    const line = text.split("\n").findIndex((l) => l.includes("pat-na1-5f1c9a7e")) + 1;
    for (const command of [["validate"], ["sync", "--json"]]) {
      const result = await runCli([...command, "--config", config]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `${config}:${line}:16: hubspot.accessToken: has "“" (U+201C) at character 1, which a token cannot hold`,
      );
      expect(result.stderr).not.toContain("5f1c9a7e");
      // sync --json says why on stdout too (a run that never began), without the token either.
      if (command[0] === "sync") expect(JSON.parse(result.stdout)).toMatchObject({ runId: null, status: "failed" });
      else expect(result.stdout).toBe("");
      expect(result.stdout).not.toContain("5f1c9a7e");
    }
    // A line break at its end, as a secret read from a file often has.
    const env = { HUBSPOT_ACCESS_TOKEN: "pat-na1-5f1c9a7e\n" };
    const fromEnv = await runCli(["validate", "--config", example], env);
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain("hubspot.accessToken: has a line break (U+000A) at character 17");
    expect(fromEnv.stderr).not.toContain("5f1c9a7e");
  });

  it("stops `sync` when a 429 storm outlasts sync.retryPatience: exit 3, and stderr says it stopped", async () => {
    await withEmulators("2s", async ({ hubspot, config }) => {
      // Every read of contacts answers HubSpot's own 429 until cleared.
      await hubspot.control.addFaults({
        requests: [{ kind: "rate_limit", path: "/crm/v3/objects/contacts", retryAfterSeconds: 0 }],
      });
      const result = await runCli(["--log-level", "error", "sync", "--config", config]);
      expect(result.code).toBe(3);
      const last = result.stderr.trim().split("\n").at(-1) ?? "";
      expect(last).toMatch(
        /^leadloop: stopped after 2s of 429 Too Many Requests from HubSpot \(.+ limit\) on (GET|POST) \/crm\/v3\/objects\/contacts.*: \d+ attempts used up the 2s patience \(sync\.retryPatience\)\. Work committed so far is kept; the next run resumes from the saved cursors\.$/,
      );
      expect(result.stderr).not.toMatch(/retrying/);
    });
  });

  it("sandbox of one contact counts its world in the singular where it is one: 1 contact, 1 company, 1 opportunity", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leadloop-sandbox-one-"));
    const result = await runCli(["--log-level", "error", "sandbox", "--contacts", "1", "--runs", "1", "--config-out", join(dir, "leadloop.yaml")]);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")[0]).toMatch(/^seeded: 1 contact, 1 company, \d+ activities, \d+ reps; CRM: \d+ leads, 1 contact, \d+ accounts, 1 opportunity$/);
  });

  it("sandbox --crm hubspot says HubSpot's own objects are the CRM's, and a run's text summary counts its SLA breaches in HubSpot's words", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leadloop-sandbox-hubspot-crm-"));
    const result = await runCli(["--log-level", "error", "sandbox", "--runs", "2", "--crm", "hubspot", "--config-out", join(dir, "leadloop.yaml")]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(/^seeded: \d+ contacts, \d+ companies, \d+ activities, \d+ reps; CRM: HubSpot's own contacts, companies and deals$/);
    // HubSpot converts no Lead: a contact sales accepted is given a deal (report/words.ts), in every run's summary.
    const dealLines = lines.filter((l) => l.startsWith("  accepted contacts given a deal:"));
    expect(dealLines).toHaveLength(2);
    for (const line of dealLines) expect(line).toMatch(/^ {2}accepted contacts given a deal: \d+ {3}won: \d+ {3}lost: \d+ {3}SLA breaches: 0$/);
    expect(result.stdout).not.toMatch(/conversions|opportunit|converted/i);
    expect(lines.find((l) => l.startsWith("between runs:"))).toMatch(/ \d+ deals won, \d+ lost$/);
  });

  it("sandbox with Salesforce as the CRM counts the run's converted leads and the opportunities the reps won", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leadloop-sandbox-salesforce-crm-"));
    const result = await runCli(["--log-level", "error", "sandbox", "--runs", "2", "--config-out", join(dir, "leadloop.yaml")]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines.filter((l) => /^ {2}converted leads: \d+ {3}won: \d+ {3}lost: \d+ {3}SLA breaches: \d+$/.test(l))).toHaveLength(2);
    expect(lines.find((l) => l.startsWith("between runs:"))).toMatch(/ \d+ opportunities won, \d+ lost$/);
  });

  it("sync --json of a run that fails still prints its summary: run id, status failed and the failure, then exit 3", async () => {
    await withEmulators("2s", async ({ hubspot, config }) => {
      await hubspot.control.addFaults({
        requests: [{ kind: "rate_limit", path: "/crm/v3/objects/contacts", retryAfterSeconds: 0 }],
      });
      const result = await runCli(["--log-level", "error", "sync", "--json", "--config", config]);
      expect(result.code).toBe(3);
      const summary = JSON.parse(result.stdout) as { runId: string; status: string; failure: string; finishedAt: string };
      expect(summary.runId).toMatch(/\S/);
      expect(summary).toMatchObject({ status: "failed" });
      expect(summary.failure).toMatch(/429 Too Many Requests from HubSpot/);
      expect(summary.finishedAt).not.toBeNull();
      expect(result.stderr.trim().split("\n").at(-1)).toMatch(/^leadloop: stopped after 2s of 429/);
    });
  });

  it("sync --dry-run --json of a dry run that fails says it was a dry run (dryRun true), as a dry run that succeeds does", async () => {
    await withEmulators("2s", async ({ hubspot, config }) => {
      await hubspot.control.addFaults({
        requests: [{ kind: "rate_limit", path: "/crm/v3/objects/contacts", retryAfterSeconds: 0 }],
      });
      const result = await runCli(["--log-level", "error", "sync", "--dry-run", "--json", "--config", config]);
      expect(result.code).toBe(3);
      const summary = JSON.parse(result.stdout) as { dryRun: boolean; status: string; failure: string };
      expect(summary).toMatchObject({ dryRun: true, status: "failed" });
      expect(summary.failure).toMatch(/429 Too Many Requests from HubSpot/);
    });
  });

  it("validate --live against a HubSpot answering 429s: the files' checks first, then exit 3 saying the live check could not finish", async () => {
    await withEmulators("2s", async ({ hubspot, config }) => {
      await hubspot.control.addFaults({ requests: [{ kind: "rate_limit", retryAfterSeconds: 0 }] });
      const result = await runCli(["--log-level", "error", "validate", "--live", "--config", config]);
      expect(result.code).toBe(3);
      expect(result.stdout).toContain(`${config}: configuration ok (crm: salesforce`);
      expect(result.stdout).toMatch(/contact-lead\.yaml: \d+ fields ok/);
      const last = result.stderr.trim().split("\n").at(-1) ?? "";
      expect(last).toMatch(/^leadloop: the live check could not finish: stopped after 2s of 429 Too Many Requests from HubSpot .*patience \(sync\.retryPatience\)\.$/);
      // A check keeps nothing, so nothing resumes.
      expect(result.stderr).not.toContain("next run resumes");
      // With --json a script gets its answer on stdout too.
      const json = await runCli(["--log-level", "error", "validate", "--live", "--json", "--config", config]);
      expect(json.code).toBe(3);
      expect(JSON.parse(json.stdout)).toEqual({ ok: false, config, live: true, unfinished: expect.stringMatching(/^stopped after 2s of 429 Too Many Requests from HubSpot/) });
    });
  });

  it("validate --live gives no truncate advice for the phone fields phone_e164 writes: an E.164 number fits Salesforce's 40 characters", async () => {
    await withEmulators("10s", async ({ config }) => {
      const result = await runCli(["--log-level", "error", "validate", "--live", "--json", "--config", config]);
      expect(result.code).toBe(0);
      const problems = (JSON.parse(result.stdout) as { problems: { source: string; field: string; message: string }[] })
        .problems;
      // The shipped mappings write Phone and MobilePhone with phone_e164 (invalid: keep) on Lead, Contact and Account.
      expect(problems.filter((p) => /Phone$/.test(p.field))).toEqual([]);
      // The length check itself still runs: a free-text URL is still told to truncate.
      expect(problems).toContainEqual(
        expect.objectContaining({ field: "Website", message: expect.stringContaining("add truncate: 255") }),
      );
    });
  });

  it("validate --live, forecast --live and route create no store where none is; validate --live keeps the portal's behaviour source in one that exists", async () => {
    await withEmulators("10s", async ({ hubspot, config, store }) => {
      hubspot.data.createObject("contacts", {
        email: "mathilde.rousseau@atelier-lumiere.fr",
        firstname: "Mathilde",
        lastname: "Rousseau",
        country: "France",
        numemployees: "100-500",
      });
      const validated = await spawnCli(["--log-level", "error", "validate", "--live", "--json", "--config", config]);
      expect([validated.code, validated.stderr]).toEqual([0, ""]);
      expect(JSON.parse(validated.stdout)).toMatchObject({ live: true, behaviour: { portal: "events" } });
      const forecast = await spawnCli(["--log-level", "error", "forecast", "--live", "--json", "--config", config]);
      expect([forecast.code, forecast.stderr]).toEqual([0, ""]);
      const routed = await spawnCli(["--log-level", "error", "route", "--config", config, "Mathilde.Rousseau@atelier-lumiere.fr"]);
      expect(routed.stdout).toMatch(/^mathilde\.rousseau@atelier-lumiere\.fr: /);
      // Each answered from the systems alone, and left no store behind at store.path.
      expect(existsSync(store)).toBe(false);

      // A store that exists keeps what validate --live found, for the next run's start.
      await (await openStore({ path: store })).close();
      expect((await spawnCli(["--log-level", "error", "validate", "--live", "--config", config])).code).toBe(0);
      const kept = await openStore({ path: store }, { existing: true });
      try {
        expect(await kept.getFact(BEHAVIOUR_SOURCE_FACT)).toMatchObject({ value: "events" });
      } finally {
        await kept.close();
      }
    });
  }, 60_000);

  it("names the URL setting when it leads to a web server that is not the API, without retrying it", async () => {
    // Some other server, as a mistyped URL finds: HTML pages, 404 for a GET and 501 for anything else.
    const web = createServer((req, res) => {
      const status = req.method === "GET" ? 404 : 501;
      res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!DOCTYPE HTML>\n<html lang="en">\n<head><title>Error response</title></head>\n<body><h1>Error ${status}</h1></body>\n</html>\n`);
    });
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    const webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    try {
      // Ten minutes of patience: a retried 501 or 404 would outlast the test.
      await withEmulators("10m", async ({ hubspot, salesforce, config }) => {
        const text = readFileSync(config, "utf8");
        // Salesforce answers a 501 (a config-class fault): a configuration error, exit 2, as any. HubSpot's
        // first call is a GET, whose 404 the fault table cannot tell from a record not found: a failure, 1.
        const cases: [string, string, number, RegExp][] = [
          [hubspot.url, "hubspot", 1, /the answer is not HubSpot's \(no HubSpot error in it\); check that hubspot\.baseUrl is HubSpot's API/],
          [salesforce.url, "salesforce", 2, /an HTML page, not an answer of Salesforce's API: check salesforce\.instanceUrl and salesforce\.oauth\.loginUrl/],
        ];
        for (const [url, system, code, message] of cases) {
          const misdirected = join(dirname(config), `${system}.yaml`);
          writeFileSync(misdirected, text.replaceAll(url, webUrl));
          const result = await runCli(["--log-level", "error", "sync", "--config", misdirected]);
          expect({ system, code: result.code }).toEqual({ system, code });
          const last = result.stderr.trim().split("\n").at(-1) ?? "";
          expect(last).toMatch(message);
          expect(last).not.toContain("</html>");
        }
      });
    } finally {
      await new Promise((resolve) => web.close(resolve));
    }
  }, 60_000);

  it("stops `sync` on SIGTERM while a call is being retried, without waiting out sync.retryPatience: exit 3", async () => {
    let child: ChildProcessWithoutNullStreams | undefined;
    // Ten minutes of patience: only the stop can end this run within the test's time.
    await withEmulators("10m", async ({ hubspot, config }) => {
      try {
        await hubspot.control.addFaults({
          requests: [{ kind: "rate_limit", path: "/crm/v3/objects/contacts", retryAfterSeconds: 0 }],
        });
        let contactCalls = 0;
        hubspot.calls.observe((call) => {
          if (call.path.startsWith("/crm/v3/objects/contacts")) contactCalls++;
        });
        const sync = spawn(process.execPath, [BIN, "--log-level", "error", "sync", "--config", config], {
          env: { ...process.env, NODE_OPTIONS: "" },
        });
        child = sync;
        let stderr = "";
        sync.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
        const exited = new Promise<number | null>((resolve) => sync.on("close", resolve));
        // The signal comes once the contacts were refused twice: the call waits for its third attempt.
        while (contactCalls < 2 && sync.exitCode === null) await new Promise((r) => setTimeout(r, 50));
        sync.kill("SIGTERM");

        expect(await exited).toBe(3);
        const last = stderr.trim().split("\n").at(-1) ?? "";
        expect(last).toMatch(
          /^leadloop: stopped as asked \(SIGTERM or Ctrl-C\) after \S+ of 429 Too Many Requests from HubSpot \(.+ limit\) on (GET|POST) \/crm\/v3\/objects\/contacts.*, instead of retrying it for the rest of sync\.retryPatience\. Work committed so far is kept; the next run resumes from the saved cursors\.$/,
        );
      } finally {
        // Without the stop the run would go on for its ten minutes of patience.
        if (child?.exitCode === null) child.kill("SIGKILL");
      }
    });
  }, 60_000);

  it("keeps `daemon` running through SIGHUP (a closed terminal or session), saying so; SIGTERM still stops it with 0", async () => {
    let child: ChildProcessWithoutNullStreams | undefined;
    await withEmulators("1m", async ({ config }) => {
      try {
        const daemon = spawn(process.execPath, [BIN, "--log-level", "info", "daemon", "--config", config], {
          env: { ...process.env, NODE_OPTIONS: "" },
        });
        child = daemon;
        let stderr = "";
        daemon.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
          daemon.on("close", (code, signal) => resolve({ code, signal })),
        );
        const waitFor = async (text: string) => {
          const until = Date.now() + 20_000;
          while (!stderr.includes(text) && daemon.exitCode === null && daemon.signalCode === null && Date.now() < until)
            await new Promise((r) => setTimeout(r, 50));
        };
        await waitFor('"run.finished"');
        daemon.kill("SIGHUP");
        await waitFor("daemon.sighup_ignored");
        await new Promise((r) => setTimeout(r, 300));
        expect({ exitCode: daemon.exitCode, signal: daemon.signalCode }).toEqual({ exitCode: null, signal: null });
        expect(stderr).toContain("SIGHUP does not stop the daemon or reload leadloop.yaml");
        daemon.kill("SIGTERM");
        expect(await exited).toEqual({ code: 0, signal: null });
        expect(stderr).toContain('"signal":"SIGTERM"');
      } finally {
        if (child?.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
    });
  }, 60_000);

  it("ends quietly with status 0 when the reader of its output leaves early (`| head`)", async () => {
    for (const args of [["forecast", "--contacts", "250000"], ["forecast", "--contacts", "250000", "--json"], ["--help"]]) {
      const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_OPTIONS: "" } });
      // The reader is gone before leadloop writes its first line, as `head` is once it has its lines.
      child.stdout.destroy();
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect({ args, code, stderr }).toEqual({ args, code: 0, stderr: "" });
    }
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
