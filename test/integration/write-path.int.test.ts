// The one write path, phase by phase, through the `leadloop` command against both emulators: a write the
// system refuses lands in `errors list` with its phase, the run exits 4, `errors retry` fails honestly
// while the cause is still there and resolves the entry once it is fixed. Then the plan: a dry run
// shows exactly what the real run writes, and a second run with no edits writes nothing.
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jest } from "@jest/globals";
import type { Config } from "@jest/types";
import Database from "better-sqlite3";
import { type HubspotEmulator, startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { loadSeed } from "../../src/sandbox/load-seed.js";
import { SHIPPED_MAPPINGS } from "../../src/sandbox/package-paths.js";
import { playPeople } from "../../src/sandbox/play-people.js";
import { type SalesforceEmulator, startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import { writeSandboxConfig } from "../../src/sandbox/sandbox-config.js";
import { sandboxRoutingText } from "../../src/sandbox/sandbox-routing.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openStore } from "../../src/store/open-store.js";
import type { QueuedError, StateStore } from "../../src/store/port.js";
import { type CliResult, runCli } from "../support/cli-run.js";
import { pricingAndDemo, REPS, seedReps, TEST_ROUTING } from "../support/funnel-harness.js";

interface World {
  hubspot: HubspotEmulator;
  salesforce: SalesforceEmulator;
  config: string;
  storePath: string;
  cli(...args: string[]): Promise<CliResult>;
  withStore<T>(use: (store: StateStore) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

async function startWorld(routingText: string = TEST_ROUTING, crm: "salesforce" | "hubspot" = "salesforce"): Promise<World> {
  const hubspot = await startHubspotEmulator({ searchLagMs: 0 });
  // HubSpot as its own CRM: a Salesforce emulator still runs, unconfigured, so a stray call would show.
  const salesforce = await startSalesforceEmulator();
  const dir = mkdtempSync(join(tmpdir(), "leadloop-write-path-"));
  const storePath = join(dir, "state.db");
  const config = join(dir, "leadloop.yaml");
  writeSandboxConfig(config, routingText, {
    hubspot: { url: hubspot.url, accessToken: hubspot.accessToken },
    salesforce: crm === "salesforce" ? salesforce : undefined,
    storePath,
    crm,
  });
  return {
    hubspot,
    salesforce,
    config,
    storePath,
    cli: (...args) => runCli(["--log-level", "error", ...args, "--config", config]),
    withStore: async (use) => {
      const store = await openStore({ path: storePath });
      try {
        return await use(store);
      } finally {
        await store.close();
      }
    },
    close: async () => {
      await hubspot.close();
      await salesforce.close();
    },
  };
}

/** A French marketing director who reads the pricing page and asks for a demo: an MQL at once. */
function seedCamille(world: World) {
  const company = world.hubspot.data.createObject("companies", {
    name: "Acme Industrie",
    domain: "acme-industrie.fr",
    industry: "COMPUTER_SOFTWARE",
    numberofemployees: "250",
    country: "France",
  });
  const camille = world.hubspot.data.createObject("contacts", {
    email: "Camille.Lefevre@Acme-Industrie.fr",
    firstname: "Camille",
    lastname: "Lefèvre",
    jobtitle: "Directrice Marketing",
    company: "Acme Industrie",
    country: "France",
  });
  world.hubspot.data.associate("contacts", camille.id, "companies", company.id);
  pricingAndDemo(world, camille.id);
  return { company, camille };
}

async function openErrors(world: World): Promise<QueuedError[]> {
  const listed = await world.cli("errors", "list", "--json");
  expect(listed.code).toBe(0);
  return JSON.parse(listed.stdout) as QueuedError[];
}

interface RetryJson {
  resolved: number[];
  stillFailing: number[];
  skipped: { id: number; reason: string }[];
}

async function retry(world: World): Promise<{ code: number; result: RetryJson; stderr: string }> {
  const run = await world.cli("errors", "retry", "--json");
  return { code: run.code, result: JSON.parse(run.stdout) as RetryJson, stderr: run.stderr };
}

/** Calls that write: HubSpot object and batch writes, associations, and Salesforce sObject writes. */
function writeCalls(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts).filter(
      ([endpoint]) =>
        !endpoint.startsWith("GET ") &&
        // The composite resource itself (no path after it) is leadloop's window probe, all GETs: a read.
        !/\/search|\/query|oauth|\/batch\/read|composite\/sobjects\/\w+$|\/composite$/.test(endpoint) &&
        /(crm\/v\d+\/objects|crm\/v\d+\/associations|sobjects|composite)/.test(endpoint),
    ),
  );
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function nonZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0));
}

