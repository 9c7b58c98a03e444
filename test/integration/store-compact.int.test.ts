// The store's long texts, snapshots and kept reads (migration 18): the audit keeps a long value as
// pieces stored once and gives it back exactly, the audit_log view included; the retention prune takes
// the pieces only pruned writes used; a link's snapshot row names its fields by number, rows of a v16
// file included, and a new link's row names its time once; a kept change read is stored compactly and
// gone once taken.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { AuditEntry, IndexedRecord, KeptPage } from "../../src/store/port.js";
import { openConnection } from "../../src/store/sqlite/connection.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { MIGRATIONS, migrate } from "../../src/store/sqlite/migrations.js";

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const daysAgo = (days: number) => new Date(NOW - days * DAY_MS).toISOString();

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-compact-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A score's reasons as the qualification writes them: lines many people share, a few of their own. */
function reasons(name: string, title: string, points: string): string {
  return [
    `+${points} Visited the pricing page: 3 × page_view, latest 2026-11-28; 45 before decay; capped at 30`,
    `+20 Decision-maker title (jobtitle "${title}")`,
    "+10 Industry we sell to (company.industry \"COMPUTER_SOFTWARE\")",
    `+5 In a country we sell in (country "Österreich" → AT); noted for ${name}`,
  ].join("\n");
}

function write(recordId: string, field: string, before: string | null, after: string | null, at: string, runId = "run-1"): AuditEntry {
  return { runId, at, system: "hubspot", object: "contacts", recordId, operation: "update", field, before, after, rule: "score: 72.5 points" };
}

function raw(file: string): Database.Database {
  return new Database(file, { readonly: true });
}

