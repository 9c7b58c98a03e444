// A cron `leadloop sync` is a new process each run: the property lists and describes an earlier process read
// are kept in the store (ARCHITECTURE.md "Kept descriptions", issue 11: "an idle run makes at most a handful
// of calls"), so it reads none and makes a daemon's calls; it reads them again once `sync.descriptionsKeptFor`
// has passed, after a mapping changed, and after a write refused for a property the kept list holds.
import { spawn } from "node:child_process";
import Database from "better-sqlite3";
import { appendFileSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { SHIPPED_MAPPINGS } from "../../src/sandbox/package-paths.js";
import { DEFAULT_LOOKBACK_MS as HUBSPOT_LOOKBACK_MS } from "../../src/systems/hubspot/limits.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openStore } from "../../src/store/open-store.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const BIN = fileURLToPath(new URL("../../bin/leadloop.js", import.meta.url));

type PerSystem = { hubspot: number; salesforce?: number };

interface Process {
  code: number | null;
  stdout: string;
  stderr: string;
  hubspot: ObservedCall[];
  salesforce: ObservedCall[];
}

/**
 * `leadloop <args>` as cron starts it (dist/), with every call both emulators answered meanwhile;
 * `onLogLine` sees each JSON log line as it comes.
 */
async function leadloop(world: SandboxWorld, args: readonly string[], onLogLine?: (event: { message: string }) => void): Promise<Process> {
  const hubspot: ObservedCall[] = [];
  const salesforce: ObservedCall[] = [];
  const stops = [world.hubspot.calls.observe((c) => hubspot.push(c)), world.salesforce.calls.observe((c) => salesforce.push(c))];
  const child = spawn(process.execPath, [BIN, "--log-level", "info", ...args, "-c", world.configPath], {
    env: { ...process.env, NODE_OPTIONS: "", TZ: "UTC" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => {
    const before = stderr.length;
    stderr += c.toString("utf8");
    // Whole lines only: a chunk may end inside one.
    const start = stderr.lastIndexOf("\n", before - 1) + 1;
    const end = stderr.lastIndexOf("\n");
    if (!onLogLine || end < start) return;
    for (const line of stderr.slice(start, end).split("\n")) if (line.startsWith("{")) onLogLine(JSON.parse(line) as { message: string });
  });
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  for (const stop of stops) stop();
  return { code, stdout, stderr, hubspot, salesforce };
}

const sync = (world: SandboxWorld) => leadloop(world, ["sync", "--json"]);

/** Every description the store keeps, read `ageMs` earlier than it was. */
function backdateKeptDescriptions(world: SandboxWorld, ageMs: number): void {
  const db = new Database(world.storePath);
  try {
    const rows = db.prepare<[], { system: string; object: string; learnedAt: string }>("SELECT system, object, learned_at AS learnedAt FROM kept_descriptions").all();
    expect(rows.length).toBeGreaterThan(0);
    const update = db.prepare("UPDATE kept_descriptions SET learned_at = ? WHERE system = ? AND object = ?");
    for (const r of rows) update.run(new Date(Date.parse(r.learnedAt) - ageMs).toISOString(), r.system, r.object);
  } finally {
    db.close();
  }
}

/** The property lists a process read (GET /crm/v3/properties/{object}), by object. */
function propertyListReads(p: Process): string[] {
  return p.hubspot.filter((c) => c.endpoint === "GET /crm/v3/properties/:objectType").map((c) => c.path.split("/").pop()!);
}

/** The sObjects a process described, alone or in a composite call. */
function describes(p: Process): string[] {
  const urls = p.salesforce.flatMap((c) =>
    c.endpoint.endsWith("/composite") ? (c.body as { compositeRequest: { url: string }[] }).compositeRequest.map((r) => r.url) : [c.path],
  );
  return urls.filter((u) => u.endsWith("/describe")).map((u) => u.split("/").at(-2)!);
}

/** API calls as the systems count them: Salesforce's OAuth token requests are apart. */
function apiCalls(p: Process): PerSystem {
  return { hubspot: p.hubspot.length, salesforce: p.salesforce.filter((c) => !c.endpoint.includes("/oauth2/token")).length };
}

/** A process's JSON log events named `message`. */
function logEvents(p: Process, message: string): Record<string, unknown>[] {
  return p.stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((e) => e.message === message);
}

function editConfig(world: SandboxWorld, edit: (config: Record<string, unknown>) => void): void {
  const config = parse(readFileSync(world.configPath, "utf8")) as Record<string, unknown>;
  edit(config);
  writeFileSync(world.configPath, stringify(config));
}

describe.each(["salesforce", "hubspot"] as const)("a cron leadloop sync with %s as the CRM", (crm) => {
  let world: SandboxWorld;
  beforeEach(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 23, now: new Date(Date.now() - 60_000), contacts: 30 }), `kept-descriptions-${crm}`, crm);
  });
  afterEach(async () => {
    await world.close();
  });

  it("reads no property list or describe after the first process, and makes a daemon's calls", async () => {
    const first = await sync(world);
    expect(first.code).toBe(0);
    expect(propertyListReads(first).length).toBeGreaterThan(0);
    const firstEnded = Date.now();
    const second = await sync(world);
    expect(second.code).toBe(0);
    expect(propertyListReads(second)).toEqual([]);
    expect(describes(second)).toEqual([]);
    // An admin's `validate --live` asks the systems now, whatever is kept.
    const validate = await leadloop(world, ["validate", "--live"]);
    expect(validate.code).toBe(0);
    expect(propertyListReads(validate)).toContain("contacts");
    if (crm === "salesforce") expect(describes(validate)).toContain("Lead");
    // Past HubSpot's look-back since the first load's writes, then a daemon's two runs: its first reads
    // from before that look-back ended, its second is idle, prepared by its first.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstEnded + HUBSPOT_LOOKBACK_MS + 1_000 - Date.now())));
    editConfig(world, (config) => (config.schedule = { every: "1s" }));
    const daemon = await leadloop(world, ["daemon", "--port", "0", "--runs", "2"]);
    expect(daemon.code).toBe(0);
    const finished = logEvents(daemon, "run.finished") as { apiCalls: PerSystem }[];
    // A cron process's idle run after it makes the same calls: nothing is left to prepare.
    const idle = await sync(world);
    expect(idle.code).toBe(0);
    expect(propertyListReads(idle)).toEqual([]);
    expect(describes(idle)).toEqual([]);
    const summary = JSON.parse(idle.stdout) as { apiCalls: PerSystem };
    expect(summary.apiCalls).toEqual(crm === "salesforce" ? apiCalls(idle) : { hubspot: idle.hubspot.length });
    expect(summary.apiCalls).toEqual(finished[1]!.apiCalls);
    // README's figures for this world of 30 people (Commands, apiCalls of a cron run).
    expect(summary.apiCalls).toEqual(crm === "salesforce" ? { hubspot: 10, salesforce: 8 } : { hubspot: 7 });
  }, 120_000);

  it("reads them again once sync.descriptionsKeptFor (a day unless set) has passed, after a file the configuration names changed, and always with 0s", async () => {
    const mappings = join(world.dir, "mappings");
    cpSync(SHIPPED_MAPPINGS, mappings, { recursive: true });
    if (crm === "salesforce") editConfig(world, (config) => (config.mappings = mappings));
    const first = await sync(world);
    expect(first.code).toBe(0);
    const lists = [...propertyListReads(first)].sort();
    // Unset, the keeping time is a day (README, sync keys): a process 23 hours on reads none, 25 hours on each.
    backdateKeptDescriptions(world, 23 * 60 * 60_000);
    expect(propertyListReads(await sync(world))).toEqual([]);
    backdateKeptDescriptions(world, 2 * 60 * 60_000);
    expect([...propertyListReads(await sync(world))].sort()).toEqual(lists);
    editConfig(world, (config) => (config.sync = { ...(config.sync as object), descriptionsKeptFor: "1h" }));
    const kept = await sync(world);
    expect(propertyListReads(kept)).toEqual([]);
    // Past the keeping time: read again, each list once. The kept reads are made two hours old in the store
    // file, as the next cron process an hour later finds them, rather than waited for: a wait as long as the
    // keeping time is no bound on how long two processes take to start on a loaded machine.
    backdateKeptDescriptions(world, 2 * 60 * 60_000);
    const stale = await sync(world);
    expect([...propertyListReads(stale)].sort()).toEqual(lists);
    if (crm === "salesforce") expect(describes(stale).length).toBeGreaterThan(0);
    editConfig(world, (config) => (config.sync = { ...(config.sync as object), descriptionsKeptFor: "1d" }));
    expect(propertyListReads(await sync(world))).toEqual([]);
    // An admin's edit of a file that names properties, even a comment: read again.
    const edited = crm === "salesforce" ? join(mappings, "contact-lead.yaml") : join(world.dir, "routing.yaml");
    appendFileSync(edited, "\n# Reviewed by Zoë Lefèvre-Ångström (RevOps)\n");
    const changed = await sync(world);
    expect(changed.code).toBe(0);
    expect([...propertyListReads(changed)].sort()).toEqual(lists);
    expect(propertyListReads(await sync(world))).toEqual([]);
    // "0s": every process reads them, as before they were kept.
    editConfig(world, (config) => (config.sync = { ...(config.sync as object), descriptionsKeptFor: "0s" }));
    for (let i = 0; i < 2; i++) expect([...propertyListReads(await sync(world))].sort()).toEqual(lists);
  }, 120_000);
});