function tick(ms = 1100): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("a refused write, phase by phase", () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it("qualification: HubSpot refuses the score write; exit 4, listed, retry fails until the fault is gone", async () => {
    seedReps(world);
    const { camille } = seedCamille(world);
    await world.hubspot.control.addFaults({
      records: [{ object: "contacts", field: "leadloop_score", message: "Score property is locked by a workflow" }],
    });

    const sync = await world.cli("sync", "--json");
    expect(sync.code).toBe(4);
    const errors = await openErrors(world);
    const entry = errors.find((e) => e.operation === "qualification");
    expect(entry).toBeDefined();
    expect(entry).toMatchObject({ system: "hubspot", object: "contacts", recordId: camille.id, status: "open" });
    expect(entry!.message).toContain("Score property is locked by a workflow");
    expect(entry!.message.toLowerCase()).toContain("camille.lefevre@acme-industrie.fr");
    expect(world.hubspot.data.getObject("contacts", camille.id)!.properties.leadloop_score ?? null).toBeNull();

    const before = await retry(world);
    expect(before.code).toBe(4);
    expect(before.result.stillFailing).toContain(entry!.id);
    expect(before.result.resolved).not.toContain(entry!.id);
    // Another attempt, with the system's message again, and still naming the person.
    const again = (await openErrors(world)).find((e) => e.id === entry!.id)!;
    expect(again.attempts).toBe(entry!.attempts + 1);
    expect(again.message.toLowerCase()).toContain("camille.lefevre@acme-industrie.fr");

    await world.hubspot.control.clearFaults();
    const after = await retry(world);
    expect(after.code).toBe(0);
    expect(after.result.resolved).toContain(entry!.id);
    expect(Number(world.hubspot.data.getObject("contacts", camille.id)!.properties.leadloop_score)).toBeGreaterThanOrEqual(60);
    expect((await openErrors(world)).find((e) => e.id === entry!.id)).toBeUndefined();

    // Asked for by id, an entry already resolved is named, not passed over.
    const named = await world.cli("errors", "retry", "--id", String(entry!.id));
    expect(named.code).toBe(0);
    expect(named.stdout).toContain("resolved 0, still failing 0, skipped 1");
    expect(named.stdout).toContain(`#${entry!.id} skipped: already resolved`);
    // An id the queue never had is a typo: refused at once, exit 2, nothing retried.
    const typo = await world.cli("errors", "retry", "--id", String(entry!.id), "--id", "99999");
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe("");
    expect(typo.stderr).toContain("the error queue has no entry #99999; nothing was retried");
  });

  // A system (or a gateway before it) that echoes the request into one record's refusal: the call itself
  // succeeds, so the blanking of a failed call's message (call-retry.ts) never saw it, and the token went
  // into the store's error queue and `errors list`.
  it("a record's refusal that quotes the request's token is queued, listed and retried with the token blanked", async () => {
    seedReps(world);
    const { camille } = seedCamille(world);
    const token = world.hubspot.accessToken;
    await world.hubspot.control.addFaults({
      records: [{ object: "contacts", field: "leadloop_score", message: "Propriété verrouillée pour « Müller & Söhne »", echoAuthorization: true }],
    });

    const sync = await world.cli("sync", "--json");
    expect([sync.code, sync.stderr]).toEqual([4, ""]);
    const entry = (await openErrors(world)).find((e) => e.operation === "qualification");
    expect(entry).toMatchObject({ system: "hubspot", object: "contacts", recordId: camille.id });
    expect(entry!.message).toContain("Propriété verrouillée pour « Müller & Söhne » (Authorization: Bearer [redacted])");
    const retried = await retry(world);
    expect(retried.code).toBe(4);

    const listed = [await world.cli("errors", "list"), await world.cli("errors", "list", "--json")];
    for (const out of listed) {
      expect(out.stdout).toContain("Müller & Söhne");
      expect(out.stdout + out.stderr).not.toContain(token);
    }
    expect(sync.stdout + sync.stderr).not.toContain(token);
    const stored = ["", "-wal"].map((s) => `${world.storePath}${s}`).filter(existsSync).map((f) => readFileSync(f));
    expect(stored.some((bytes) => bytes.includes("Müller & Söhne"))).toBe(true);
    for (const bytes of stored) expect(bytes.includes(token)).toBe(false);
  });

  // With HubSpot as the CRM the handoff's task is a batch create whose answer (207) carries the refusal
  // of its one input: the call succeeds, and its per-record message went to the queue as HubSpot said it.
  it("a handoff task's refusal in a 207 answer that quotes the request's token is queued and listed with the token blanked", async () => {
    await world.close();
    world = await startWorld(TEST_ROUTING, "hubspot");
    seedReps(world);
    seedCamille(world);
    const token = world.hubspot.accessToken;
    await world.hubspot.control.addFaults({
      records: [{ object: "tasks", field: "hs_task_subject", message: "Aufgaben für „Müller & Söhne“ gesperrt", echoAuthorization: true }],
    });

    const sync = await world.cli("sync", "--json");
    expect([sync.code, sync.stderr]).toEqual([4, ""]);
    const queued = await openErrors(world);
    const entry = queued.find((e) => e.object === "tasks");
    expect(entry?.message).toContain("Aufgaben für „Müller & Söhne“ gesperrt (Authorization: Bearer [redacted])");
    for (const out of [await world.cli("errors", "list"), await world.cli("errors", "list", "--json")]) {
      expect(out.stdout).toContain("Müller & Söhne");
      expect(out.stdout + out.stderr).not.toContain(token);
    }
    const stored = ["", "-wal"].map((s) => `${world.storePath}${s}`).filter(existsSync).map((f) => readFileSync(f));
    for (const bytes of stored) expect(bytes.includes(token)).toBe(false);
  });

  // A value a mapping's transform cannot take (a phone number that is none, where the mapping says
  // `invalid: error`) is queued as the contact's `map` entry: it named the field but not the person, where
  // a system's refusal of the same record names them; and `errors list` named HubSpot's contact id as if
  // it were a Lead's (the entry is queued under the id of the record the value came from).
  it("map: a transform's refusal of a contact's value names the field, the contact it came from and the person in errors list", async () => {
    const mappings = join(mkdtempSync(join(tmpdir(), "leadloop-write-path-map-")), "mappings");
    cpSync(SHIPPED_MAPPINGS, mappings, { recursive: true });
    const lead = join(mappings, "contact-lead.yaml");
    const shipped = readFileSync(lead, "utf8");
    const phoneEntry = "  - marketing: phone\n    crm: Phone\n";
    expect(shipped).toContain(phoneEntry);
    const at = shipped.indexOf(phoneEntry);
    const end = shipped.indexOf("invalid: keep", at) + "invalid: keep".length;
    writeFileSync(lead, shipped.slice(0, at) + shipped.slice(at, end).replace("invalid: keep", "invalid: error") + shipped.slice(end));
    writeFileSync(world.config, readFileSync(world.config, "utf8").replace(/^mappings: .*$/m, `mappings: ${mappings}`));
    seedReps(world);
    const { camille } = seedCamille(world);
    world.hubspot.data.updateObject("contacts", camille.id, { phone: "pas de téléphone – écrire à l'accueil" });

    const sync = await world.cli("sync", "--json");
    expect(sync.code).toBe(4);
    const entry = (await openErrors(world)).find((e) => e.operation === "map");
    expect(entry).toMatchObject({ recordId: camille.id, payload: { email: "camille.lefevre@acme-industrie.fr" } });
    expect(entry!.message).toContain("pas de téléphone");
    expect(entry!.message).toMatch(/phone/i);
    expect(entry!.message).toContain("[camille.lefevre@acme-industrie.fr]");
    const listed = await world.cli("errors", "list");
    expect(listed.stdout).toMatch(new RegExp(`#${entry!.id} \\[open\\] salesforce Lead \\(from contacts ${camille.id}\\) map: .*pas de téléphone.*\\[camille\\.lefevre@acme-industrie\\.fr\\]`));
  });

  it("handoff: Salesforce refuses the alert task; no SLA clock until the retry after the fix", async () => {
    const reps = seedReps(world);
    const { camille } = seedCamille(world);
    await world.salesforce.control.addFaults({
      records: [{ object: "Task", field: "Subject", message: "Tâches bloquées par une règle de validation" }],
    });

    const sync = await world.cli("sync", "--json");
    expect(sync.code).toBe(4);
    const entry = (await openErrors(world)).find((e) => e.operation === "handoff");
    expect(entry).toBeDefined();
    expect(entry).toMatchObject({ system: "salesforce", object: "Task", status: "open" });
    expect(entry!.message).toContain("Tâches bloquées par une règle de validation");
    expect(entry!.message.toLowerCase()).toContain("camille.lefevre@acme-industrie.fr");
    const clocks = () => world.withStore((s) => s.listSlaClocks());
    expect((await clocks()).filter((c) => c.personId === camille.id)).toHaveLength(0);
    expect(world.salesforce.data.list("Task")).toHaveLength(0);

    const before = await retry(world);
    expect(before.code).toBe(4);
    expect(before.result.stillFailing.length).toBeGreaterThan(0);
    expect((await clocks()).filter((c) => c.personId === camille.id)).toHaveLength(0);

    await world.salesforce.control.clearFaults();
    const after = await retry(world);
    expect(after.code).toBe(0);
    expect(after.result.resolved).toContain(entry!.id);
    const clock = (await clocks()).find((c) => c.personId === camille.id);
    expect(clock).toBeDefined();
    const lead = world.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === camille.id)!;
    const tasks = world.salesforce.data.list("Task").filter((t) => t.WhoId === lead.Id);
    expect(tasks.some((t) => String(t.Subject).startsWith("New MQL: follow up within 4h"))).toBe(true);
    expect(tasks.every((t) => t.OwnerId === reps.get(REPS.emea.email)!.salesforce)).toBe(true);
    expect(await openErrors(world)).toHaveLength(0);
  });

  it("errors discard: an admin gives up on a refused alert task; it leaves the queue and the outbox, and the handoff is done", async () => {
    seedReps(world);
    const { camille } = seedCamille(world);
    await world.salesforce.control.addFaults({
      records: [{ object: "Task", field: "Subject", message: "Aufgaben sind für diese Queue gesperrt" }],
    });
    expect((await world.cli("sync", "--json")).code).toBe(4);
    // The alert task and the history's activity tasks, each refused.
    const entries = await openErrors(world);
    expect(entries.length).toBeGreaterThan(1);
    for (const e of entries) expect(e).toMatchObject({ system: "salesforce", object: "Task", operation: "handoff", status: "open" });
    const entry = entries[0]!;
    const refused = () => world.withStore((s) => s.listOutbox({ refused: true }));
    expect((await refused()).length).toBeGreaterThan(0);

    // A typo is refused before anything changes; the entry is then discarded by its id.
    const none = await world.cli("errors", "discard");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("errors discard needs the entries to discard: --id <n>");
    const typo = await world.cli("errors", "discard", "--id", "424242");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("the error queue has no entry #424242; nothing was discarded");
    const one = await world.cli("errors", "discard", "--id", String(entry.id));
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`#${entry.id} discarded: salesforce Task`);
    expect((await openErrors(world)).map((e) => e.id)).not.toContain(entry.id);
    const rest = entries.slice(1).flatMap((e) => ["--id", String(e.id)]);
    const discarded = await world.cli("errors", "discard", ...rest, "--id", String(entry.id), "--json");
    expect(discarded.code).toBe(0);
    expect(JSON.parse(discarded.stdout)).toEqual({
      discarded: entries.slice(1).map((e) => e.id),
      skipped: [{ id: entry.id, reason: "already discarded" }],
    });

    // Out of the queue, listed as discarded; the refused task is never sent, even once the fault is gone.
    expect(await openErrors(world)).toEqual([]);
    const all = JSON.parse((await world.cli("errors", "list", "--status", "discarded", "--json")).stdout) as QueuedError[];
    expect(all.map((e) => e.id)).toEqual(entries.map((e) => e.id));
    expect(await refused()).toEqual([]);
    await world.salesforce.control.clearFaults();
    await tick();
    const next = await world.cli("sync", "--json");
    expect(next.code).toBe(0);
    expect(world.salesforce.data.list("Task")).toHaveLength(0);
    // The handoff's other writes were accepted, so its follow-up clock runs.
    expect((await world.withStore((s) => s.listSlaClocks())).map((c) => c.personId)).toContain(camille.id);
  });

  it("disposition: a rep recycles the lead, HubSpot refuses the write-back; retry after the fix writes the stage", async () => {
    seedReps(world);
    const { camille } = seedCamille(world);
    expect((await world.cli("sync", "--json")).code).toBe(0);
    const lead = world.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === camille.id)!;
    expect(lead).toBeDefined();
    expect(world.hubspot.data.getObject("contacts", camille.id)!.properties.leadloop_status).toBe("mql");

    await tick();
    await world.salesforce.control.call("POST", `/leads/${lead.Id as string}/status`, {
      status: "Closed - Not Converted",
    });
    await world.hubspot.control.addFaults({
      records: [{ object: "contacts", field: "leadloop_disposition_reason", message: "Contact is in a locked list" }],
    });
    const sync = await world.cli("sync", "--json");
    expect(sync.code).toBe(4);
    const entry = (await openErrors(world)).find((e) => e.operation === "disposition");
    expect(entry).toBeDefined();
    expect(entry).toMatchObject({ system: "hubspot", object: "contacts", recordId: camille.id });
    expect(entry!.message).toContain("Contact is in a locked list");
    expect(world.hubspot.data.getObject("contacts", camille.id)!.properties.leadloop_status).toBe("mql");

    const before = await retry(world);
    expect(before.code).toBe(4);
    expect(before.result.stillFailing).toContain(entry!.id);

    await world.hubspot.control.clearFaults();
    const after = await retry(world);
    expect(after.code).toBe(0);
    expect(after.result.resolved).toContain(entry!.id);
    const contact = world.hubspot.data.getObject("contacts", camille.id)!.properties;
    expect(contact.leadloop_status).toBe("recycled");
    // Back from MQL: cleared first, then set, on the retry too.
    expect(contact.lifecyclestage).toBe("lead");
    expect(contact.hs_lead_status).toBe("BAD_TIMING");
    expect(contact.leadloop_disposition_reason).toBe("Not ready to buy; back to nurture");
  });

  it("history: Salesforce refuses the history fill on a rep's own lead; retry after the fix fills it", async () => {
    seedReps(world);
    const company = world.hubspot.data.createObject("companies", {
      name: "Nowak Logistyka",
      domain: "nowak-logistyka.pl",
      country: "Poland",
    });
    // Keen but without a first name: near-qualified, never pushed to the CRM by leadloop.
    const kasia = world.hubspot.data.createObject("contacts", {
      email: "k.nowak@nowak-logistyka.pl",
      lastname: "Nowak-Wróbel",
      jobtitle: "Head of Sales",
      company: "Nowak Logistyka",
      country: "Poland",
    });
    world.hubspot.data.associate("contacts", kasia.id, "companies", company.id);
    pricingAndDemo(world, kasia.id);
    expect((await world.cli("sync", "--json")).code).toBe(0);
    expect(world.salesforce.data.list("Lead")).toHaveLength(0);

    await tick();
    const repLead = world.salesforce.data.insert("Lead", {
      FirstName: "Kasia",
      LastName: "Nowak-Wróbel",
      Company: "Nowak Logistyka",
      Email: "K.Nowak@Nowak-Logistyka.pl",
      Title: "Head of Sales",
    });
    await world.salesforce.control.addFaults({
      records: [{ object: "Lead", field: "Leadloop_Activity_Summary__c", message: "Lead is locked for approval" }],
    });
    await tick();
    const sync = await world.cli("sync", "--json");
    expect(sync.code).toBe(4);
    const entry = (await openErrors(world)).find((e) => e.operation === "history");
    expect(entry).toBeDefined();
    expect(entry).toMatchObject({ system: "salesforce", object: "Lead", recordId: repLead });
    expect(entry!.message).toContain("Lead is locked for approval");
    expect(entry!.message.toLowerCase()).toContain("k.nowak@nowak-logistyka.pl");
    expect(world.salesforce.data.get("Lead", repLead)!.Leadloop_Activity_Summary__c ?? null).toBeNull();

    const before = await retry(world);
    expect(before.code).toBe(4);
    expect(before.result.stillFailing).toContain(entry!.id);

    await world.salesforce.control.clearFaults();
    const after = await retry(world);
    expect(after.code).toBe(0);
    expect(after.result.resolved).toContain(entry!.id);
    const lead = world.salesforce.data.get("Lead", repLead)!;
    expect(String(lead.Leadloop_Activity_Summary__c)).toContain("Pricing");
    expect(String(lead.Leadloop_Reasons__c)).toContain("Requested a demo");
  });

  // The second run re-reads the contact within the HubSpot look-back and decides the same qualification
  // write again (its fields possibly in another order): it must stay refused, not be sent again.
  it("a refused write is not sent again by the next plain sync when nothing changed", async () => {
    seedReps(world);
    seedCamille(world);
    await world.hubspot.control.addFaults({
      records: [{ object: "contacts", field: "leadloop_score", message: "Score property is locked by a workflow" }],
    });
    expect((await world.cli("sync", "--json")).code).toBe(4);
    const entry = (await openErrors(world)).find((e) => e.operation === "qualification")!;
    expect(entry).toBeDefined();

    await tick();
    world.hubspot.calls.reset();
    world.salesforce.calls.reset();
    const second = await world.cli("sync", "--json");
    const summary = JSON.parse(second.stdout) as SummaryJson;
    expect({
      hubspotWrites: writeCalls(world.hubspot.calls.byEndpoint()),
      salesforceWrites: writeCalls(world.salesforce.calls.byEndpoint()),
      errors: nonZero(summary.errors),
      attempts: (await openErrors(world)).find((e) => e.id === entry.id)?.attempts,
    }).toEqual({ hubspotWrites: {}, salesforceWrites: {}, errors: {}, attempts: entry.attempts });
  });

  it("a refused write stays in the queue and the outbox across the next plain sync", async () => {
    seedReps(world);
    const { camille } = seedCamille(world);
    await world.hubspot.control.addFaults({
      records: [{ object: "contacts", field: "leadloop_score", message: "Score property is locked by a workflow" }],
    });
    expect((await world.cli("sync", "--json")).code).toBe(4);
    const entry = (await openErrors(world)).find((e) => e.operation === "qualification")!;
    expect(entry).toBeDefined();
    const refused = () => world.withStore((s) => s.listOutbox({ refused: true }));
    expect((await refused()).some((o) => o.phase === "qualification" && o.recordId === camille.id)).toBe(true);

    await tick();
    await world.cli("sync", "--json");
    const same = (await openErrors(world)).filter((e) => e.operation === "qualification");
    expect(same).toHaveLength(1);
    expect(same[0]).toMatchObject({ id: entry.id, status: "open", recordId: camille.id });
    expect((await refused()).some((o) => o.phase === "qualification" && o.recordId === camille.id)).toBe(true);
    expect(world.hubspot.data.getObject("contacts", camille.id)!.properties.leadloop_score ?? null).toBeNull();
  });

  // A validation rule refuses the Leads of one partner's 150 people, all MQLs. Retried one by one, that was three
  // calls an entry; a page of records at a time it is a few calls in all, and each Lead is created once.
  it("field sync: the org refuses 150 Leads; retry sends them a page at a time and creates each once", async () => {
    const COMPANY = "Nordlicht Pärtner AG";
    seedReps(world);
    const company = world.hubspot.data.createObject("companies", {
      name: COMPANY,
      domain: "nordlicht-partner.de",
      industry: "COMPUTER_SOFTWARE",
      numberofemployees: "250",
      country: "Germany",
    });
    for (let i = 0; i < 150; i++) {
      // Each reads the pricing page and asks for a demo: an MQL, so the default inclusion sends them.
      const person = world.hubspot.data.createObject("contacts", {
        email: `Person.${i}@Nordlicht-Partner.de`,
        firstname: i % 2 === 0 ? "Jürgen" : "Zoë",
        lastname: `Ångström-${i}`,
        jobtitle: i % 2 === 0 ? "Marketing Director" : "Directrice Marketing",
        company: COMPANY,
        country: "Germany",
      });
      world.hubspot.data.associate("contacts", person.id, "companies", company.id);
      pricingAndDemo(world, person.id);
    }
    await world.salesforce.control.addFaults({
      records: [{ object: "Lead", field: "Company", equals: COMPANY, message: "Partner companies are not sold to (rule Block_Partners)" }],
    });
    const first = await world.cli("sync", "--json");
    expect(first.code).toBe(4);
    const listed = await world.cli("errors", "list", "--limit", "500", "--json");
    const refused = (JSON.parse(listed.stdout) as QueuedError[]).filter((e) => e.system === "salesforce" && e.object === "Lead");
    expect(refused).toHaveLength(150);

    const retryCalls = async () => {
      world.hubspot.calls.reset();
      world.salesforce.calls.reset();
      const run = await retry(world);
      return { run, hubspot: sum(world.hubspot.calls.byEndpoint()), salesforce: sum(world.salesforce.calls.byEndpoint()) };
    };
    // Still refused: every entry fails again, in two pages of reads and writes.
    const before = await retryCalls();
    expect(before.run.code).not.toBe(0);
    expect(before.run.result.stillFailing.sort((a, b) => a - b)).toEqual(refused.map((e) => e.id).sort((a, b) => a - b));
    expect(before.hubspot).toBeLessThanOrEqual(6);
    expect(before.salesforce).toBeLessThanOrEqual(12);

    await world.salesforce.control.clearFaults();
    const after = await retryCalls();
    expect(after.run.code).toBe(0);
    expect(after.run.result.resolved).toHaveLength(150);
    expect(after.hubspot).toBeLessThanOrEqual(10);
    expect(after.salesforce).toBeLessThanOrEqual(12);
    expect(await openErrors(world)).toEqual([]);
    const leads = world.salesforce.data.list("Lead").filter((l) => l.Company === COMPANY);
    expect(leads).toHaveLength(150);
    expect(new Set(leads.map((l) => String(l.Email).toLowerCase())).size).toBe(150);
  });
});

