// Migration 19: a v18 store's audit (a row per field under each write, long values as pieced BLOBs, older
// ones as text) and written values (a row per record, field and time) are packed in place, one row per
// write and one per record, and read back the same through the port and the audit_log view; what is
// written after the upgrade joins the packed rows.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { loopValue } from "../../src/core/write-loop.js";
import type { AuditEntry, WrittenValue } from "../../src/store/port.js";
import { openConnection } from "../../src/store/sqlite/connection.js";
import { splitPieces } from "../../src/store/sqlite/text-pieces.js";
import { pieceHash } from "../../src/store/sqlite/detail-hash.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { MIGRATIONS, migrate, SCHEMA_VERSION } from "../../src/store/sqlite/migrations.js";

const NOW = Date.UTC(2026, 11, 1, 9, 30, 0, 125);
const iso = (ms: number) => new Date(ms).toISOString();
const LEAD = "00Q5g00000AbCdEAAZ";

const zoeReasons = [
  "+30 Visited the pricing page: 3 × page_view, latest 2026-11-28; capped at 30",
  '+20 Decision-maker title (jobtitle "Directrice Marketing")',
  '+5 In a country we sell in (country "Österreich" → AT); noted for Zoë Ångström',
].join("\n");
const oldText = "Demo angefragt über das Formular „Preise“ – Rückruf erwünscht, bitte vor 17 Uhr (Zoë)";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-audit-packed-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A v18 file holding what main's store wrote: three writes of mixed fields and rules, and written values. */
function v18File(): string {
  const file = join(dir, "state.db");
  const db = openConnection(file);
  migrate(db, file, MIGRATIONS.filter((m) => m.version <= 18));
  const name = (text: string): number => {
    db.prepare("INSERT INTO names (name) VALUES (?) ON CONFLICT (name) DO NOTHING").run(text);
    return (db.prepare("SELECT id FROM names WHERE name = ?").get(text) as { id: number }).id;
  };
  const piece = (text: string, write: number): number => {
    const found = db.prepare("SELECT id FROM audit_pieces WHERE piece = ?").get(text) as { id: number } | undefined;
    if (found) return found.id;
    return Number(db.prepare("INSERT INTO audit_pieces (hash, piece, last_write) VALUES (?, ?, ?)").run(pieceHash(text), text, write).lastInsertRowid);
  };
  const pieced = (text: string, write: number) => Buffer.from(JSON.stringify(splitPieces(text).map((p) => piece(p, write))));
  const write = db.prepare("INSERT INTO audit_writes (run, at_ms, system, object, record_id, operation) VALUES (?, ?, ?, ?, ?, ?)");
  const field = db.prepare("INSERT INTO audit_rows (write, n, field, rule, before_value, after_value) VALUES (?, ?, ?, ?, ?, ?)");
  const handoff = "handoff to hélène.dubois@acme.com by emea";

  // A Lead created by the handoff: most fields its rule, one the field sync's; a pre-18 long value kept as text.
  const w1 = Number(write.run(name("run-1"), NOW - 7_200_000, name("salesforce"), name("Lead"), LEAD, name("field sync+handoff")).lastInsertRowid);
  field.run(w1, 0, name("LastName"), name("first sync: filled blank crm value"), null, "Ångström");
  field.run(w1, 1, name("OwnerId"), name(handoff), "005000000000001AAA", "005000000000002AAA");
  field.run(w1, 2, name("Description"), name(handoff), null, oldText);
  field.run(w1, 3, name("Leadloop_Reasons__c"), name(handoff), null, pieced(zoeReasons, w1));
  field.run(w1, 4, name("Leadloop_Behavior_Score__c"), name(handoff), "", null);
  // A qualification write of the contact: reasons pieced before and after, a cleared field.
  const w2 = Number(write.run(name("run-1"), NOW - 7_200_000, name("hubspot"), name("contacts"), "51", name("qualification")).lastInsertRowid);
  const rule = name("score: 72.5 points");
  field.run(w2, 0, name("leadloop_score"), rule, "12", "72.5");
  field.run(w2, 1, name("leadloop_reasons"), rule, pieced(zoeReasons.slice(0, 140), w2), pieced(zoeReasons, w2));
  field.run(w2, 2, name("leadloop_near_qualified"), rule, "job title", null);
  field.run(w2, 3, name("leadloop_upsell"), rule, null, null);
  // A later run's write of one field.
  const w3 = Number(write.run(name("run-2"), NOW - 60_000, name("hubspot"), name("contacts"), "51", name("disposition")).lastInsertRowid);
  field.run(w3, 0, name("lifecyclestage"), name("recycled: no answer in 30 days"), "marketingqualifiedlead", "lead");

  const value = db.prepare("INSERT INTO written_values (object, record_id, field, at_ms, value) VALUES (?, ?, ?, ?, ?)");
  const contacts = name("hubspot/contacts");
  value.run(contacts, "51", name("leadloop_status"), NOW - 7_200_000, "mql");
  value.run(contacts, "51", name("leadloop_reasons"), NOW - 7_200_000, "⟨231 chars #0123456789abcdef⟩");
  value.run(contacts, "51", name("leadloop_near_qualified"), NOW - 7_200_000, null);
  value.run(contacts, "51", name("leadloop_status"), NOW - 60_000, "recycled");
  value.run(name("salesforce/Lead"), LEAD, name("OwnerId"), NOW - 7_200_000, "005000000000002AAA");
  db.close();
  return file;
}

