// Routine per-record events go to debug and are counted once at info: `leadloop sync` at info says how
// many people qualified and were handed off in its run.finished line, without a line per person; at
// debug every one of them is there, as many as the count says. The same line says what the run read,
// wrote and refused: a daemon prints no summary, so its log is where an admin reads it.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SHIPPED_MAPPINGS } from "../../src/sandbox/package-paths.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openStore } from "../../src/store/open-store.js";
import { runCli } from "../support/cli-run.js";
import { pricingAndDemo } from "../support/funnel-harness.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

interface LogLine {
  level: string;
  message: string;
  events?: Record<string, number>;
  [count: string]: unknown;
}

const lines = (stderr: string): LogLine[] =>
  stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as LogLine);

describe("routine events at debug, counted at info", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 31, now: new Date(), contacts: 12 }), "log-events");
  });
  afterAll(async () => {
    await world.close();
  });

  /** A marketing director at a 250-person software company in France who asks for a demo: an MQL. */
  function marketingDirector(email: string, firstname: string, lastname: string, company: string, domain: string): void {
    const account = world.hubspot.data.createObject("companies", {
      name: company,
      domain,
      industry: "COMPUTER_SOFTWARE",
      numberofemployees: "250",
      country: "France",
    });
    const contact = world.hubspot.data.createObject("contacts", {
      email,
      firstname,
      lastname,
      jobtitle: "Directrice Marketing",
      company,
      country: "France",
    });
    world.hubspot.data.associate("contacts", contact.id, "companies", account.id);
    pricingAndDemo(world, contact.id);
  }

  it("at debug lists each person event; at info only their counts in run.finished", async () => {
    marketingDirector("Zoë.Dupré@Clermont-Industrie.fr", "Zoë", "Dupré", "Clermont Industrie", "clermont-industrie.fr");
    marketingDirector("camille.lefevre@acme-industrie.fr", "Camille", "Lefèvre", "Acme Industrie", "acme-industrie.fr");
    const debug = await runCli(["--log-level", "debug", "sync", "--config", world.configPath]);
    expect([0, 4]).toContain(debug.code);
    const all = lines(debug.stderr);
    const finished = all.find((l) => l.message === "run.finished")!;
    expect(finished.level).toBe("info");
    const qualified = all.filter((l) => l.message === "person.qualified");
    expect(qualified.length).toBeGreaterThanOrEqual(2);
    expect(qualified.every((l) => l.level === "debug")).toBe(true);
    expect(finished.events?.["person.qualified"]).toBe(qualified.length);
    expect(finished.events?.["person.handed_off"]).toBe(all.filter((l) => l.message === "person.handed_off").length);

    // A new MQL next run: at info there is no line for her, and the count says one.
    marketingDirector("Inès.Garnier@Lyon-Données.fr", "Inès", "Garnier", "Lyon Données", "lyon-donnees.fr");
    const info = await runCli(["--log-level", "info", "sync", "--config", world.configPath]);
    const shown = lines(info.stderr);
    expect(shown.filter((l) => l.message.startsWith("person.") || l.message.startsWith("conflict."))).toEqual([]);
    expect(shown.find((l) => l.message === "run.finished")?.events?.["person.qualified"]).toBe(1);
    // Each `leadloop sync` is a new process, with a Salesforce session to fetch: said apart from the API calls.
    expect(info.stdout).toMatch(/\n {2}API calls: hubspot \d+, salesforce \d+\n {2}session requests: salesforce 1 \(not counted against API limits\)\n/);
  });

  it("says in a daemon's run.finished line what the run read, wrote and refused, as the run's summary does", async () => {
    marketingDirector("Léa.Rousseau@Nantes-Logiciel.fr", "Léa", "Rousseau", "Nantes Logiciel", "nantes-logiciel.fr");
    const daemon = await runCli(["--log-level", "info", "daemon", "--port", "0", "--runs", "1", "--config", world.configPath]);
    expect(daemon.code).toBe(0);
    const finished = lines(daemon.stderr).find((l) => l.message === "run.finished")!;
    const store = await openStore({ path: world.storePath }, { existing: true });
    const [run] = await store.listRuns(1).finally(() => store.close());
    const summary = run!.summary as Record<string, unknown>;
    for (const count of ["read", "created", "updated", "errors", "openErrors", "handoffs", "apiCalls", "authCalls"]) {
      expect([count, finished[count]]).toEqual([count, summary[count]]);
    }
    expect((finished.created as Record<string, number>).salesforce).toBeGreaterThan(0);
    // A new daemon's first run fetches its Salesforce session: one token request, counted apart.
    expect(finished.authCalls).toEqual({ hubspot: 0, salesforce: 1 });
    expect(finished.durationMs).toBe(Date.parse(run!.finishedAt!) - Date.parse(run!.startedAt));
  });
});