interface PlannedJson {
  system: string;
  object: string;
  action: "create" | "update";
  id: string | null;
  sourceId: string | null;
  fields: { field: string; after: string | null }[];
  phase?: string;
}

interface AuditRow {
  system: string;
  object: string;
  record_id: string;
  operation: string;
  at: string;
  field: string;
  after_value: string | null;
}

interface SummaryJson {
  runId: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  created: Record<string, number>;
  updated: Record<string, number>;
  errors: Record<string, number>;
  handoffs: number;
  plan?: PlannedJson[];
}

/** One write as the audit log has it, or as the plan has it: fields sorted by name. */
interface Write {
  system: string;
  object: string;
  action: "create" | "update";
  id: string | null;
  fields: [string, string | null][];
}

const AUDIT_TEXT_LIMIT = 2000;
const auditText = (v: string | null) =>
  v !== null && v.length > AUDIT_TEXT_LIMIT ? `(${v.length} characters)` : v;

/** A write as a comparable string: system, object, action, the record (updates only) and its fields. */
function writeKey(w: Write): string {
  const sorted = [...w.fields].sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([w.system, w.object, w.action, w.action === "create" ? null : w.id, sorted]);
}

function counted(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

function multisetDiff(a: string[], b: string[]): { onlyA: string[]; onlyB: string[] } {
  const ca = counted(a);
  const cb = counted(b);
  const onlyA: string[] = [];
  const onlyB: string[] = [];
  for (const [k, n] of ca) for (let i = 0; i < n - (cb.get(k) ?? 0); i++) onlyA.push(k);
  for (const [k, n] of cb) for (let i = 0; i < n - (ca.get(k) ?? 0); i++) onlyB.push(k);
  return { onlyA, onlyB };
}

/** Ids the dry run gives records it would create (src/sync/dry-run/recording-port.ts). */
const PLACEHOLDER = /\bnew-[A-Za-z_]+-\d+\b/g;

/**
 * The dry run names a record it would create by a placeholder id; the real run's create gets the
 * system's id. A placeholder is renamed to a real id only when the real run created a record of the same
 * system and object with exactly the same fields (placeholders in them renamed first, so a Task follows
 * its Lead): renaming an id changes no value the plan promised, and a create that differs in anything
 * else stays unmatched and fails the comparison.
 */
function placeholdersToRealIds(plan: Write[], audit: Write[]): Map<string, string> {
  const names = new Map<string, string>();
  const rename = (w: Write): Write => ({
    ...w,
    id: w.id?.replace(PLACEHOLDER, (p) => names.get(p) ?? p) ?? null,
    fields: w.fields.map(([f, v]) => [f, v?.replace(PLACEHOLDER, (p) => names.get(p) ?? p) ?? null]),
  });
  const taken = new Set<number>();
  for (let progress = true; progress; ) {
    progress = false;
    for (const w of plan) {
      if (w.action !== "create" || !w.id || names.has(w.id)) continue;
      const key = writeKey(rename(w));
      const i = audit.findIndex((a, n) => !taken.has(n) && a.action === "create" && writeKey(a) === key);
      if (i < 0) continue;
      taken.add(i);
      names.set(w.id, audit[i]!.id!);
      progress = true;
    }
  }
  return names;
}

/** Every table of the store but the run history, as rows: what a dry run must not change. */
function storeState(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[];
    return Object.fromEntries(
      tables
        .filter((t) => t.name !== "runs")
        .map((t) => [t.name, db.prepare(`SELECT * FROM "${t.name}"`).all().map((r) => JSON.stringify(r)).sort()]),
    );
  } finally {
    db.close();
  }
}