describe("the audit's long values", () => {
  it("are kept as pieces stored once and read back exactly, through the port and the audit_log view", async () => {
    const file = join(dir, "state.db");
    const store = await openSqliteStore(file);
    const zoe = reasons("Zoë Ångström", "Directrice Marketing", "30");
    const jose = reasons("José Núñez", "Directrice Marketing", "30");
    // Exactly at the threshold and one below it; a text ending in its separator; a blank line.
    const sixtyFour = "Besuch der Preisseite; Demo angefragt; Whitepaper über Lead-Scoring!!".slice(0, 64);
    const sixtyThree = sixtyFour.slice(0, 63);
    const trailing = `${zoe}\n\nLast visits: 2026-11-30 Tarifs (/tarifs); `;
    const entries = [
      write("51", "leadloop_reasons", null, zoe, daysAgo(1)),
      write("51", "leadloop_score", "12", "72.5", daysAgo(1)),
      write("52", "leadloop_reasons", zoe, jose, daysAgo(1)),
      write("52", "leadloop_summary", sixtyThree, sixtyFour, daysAgo(1)),
      write("53", "leadloop_summary", "", trailing, daysAgo(1)),
    ];
    expect(sixtyFour).toHaveLength(64);
    await store.commitBatch({ runId: "run-1", at: daysAgo(1), audit: entries });
    expect(await store.listAudit(["51", "52", "53"])).toEqual(entries);
    await store.close();

    const db = raw(file);
    const pieces = db.prepare("SELECT piece FROM audit_pieces").pluck().all() as string[];
    // Each distinct line is kept once: Zoë's and José's reasons share their first three.
    expect(new Set(pieces).size).toBe(pieces.length);
    expect(pieces.filter((p) => p.startsWith("+20 Decision-maker title"))).toHaveLength(1);
    expect(pieces.some((p) => p.includes("José Núñez"))).toBe(true);
    // A write's fields are packed on its row (migration 19): a long value is the array of its pieces'
    // ids, a score a JSON number.
    const stored = db
      .prepare(
        `SELECT json_type(j.value, '$[2]') AS before, json_type(j.value, '$[1]') AS after
         FROM audit_writes w, json_each(w.fields) j ORDER BY w.id, j.key`,
      )
      .all();
    expect(stored).toEqual([
      { before: null, after: "array" },
      { before: "integer", after: "real" },
      { before: "array", after: "array" },
      { before: "text", after: "array" },
      { before: "text", after: "array" },
    ]);
    // A reader of the file sees the old shape, values whole.
    const view = db.prepare("SELECT record_id, field, before_value, after_value FROM audit_log ORDER BY id").all();
    expect(view).toEqual(
      entries.map((e) => ({ record_id: e.recordId, field: e.field, before_value: e.before, after_value: e.after })),
    );
    db.close();
  });

  it("take up less than half the room of the same texts kept whole", async () => {
    const file = join(dir, "state.db");
    const store = await openSqliteStore(file);
    const titles = ["CMO", "VP Marketing", "Head of Growth", "Directrice Marketing", "Geschäftsführer"];
    const entries = Array.from({ length: 2_000 }, (_, i) =>
      write(String(1000 + i), "leadloop_reasons", null, reasons(`Person ${i % 40}`, titles[i % titles.length]!, String(10 + (i % 20))), daysAgo(1)),
    );
    await store.commitBatch({ runId: "run-1", at: daysAgo(1), audit: entries });
    await store.close();
    const db = raw(file);
    const whole = entries.reduce((sum, e) => sum + Buffer.byteLength(e.after!), 0);
    const kept =
      (db.prepare("SELECT SUM(length(fields)) FROM audit_writes").pluck().get() as number) +
      (db.prepare("SELECT SUM(length(CAST(piece AS BLOB))) FROM audit_pieces").pluck().get() as number);
    expect(kept).toBeLessThan(whole / 2);
    db.close();
  });

  it("lose the pieces only pruned writes used when the retention prunes them", async () => {
    const file = join(dir, "state.db");
    const store = await openSqliteStore(file);
    // More old writes than the step a piece's last use is recorded by, so their own pieces can go.
    const old = Array.from({ length: 10_050 }, (_, i) =>
      write(`old-${i}`, "leadloop_reasons", null, reasons(`Ancien ${i}`, "CMO", "30"), daysAgo(120), "run-old"),
    );
    await store.commitBatch({ runId: "run-old", at: daysAgo(120), audit: old });
    const kept = write("kept-1", "leadloop_reasons", null, reasons("Zoë Ångström", "CMO", "30"), daysAgo(1), "run-new");
    await store.commitBatch({ runId: "run-new", at: daysAgo(1), audit: [kept] });

    expect(await store.pruneAudit(daysAgo(90))).toBe(old.length);
    expect(await store.listAudit(["kept-1", "old-3"])).toEqual([kept]);
    await store.close();
    const db = raw(file);
    const pieces = new Set(db.prepare("SELECT piece FROM audit_pieces").pluck().all() as string[]);
    // The old writes' own last lines went, but for those of the last writes before the kept one: a
    // piece's last use is recorded a step of writes late at most, and the prune keeps that margin.
    expect(pieces.has("noted for Ancien 0")).toBe(false);
    expect(pieces.has("noted for Ancien 49")).toBe(false);
    expect(pieces.has("noted for Ancien 10049")).toBe(true);
    expect(pieces.size).toBeLessThan(10_050);
    // The lines the kept write shares with them stayed, once.
    expect(pieces.has("noted for Zoë Ångström")).toBe(true);
    expect([...pieces].filter((p) => p.startsWith("+20 Decision-maker title"))).toHaveLength(1);
    db.close();
  });
});

