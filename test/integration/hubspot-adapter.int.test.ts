// The HubSpot adapter against the HubSpot emulator over loopback: full and incremental reads through search
// (ties, the signpost, the 10,000-result search cap), reads by id and match key, batch writes with partial failures,
// rate limits, auth and transport faults (an answer that stalls after its headers among them), describe, removals,
// owners, activities and custom properties.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { HubspotEmulator, HubspotEmulatorOptions } from "../../src/sandbox/hubspot/emulator.js";
import { startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { SystemError } from "../../src/sync/system-error.js";
import type { ChangeCursor, ChangePage, RecordWrite } from "../../src/sync/system-port.js";
import type { RetryPolicy } from "../../src/systems/call-retry.js";
import { createHubspotAdapter, type HubspotAdapter } from "../../src/systems/hubspot/adapter.js";
import { FULL_LOAD_MARK } from "../../src/systems/hubspot/change-reader.js";
import { FakeClock } from "../support/fake-clock.js";
import { infoLog } from "../support/info-log.js";
import { thrown } from "../support/system-error-of.js";

const RETRY: RetryPolicy = { patienceMs: 10_000, minTimeoutMs: 10, maxTimeoutMs: 40 };
const FIELDS = ["email", "firstname", "lastname", "company", "jobtitle", "hs_lead_status"] as const;
/** Seeded records are back-dated into this hour so "now" never interferes. */
const T0 = Date.parse("2024-05-01T09:00:00.000Z");
const at = (offsetMs: number): Date => new Date(T0 + offsetMs);
const iso = (offsetMs: number): string => at(offsetMs).toISOString();

interface Harness {
  emulator: HubspotEmulator;
  adapter: HubspotAdapter;
}

/** A fresh emulator (own token, own data) per describe block, and an adapter pointed at it. */
function useEmulator(
  adapterOptions: { lookbackMs?: number } = {},
  portal: Pick<HubspotEmulatorOptions, "searchPageMax" | "objectTimestamps" | "propertyListLagMs" | "firstObjectId"> = {},
): () => Harness {
  let harness: Harness | undefined;
  beforeAll(async () => {
    // Real time, reads right after writes: the search index lag is tested on an injected clock through
    // the engine (search-lag.int.test.ts).
    const emulator = await startHubspotEmulator({
      accessToken: `test-${randomUUID()}`,
      searchLagMs: 0,
      limits: { burstPer10Seconds: 100_000, searchPerSecond: 1_000 },
      ...portal,
    });
    const adapter = createHubspotAdapter({
      accessToken: emulator.accessToken,
      baseUrl: emulator.url,
      retry: RETRY,
      lookbackMs: adapterOptions.lookbackMs ?? 0,
      searchPerSecond: 1_000,
      burstPer10Seconds: 100_000,
    });
    harness = { emulator, adapter };
  });
  afterAll(async () => {
    await harness?.emulator.close();
  });
  return () => harness!;
}

/** An adapter whose calls stop retrying after `patienceMs`: a fault that lasts ends within the test. */
const shortPatienceAdapter = (emulator: HubspotEmulator, patienceMs: number): HubspotAdapter =>
  createHubspotAdapter({
    accessToken: emulator.accessToken,
    baseUrl: emulator.url,
    retry: { patienceMs, minTimeoutMs: 10, maxTimeoutMs: 40 },
    burstPer10Seconds: 100_000,
  });

async function collect(pages: AsyncIterable<ChangePage>): Promise<ChangePage[]> {
  const out: ChangePage[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/** A contact picklist property as ensureProperties makes one. */
const picklistProperty = (name: string, label: string, options: { label: string; value: string }[]) => ({
  name,
  label,
  type: "enumeration" as const,
  fieldType: "select",
  groupName: "contactinformation",
  options,
});

const messyContact = (i: number): Record<string, string> => ({
  email: `Person.${i}@Exämple-${i % 7}.COM`,
  firstname: i % 5 === 0 ? "" : `Zoë-${i}`,
  lastname: i % 3 === 0 ? "   " : `Ñúñez ${i}`,
  company: i % 4 === 0 ? "Société Générale d'Électricité " + "x".repeat(300) : `Acme ${i}`,
  jobtitle: i % 2 === 0 ? "VP Marketing" : "",
});

describe("readChanges: full load through search, keyset by id", () => {
  const h = useEmulator();
  const ids: string[] = [];
  const searches: string[] = [];
  beforeAll(() => {
    for (let i = 0; i < 250; i++)
      ids.push(h().emulator.data.createObject("contacts", messyContact(i), at(i)).id);
    h().emulator.calls.observe((call) => searches.push(call.endpoint));
  });

  it("pages 200 at a time in id order, canonical values, id cursors and the signpost on the last page", async () => {
    const { adapter } = h();
    const before = adapter.apiCalls();
    searches.length = 0;
    const until = iso(3_600_000);
    const pages = await collect(adapter.readChanges("contacts", FIELDS, null, until));

    expect(pages.map((p) => p.records.length)).toEqual([200, 50]);
    expect(adapter.apiCalls() - before).toBe(2);
    expect(searches).toEqual(["POST /crm/v3/objects/:objectType/search", "POST /crm/v3/objects/:objectType/search"]);
    const read = pages.flatMap((p) => p.records);
    expect(read.map((r) => r.id)).toEqual([...ids].sort((a, b) => Number(a) - Number(b)));
    expect(pages[0]!.cursor).toEqual({ modifiedAt: FULL_LOAD_MARK, lastId: read[199]!.id });
    expect(pages[1]!.cursor).toEqual({ modifiedAt: until, lastId: null });

    const zero = read.find((r) => r.id === ids[0])!;
    expect(zero.fields).toEqual({
      email: "person.0@exämple-0.com",
      firstname: null,
      lastname: null,
      company: expect.stringMatching(/^Société Générale d'Électricité x{300}$/),
      jobtitle: "VP Marketing",
      hs_lead_status: null,
    });
    expect(zero.modifiedAt).toBe(iso(0));
    expect(read.find((r) => r.id === ids[7])!.fields.firstname).toBe("Zoë-7");
  });

  it("resumes from a page cursor without skipping, and leaves out records modified after the signpost", async () => {
    const { adapter, emulator } = h();
    const late = emulator.data.createObject("contacts", { email: "late@example.com" }, at(7_200_000));
    const first = await collect(adapter.readChanges("contacts", FIELDS, null, iso(3_600_000)));
    const resumed = await collect(adapter.readChanges("contacts", FIELDS, first[0]!.cursor, iso(3_600_000)));
    const resumedIds = resumed.flatMap((p) => p.records.map((r) => r.id));
    expect(resumedIds).toHaveLength(50);
    expect(new Set([...first[0]!.records.map((r) => r.id), ...resumedIds])).toEqual(new Set(ids));
    expect(resumedIds).not.toContain(late.id);
  });

  it("starts over a first load an older leadloop left part way through the list endpoint", async () => {
    const { adapter } = h();
    // The list endpoint's `after` token, under the mark the list load used.
    const listCursor: ChangeCursor = { modifiedAt: "1970-01-01T00:00:00.000Z", lastId: ids[100]! };
    const pages = await collect(adapter.readChanges("contacts", FIELDS, listCursor, iso(3_600_000)));
    expect(new Set(pages.flatMap((p) => p.records.map((r) => r.id)))).toEqual(new Set(ids));
  });
});

describe("readChanges: incremental through search", () => {
  const h = useEmulator();

  it("reads only records changed since the cursor, re-reads ties at the boundary, never past until", async () => {
    const { adapter, emulator } = h();
    const d = emulator.data;
    const old = d.createObject("contacts", { email: "old@example.com" }, at(1_000));
    const tieA = d.createObject("contacts", { email: "tie-a@example.com" }, at(2_000));
    const tieB = d.createObject("contacts", { email: "tie-b@example.com" }, at(2_000));
    const next = d.createObject("contacts", { email: "next@example.com" }, at(3_000));
    const onSignpost = d.createObject("contacts", { email: "edge@example.com" }, at(4_000));
    const after = d.createObject("contacts", { email: "after@example.com" }, at(5_000));

    const from: ChangeCursor = { modifiedAt: iso(2_000), lastId: tieA.id };
    const pages = await collect(adapter.readChanges("contacts", FIELDS, from, iso(4_000)));
    const read = pages.flatMap((p) => p.records.map((r) => r.id));

    expect(read.sort()).toEqual([tieA.id, tieB.id, next.id, onSignpost.id].sort());
    expect(read).not.toContain(old.id);
    expect(read).not.toContain(after.id);
    const last = pages.at(-1)!;
    expect(last.cursor).toEqual({ modifiedAt: iso(4_000), lastId: onSignpost.id });
  });

  it("starts the look-back before the cursor for the search index lag", async () => {
    const { emulator } = h();
    const adapter = createHubspotAdapter({
      accessToken: emulator.accessToken,
      baseUrl: emulator.url,
      retry: RETRY,
      lookbackMs: 1_500,
      searchPerSecond: 1_000,
    });
    const pages = await collect(
      adapter.readChanges("contacts", FIELDS, { modifiedAt: iso(2_000), lastId: null }, iso(4_000)),
    );
    const emails = pages.flatMap((p) => p.records.map((r) => r.fields.email));
    expect(emails).toContain("old@example.com");
  });

  it("reads past a page of 450 records sharing one instant without skipping any", async () => {
    const { adapter, emulator } = h();
    const ids = new Set<string>();
    for (let i = 0; i < 450; i++)
      ids.add(
        emulator.data.createObject("companies", { name: `Tie ${i}`, domain: `tie${i}.example` }, at(60_000))
          .id,
      );
    const later = emulator.data.createObject("companies", { name: "Later" }, at(61_000));
    ids.add(later.id);
    const pages = await collect(
      adapter.readChanges(
        "companies",
        ["name", "domain"],
        { modifiedAt: iso(59_000), lastId: null },
        iso(62_000),
      ),
    );
    const read = pages.flatMap((p) => p.records.map((r) => r.id));
    expect(new Set(read)).toEqual(ids);
    expect(pages.at(-1)!.cursor.lastId).toBe(later.id);
  });
});

// The search reference gives `limit` as the most results a page holds: a portal (or a server written to the
// reference) may answer a page shorter than asked and still give `paging.next`. Such a page is not the end.
describe("readChanges: a portal that answers search pages shorter than the limit asked", () => {
  const h = useEmulator({}, { searchPageMax: 70 });

  it("reads every record on a first load and in a change window, ties at one instant among them", async () => {
    const { adapter, emulator } = h();
    const d = emulator.data;
    const made = new Set<string>();
    for (let i = 0; i < 230; i++) made.add(d.createObject("contacts", messyContact(i), at(10_000 + i * 1_000)).id);
    // 90 contacts an import stamped with one instant: more ties than a short page holds.
    for (let i = 230; i < 320; i++) made.add(d.createObject("contacts", messyContact(i), at(500_000)).id);

    const first = await collect(adapter.readChanges("contacts", FIELDS, null, iso(3_600_000)));
    const loaded = first.flatMap((p) => p.records.map((r) => r.id));
    expect(first.map((p) => p.records.length)).toEqual([70, 70, 70, 70, 40]);
    expect(new Set(loaded)).toEqual(made);
    expect(first.at(-1)!.cursor).toEqual({ modifiedAt: iso(3_600_000), lastId: null });

    const changed = await collect(
      adapter.readChanges("contacts", FIELDS, { modifiedAt: iso(9_000), lastId: null }, iso(3_600_000)),
    );
    const read = changed.flatMap((p) => p.records.map((r) => r.id));
    expect(new Set(read)).toEqual(made);
    expect(changed.at(-1)!.cursor.modifiedAt).toBe(iso(500_000));
  });
});

// SimplePublicObject's times are ISO 8601 in the CRM objects reference, while the batch references' examples
// and a date-time property's stored value are epoch milliseconds: a server may answer either.
describe("a portal that answers object times as epoch milliseconds", () => {
  const h = useEmulator({}, { objectTimestamps: "epoch-ms" });

  it("reads them as instants: first load, change window, field history and the recycle bin", async () => {
    const { adapter, emulator } = h();
    const d = emulator.data;
    const made: string[] = [];
    for (let i = 0; i < 30; i++) made.push(d.createObject("contacts", messyContact(i), at(10_000 + i * 1_000)).id);
    d.updateObject("contacts", made[4]!, { jobtitle: "Directora de Operaciones" }, at(200_000));

    const first = await collect(adapter.readChanges("contacts", FIELDS, null, iso(3_600_000)));
    const loaded = first.flatMap((p) => p.records);
    expect(loaded.map((r) => r.id).sort()).toEqual([...made].sort());
    expect(loaded.find((r) => r.id === made[4])?.modifiedAt).toBe(iso(200_000));
    expect(loaded.find((r) => r.id === made[7])?.modifiedAt).toBe(iso(17_000));

    const changed = await collect(
      adapter.readChanges("contacts", FIELDS, { modifiedAt: iso(35_000), lastId: null }, iso(3_600_000)),
    );
    expect(changed.flatMap((p) => p.records.map((r) => r.id))).toEqual(made.slice(25).concat(made[4]!));
    expect(changed.at(-1)!.cursor.modifiedAt).toBe(iso(200_000));

    const times = await adapter.fieldChanges("contacts", [made[4]!], ["jobtitle", "email"]);
    expect(times.get(made[4]!)).toEqual({
      jobtitle: { at: iso(200_000), basis: "field history" },
      email: { at: iso(14_000), basis: "field history" },
    });

    const since = new Date(Date.now() - 1_000).toISOString();
    d.archiveObject("contacts", made[9]!);
    const removals = await adapter.readRemovals("contacts", since, new Date(Date.now() + 1_000).toISOString());
    expect(removals).toEqual([expect.objectContaining({ id: made[9], kind: "deleted" })]);
  });

  it("reads behaviour events' occurredAt as instants, one contact's and every contact's", async () => {
    const { adapter, emulator } = h();
    const d = emulator.data;
    const zoe = d.createObject("contacts", { email: "Zoë.Lefèvre@Exämple-Études.fr", firstname: "Zoë", lastname: "Lefèvre" }, at(1_000)).id;
    const jurgen = d.createObject("contacts", { email: "jurgen.grosse@Beispiel.de", firstname: "Jürgen", lastname: "Größe" }, at(1_000)).id;
    d.addEvent({ contactId: zoe, eventType: "e_visited_page", occurredAt: at(20_000), properties: { hs_url: "https://exämple-études.fr/tarifs" } });
    d.addEvent({ contactId: zoe, eventType: "e_submitted_form", occurredAt: at(21_500), properties: { hs_title: "Demande de démo" } });
    d.addEvent({ contactId: jurgen, eventType: "e_opened_email", occurredAt: at(22_250) });

    const ofZoe = await adapter.readActivities([zoe], null);
    expect(ofZoe.map((e) => [e.kind, e.occurredAt])).toEqual([
      ["page_view", iso(20_000)],
      ["form_submission", iso(21_500)],
    ]);
    const every: Array<[string, string]> = [];
    await adapter.readContactEvents(iso(19_000), async (page) => {
      for (const e of page) if (e.contactId === zoe || e.contactId === jurgen) every.push([e.contactId, e.occurredAt]);
    });
    expect(every).toEqual([
      [zoe, iso(20_000)],
      [zoe, iso(21_500)],
      [jurgen, iso(22_250)],
    ]);
  });
});

// An import stamps every contact it touches with one modified instant: past 10,000 of them, a window at
// that instant holds more records than a search answers (paging past 10,000 results is a 400), so its
// ties are read keyset by id, each query from its first page.
describe("readChanges: an import of more than 10,000 contacts at one millisecond", () => {
  const h = useEmulator();

  it("reads each once, past the 10,000-result cap, and the records after it", async () => {
    const { adapter, emulator } = h();
    const imported = new Set<string>();
    for (let i = 0; i < 10_250; i++)
      imported.add(
        emulator.data.createObject(
          "contacts",
          { email: `Kontakt.${i}@Import-${i % 13}.example`, firstname: i % 4 === 0 ? "Zoë" : "Jürgen", lastname: `Größe ${i}` },
          at(120_000),
        ).id,
      );
    const after = emulator.data.createObject("contacts", { email: "after.import@example.com" }, at(120_001));
    const pages = await collect(
      adapter.readChanges("contacts", FIELDS, { modifiedAt: iso(119_000), lastId: null }, iso(121_000)),
    );
    const read = pages.flatMap((p) => p.records.map((r) => r.id));
    expect(read).toHaveLength(imported.size + 1);
    expect(new Set(read)).toEqual(new Set([...imported, after.id]));
    expect(pages.at(-1)!.cursor).toEqual({ modifiedAt: iso(120_001), lastId: after.id });
  });
});

// HubSpot refuses a search body of more than 3,000 characters (search reference, "Limitations"), and a
// search names the properties it answers. A mapping of a hundred and more properties read its changes in
// one such body and was refused on every run; its fields now come from a batch read of each page's ids.
describe("readChanges: more properties than a search body holds", () => {
  const h = useEmulator();

  it("reads every changed record with all its fields, first load and incremental, in bodies HubSpot takes", async () => {
    const { adapter, emulator } = h();
    const d = emulator.data;
    const custom = Array.from({ length: 140 }, (_, i) => `gestion_commerciale_champ_personnalise_${String(i).padStart(3, "0")}`);
    for (const name of custom)
      d.createProperty("contacts", { name, label: name.replace(/_/g, " "), type: "string", fieldType: "text", groupName: "contactinformation" });
    const fields = [...FIELDS, ...custom];
    expect(JSON.stringify(fields).length).toBeGreaterThan(3_000);
    const people = Array.from({ length: 230 }, (_, i) =>
      d.createObject(
        "contacts",
        { email: `personne.${i}@société-générale.example`, firstname: i % 2 ? "Zoë" : "Émile", [custom[139]!]: `valeur ${i}` },
        at(1_000 + i),
      ),
    );

    const first = await collect(adapter.readChanges("contacts", fields, null, iso(10_000)));
    const read = first.flatMap((p) => p.records);
    expect(read.map((r) => r.id).sort()).toEqual(people.map((p) => p.id).sort());
    expect(read.find((r) => r.id === people[7]!.id)?.fields).toMatchObject({
      email: "personne.7@société-générale.example",
      firstname: "Zoë",
      [custom[139]!]: "valeur 7",
    });

    d.updateObject("contacts", people[3]!.id, { [custom[0]!]: "modifié" }, at(20_000));
    const next = await collect(adapter.readChanges("contacts", fields, first.at(-1)!.cursor, iso(30_000)));
    expect(next.flatMap((p) => p.records.map((r) => [r.id, r.fields[custom[0]!], r.modifiedAt]))).toEqual([
      [people[3]!.id, "modifié", iso(20_000)],
    ]);
    expect(next.at(-1)!.cursor).toEqual({ modifiedAt: iso(20_000), lastId: people[3]!.id });
  });
});

describe("readChanges: more than 10,000 changed records in one window", () => {
  const h = useEmulator();
  const ids = new Set<string>();
  beforeAll(() => {
    // 10,500 contacts, three sharing each second, all inside the window (no email: seeding stays linear).
    for (let i = 0; i < 10_500; i++) {
      ids.add(
        h().emulator.data.createObject("contacts", { firstname: `Bulk ${i}` }, at(Math.floor(i / 3) * 1000))
          .id,
      );
    }
  });

  it("reads every record at least once without a search paging past the cap", async () => {
    const { adapter } = h();
    const seen = new Map<string, number>();
    let previous: ChangeCursor | null = null;
    for await (const page of adapter.readChanges(
      "contacts",
      ["firstname"],
      { modifiedAt: iso(0), lastId: null },
      iso(4_000_000),
    )) {
      for (const r of page.records) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
      if (previous) expect(page.cursor.modifiedAt >= previous.modifiedAt).toBe(true);
      previous = page.cursor;
    }
    const missing = [...ids].filter((id) => !seen.has(id));
    expect(missing).toEqual([]);
    expect(seen.size).toBe(10_500);
    expect(previous!.modifiedAt).toBe(iso(3_499_000));
  });

  it("reads a portal of more than 10,000 records whole on a first load, each once, in 200-record pages", async () => {
    const { adapter } = h();
    const before = adapter.apiCalls();
    const pages = await collect(adapter.readChanges("contacts", ["firstname"], null, iso(4_000_000)));
    const read = pages.flatMap((p) => p.records.map((r) => r.id));
    expect(read).toHaveLength(10_500);
    expect(new Set(read)).toEqual(new Set(ids));
    expect(adapter.apiCalls() - before).toBe(Math.ceil(10_501 / 200));
  });
});

describe("readByIds and findBy", () => {
  const h = useEmulator();
  const ids: string[] = [];
  beforeAll(() => {
    for (let i = 0; i < 230; i++)
      ids.push(h().emulator.data.createObject("contacts", messyContact(i), at(i)).id);
  });

  it("reads in batches of 100 and leaves out ids that do not exist", async () => {
    const { adapter } = h();
    const before = adapter.apiCalls();
    const wanted = [...ids.slice(0, 205), "999999991", "999999992"];
    const read = await adapter.readByIds("contacts", wanted, FIELDS);
    expect(adapter.apiCalls() - before).toBe(3);
    expect(read.map((r) => r.id).sort()).toEqual(ids.slice(0, 205).sort());
  });

  it("reads when properties last changed from their history, 50 ids a call", async () => {
    const { adapter, emulator } = h();
    const changed = ids.slice(0, 60);
    for (const [i, id] of changed.entries()) emulator.data.updateObject("contacts", id, { jobtitle: `Jefa de ventas ${i}` }, at(60_000 + i));
    // Set again to the value it holds, later: no change, so the title's time stays.
    emulator.data.updateObject("contacts", changed[0]!, { jobtitle: "Jefa de ventas 0" }, at(120_000));
    const before = adapter.apiCalls();
    const times = await adapter.fieldChanges("contacts", [...changed, "999999991"], ["jobtitle", "email", "lastname"]);
    expect(adapter.apiCalls() - before).toBe(2);
    expect(times.size).toBe(60);
    expect(times.get(changed[0]!)?.jobtitle).toEqual({ at: iso(60_000), basis: "field history" });
    expect(times.get(changed[59]!)?.jobtitle).toEqual({ at: iso(60_059), basis: "field history" });
    // A value held since the contact was created was set at its creation.
    expect(times.get(changed[3]!)?.email).toEqual({ at: iso(3), basis: "field history" });
  });

  it("finds contacts by email whatever its case and spacing", async () => {
    const { adapter } = h();
    const found = await adapter.findBy(
      "contacts",
      "email",
      [" PERSON.3@EXÄMPLE-3.com", "nobody@example.com"],
      FIELDS,
    );
    expect(found.map((r) => r.id)).toEqual([ids[3]]);
    expect(found[0]!.fields.email).toBe("person.3@exämple-3.com");
  });

  it("finds by a non-unique property through search, ignoring case, 100 values a filter", async () => {
    const { adapter } = h();
    const values = ids.slice(0, 150).map((_, i) => `ZOË-${i}`);
    const found = await adapter.findBy("contacts", "firstname", values, ["firstname"]);
    // Every fifth contact has a blank first name.
    expect(found).toHaveLength(150 - 30);
    expect(found.every((r) => /^Zoë-\d+$/.test(r.fields.firstname ?? ""))).toBe(true);
  });
});

// A batch read answering 207 Multi-Status whose errors are not all records not found (FIDELITY.md, batch
// read row): the records an error entry refuses exist, so leaving them out would tell the caller they are
// gone. Such an answer is a failure of the call, retried in the one retry layer; ids not found are still
// left out.
describe("batch reads answering 207 with records refused, not missing", () => {
  const h = useEmulator();
  const ids: string[] = [];
  beforeAll(() => {
    for (let i = 0; i < 4; i++) ids.push(h().emulator.data.createObject("contacts", messyContact(i), at(i)).id);
  });
  afterEach(() => h().emulator.faults.clear());

  it("reads every record once the refusal passes, the ids not found still left out", async () => {
    const { adapter, emulator } = h();
    emulator.faults.add({ reads: [{ object: "contacts", ids: [ids[1]!, ids[2]!], times: 1 }] });
    const before = adapter.apiCalls();
    const read = await adapter.readByIds("contacts", [...ids, "999999991"], FIELDS);
    expect(read.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(read.find((r) => r.id === ids[1])?.fields.firstname).toBe("Zoë-1");
    expect(adapter.apiCalls() - before).toBe(2);

    // The property history is read by the same batch read.
    emulator.faults.add({ reads: [{ object: "contacts", ids: [ids[3]!], category: "RATE_LIMITS", times: 1 }] });
    const times = await adapter.fieldChanges("contacts", ids, ["lastname"]);
    expect([...times.keys()].sort()).toEqual([...ids].sort());
  });

  it("fails the call naming the system, endpoint, status and ids when the refusal lasts past the patience", async () => {
    const { emulator } = h();
    const adapter = shortPatienceAdapter(emulator, 200);
    emulator.faults.add({
      reads: [{ object: "contacts", ids: [ids[0]!, ids[2]!], category: "INTERNAL_ERROR", message: "Unable to read some objects; please retry." }],
    });
    const err = await thrown(adapter.readByIds("contacts", ids, FIELDS));
    expect(err).toMatchObject({ system: "hubspot", errorClass: "transient", retriable: false });
    expect(err.message).toContain(
      `207 from HubSpot without 2 records it was asked for (${ids[0]}, ${ids[2]}), refused as INTERNAL_ERROR: Unable to read some objects; please retry. on POST /crm/v3/objects/contacts/batch/read`,
    );
    expect(err.message).toContain("used up the 200ms patience (sync.retryPatience)");
  });
});

// A value more than 10,000 records share (an import that gave every company one domain): paging one query
// past 10,000 results is a 400, so the search by values reads keyset by id, each query from its first page.
describe("findBy: a value more than 10,000 records hold", () => {
  const h = useEmulator();

  it("finds every one of them, past the search's 10,000-result cap", async () => {
    const { adapter, emulator } = h();
    const made = new Set<string>();
    for (let i = 0; i < 10_050; i++) {
      made.add(emulator.data.createObject("companies", { name: `Société n°${i}`, domain: "import-été.example" }, at(i)).id);
    }
    emulator.data.createObject("companies", { name: "Ailleurs", domain: "ailleurs.example" }, at(0));
    const found = await adapter.findBy("companies", "domain", ["IMPORT-ÉTÉ.example"], ["name", "domain"]);
    expect(found).toHaveLength(10_050);
    expect(new Set(found.map((c) => c.id))).toEqual(made);
    expect(found.find((c) => c.fields.name === "Société n°7")?.fields.domain).toBe("import-été.example");
  });
});

describe("findBy within HubSpot's 3,000-character search", () => {
  const h = useEmulator();

  it("finds companies by 100 long domains, each search body within 3,000 characters", async () => {
    const { adapter, emulator } = h();
    // Company domains as sales teams keep them: long, accented (IDN) and in any case.
    const domains = Array.from({ length: 100 }, (_, i) => `ingénieurbüro-müller-schmidt-${String(i).padStart(3, "0")}.example.de`);
    for (const [i, domain] of domains.entries()) {
      emulator.data.createObject("companies", { name: `Ingénieurbüro Müller ${i}`, domain });
    }
    const before = emulator.calls.byEndpoint()["POST /crm/v3/objects/:objectType/search"] ?? 0;
    const found = await adapter.findBy("companies", "domain", domains.map((d) => d.toUpperCase()), ["name", "domain"]);
    expect(found).toHaveLength(100);
    expect(new Set(found.map((r) => r.fields.domain))).toEqual(new Set(domains));
    // One 100-value filter would be about 5,000 characters: the values go in as many searches as fit.
    const searches = (emulator.calls.byEndpoint()["POST /crm/v3/objects/:objectType/search"] ?? 0) - before;
    expect(searches).toBeGreaterThan(1);
    expect(searches).toBeLessThanOrEqual(3);
  });

  it("finds companies by domain for a mapping of more properties than a search body holds, with every field", async () => {
    const { adapter, emulator } = h();
    const custom = Array.from({ length: 140 }, (_, i) => `donnees_societe_personnalisees_${String(i).padStart(3, "0")}`);
    for (const name of custom)
      emulator.data.createProperty("companies", { name, label: name.replace(/_/g, " "), type: "string", fieldType: "text", groupName: "companyinformation" });
    const made = ["atelier-dupré.fr", "Brasserie-Øster.dk", "café-lumière.be"].map((domain, i) =>
      emulator.data.createObject("companies", { name: `Société ${i}`, domain: domain.toLowerCase(), [custom[139]!]: `valeur ${i}` }),
    );
    const found = await adapter.findBy("companies", "domain", ["ATELIER-DUPRÉ.FR", "brasserie-øster.dk", "café-lumière.be"], ["name", "domain", ...custom]);
    expect(found.map((r) => [r.id, r.fields.name, r.fields[custom[139]!]]).sort()).toEqual(
      made.map((c, i) => [c.id, `Société ${i}`, `valeur ${i}`]).sort(),
    );
  });
});

describe("write", () => {
  const h = useEmulator();

  it("updates, upserts and creates more than 100 records in ceil(N/100) calls per kind, outcomes in input order", async () => {
    const { adapter, emulator } = h();
    const d = emulator.data;
    const existing = Array.from({ length: 150 }, (_, i) =>
      d.createObject("contacts", { email: `existing${i}@example.com`, firstname: "Old" }),
    );
    const writes: RecordWrite[] = [];
    existing.forEach((c, i) => {
      writes.push({ ref: `u${i}`, id: c.id, fields: { firstname: `Nuevo ${i}`, jobtitle: null } });
    });
    // Upserts: half match existing contacts (different case), half are new.
    for (let i = 0; i < 120; i++) {
      const email = i % 2 === 0 ? `EXISTING${i}@Example.com` : `fresh${i}@example.com`;
      writes.push({ ref: `s${i}`, upsertOn: "email", fields: { email, lastname: `Upserted ${i}` } });
    }
    for (let i = 0; i < 101; i++)
      writes.push({ ref: `c${i}`, fields: { name: `Créée ${i}`, domain: `c${i}.example` } });

    const contactWrites = writes.filter((w) => !w.ref.startsWith("c"));
    const before = adapter.apiCalls();
    const outcomes = await adapter.write("contacts", contactWrites);
    expect(adapter.apiCalls() - before).toBe(2 + 2);
    expect(outcomes.map((o) => o.ref)).toEqual(contactWrites.map((w) => w.ref));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(outcomes.slice(0, 150).every((o) => o.ok && !o.created)).toBe(true);
    const upserts = outcomes.slice(150);
    upserts.forEach((o, i) => {
      expect(o.ok && o.created).toBe(i % 2 === 1);
      if (o.ok && i % 2 === 0) expect(o.id).toBe(existing[i]!.id);
    });
    expect(d.getObject("contacts", existing[7]!.id)!.properties.firstname).toBe("Nuevo 7");
    expect(d.getObject("contacts", existing[4]!.id)!.properties.lastname).toBe("Upserted 4");

    const companyWrites = writes.filter((w) => w.ref.startsWith("c"));
    const beforeCreates = adapter.apiCalls();
    const created = await adapter.write("companies", companyWrites);
    expect(adapter.apiCalls() - beforeCreates).toBe(2);
    created.forEach((o, i) => {
      expect(o).toMatchObject({ ref: `c${i}`, ok: true, created: true });
      if (o.ok) expect(d.getObject("companies", o.id)!.properties.name).toBe(`Créée ${i}`);
    });
  });

  it("gives each write the record made for it, whatever order the batch answer lists them in", async () => {
    // HubSpot promises no order for batch results (hubspot-api-nodejs #190); the emulator reverses them.
    const { adapter, emulator } = h();
    const d = emulator.data;
    const names = ["Brasserie Lëon", "Kōbō Works", "Ørsted Lab", "Nuñez & Hijos"];
    const companies = await adapter.write(
      "companies",
      names.map((name, i) => ({ ref: `co${i}`, fields: { name, domain: `placed-${i}.example` } })),
    );
    companies.forEach((o, i) => {
      if (!o.ok) throw new Error(`company ${i} failed`);
      expect(d.getObject("companies", o.id)!.properties.name).toBe(names[i]);
    });
    // A 207 (one bad input): the good results are placed around the failed one.
    const contacts = await adapter.write(
      "contacts",
      ["Ada", "Bea", "Cem", "Dov"].map((firstname, i) => ({
        ref: `p${i}`,
        fields: { email: `placed-${i}@order.example`, firstname, ...(i === 1 ? { lifecyclestage: "hot_lead" } : {}) },
      })),
    );
    expect(contacts.map((o) => o.ok)).toEqual([true, false, true, true]);
    contacts.forEach((o, i) => {
      if (o.ok) expect(d.getObject("contacts", o.id)!.properties.email).toBe(`placed-${i}@order.example`);
    });
    // Updates of two merged-away contacts answer under their survivors' ids: placed by the values written.
    const [keepA, goneA, keepB, goneB] = ["ka", "ga", "kb", "gb"].map((k) => d.createObject("contacts", { email: `${k}@merged.example` }));
    const mergedA = d.mergeContacts(keepA!.id, goneA!.id);
    const mergedB = d.mergeContacts(keepB!.id, goneB!.id);
    const updated = await adapter.write("contacts", [
      { ref: "a", id: goneA!.id, fields: { jobtitle: "Head of Growth" } },
      { ref: "b", id: goneB!.id, fields: { jobtitle: "Field Marketer" } },
    ]);
    expect(updated).toEqual([
      { ref: "a", ok: true, id: mergedA.id, created: false },
      { ref: "b", ok: true, id: mergedB.id, created: false },
    ]);
  });

  it("creates a task associated with its contact (default association type)", async () => {
    const { adapter, emulator } = h();
    const contact = emulator.data.createObject("contacts", { email: "assoc@example.com" });
    const [outcome] = await adapter.write("tasks", [
      {
        ref: "t1",
        fields: { hs_task_subject: "Call the new MQL", hs_timestamp: "2024-05-02T10:00:00.000Z" },
        associations: [{ object: "contacts", id: contact.id }],
      },
    ]);
    expect(outcome).toMatchObject({ ok: true, created: true });
    const links = emulator.data.associationsOf("tasks", outcome!.ok ? outcome!.id : "", "contacts");
    expect(links.map((l) => l.toId)).toEqual([contact.id]);
  });

  it("a batch update HubSpot refuses whole (400) for one bad record is split until that record is alone", async () => {
    const { adapter, emulator } = h();
    const d = emulator.data;
    emulator.calls.reset();
    const contacts = Array.from({ length: 5 }, (_, i) =>
      d.createObject("contacts", { email: `p207-${i}@example.com` }),
    );
    emulator.faults.add({
      records: [
        { object: "contacts", field: "company", equals: "Bad Corp", message: "Company is on the blocklist" },
      ],
    });
    try {
      const outcomes = await adapter.write(
        "contacts",
        contacts.map((c, i) => ({
          ref: `r${i}`,
          id: c.id,
          fields: { company: i === 2 ? "Bad Corp" : `Good ${i}` },
        })),
      );
      expect(outcomes.map((o) => o.ok)).toEqual([true, true, false, true, true]);
      const bad = outcomes[2]!;
      if (bad.ok) throw new Error("expected a failure");
      expect(bad.error).toMatchObject({ errorClass: "data", fields: ["company"] });
      expect(bad.error.message).toContain("Company is on the blocklist");
      expect(d.getObject("contacts", contacts[1]!.id)!.properties.company).toBe("Good 1");
      expect(d.getObject("contacts", contacts[2]!.id)!.properties.company).toBeUndefined();
      // 5 → 3 + 2 → (1 + 2) + 2 → 1 + 1 + 1 + 2: the bad record alone in the fourth call; the good
      // ones written in the calls that held no bad record.
      expect(emulator.calls.byEndpoint()["POST /crm/v3/objects/:objectType/batch/update"]).toBe(5);
    } finally {
      emulator.faults.clear();
    }
  });

  it("a value longer than HubSpot's 65,536 characters fails its own record only: the rest of the batch is written", async () => {
    const { adapter, emulator } = h();
    const d = emulator.data;
    const contacts = Array.from({ length: 4 }, (_, i) =>
      d.createObject("contacts", { email: `long-${i}.${"ç".repeat(60)}@exämple.example` }),
    );
    // A Salesforce Long Text Area holds up to 131,072 characters; accented text, as a rep's notes are.
    const tooLong = "Réunion à Zürich, café crème. ".repeat(2_400);
    expect(tooLong.length).toBeGreaterThan(65_536);
    const outcomes = await adapter.write(
      "contacts",
      contacts.map((c, i) => ({ ref: `r${i}`, id: c.id, fields: { address: i === 1 ? tooLong : `Rue n°${i}` } })),
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, true]);
    const bad = outcomes[1]!;
    if (bad.ok) throw new Error("expected a failure");
    expect(bad.error).toMatchObject({ errorClass: "data", fields: ["address"] });
    expect(d.getObject("contacts", contacts[1]!.id)!.properties.address).toBeUndefined();
    expect(d.getObject("contacts", contacts[3]!.id)!.properties.address).toBe("Rue n°3");
  });

  it("a batch create with one bad record answers 207 (every input carries a trace id): the bad one fails, the rest are made", async () => {
    const { adapter, emulator } = h();
    emulator.calls.reset();
    const outcomes = await adapter.write(
      "contacts",
      ["Zoë", "Łukasz", "Ingrid"].map((firstname, i) => ({
        ref: `c${i}`,
        fields: {
          email: `made-${i}@trace.example`,
          firstname,
          ...(i === 1 ? { lifecyclestage: "hot_lead" } : {}),
        },
      })),
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(emulator.calls.byEndpoint()["POST /crm/v3/objects/:objectType/batch/create"]).toBe(1);
    const made = emulator.data.listObjects("contacts").map((c) => c.properties.email);
    expect(made).toEqual(expect.arrayContaining(["made-0@trace.example", "made-2@trace.example"]));
    expect(made).not.toContain("made-1@trace.example");
  });

  it("an unknown enumeration value fails that record only, as data naming the property", async () => {
    const { adapter, emulator } = h();
    const a = emulator.data.createObject("contacts", { email: "enum-a@example.com" });
    const b = emulator.data.createObject("contacts", { email: "enum-b@example.com" });
    const outcomes = await adapter.write("contacts", [
      { ref: "a", id: a.id, fields: { hs_lead_status: "NOT_A_STATUS" } },
      { ref: "b", id: b.id, fields: { hs_lead_status: "OPEN" } },
    ]);
    expect(outcomes[0]).toMatchObject({
      ok: false,
      error: { errorClass: "data", fields: ["hs_lead_status"] },
    });
    expect(outcomes[1]).toMatchObject({ ok: true, id: b.id });
    expect(emulator.data.getObject("contacts", b.id)!.properties.hs_lead_status).toBe("OPEN");
  });
});

describe("faults", () => {
  const h = useEmulator();
  let id = "";
  beforeAll(() => {
    id = h().emulator.data.createObject("contacts", { email: "faults@example.com" }).id;
  });
  afterEach(() => h().emulator.faults.clear());

  it("survives a 429 storm, waiting at least the Retry-After each time", async () => {
    const { adapter, emulator } = h();
    emulator.faults.add({
      requests: [{ kind: "rate_limit", times: 3, retryAfterSeconds: 1, path: "/batch/read" }],
    });
    const before = adapter.apiCalls();
    const started = Date.now();
    const read = await adapter.readByIds("contacts", [id], ["email"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
    expect(read.map((r) => r.id)).toEqual([id]);
    expect(adapter.apiCalls() - before).toBe(4);
  });

  it("a refused token is an auth SystemError, not retried", async () => {
    const { emulator } = h();
    const adapter = createHubspotAdapter({
      accessToken: "not-the-token",
      baseUrl: emulator.url,
      retry: RETRY,
    });
    const err: unknown = await adapter.readByIds("contacts", [id], ["email"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemError);
    expect(err).toMatchObject({ errorClass: "auth", retriable: false, system: "hubspot" });
    expect((err as SystemError).message).toContain("hubspot.accessToken");
    expect(adapter.apiCalls()).toBe(1);
  });

  it("retries 5xx answers and dropped connections", async () => {
    const { adapter, emulator } = h();
    emulator.faults.add({
      requests: [
        { kind: "status", status: 503, times: 2, path: "/batch/read" },
        { kind: "drop", times: 1, path: "/batch/read" },
      ],
    });
    const before = adapter.apiCalls();
    const read = await adapter.readByIds("contacts", [id], ["email"]);
    expect(read.map((r) => r.id)).toEqual([id]);
    expect(adapter.apiCalls() - before).toBe(4);
  });

  it.each([
    ["a 502 from the gateway", { kind: "status" as const, status: 502 }, "juergen.kraemer@muehlenbach-logistik.de"],
    ["a dropped connection", { kind: "drop" as const }, "ines.schneider@oberland-maschinen.de"],
  ])("does not send a create again after %s once HubSpot made the record", async (_, fault, email) => {
    const { adapter, emulator } = h();
    const contact = emulator.data.createObject("contacts", { email });
    emulator.faults.add({
      requests: [{ ...fault, applied: true, times: 1, method: "POST", path: "/crm/v3/objects/tasks/batch/create" }],
    });
    const err: unknown = await adapter
      .write("tasks", [
        {
          ref: "t1",
          fields: { hs_task_subject: "Rückruf: Angebot für Mühlenbach nachfassen", hs_timestamp: "2026-12-04T14:03:00.000Z" },
          associations: [{ object: "contacts", id: contact.id }],
        },
      ])
      .catch((e: unknown) => e);
    // HubSpot made the task once; a second create would have made another.
    expect(emulator.data.associationsOf("contacts", contact.id, "tasks")).toHaveLength(1);
    expect(err).toBeInstanceOf(SystemError);
    expect(err).toMatchObject({ errorClass: "transient", retriable: false, system: "hubspot" });
    expect((err as SystemError).message).toMatch(/not resent: .*may have been applied/);
  });

  it("abandons a call that does not answer in time and retries it", async () => {
    const { emulator } = h();
    const adapter = createHubspotAdapter({
      accessToken: emulator.accessToken,
      baseUrl: emulator.url,
      retry: RETRY,
      requestTimeoutMs: 200,
    });
    emulator.faults.add({ requests: [{ kind: "slow", delayMs: 1_000, times: 1, path: "/batch/read" }] });
    const read = await adapter.readByIds("contacts", [id], ["email"]);
    expect(read.map((r) => r.id)).toEqual([id]);
    expect(adapter.apiCalls()).toBe(2);
  });

  it("stops endless 5xx answers when the call's patience is spent, saying it stopped", async () => {
    const { emulator } = h();
    const clock = new FakeClock(Date.parse("2026-11-20T08:00:00.000Z"));
    const adapter = createHubspotAdapter({
      accessToken: emulator.accessToken,
      baseUrl: emulator.url,
      retry: { patienceMs: 60_000, minTimeoutMs: 1_000, maxTimeoutMs: 8_000 },
      clock,
    });
    emulator.faults.add({ requests: [{ kind: "status", status: 500, path: "/batch/read" }] });
    const err: unknown = await adapter.readByIds("contacts", [id], ["email"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemError);
    expect(err).toMatchObject({ errorClass: "transient", retriable: false, code: "INTERNAL_ERROR" });
    const message = (err as SystemError).message;
    expect(message).toMatch(
      /^stopped after 1m of 500 from HubSpot .*on POST \/crm\/v3\/objects\/contacts\/batch\/read: \d+ attempts used up the 1m patience \(sync\.retryPatience\)\. Work committed so far is kept; the next run resumes from the saved cursors\.$/,
    );
    expect(message).not.toMatch(/retrying/);
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(60_000);
    expect(adapter.apiCalls()).toBe(clock.slept.length + 1);
  });

  it("counts every HTTP call it makes, as the emulator does", async () => {
    const { emulator } = h();
    const adapter = createHubspotAdapter({
      accessToken: emulator.accessToken,
      baseUrl: emulator.url,
      retry: RETRY,
    });
    const before = emulator.calls.total();
    await adapter.readByIds("contacts", [id], ["email"]);
    await adapter.describe("contacts");
    await collect(adapter.readChanges("contacts", ["email"], null, new Date().toISOString()));
    expect(adapter.apiCalls()).toBe(emulator.calls.total() - before);
  });
});

describe("an answer that stalls after its headers", () => {
  // @hubspot/api-client's fetch has no timeout, and the transport's limit ended at the headers: a body
  // that never came left the call waiting forever.
  const ANSWER = JSON.stringify({ status: "COMPLETE", results: [] });
  let server: Server;
  let requests = 0;

  beforeEach(async () => {
    requests = 0;
    server = createServer((_req, res) => {
      requests += 1;
      res.writeHead(200, { "content-type": "application/json", "content-length": String(ANSWER.length) });
      if (requests === 1) res.write(ANSWER.slice(0, 10));
      else res.end(ANSWER);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("times the call out when the body does not come, and retries it", async () => {
    const adapter = createHubspotAdapter({
      accessToken: "token",
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      retry: RETRY,
      requestTimeoutMs: 100,
    });
    expect(await adapter.readByIds("contacts", ["101"], ["email"])).toEqual([]);
    expect(requests).toBe(2);
    expect(adapter.apiCalls()).toBe(2);
  });

  it("gives the answer up once it sends nothing for the stall limit, long before the call's limit, and retries it", async () => {
    const { log, lines } = infoLog();
    const adapter = createHubspotAdapter({
      accessToken: "token",
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      retry: RETRY,
      log,
      requestTimeoutMs: 10_000,
      answerStallMs: 200,
    });
    expect(await adapter.readByIds("contacts", ["101"], ["email"])).toEqual([]);
    expect(requests).toBe(2);
    expect(lines().filter((l) => l.message === "hubspot.retry")).toEqual([
      expect.objectContaining({ code: "ANSWER_STALLED", errorClass: "transient", attempt: 1 }),
    ]);
  });
});

describe("HubSpot's search limit across adapters", () => {
  it("keeps one portal's searches under 5 a second when a new adapter starts right after another (a run after a run)", async () => {
    // HubSpot's own limit on the search endpoints: 5 requests a second for the portal, whoever sends them.
    const emulator = await startHubspotEmulator({ accessToken: `test-${randomUUID()}`, searchLagMs: 0, limits: { searchPerSecond: 5 } });
    try {
      emulator.data.createObject("contacts", { email: "zoë.ångström@nordlicht.se", firstname: "Zoë" });
      const adapter = () =>
        createHubspotAdapter({ accessToken: emulator.accessToken, baseUrl: emulator.url, retry: RETRY, searchPerSecond: 5 });
      for (const run of [adapter(), adapter(), adapter()]) {
        for (let i = 0; i < 5; i++) expect(await run.findBy("contacts", "firstname", ["Zoë"], ["email"])).toHaveLength(1);
      }
      // Fifteen searches, none refused with 429 SECONDLY and sent again.
      expect(emulator.calls.byEndpoint()["POST /crm/v3/objects/:objectType/search"]).toBe(15);
    } finally {
      await emulator.close();
    }
  });
});

describe("HubSpot's ten-second burst", () => {
  it("keeps to the burst the portal states on its answers when told none: no call refused with 429 and sent again", async () => {
    // A portal stating 10 calls per 10 seconds (X-HubSpot-RateLimit-Max and -Remaining), fewer than the lowest
    // tier's 100 leadloop starts at: only by following what the portal states do 15 calls go without a
    // refusal. The emulator counts a refused call too, so a call sent again after a 429 shows in the count.
    const emulator = await startHubspotEmulator({ accessToken: `test-${randomUUID()}`, searchLagMs: 0, limits: { burstPer10Seconds: 10 } });
    try {
      emulator.data.addOwner({ email: "inès.garnier@example.fr", firstName: "Inès", lastName: "Garnier" });
      const adapter = createHubspotAdapter({
        accessToken: emulator.accessToken,
        baseUrl: emulator.url,
        retry: { ...RETRY, patienceMs: 60_000 },
      });
      for (let i = 0; i < 15; i++) expect(await adapter.listOwners()).toHaveLength(1);
      expect(emulator.calls.byEndpoint()["GET /crm/v3/owners"]).toBe(15);
    } finally {
      await emulator.close();
    }
  }, 60_000);
});

describe("describe and ensureProperties", () => {
  const h = useEmulator();

  it("describes contact properties: types, picklist values, read-only and unique fields", async () => {
    const { adapter } = h();
    const description = await adapter.describe("contacts");
    const field = (name: string) => description.fields.find((f) => f.name === name);
    expect(description).toMatchObject({ system: "hubspot", object: "contacts" });
    expect(field("email")).toMatchObject({
      type: "email",
      unique: true,
      externalId: true,
      createable: true,
      required: false,
    });
    expect(field("lifecyclestage")).toMatchObject({ type: "picklist", updateable: true });
    expect(field("lifecyclestage")!.picklistValues).toEqual(
      expect.arrayContaining(["lead", "marketingqualifiedlead"]),
    );
    expect(field("lastmodifieddate")).toMatchObject({
      type: "datetime",
      createable: false,
      updateable: false,
    });
    expect(field("hubspotscore")).toMatchObject({ type: "number", updateable: false });
    expect(field("phone")!.type).toBe("phone");
    expect(field("hubspot_owner_id")!.type).toBe("reference");
    expect(field("hs_object_id")).toMatchObject({ type: "id", externalId: false });
    expect(description.fields.filter((f) => f.required)).toEqual([]);
  });

  it("marks hs_timestamp required on tasks", async () => {
    const { adapter } = h();
    const tasks = await adapter.describe("tasks");
    expect(tasks.fields.filter((f) => f.required).map((f) => f.name)).toEqual(["hs_timestamp"]);
  });

  it("creates a missing custom property once", async () => {
    const { adapter } = h();
    const definition = picklistProperty("leadloop_status", "leadloop status", [
      { label: "Qualified", value: "qualified" },
      { label: "Recycle", value: "recycle" },
    ]);
    const [first] = await adapter.ensureProperties("contacts", [definition]);
    const [second] = await adapter.ensureProperties("contacts", [definition]);
    expect(first).toMatchObject({
      created: true,
      field: { type: "picklist", picklistValues: ["qualified", "recycle"] },
    });
    expect(second!.created).toBe(false);
    const described = await adapter.describe("contacts");
    expect(described.fields.map((f) => f.name)).toContain("leadloop_status");
  });
});

// A create refused as existing (409) while the properties list read right after does not hold the property
// yet: the list trails the create's check (emulator.ts propertyListLagMs, FIDELITY.md properties row).
describe("ensureProperties: a property made elsewhere that the properties list does not show yet", () => {
  const h = useEmulator({}, { propertyListLagMs: 1_500 });
  const definition = (name: string) =>
    picklistProperty(name, "Nível de interesse (Zoë's team)", [
      { label: "Élevé", value: "eleve" },
      { label: "Bajo", value: "bajo" },
    ]);

  it("reads the list again until it shows the property, and uses it", async () => {
    const { adapter, emulator } = h();
    // Another leadloop, or an admin, made it a moment ago.
    emulator.data.createProperty("contacts", definition("leadloop_interest"));
    const listReads = () => emulator.calls.byEndpoint()["GET /crm/v3/properties/:objectType"] ?? 0;
    const before = listReads();
    const ensured = await adapter.ensureProperties("contacts", [definition("leadloop_interest")]);
    expect(ensured).toHaveLength(1);
    expect(ensured[0]).toMatchObject({ created: false, field: { name: "leadloop_interest", type: "picklist", picklistValues: ["eleve", "bajo"] } });
    // The list before the create, and again after its 409 until the lag passed.
    expect(listReads() - before).toBeGreaterThan(2);
  });

  it("stops with a message naming the create, the list and what to check when the patience is spent first", async () => {
    const { emulator } = h();
    const adapter = shortPatienceAdapter(emulator, 500);
    emulator.data.createProperty("contacts", definition("leadloop_interest_2"));
    const err = await adapter.ensureProperties("contacts", [definition("leadloop_interest_2")]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SystemError);
    expect((err as SystemError).retriable).toBe(false);
    expect((err as SystemError).message).toContain(
      "HubSpot refused POST /crm/v3/properties/contacts for 'leadloop_interest_2' as existing (409) while GET /crm/v3/properties/contacts does not list it",
    );
    expect((err as SystemError).message).toContain("may be archived");
  });
});

// A time in neither form: read as the epoch, or left out, it would move a cursor wrong or lose the record.
describe("a search answer whose modified time is neither ISO 8601 nor epoch milliseconds", () => {
  it("stops the read with an error naming the record and the field", async () => {
    const answer = {
      total: 1,
      results: [{ id: "101", properties: { email: "zoë@exämple.com", lastmodifieddate: "yesterday, 10:20" }, createdAt: "", updatedAt: "" }],
    };
    const err = await answeringWith(answer, (a) => collect(a.readChanges("contacts", ["email"], null, iso(0)))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SystemError);
    expect((err as SystemError).message).toContain(
      'HubSpot answered contacts 101 with a modified time that is neither ISO 8601 nor epoch milliseconds (lastmodifieddate: "yesterday, 10:20")',
    );
  });
});

/** An adapter against a server that answers every call with `answer` (a body no emulator would give). */
async function answeringWith<T>(answer: unknown, read: (adapter: HubspotAdapter) => Promise<T>): Promise<T> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const adapter = createHubspotAdapter({
      accessToken: "token",
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      retry: RETRY,
    });
    return await read(adapter);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

// The Events API reference gives occurredAt as an ISO 8601 date-time; a server may answer epoch
// milliseconds, as the objects' times (FIDELITY.md, "object timestamps"): one reading for both.
describe("an events answer's occurredAt", () => {
  const event = (id: string, occurredAt: unknown) => ({
    id,
    objectType: "CONTACT",
    objectId: "101",
    eventType: "e_visited_page",
    occurredAt,
    properties: { hs_url: "https://exämple.fr/prix" },
  });

  it("reads ISO 8601 and epoch milliseconds, as a number or digits, as the same instants", async () => {
    const ms = Date.parse("2024-05-01T09:00:00.250Z");
    const read = await answeringWith({ results: [event("ev-1", "2024-05-01T11:00:00.250+02:00"), event("ev-2", ms + 1_000), event("ev-3", String(ms + 2_000))] }, (a) =>
      a.readActivities(["101"], null),
    );
    expect(read.map((e) => [e.id, e.occurredAt])).toEqual([
      ["ev-1", "2024-05-01T09:00:00.250Z"],
      ["ev-2", "2024-05-01T09:00:01.250Z"],
      ["ev-3", "2024-05-01T09:00:02.250Z"],
    ]);
  });

  it("stops the read at one that is neither, with an error naming the event, its contact and the field", async () => {
    const answer = { results: [event("ev-1", "2024-05-01T09:00:00Z"), event("ev-2", "mardi 7 mai, 10 h 20")] };
    const err = await answeringWith(answer, (a) => a.readActivities(["101"], null)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SystemError);
    expect((err as SystemError).message).toContain(
      'HubSpot answered event ev-2 of contact 101 with a time that is neither ISO 8601 nor epoch milliseconds (occurredAt: "mardi 7 mai, 10 h 20")',
    );
  });
});

// HubSpot ids are int64: past 2^53 a JSON number no double holds (associations v4 gives toObjectId as one).
describe("a portal whose ids are past 2^53", () => {
  const h = useEmulator({}, { firstObjectId: "9007199254740993" });

  it("reads associated ids and records by id digit for digit", async () => {
    const { adapter, emulator } = h();
    const d = emulator.data;
    const contact = d.createObject("contacts", { email: "Zoë.Ñúñez@Größe-Exämple.COM", firstname: "Zoë" });
    const companies = [
      d.createObject("companies", { name: "Société Générale d'Électricité", domain: "größe-exämple.com" }),
      d.createObject("companies", { name: "Größe GmbH", domain: "grosse.example" }),
      d.createObject("companies", { name: "  ", domain: "" }),
    ].map((c) => c.id);
    expect(contact.id).toBe("9007199254740993");
    expect(companies).toEqual(["9007199254740994", "9007199254740995", "9007199254740996"]);
    for (const id of companies) d.associate("contacts", contact.id, "companies", id);

    const read = await adapter.readAssociations("contacts", [contact.id], "companies");
    expect([...(read.get(contact.id) ?? [])].sort()).toEqual(companies);
    const records = await adapter.readByIds("companies", companies, ["name", "domain"]);
    expect(records.map((r) => r.id).sort()).toEqual(companies);
  });
});

// The first load's keyset (`hs_object_id` GT the last id read) meets ids whose neighbours are one double.
describe("a first load of a portal whose ids are past 2^53", () => {
  const h = useEmulator({}, { firstObjectId: "9007199254740990", searchPageMax: 3 });

  it("reads every contact once, across pages whose last ids no double holds", async () => {
    const { adapter, emulator } = h();
    const ids = Array.from({ length: 11 }, (_, i) => emulator.data.createObject("contacts", messyContact(i), at(i)).id);
    expect(ids[3]).toBe("9007199254740993");
    const pages = await collect(adapter.readChanges("contacts", FIELDS, null, iso(3_600_000)));
    expect(pages.flatMap((p) => p.records.map((r) => r.id))).toEqual(ids);
  });
});

describe("readRemovals", () => {
  const h = useEmulator();

  it("reports archived records as deleted and both merged contacts with the new record they became", async () => {
    const { adapter, emulator } = h();
    const d = emulator.data;
    const since = new Date(Date.now() - 1_000).toISOString();
    const gone = d.createObject("contacts", { email: "gone@example.com" });
    const keep = d.createObject("contacts", { email: "keep@example.com" });
    const primary = d.createObject("contacts", { email: "primary@example.com" });
    const duplicate = d.createObject("contacts", { email: "Duplicate@example.com" });
    d.archiveObject("contacts", gone.id);
    const merged = d.mergeContacts(primary.id, duplicate.id);
    const until = new Date(Date.now() + 1_000).toISOString();

    const removals = await adapter.readRemovals("contacts", since, until);
    expect(removals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: gone.id, kind: "deleted", mergedInto: null, takesWrites: false }),
        expect.objectContaining({ id: primary.id, kind: "merged", mergedInto: merged.id, takesWrites: true }),
        expect.objectContaining({ id: duplicate.id, kind: "merged", mergedInto: merged.id, takesWrites: true }),
      ]),
    );
    expect(removals.map((r) => r.id)).not.toContain(keep.id);
    expect(removals).toHaveLength(3);
    // Read by the old ids, the merged record answers under its own id, naming the ids that led to it.
    const read = await adapter.readByIds("contacts", [primary.id, duplicate.id, keep.id], ["email"]);
    expect(read.map((r) => r.id).sort()).toEqual([keep.id, merged.id].sort());
    expect([...(read.find((r) => r.id === merged.id)?.askedAs ?? [])].sort()).toEqual([primary.id, duplicate.id].sort());
    expect(read.find((r) => r.id === merged.id)?.fields).toEqual({ email: "primary@example.com" });
    expect(read.find((r) => r.id === keep.id)?.askedAs).toBeUndefined();

    const earlier = await adapter.readRemovals(
      "contacts",
      "2020-01-01T00:00:00.000Z",
      "2020-01-02T00:00:00.000Z",
    );
    expect(earlier).toEqual([]);

    // Told the window holds no changed contact, it still lists the archived ones but asks for no merges.
    const before = emulator.calls.total();
    const unchanged = await adapter.readRemovals("contacts", since, until, { unchanged: true });
    expect(unchanged).toEqual([expect.objectContaining({ id: gone.id, kind: "deleted" })]);
    expect(emulator.calls.total()).toBe(before + 1);
  });
});

describe("readRemovals: a mass merge", () => {
  const h = useEmulator();

  it("follows every merge of a mass merge, though a merged record is modified again while the search is read", async () => {
    // A marketer's deduplication merges hundreds of contacts at once: more than one search page of
    // merged records. One of them edited while the pages are read moves to the end of the order.
    const { adapter, emulator } = h();
    const d = emulator.data;
    const since = new Date(Date.now() - 1_000).toISOString();
    const merges = Array.from({ length: 230 }, (_, i) => {
      const keep = d.createObject("contacts", { email: `renée.${i}@dédup.example`, firstname: "Renée" });
      const twin = d.createObject("contacts", { email: `RENEE.${i}@dedup.example`, firstname: "Renee" });
      return { keep: keep.id, twin: twin.id, merged: d.mergeContacts(keep.id, twin.id).id };
    });
    const until = new Date(Date.now() + 60_000).toISOString();
    let mergeSearches = 0;
    const stop = emulator.calls.observe((call) => {
      if (!JSON.stringify(call.body ?? "").includes("hs_merged_object_ids")) return;
      // Before the second page is answered, a rep edits the first merged record.
      if (++mergeSearches === 2) d.updateObject("contacts", merges[0]!.merged, { jobtitle: "Responsable marketing" });
    });
    const removals = await adapter.readRemovals("contacts", since, until);
    stop();
    expect(mergeSearches).toBeGreaterThan(1);
    const mergedInto = new Map(removals.filter((r) => r.kind === "merged").map((r) => [r.id, r.mergedInto]));
    const missed = merges.filter((m) => mergedInto.get(m.keep) !== m.merged || mergedInto.get(m.twin) !== m.merged);
    expect(missed).toEqual([]);
    expect(mergedInto.size).toBe(460);
  });
});

describe("owners and activities", () => {
  const h = useEmulator();

  it("lists owners", async () => {
    const { adapter, emulator } = h();
    emulator.data.addOwner({ email: "ana@example.com", firstName: "Ana", lastName: "López" });
    emulator.data.addOwner({ email: "bo@example.com", firstName: "Bo", lastName: "Østergaard" });
    const owners = await adapter.listOwners();
    expect(owners).toEqual([
      { id: expect.any(String), email: "ana@example.com", firstName: "Ana", lastName: "López" },
      { id: expect.any(String), email: "bo@example.com", firstName: "Bo", lastName: "Østergaard" },
    ]);
  });

  it("reads contacts' events across pages, kinds mapped, since excluded", async () => {
    const { adapter, emulator } = h();
    const d = emulator.data;
    const a = d.createObject("contacts", { email: "events-a@example.com" });
    const b = d.createObject("contacts", { email: "events-b@example.com" });
    for (let i = 0; i < 130; i++) {
      d.addEvent({
        contactId: a.id,
        eventType: "e_visited_page",
        occurredAt: at(i * 1000),
        properties: { hs_url: `https://example.com/p${i}` },
      });
    }
    d.addEvent({
      contactId: b.id,
      eventType: "e_submitted_form",
      occurredAt: at(10_500),
      properties: { hs_title: "Demo request" },
    });
    d.addEvent({ contactId: b.id, eventType: "e_opened_email", occurredAt: at(11_000) });
    d.addEvent({ contactId: b.id, eventType: "e_clicked_email", occurredAt: at(12_000) });
    d.addEvent({ contactId: b.id, eventType: "e_clicked_cta", occurredAt: at(13_000) });
    d.addEvent({ contactId: b.id, eventType: "e_custom_webinar", occurredAt: at(14_000) });
    d.addEvent({ contactId: b.id, eventType: "e_visited_page", occurredAt: at(1_000) });

    const before = adapter.apiCalls();
    const all = await adapter.readActivities([a.id, b.id], null);
    expect(adapter.apiCalls() - before).toBe(3);
    expect(all.filter((e) => e.contactId === a.id)).toHaveLength(130);
    expect(all[0]!.occurredAt <= all.at(-1)!.occurredAt).toBe(true);
    const ofB = all.filter((e) => e.contactId === b.id).map((e) => e.kind);
    expect(ofB).toEqual(["page_view", "form_submission", "email_open", "email_click", "cta_click", "other"]);
    expect(all.find((e) => e.kind === "form_submission")!.properties).toEqual({
      hs_title: "Demo request",
    });

    const recent = await adapter.readActivities([b.id], iso(10_500));
    expect(recent.map((e) => e.kind)).toEqual(["email_open", "email_click", "cta_click", "other"]);
  });
});

describe("associations", () => {
  const h = useEmulator();

  it("reads the companies of 1,200 contacts in two batch reads of up to 1,000, leaving out contacts without one", async () => {
    const { emulator, adapter } = h();
    const companies = ["Société Générale d'Études", "Fjord Analytics"].map((name) => emulator.data.createObject("companies", { name }));
    const ids = Array.from({ length: 1200 }, (_, i) => {
      const contact = emulator.data.createObject("contacts", { email: `assoc.${i}@Etudes-${i % 5}.example`, firstname: i % 2 ? "Zoé" : "Jürgen" });
      if (i % 4 !== 3) emulator.data.associate("contacts", contact.id, "companies", companies[i % 2]!.id);
      return contact.id;
    });
    emulator.calls.reset();
    const read = await adapter.readAssociations("contacts", [...ids, ids[0]!], "companies");
    expect(emulator.calls.byEndpoint()).toEqual({ "POST /crm/v4/associations/:fromObjectType/:toObjectType/batch/read": 2 });
    expect(read.size).toBe(900);
    expect(read.get(ids[0]!)).toEqual([companies[0]!.id]);
    expect(read.get(ids[1]!)).toEqual([companies[1]!.id]);
    expect(read.has(ids[3]!)).toBe(false);
  });
});