/**
 * A dry run, then the real run on the same state. Returns the plan and the real run's writes (from its
 * audit rows) with the dry run's placeholders renamed, and both summaries.
 */
async function dryThenReal(world: World) {
  // Opening the store creates it on a first load, so there is a before to compare with.
  await world.withStore(async () => undefined);
  const storeBefore = storeState(world.storePath);
  world.hubspot.calls.reset();
  world.salesforce.calls.reset();
  // "The same state" includes the time: scores decay by the minute, so both runs start at the same
  // instant. Only Date is set (timers, sockets and the clock's flow stay real), and back to it once for
  // the real run; nothing the dry run did is stamped with a later time, since it wrote nothing.
  const start = new Date();
  jest.useFakeTimers({ now: start, advanceTimers: true, doNotFake: NOT_DATE });
  try {
    return await dryThenRealAt(world, start, storeBefore);
  } finally {
    jest.useRealTimers();
  }
}

/** Everything fake timers could replace but Date. */
const NOT_DATE: Config.FakeableAPI[] = [
  "hrtime",
  "nextTick",
  "performance",
  "queueMicrotask",
  "requestAnimationFrame",
  "cancelAnimationFrame",
  "requestIdleCallback",
  "cancelIdleCallback",
  "setImmediate",
  "clearImmediate",
  "setInterval",
  "clearInterval",
  "setTimeout",
  "clearTimeout",
];