describe("a failed `leadloop sync` in the JSON log", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 32, now: new Date(), contacts: 8 }), "log-run-failed");
  });
  afterAll(async () => {
    await world.close();
  });
  afterEach(() => {
    world.salesforce.faults.clear();
  });

  it("logs one run.failed at error, with the message stderr and --json give and the kind to alert on", async () => {
    // Salesforce refuses the integration user's credentials: the run cannot start its work.
    world.salesforce.faults.add({ requests: [{ kind: "status", status: 401, path: "/services/" }] });
    const run = await runCli(["--log-level", "info", "sync", "--json", "--config", world.configPath]);
    expect(run.code).toBe(3);
    const summary = JSON.parse(run.stdout) as { status: string; failure: string };
    expect(summary.status).toBe("failed");
    const errors = lines(run.stderr).filter((l) => l.level === "error");
    expect(errors).toEqual([expect.objectContaining({ message: "run.failed", kind: "auth", system: "salesforce", error: summary.failure })]);
    // The person's line is there too, as before: the log event adds to it, it does not replace it.
    expect(run.stderr).toContain(summary.failure);
  });

  it("stops after one sync.retryPatience when Salesforce is unreachable, not after the opening probe's and then a read's", async () => {
    const configPath = join(world.dir, "leadloop-patience.yaml");
    writeFileSync(configPath, `${readFileSync(world.configPath, "utf8")}sync:\n  retryPatience: 1s\n`);
    // A store with cursors, as every run after the first has: its run opens with the probe of its windows.
    expect((await runCli(["sync", "--config", configPath])).code).toBe(0);
    // Salesforce cannot be reached: every connection is dropped, its login's (the new process's first call) too.
    world.salesforce.faults.add({ requests: [{ kind: "drop", path: "/services/" }] });

    const run = await runCli(["--log-level", "info", "sync", "--json", "--config", configPath]);

    expect(run.code).toBe(3);
    const logged = lines(run.stderr);
    expect(logged.filter((l) => l.level === "error")).toEqual([
      expect.objectContaining({ message: "run.failed", kind: "transient", system: "salesforce" }),
    ]);
    // The probe's call used the patience up: the run says so and ends, rather than wait it out again.
    expect(logged.filter((l) => l.message.startsWith("salesforce.probe_failed"))).toEqual([]);
    expect((JSON.parse(run.stdout) as { failure: string }).failure).toContain("1s patience (sync.retryPatience)");
  });

  it("logs run.failed with kind config, naming the file, line and key, when a mapping an admin edited has a typo", async () => {
    const mappings = join(world.dir, "mappings-typo");
    cpSync(SHIPPED_MAPPINGS, mappings, { recursive: true });
    const lead = join(mappings, "contact-lead.yaml");
    writeFileSync(lead, readFileSync(lead, "utf8").replace("    conflict: prefer_crm_unless_blank\n", "    conflcit: prefer_crm_unless_blank\n"));
    const configPath = join(world.dir, "leadloop-typo.yaml");
    writeFileSync(configPath, readFileSync(world.configPath, "utf8").replace(/^mappings: .*$/m, `mappings: ${mappings}`));

    const run = await runCli(["--log-level", "info", "sync", "--config", configPath]);
    expect(run.code).toBe(2);
    const errors = lines(run.stderr).filter((l) => l.level === "error");
    expect(errors).toEqual([expect.objectContaining({ message: "run.failed", kind: "config" })]);
    expect(errors[0]!.error).toContain(`${lead}:37:5: fields[0].conflcit: unknown key (did you mean "conflict"?)`);
  });

  it("exits 2 naming the file, line, key and field when Salesforce has no field a mapping names, the run recorded as failed", async () => {
    const mappings = join(world.dir, "mappings-seniority");
    cpSync(SHIPPED_MAPPINGS, mappings, { recursive: true });
    const lead = join(mappings, "contact-lead.yaml");
    const shipped = readFileSync(lead, "utf8");
    // The admin maps a field the org does not have (a custom field not created yet), as the file's last entry.
    writeFileSync(lead, `${shipped}  - marketing: hs_seniority\n    crm: Seniority__c\n    direction: to_crm\n    conflict: prefer_marketing\n`);
    const entry = shipped.match(/^ {2}- marketing:/gm)!.length;
    const crmLine = shipped.split("\n").length + 1;
    const configPath = join(world.dir, "leadloop-seniority.yaml");
    writeFileSync(configPath, readFileSync(world.configPath, "utf8").replace(/^mappings: .*$/m, `mappings: ${mappings}`));

    const run = await runCli(["--log-level", "info", "sync", "--json", "--config", configPath]);

    // A configuration error, though the run had begun when Salesforce showed it: 2, as `validate --live` would.
    expect(run.code).toBe(2);
    const [failed] = lines(run.stderr).filter((l) => l.level === "error");
    expect(failed).toMatchObject({ message: "run.failed", kind: "config", system: "salesforce" });
    expect(failed!.error).toMatch(new RegExp(`^${lead.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:${crmLine}: fields\\[${entry}\\]\\.crm \\(Seniority__c\\): .*Seniority__c.*Lead`));
    expect(run.stderr).toContain(`leadloop: ${String(failed!.error)}`);
    // The run began, so it is recorded, as failed with the same words; --json says the same.
    const summary = JSON.parse(run.stdout) as { runId: string | null; status: string; failure: string };
    expect(summary).toMatchObject({ status: "failed", failure: failed!.error });
    const store = await openStore({ path: world.storePath }, { existing: true });
    const [recorded] = await store.listRuns(1).finally(() => store.close());
    expect(recorded).toMatchObject({ id: summary.runId, status: "failed", summary: { failure: failed!.error } });
  });

  it("exits 2 naming the file, line, key and property when HubSpot has no property a mapping names, before any record is read", async () => {
    const mappings = join(world.dir, "mappings-buying-role");
    cpSync(SHIPPED_MAPPINGS, mappings, { recursive: true });
    const lead = join(mappings, "contact-lead.yaml");
    const shipped = readFileSync(lead, "utf8");
    // The admin maps a contact property the portal does not have (a custom property not created yet).
    writeFileSync(lead, `${shipped}  - marketing: buying_role\n    crm: Description\n    direction: both\n    conflict: prefer_crm\n`);
    const entry = shipped.match(/^ {2}- marketing:/gm)!.length;
    const marketingLine = shipped.split("\n").length;
    const configPath = join(world.dir, "leadloop-buying-role.yaml");
    writeFileSync(configPath, readFileSync(world.configPath, "utf8").replace(/^mappings: .*$/m, `mappings: ${mappings}`));

    const run = await runCli(["--log-level", "info", "sync", "--json", "--config", configPath]);

    // Where the run went on: HubSpot's reads left the property out, each write of it an error-queue entry.
    expect(run.code).toBe(2);
    const problem = `${lead}:${marketingLine}: fields[${entry}].marketing (buying_role): HubSpot has no contacts property buying_role`;
    expect(run.stderr.trim().split("\n").at(-1)).toContain(`leadloop: ${problem}`);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: "failed", failure: expect.stringContaining(problem) });
  });

  it("logs run.failed with kind conflict when another run holds the store", async () => {
    const store = await openStore({ path: world.storePath }, { existing: true });
    const holder = "crm-worker-2:4711:run-20261205T091500";
    await store.acquireLock("sync", holder, new Date().toISOString(), 2 * 60_000);
    try {
      const run = await runCli(["--log-level", "info", "sync", "--config", world.configPath]);
      expect(run.code).toBe(1);
      const errors = lines(run.stderr).filter((l) => l.level === "error");
      expect(errors).toEqual([expect.objectContaining({ message: "run.failed", kind: "conflict" })]);
      expect(errors[0]!.error).toContain(`another leadloop run holds the state store's lock (${holder}`);
    } finally {
      await store.releaseLock("sync", holder);
      await store.close();
    }
  });
});