describe("a link's snapshots", () => {
  it("name their fields by number, in rows a v16 file held and rows written since, and read back unchanged (and so do match notes their pair and matcher)", async () => {
    const file = join(dir, "state.db");
    const v16 = openConnection(file);
    migrate(v16, file, MIGRATIONS.filter((m) => m.version <= 16));
    v16
      .prepare(
        `INSERT INTO links (id, pair, marketing_type, marketing_id, crm_type, crm_id, match_key, status, created_at, updated_at)
         VALUES (?, 'contact', 'contacts', ?, 'Lead', ?, ?, 'active', ?, ?)`,
      )
      .run(7, "51", "00Q5g00000AbCdEAAZ", "zoe.angstrom@nordlicht.se", daysAgo(2), daysAgo(2));
    const before = {
      "firstname>FirstName": [NOW - DAY_MS, "Zoë"],
      "lastname>LastName": [NOW - DAY_MS, "Ångström", "Angstrom"],
      "phone>Phone": [NOW - DAY_MS],
      "link stamp": [NOW - DAY_MS, "00Q5g00000AbCdEAAZ", "51"],
      // A form migration 12 could not convert (its time is not an instant) stays as it was.
      "zip>PostalCode": ["75008", "75008", "yesterday"],
    };
    v16.prepare("INSERT INTO link_snapshots (link_id, fields) VALUES (?, ?)").run(7, JSON.stringify(before));
    const miss = v16.prepare("INSERT INTO match_misses (pair, marketing_id, keys, matcher) VALUES (?, ?, ?, ?)");
    miss.run("contact", "52", '["josé.núñez@exemple.fr"]', "ZmimTW5a5PQVRm8z");
    miss.run("company", "10163", '["société-générale.fr"]', "Qx1bTW5a5PQVRm00");
    v16.close();

    const store = await openSqliteStore(file);
    const day = new Date(NOW - DAY_MS).toISOString();
    const expected = {
      "firstname>FirstName": { marketing: "Zoë", crm: "Zoë", syncedAt: day },
      "lastname>LastName": { marketing: "Ångström", crm: "Angstrom", syncedAt: day },
      "phone>Phone": { marketing: null, crm: null, syncedAt: day },
      "link stamp": { marketing: "00Q5g00000AbCdEAAZ", crm: "51", syncedAt: day },
      "zip>PostalCode": { marketing: "75008", crm: "75008", syncedAt: "yesterday" },
    };
    expect((await store.getSnapshots([7])).get(7)).toEqual(expected);
    // A page's commit patches one field and adds another: the rest keep their values and times.
    await store.commitBatch({
      runId: "run-2",
      at: daysAgo(0),
      links: [
        {
          linkId: 7,
          pair: "contact",
          marketingType: "contacts",
          marketingId: "51",
          crmType: "Lead",
          crmId: "00Q5g00000AbCdEAAZ",
          snapshots: {
            "lastname>LastName": { marketing: "Ångström", crm: "Ångström" },
            "jobtitle>Title": { marketing: "Directrice Marketing", crm: null },
          },
        },
      ],
    });
    const now = daysAgo(0);
    expect((await store.getSnapshots([7])).get(7)).toEqual({
      ...expected,
      "lastname>LastName": { marketing: "Ångström", crm: "Ångström", syncedAt: now },
      "jobtitle>Title": { marketing: "Directrice Marketing", crm: null, syncedAt: now },
    });
    // The match notes came through with their pair and matcher; a new note and a link's drop work on them.
    expect([...(await store.matchMisses("contact", ["52", "53"])).values()]).toEqual([
      { pair: "contact", marketingId: "52", keys: '["josé.núñez@exemple.fr"]', matcher: "ZmimTW5a5PQVRm8z" },
    ]);
    await store.commitBatch({
      runId: "run-2",
      at: daysAgo(0),
      matchMisses: [{ pair: "contact", marketingId: "53", keys: '["zoë@exemple.fr"]', matcher: "ZmimTW5a5PQVRm8z" }],
      links: [
        { pair: "company", marketingType: "companies", marketingId: "10163", crmType: "Account", crmId: "001Hs0000000008IAA" },
      ],
    });
    expect([...(await store.matchMisses("contact", ["52", "53"])).keys()]).toEqual(["52", "53"]);
    expect((await store.matchMisses("company", ["10163"])).size).toBe(0);
    await store.close();

    const db = raw(file);
    expect(db.prepare("SELECT typeof(pair) || ' ' || typeof(matcher) FROM match_misses").pluck().all()).toEqual([
      "integer integer",
      "integer integer",
    ]);
    const row = db.prepare("SELECT fields FROM link_snapshots WHERE link_id = 7").pluck().get() as string;
    expect(Object.keys(JSON.parse(row) as object).every((key) => /^[0-9]+$/.test(key))).toBe(true);
    expect(row).not.toContain("LastName");
    db.close();
  });
});