async function dryThenRealAt(world: World, start: Date, storeBefore: Record<string, unknown[]>) {
  const dry = await world.cli("sync", "--dry-run", "--json");
  expect([0, 4]).toContain(dry.code);
  const planned = JSON.parse(dry.stdout) as SummaryJson;
  expect(planned.dryRun).toBe(true);
  // The dry run wrote nothing to either system, and left the store as it was but for its run record.
  expect(writeCalls(world.hubspot.calls.byEndpoint())).toEqual({});
  expect(writeCalls(world.salesforce.calls.byEndpoint())).toEqual({});
  expect(storeState(world.storePath)).toEqual(storeBefore);

  jest.setSystemTime(start);
  const real = await world.cli("sync", "--json");
  expect([0, 4]).toContain(real.code);
  const done = JSON.parse(real.stdout) as SummaryJson;
  const refusedIds = new Set((await openErrors(world)).filter((e) => e.runId === done.runId).map((e) => e.recordId));

  // What the real run wrote, from its audit rows: one write per record, operation and batch time.
  const db = new Database(world.storePath, { readonly: true });
  const rows = db
    .prepare("SELECT system, object, record_id, operation, at, field, after_value FROM audit_log WHERE run_id = ? ORDER BY id")
    .all(done.runId) as AuditRow[];
  db.close();
  const byWrite = new Map<string, Write>();
  for (const r of rows) {
    const k = JSON.stringify([r.system, r.object, r.record_id, r.operation, r.at]);
    const w = byWrite.get(k) ?? {
      system: r.system,
      object: r.object,
      action: r.operation === "create" ? "create" : "update",
      id: r.record_id,
      fields: [],
    };
    w.fields.push([r.field, r.after_value]);
    byWrite.set(k, w);
  }
  const audit = [...byWrite.values()];
  const plan: Write[] = planned.plan!.map((w) => ({
    system: w.system,
    object: w.object,
    action: w.action,
    id: w.id,
    fields: w.fields.map((f) => [f.field, auditText(f.after)]),
  }));
  const names = placeholdersToRealIds(plan, audit);
  const named = (v: string | null) => v?.replace(PLACEHOLDER, (p) => names.get(p) ?? p) ?? null;
  const renamed = plan.map((w) => ({ ...w, id: named(w.id), fields: w.fields.map(([f, v]) => [f, named(v)] as [string, string | null]) }));
  return { plan: renamed, planned, done, audit, refusedIds };
}