/** The shipped qualification's decision-maker titles (config/qualification.yaml, 20 fit points). */
const DECISION_MAKER = /\b(vp|vice[- ]president|head of|director|directeur|directrice|chief|c[eomrt]o|founder|owner|president)\b/i;

describe("what an admin deletes between two cron runs", () => {
  let world: SandboxWorld;
  /** A Lead leadloop made and scored, whose contact's title is no decision-maker's, once two runs settled. */
  let lead: Record<string, unknown>;
  beforeEach(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 23, now: new Date(Date.now() - 60_000), contacts: 30 }), "kept-descriptions-deleted");
    expect((await sync(world)).code).toBe(0);
    expect((await sync(world)).code).toBe(0);
    const found = world.salesforce.data
      .list("Lead")
      .find(
        (l) =>
          typeof l.HubSpot_Contact_Id__c === "string" &&
          l.HubSpot_Contact_Id__c !== "" &&
          typeof l.Leadloop_Score__c === "number" &&
          !DECISION_MAKER.test(String(l.Title ?? "")),
      );
    expect(found).toBeDefined();
    lead = found!;
  });
  afterEach(async () => {
    await world.close();
  });

  it("a HubSpot property: refused into the error queue, and the next run reads the list again and names the mapping entry", async () => {
    // A rep retitles the Lead; an admin deletes the contact property it maps to.
    world.salesforce.data.update("Lead", String(lead.Id), { Title: "Responsable Marketing Opérationnel" });
    world.hubspot.data.deleteProperty("contacts", "jobtitle");
    const refused = await sync(world);
    expect(propertyListReads(refused)).toEqual([]);
    expect(refused.code).toBe(4);
    const store = await openStore({ path: world.storePath }, { existing: true });
    try {
      const open = await store.listErrors({ status: "open" });
      expect(open.filter((e) => e.message.includes("PROPERTY_DOESNT_EXIST") && e.message.includes("jobtitle")).length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
    // The next run reads the contacts' list again and stops before any record, as a new process always did.
    const next = await sync(world);
    expect(propertyListReads(next)).toContain("contacts");
    expect(next.code).toBe(2);
    expect(next.stderr).toMatch(/contact-lead\.yaml.*jobtitle|jobtitle.*contact-lead\.yaml/);
  }, 120_000);

  it("a HubSpot property while a daemon runs: its next run reads the list again and names the mapping entry", async () => {
    editConfig(world, (config) => (config.schedule = { every: "1s" }));
    let edited = false;
    const daemon = await leadloop(world, ["daemon", "--port", "0", "--runs", "3"], (event) => {
      if (event.message !== "run.finished" || edited) return;
      edited = true;
      world.salesforce.data.update("Lead", String(lead.Id), { Title: "Responsable Marketing Opérationnel" });
      world.hubspot.data.deleteProperty("contacts", "jobtitle");
    });
    // Its first run recalled the lists the two syncs kept; its second is refused the title; its third
    // prepares again, reading the contacts' list, and fails naming the mapping entry.
    expect(propertyListReads(daemon)).toEqual(["contacts"]);
    expect(logEvents(daemon, "run.finished").map((e) => e.status)).toEqual(["succeeded", "succeeded"]);
    const [failed] = logEvents(daemon, "daemon.run_failed");
    expect(String(failed?.error)).toMatch(/contact-lead\.yaml.*jobtitle|jobtitle.*contact-lead\.yaml/);
  }, 120_000);

  it("a Salesforce field: fails the run that writes it, and the next run describes the object again and names the field", async () => {
    // A marketer retitles the person as a director (a fit rule's 20 points): the Lead takes the title and
    // the new score; an admin has deleted the Lead's score field meanwhile.
    world.hubspot.data.updateObject("contacts", String(lead.HubSpot_Contact_Id__c), { jobtitle: "Directrice Générale Adjointe" });
    world.salesforce.data.deleteField("Lead", "Leadloop_Score__c");
    const refused = await sync(world);
    expect(describes(refused)).toEqual([]);
    // Salesforce refuses the write's call (INVALID_FIELD): the run fails naming the field, as it stops.
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("No such column 'Leadloop_Score__c' on sobject of type Lead");
    const next = await sync(world);
    expect(describes(next)).toContain("Lead");
    // Described again, the field is missing before anything is sent, as a new process always found it.
    expect(next.code).toBe(2);
    expect(next.stderr).toContain("the mapping names a field Salesforce does not have: Lead.Leadloop_Score__c");
  }, 120_000);
});