describe("a new link's snapshot row", () => {
  it("names its time once and each field synced then by its values alone; a later patch gives a field its own time", async () => {
    const file = join(dir, "state.db");
    const store = await openSqliteStore(file);
    const created = daysAgo(3);
    const older = daysAgo(5);
    await store.commitBatch({
      runId: "run-1",
      at: created,
      links: [
        {
          pair: "contact",
          marketingType: "contacts",
          marketingId: "61",
          crmType: "Lead",
          crmId: "00Q5g00000ZoeMAAZ",
          matchKey: "zoe.angstrom@nordlicht.se",
          snapshots: {
            "email>Email": { marketing: "zoe.angstrom@nordlicht.se", crm: "zoe.angstrom@nordlicht.se" },
            "lastname>LastName": { marketing: "Ångström", crm: "Angstrom" },
            "phone>Phone": { marketing: null, crm: null },
            // A value that reads like a time or a blank is still a value.
            "zip>PostalCode": { marketing: "0", crm: "0" },
            "company>Company": { marketing: null, crm: "Nordlicht AB" },
            // A snapshot carried over from an earlier sync keeps its own time.
            "city>City": { marketing: "Malmö", crm: "Malmö", syncedAt: older },
          },
        },
      ],
    });
    const [linkId] = [...(await store.findLinksByMarketingIds("contact", ["61"])).values()].map((l) => l.id);
    const expected = {
      "email>Email": { marketing: "zoe.angstrom@nordlicht.se", crm: "zoe.angstrom@nordlicht.se", syncedAt: created },
      "lastname>LastName": { marketing: "Ångström", crm: "Angstrom", syncedAt: created },
      "phone>Phone": { marketing: null, crm: null, syncedAt: created },
      "zip>PostalCode": { marketing: "0", crm: "0", syncedAt: created },
      "company>Company": { marketing: null, crm: "Nordlicht AB", syncedAt: created },
      "city>City": { marketing: "Malmö", crm: "Malmö", syncedAt: older },
    };
    expect((await store.getSnapshots([linkId!])).get(linkId!)).toEqual(expected);

    // A page's commit patches one field: it gets its own time, the others keep the row's.
    await store.commitBatch({
      runId: "run-2",
      at: daysAgo(0),
      links: [
        {
          linkId,
          pair: "contact",
          marketingType: "contacts",
          marketingId: "61",
          crmType: "Lead",
          crmId: "00Q5g00000ZoeMAAZ",
          snapshots: { "lastname>LastName": { marketing: "Ångström", crm: "Ångström" } },
        },
      ],
    });
    const patched = { ...expected, "lastname>LastName": { marketing: "Ångström", crm: "Ångström", syncedAt: daysAgo(0) } };
    expect((await store.getSnapshots([linkId!])).get(linkId!)).toEqual(patched);
    await store.close();

    const db = raw(file);
    const names = new Map(
      (db.prepare("SELECT id, name FROM names").all() as { id: number; name: string }[]).map((n) => [String(n.id), n.name]),
    );
    const row = JSON.parse(db.prepare("SELECT fields FROM link_snapshots WHERE link_id = ?").pluck().get(linkId) as string) as
      Record<string, unknown>;
    const byName = Object.fromEntries(Object.entries(row).map(([id, v]) => [id === "t" ? "t" : names.get(id), v]));
    expect(byName).toEqual({
      t: Date.parse(created),
      "email>Email": "zoe.angstrom@nordlicht.se",
      "lastname>LastName": [Date.parse(daysAgo(0)), "Ångström"],
      "phone>Phone": 0,
      "zip>PostalCode": "0",
      "company>Company": [null, "Nordlicht AB"],
      "city>City": [Date.parse(older), "Malmö"],
    });
    db.close();
  });

  it("is refused, naming the field, when a field without its time sits in a row without one", async () => {
    const file = join(dir, "state.db");
    const store = await openSqliteStore(file);
    await store.commitBatch({
      runId: "run-1",
      at: daysAgo(1),
      links: [
        {
          pair: "contact",
          marketingType: "contacts",
          marketingId: "62",
          crmType: "Lead",
          crmId: "00Q5g00000JoseAAZ",
          snapshots: { "firstname>FirstName": { marketing: "José", crm: "José" } },
        },
      ],
    });
    await store.close();
    const db = new Database(file);
    const nameId = db.prepare("SELECT id FROM names WHERE name = 'firstname>FirstName'").pluck().get() as number;
    db.prepare("UPDATE link_snapshots SET fields = ?").run(JSON.stringify({ [nameId]: "José" }));
    db.close();
    const reopened = await openSqliteStore(file);
    const [link] = [...(await reopened.findLinksByMarketingIds("contact", ["62"])).values()];
    await expect(reopened.getSnapshots([link!.id])).rejects.toThrow(/field "firstname>FirstName" without the time/);
    await reopened.close();
  });
});