/** The seeded world's own time: the emulators' seeded records were modified at or before it. */
let seededAtMs = Number.POSITIVE_INFINITY;

/** The shipped SLA (config/sla.yaml): a handoff's alert task is due 4 hours after the handoff. */
const FIRST_TOUCH_MS = 4 * 3_600_000;

/**
 * A date-time taken from the run's own clock differs between two runs by the seconds between them: a
 * Lead's MQL date (when the run qualified the person) lies within its own run, and a HubSpot alert task's
 * due time (`hs_timestamp`) 4 hours after it. Such a value is compared as the run's time (plus the SLA);
 * any other date-time (an activity's, a date) is compared as it is. A Lead's modification time (the date of
 * a disposition read from a Lead) is one too: the real run's when it wrote the Lead first, the seeding's
 * when only sales did (a dry run writes nothing), which a loaded machine puts seconds before the run.
 */
function withRunTime(w: Write, run: SummaryJson): Write {
  // Salesforce keeps date-times to the second, so a record the run wrote may carry its first second.
  const from = Math.floor(Math.min(Date.parse(run.startedAt), seededAtMs) / 1000) * 1000;
  const to = Date.parse(run.finishedAt);
  const runTime = (v: string | null) => {
    if (v === null || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v)) return v;
    const t = Date.parse(v);
    if (t >= from && t <= to) return "(the run's time)";
    if (t - FIRST_TOUCH_MS >= from && t - FIRST_TOUCH_MS <= to) return "(the run's time + 4h)";
    return v;
  };
  return { ...w, fields: w.fields.map(([f, v]) => [f, runTime(v)]) };
}