function auditLog(file: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT * FROM audit_log ORDER BY id").all();
  } finally {
    db.close();
  }
}

describe("migration 19: packed audit and written values", () => {
  it("upgrades a v18 file in place: the audit_log view, explain's entries and the written values read back the same", async () => {
    const file = v18File();
    const viewBefore = auditLog(file);
    expect(viewBefore).toHaveLength(10);

    const store = await openSqliteStore(file);
    const entry = (at: number, runId: string, system: string, object: string, recordId: string, operation: string) =>
      (field: string, before: string | null, after: string | null, rule: string): AuditEntry =>
        ({ runId, at: iso(at), system, object, recordId, operation, field, before, after, rule });
    const lead = entry(NOW - 7_200_000, "run-1", "salesforce", "Lead", LEAD, "field sync+handoff");
    const handoff = "handoff to hélène.dubois@acme.com by emea";
    const scored = entry(NOW - 7_200_000, "run-1", "hubspot", "contacts", "51", "qualification");
    const recycled = entry(NOW - 60_000, "run-2", "hubspot", "contacts", "51", "disposition");
    const expected = [
      lead("LastName", null, "Ångström", "first sync: filled blank crm value"),
      lead("OwnerId", "005000000000001AAA", "005000000000002AAA", handoff),
      lead("Description", null, oldText, handoff),
      lead("Leadloop_Reasons__c", null, zoeReasons, handoff),
      lead("Leadloop_Behavior_Score__c", "", null, handoff),
      scored("leadloop_score", "12", "72.5", "score: 72.5 points"),
      scored("leadloop_reasons", zoeReasons.slice(0, 140), zoeReasons, "score: 72.5 points"),
      scored("leadloop_near_qualified", "job title", null, "score: 72.5 points"),
      scored("leadloop_upsell", null, null, "score: 72.5 points"),
      recycled("lifecyclestage", "marketingqualifiedlead", "lead", "recycled: no answer in 30 days"),
    ];
    expect(await store.listAudit([LEAD, "51"])).toEqual(expected);
    // explain asks for the latest entries: the newest write's field, then the qualification's last ones.
    expect(await store.listAudit([LEAD, "51"], 3)).toEqual(expected.slice(-3));

    const records = [
      { system: "hubspot", object: "contacts", recordId: "51" },
      { system: "salesforce", object: "Lead", recordId: LEAD },
    ];
    const values = await store.writtenValues(records, iso(NOW - 86_400_000));
    expect(Object.fromEntries(values)).toEqual<Record<string, WrittenValue[]>>({
      "hubspot/contacts/51": [
        { field: "leadloop_near_qualified", value: null, at: iso(NOW - 7_200_000) },
        { field: "leadloop_reasons", value: "⟨231 chars #0123456789abcdef⟩", at: iso(NOW - 7_200_000) },
        { field: "leadloop_status", value: "mql", at: iso(NOW - 7_200_000) },
        { field: "leadloop_status", value: "recycled", at: iso(NOW - 60_000) },
      ],
      [`salesforce/Lead/${LEAD}`]: [{ field: "OwnerId", value: "005000000000002AAA", at: iso(NOW - 7_200_000) }],
    });
    await store.close();

    expect(auditLog(file)).toEqual(viewBefore);
    const db = new Database(file, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
    expect(tables).not.toContain("audit_rows");
    // One row per write, and per record.
    expect(db.prepare("SELECT COUNT(*) FROM audit_writes").pluck().get()).toBe(3);
    expect(db.prepare("SELECT COUNT(*) FROM written_values").pluck().get()).toBe(2);
    db.close();
  });

  it("adds later writes to the packed rows: pieces shared with the upgraded rows, values merged into the record's row", async () => {
    const file = v18File();
    const store = await openSqliteStore(file);
    const piecesBefore = (await store.size()).tables.find((t) => t.name === "audit_pieces")!.rows;
    const at = iso(NOW);
    const later: AuditEntry[] = [
      { runId: "run-3", at, system: "hubspot", object: "contacts", recordId: "51", operation: "qualification", field: "leadloop_score", before: "72.5", after: "81", rule: "score: 81 points" },
      { runId: "run-3", at, system: "hubspot", object: "contacts", recordId: "51", operation: "qualification", field: "leadloop_reasons", before: zoeReasons, after: zoeReasons, rule: "score: 81 points" },
    ];
    await store.commitBatch({
      runId: "run-3",
      at,
      audit: later,
      outbox: [
        {
          key: "qualification:51",
          phase: "qualification",
          side: "marketing",
          system: "hubspot",
          object: "contacts",
          recordId: "51",
          upsertOn: null,
          associations: [],
          fields: [
            { field: "leadloop_status", before: "recycled", after: "mql", rule: "qualified" },
            { field: "leadloop_score", before: "72.5", after: "81", rule: "qualified" },
          ],
          personId: "51",
          email: "zoe@nordlicht.se",
          group: null,
        },
      ],
    });
    await store.commitBatch({ runId: "run-3", at, outboxAccepted: await store.listOutbox({ keys: ["qualification:51"] }) });

    expect((await store.listAudit(["51"], 2))).toEqual(later);
    // The same reasons use the pieces the upgraded rows made; the new rules, the audit's and the outbox
    // write's, are one piece each (migration 44).
    expect((await store.size()).tables.find((t) => t.name === "audit_pieces")!.rows).toBe(piecesBefore + 2);
    const values = (await store.writtenValues([{ system: "hubspot", object: "contacts", recordId: "51" }], iso(NOW - 3_600_000))).get("hubspot/contacts/51");
    expect(values).toEqual([
      { field: "leadloop_status", value: "recycled", at: iso(NOW - 60_000) },
      { field: "leadloop_score", value: "81", at },
      { field: "leadloop_status", value: "mql", at },
    ]);
    // The loop window passes the first writes (the contact's three values, the Lead's one): they go, the
    // contact's row stays with the rest.
    expect(await store.pruneWrittenValues(iso(NOW - 3_600_000))).toBe(4);
    expect((await store.writtenValues([{ system: "hubspot", object: "contacts", recordId: "51" }], iso(0))).get("hubspot/contacts/51")).toEqual(values);
    // A write of its own after the retention took the rest: the prune counts fields.
    expect(await store.pruneAudit(iso(NOW - 1_000))).toBe(10);
    expect(auditLog(file).map((r) => (r as { field: string }).field)).toEqual(["leadloop_score", "leadloop_reasons"]);
    await store.close();
  });

  it("gives numbers, number-like texts and fingerprints back exactly, through the port and the audit_log view", async () => {
    const file = join(dir, "state.db");
    const store = await openSqliteStore(file);
    const texts = ["72.5", "0", "-5", "0.5", "007", "5.0", "1e21", "0.0001", "123456.123456", "10601", "-0", "1234567.25", "0.333333333333333", " 12", ""];
    const at = iso(NOW);
    const audit = texts.map((after, i): AuditEntry => ({
      runId: "run-1", at, system: "hubspot", object: "contacts", recordId: "51", operation: "qualification",
      field: `leadloop_field_${i}`, before: texts[texts.length - 1 - i]!, after, rule: "score: 72.5 points",
    }));
    await store.commitBatch({ runId: "run-1", at, audit });
    expect(await store.listAudit(["51"])).toEqual(audit);
    const long = `${zoeReasons}\n+10 Industry we sell to (company.industry "COMPUTER_SOFTWARE")`;
    const fields = [...texts, long, null].map((after, i) => ({ field: `leadloop_field_${i}`, before: null, after, rule: "qualified" }));
    await store.commitBatch({
      runId: "run-1",
      at,
      outbox: [{ key: "qualification:51", phase: "qualification", side: "marketing", system: "hubspot", object: "contacts", recordId: "51", upsertOn: null, associations: [], fields, personId: "51", email: null, group: null }],
    });
    await store.commitBatch({ runId: "run-1", at, outboxAccepted: await store.listOutbox({ keys: ["qualification:51"] }) });
    const values = (await store.writtenValues([{ system: "hubspot", object: "contacts", recordId: "51" }], iso(NOW - 1_000))).get("hubspot/contacts/51")!;
    expect(Object.fromEntries(values.map((v) => [v.field, v.value]))).toEqual(
      Object.fromEntries(fields.map((f) => [f.field, loopValue(f.after)])),
    );
    await store.close();

    const db = new Database(file, { readonly: true });
    const view = db.prepare("SELECT field, before_value, after_value FROM audit_log ORDER BY id").all();
    expect(view).toEqual(audit.map((e) => ({ field: e.field, before_value: e.before, after_value: e.after })));
    // Some are kept as JSON numbers, and still read as the texts they were.
    const types = db.prepare("SELECT json_type(j.value, '$[1]') FROM audit_writes w, json_each(w.fields) j").pluck().all();
    expect(types).toEqual(expect.arrayContaining(["real", "integer", "text"]));
    db.close();
  });
});