describe("a kept change read", () => {
  function contact(i: number): IndexedRecord {
    return {
      object: "contacts",
      id: String(12_000 + i),
      modifiedAt: new Date(NOW - i * 1_000).toISOString(),
      fields: {
        email: i % 4 === 0 ? `Zoe.Muller${i}@Beispiel.DE` : `jose.nunez${i}@exemple.fr`,
        firstname: i % 2 === 0 ? "Zoë" : "José",
        lastname: i % 5 === 0 ? "" : `Müller-Núñez ${i}`,
        jobtitle: i % 3 === 0 ? null : "Directrice Marketing",
        // A field the system did not answer for this record stays absent, not blank.
        ...(i % 7 === 0 ? {} : { hs_analytics_source: "ORGANIC_SEARCH" }),
      },
    };
  }
  const page = (from: number, n: number): KeptPage => ({
    records: Array.from({ length: n }, (_, i) => contact(from + i)),
    cursor: { modifiedAt: new Date(NOW - (from + n) * 1_000).toISOString(), lastId: String(12_000 + from + n - 1) },
  });

  it("is stored at a fraction of its JSON, taken back exactly in order, and gone once taken", async () => {
    const file = join(dir, "state.db");
    const store = await openSqliteStore(file);
    const pages = [page(0, 100), page(100, 100), page(200, 37)];
    await store.keepReadPages("run-1:hubspot:contacts", pages);
    await store.keepReadPages("run-0:hubspot:contacts", [page(900, 3)]);

    const db = raw(file);
    const stored = db.prepare("SELECT SUM(length(records)) FROM kept_reads WHERE read_key = 'run-1:hubspot:contacts'").pluck().get() as number;
    expect(stored).toBeLessThan(JSON.stringify(pages.map((p) => p.records)).length / 4);
    db.close();

    expect(await store.takeKeptReadPages("run-1:hubspot:contacts", 2)).toEqual(pages.slice(0, 2));
    const left = raw(file);
    expect(left.prepare("SELECT COUNT(*) FROM kept_reads WHERE read_key = 'run-1:hubspot:contacts'").pluck().get()).toBe(1);
    left.close();
    expect(await store.takeKeptReadPages("run-1:hubspot:contacts", 2)).toEqual(pages.slice(2));
    expect(await store.takeKeptReadPages("run-1:hubspot:contacts", 2)).toEqual([]);
    // Another read's pages are its own.
    expect(await store.takeKeptReadPages("run-0:hubspot:contacts", 5)).toEqual([page(900, 3)]);
    await store.close();
  });

  it("keeps a field named like an Object member (`constructor`) on the records that have it and off those that do not", async () => {
    const store = await openSqliteStore(join(dir, "members.db"));
    const builder = { ...contact(1), fields: { ...contact(1).fields, constructor: "Bâtiments Müller SARL" } };
    const without = contact(2);
    const kept: KeptPage = { records: [builder, without], cursor: { modifiedAt: new Date(NOW).toISOString(), lastId: "12002" } };
    await store.keepReadPages("run-2:hubspot:contacts", [kept]);
    const [taken] = await store.takeKeptReadPages("run-2:hubspot:contacts", 1);
    expect(taken).toEqual(kept);
    expect(Object.hasOwn(taken!.records[1]!.fields, "constructor")).toBe(false);
    await store.close();
  });
});