/** The dry run's plan and counts against the real run's writes and counts. */
async function expectDryRunEqualsRealRun(world: World): Promise<void> {
  const { plan, planned, done, audit, refusedIds } = await dryThenReal(world);
  expect(plan.length).toBeGreaterThan(0);
  // No write twice: the plan holds what the run sends, one write per record and batch.
  expect([...counted(plan.map((w) => JSON.stringify(w)))].filter(([, n]) => n > 1)).toEqual([]);
  // Only writes the real run's system refused are left out: the real run sent them too, but no audit row
  // records a refused write. The dry run cannot foresee a refusal its describe does not show (a
  // Salesforce duplicate rule), so it counts such a write as updated; the real run counts it an error.
  const refused = plan.filter((w) => refusedIds.has(w.id ?? ""));
  expect(refused.length).toBe(sum(done.errors) - sum(planned.errors));
  const attempted = (s: SummaryJson) =>
    Object.fromEntries(Object.keys(s.updated).map((k) => [k, (s.updated[k] ?? 0) + (s.errors[k] ?? 0)]));
  const { onlyA, onlyB } = multisetDiff(
    plan.filter((w) => !refusedIds.has(w.id ?? "")).map((w) => writeKey(withRunTime(w, planned))),
    audit.map((w) => writeKey(withRunTime(w, done))),
  );
  expect({
    created: planned.created,
    updatedOrRefused: attempted(planned),
    handoffs: planned.handoffs,
    onlyInPlan: onlyA,
    onlyInRealRun: onlyB,
  }).toEqual({
    created: done.created,
    updatedOrRefused: attempted(done),
    handoffs: done.handoffs,
    onlyInPlan: [],
    onlyInRealRun: [],
  });
}

describe("the plan and the sandbox's seeded data", () => {
  let world: World;
  const seedNow = new Date();
  const seed = generateSeed({ seed: 7, now: seedNow, contacts: 60 });
  seededAtMs = seedNow.getTime();
  afterEach(async () => {
    await world.close();
  });

  describe("Salesforce as the CRM", () => {
    beforeEach(async () => {
      world = await startWorld(sandboxRoutingText(seed));
      loadSeed(seed, { hubspot: world.hubspot, salesforce: world.salesforce });
    });

    it("a dry run's counts and plan equal what the real run writes, on a first load", async () => {
      await expectDryRunEqualsRealRun(world);
    }, 120_000);

    it("a dry run after a first load and a round of people acting equals the following real run", async () => {
      expect([0, 4]).toContain((await world.cli("sync", "--json")).code);
      await tick();
      const played = playPeople(7, 2, { hubspot: world.hubspot, salesforce: world.salesforce });
      expect(played.working + played.pageViews + played.forms).toBeGreaterThan(0);
      await tick();
      await expectDryRunEqualsRealRun(world);
    }, 120_000);

    it("with no edits, the second sync after the first load writes nothing", async () => {
      const first = await world.cli("sync", "--json");
      expect([0, 4]).toContain(first.code);
      const firstSummary = JSON.parse(first.stdout) as SummaryJson;
      expect(sum(firstSummary.created)).toBeGreaterThan(0);

      await tick();
      world.hubspot.calls.reset();
      world.salesforce.calls.reset();
      const second = await world.cli("sync", "--json");
      const summary = JSON.parse(second.stdout) as SummaryJson;
      expect({
        created: nonZero(summary.created),
        updated: nonZero(summary.updated),
        hubspotWrites: writeCalls(world.hubspot.calls.byEndpoint()),
        salesforceWrites: writeCalls(world.salesforce.calls.byEndpoint()),
      }).toEqual({ created: {}, updated: {}, hubspotWrites: {}, salesforceWrites: {} });
    });
  });

  describe("HubSpot as its own CRM", () => {
    beforeEach(async () => {
      world = await startWorld(sandboxRoutingText(seed), "hubspot");
      loadSeed(seed, { hubspot: world.hubspot });
    });

    it("a dry run's counts and plan equal what the real run writes, on a first load", async () => {
      await expectDryRunEqualsRealRun(world);
    }, 120_000);

    it("a dry run after a first load and a round of people acting equals the following real run", async () => {
      expect([0, 4]).toContain((await world.cli("sync", "--json")).code);
      await tick();
      playPeople(7, 2, { hubspot: world.hubspot });
      await tick();
      await expectDryRunEqualsRealRun(world);
    }, 120_000);
  });
});
