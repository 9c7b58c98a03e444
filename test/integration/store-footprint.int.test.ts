// The store's footprint (migration 16): a v14 file's behaviour cache, audit, written values and marks
// come through the upgrade and read back unchanged, in their compact tables; shared activity details are
// stored once; the behaviour prune goes through the cache a slice at a time and comes round to the start.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { signalFingerprint } from "../../src/core/behaviour/signal-marks.js";
import type { AuditEntry, CachedActivity, MarkSignature } from "../../src/store/port.js";
import { PRUNE_SLICE_ROWS } from "../../src/store/sqlite/behaviour-cache.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { MIGRATIONS, migrate, SCHEMA_VERSION } from "../../src/store/sqlite/migrations.js";

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const daysAgo = (days: number) => new Date(NOW - days * DAY_MS).toISOString();

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-footprint-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A store file at schema version 14 (what main shipped before migration 16), empty. */
function v14File(): string {
  const file = join(dir, "state.db");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  migrate(db, file, MIGRATIONS.filter((m) => m.version <= 14));
  db.close();
  return file;
}

const pricing = { hs_url: "https://www.exemple.fr/tarifs?é=1", hs_title: "Tarifs — Zoë" };
const parts = {
  web: JSON.stringify(["4", "4", "2026-10-20T03:58:58.283Z", "2026-10-20T03:58:58.283Z", "https://www.exemple.fr/tarifs"]),
  forms: JSON.stringify(["1", "2026-10-06T00:46:03.677Z"]),
  email: JSON.stringify([null, null, null, null]),
};
/** The mark as a v14 store kept it (the reader's text), and as the store keeps it since migration 20. */
const signature = JSON.stringify(parts);
const marked: MarkSignature = {
  web: signalFingerprint(parts.web),
  forms: signalFingerprint(parts.forms),
  email: signalFingerprint(parts.email),
  pageViews: "4",
  conversions: null,
};

describe("migration 16: a compact store", () => {
  it("upgrades a v14 file's behaviour cache, audit, written values and marks into compact tables that read back unchanged", async () => {
    const file = v14File();
    const old = new Database(file);
    const activity = old.prepare(
      "INSERT INTO behaviour_activities (owner_key, activity_id, kind, occurred_at, properties, source) VALUES (?, ?, ?, ?, ?, ?)",
    );
    // Two people viewed the same page: one detail. A form of Zoë's, by her email: another.
    activity.run("contact:51", "e1", "page_view", daysAgo(3), JSON.stringify(pricing), "events");
    activity.run("contact:52", "e7", "page_view", daysAgo(2), JSON.stringify(pricing), "events");
    activity.run("email:zoë.ångström@nordlicht.se", "form:c1", "form_submission", daysAgo(1), '{"hs_form_name":"Démo anfragen"}', "forms");
    old
      .prepare("INSERT INTO behaviour_marks (person_id, signature, read_at) VALUES (?, ?, ?)")
      .run("51", signature, daysAgo(1));
    const written = old.prepare("INSERT INTO written_values (target, field, at_ms, value) VALUES (?, ?, ?, ?)");
    written.run("hubspot/contacts/51", "leadloop_status", NOW - 60_000, "mql");
    written.run("salesforce/Lead/00Q5g00000AbCdEAAZ", "Leadloop_Reasons__c", NOW - 60_000, "+40 Demandé une démo (Zoë)");
    // Two writes of three fields, as migration 10's audit rows held them.
    const names = old.prepare("INSERT OR IGNORE INTO audit_names (name) VALUES (?)");
    const id = (name: string) => {
      names.run(name);
      return (old.prepare("SELECT id FROM audit_names WHERE name = ?").get(name) as { id: number }).id;
    };
    const row = old.prepare(
      `INSERT INTO audit_rows (run, at_ms, system, object, record_id, operation, field, before_value, after_value, rule)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const rule = "handoff to hélène.dubois@acme.com by emea";
    row.run(id("run-1"), NOW - 120_000, id("salesforce"), id("Lead"), "00Q5g00000AbCdEAAZ", id("create"), id("LastName"), null, "Ångström", id(rule));
    row.run(id("run-1"), NOW - 120_000, id("salesforce"), id("Lead"), "00Q5g00000AbCdEAAZ", id("create"), id("Company"), null, "Nordlicht AB", id(rule));
    row.run(id("run-1"), NOW - 120_000, id("hubspot"), id("contacts"), "51", id("update"), id("leadloop_status"), "lead", "mql", id("qualified"));
    old.close();

    const store = await openSqliteStore(file);
    expect(await store.listBehaviour(["contact:51", "contact:52", "email:zoë.ångström@nordlicht.se"], daysAgo(10))).toEqual<CachedActivity[]>(withMs([
      { ownerKey: "contact:51", id: "e1", kind: "page_view", occurredAt: daysAgo(3), properties: pricing, source: "events" },
      { ownerKey: "contact:52", id: "e7", kind: "page_view", occurredAt: daysAgo(2), properties: pricing, source: "events" },
      {
        ownerKey: "email:zoë.ångström@nordlicht.se",
        id: "form:c1",
        kind: "form_submission",
        occurredAt: daysAgo(1),
        properties: { hs_form_name: "Démo anfragen" },
        source: "forms",
      },
    ]));
    expect((await store.behaviourMarks(["51"])).get("51")).toEqual({ personId: "51", signature: marked, readAt: daysAgo(1) });
    const values = await store.writtenValues(
      [
        { system: "hubspot", object: "contacts", recordId: "51" },
        { system: "salesforce", object: "Lead", recordId: "00Q5g00000AbCdEAAZ" },
      ],
      daysAgo(1),
    );
    expect(Object.fromEntries(values)).toEqual({
      "hubspot/contacts/51": [{ field: "leadloop_status", value: "mql", at: new Date(NOW - 60_000).toISOString() }],
      "salesforce/Lead/00Q5g00000AbCdEAAZ": [
        { field: "Leadloop_Reasons__c", value: "+40 Demandé une démo (Zoë)", at: new Date(NOW - 60_000).toISOString() },
      ],
    });
    const entry = (recordId: string, system: string, object: string, operation: string, field: string, before: string | null, after: string | null, r: string): AuditEntry =>
      ({ runId: "run-1", at: new Date(NOW - 120_000).toISOString(), system, object, recordId, operation, field, before, after, rule: r });
    expect(await store.listAudit(["00Q5g00000AbCdEAAZ", "51"])).toEqual([
      entry("00Q5g00000AbCdEAAZ", "salesforce", "Lead", "create", "LastName", null, "Ångström", rule),
      entry("00Q5g00000AbCdEAAZ", "salesforce", "Lead", "create", "Company", null, "Nordlicht AB", rule),
      entry("51", "hubspot", "contacts", "update", "leadloop_status", "lead", "mql", "qualified"),
    ]);

    // New rows go into the same compact tables: a third view of the page shares its detail, and the
    // mark reads back as it was given.
    await store.commitBatch({
      runId: "run-2",
      at: new Date(NOW).toISOString(),
      behaviour: [{ ownerKey: "contact:53", id: "e9", kind: "page_view", occurredAt: daysAgo(0), properties: pricing, source: "events" }],
      behaviourMarks: [{ personId: "53", signature: marked, readAt: daysAgo(0) }],
      audit: [
        { ...entry("51", "hubspot", "contacts", "update", "leadloop_score", "12", "48.5", "scored"), runId: "run-2" },
        { ...entry("51", "hubspot", "contacts", "update", "leadloop_status", "mql", "mql", "scored"), runId: "run-2" },
      ],
    });
    expect((await store.behaviourMarks(["53"])).get("53")?.signature).toEqual(marked);
    expect((await store.listAudit(["51"], 2)).map((e) => [e.runId, e.field])).toEqual([
      ["run-2", "leadloop_score"],
      ["run-2", "leadloop_status"],
    ]);
    await store.close();

    const raw = new Database(file, { readonly: true });
    const count = (sql: string) => (raw.prepare(sql).get() as { n: number }).n;
    expect(raw.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(count("SELECT COUNT(*) AS n FROM behaviour_activities")).toBe(4);
    expect(count("SELECT COUNT(*) AS n FROM behaviour_details")).toBe(2);
    // A write is one row, its fields packed on it (migration 19): three writes, five fields.
    expect(count("SELECT COUNT(*) AS n FROM audit_writes")).toBe(3);
    expect(count("SELECT SUM(json_array_length(fields)) AS n FROM audit_writes")).toBe(5);
    expect(count("SELECT COUNT(*) AS n FROM audit_log")).toBe(5);
    raw.close();
  });

  it("prunes decayed activities a slice of the cache per run, coming round to the start and dropping unused details", async () => {
    const file = join(dir, "state.db");
    const store = await openSqliteStore(file);
    const owners = PRUNE_SLICE_ROWS + 5_000;
    const old: CachedActivity[] = Array.from({ length: owners }, (_, i) => ({
      ownerKey: `contact:${i}`,
      id: `e${i}`,
      kind: "page_view",
      occurredAt: daysAgo(400),
      properties: { hs_url: "https://www.exemple.fr/ancien-été", hs_title: "Ancien" },
      source: "events",
    }));
    const fresh: CachedActivity = {
      ownerKey: "contact:1",
      id: "recent",
      kind: "email_click",
      occurredAt: daysAgo(2),
      properties: { hs_email_campaign_name: "Relance Zoë", hs_link_href: "https://www.exemple.fr/tarifs" },
      source: "events",
    };
    await store.commitBatch({ runId: "run-1", at: daysAgo(3), behaviour: [...old, fresh] });
    const left = () => {
      const raw = new Database(file, { readonly: true });
      try {
        return {
          activities: (raw.prepare("SELECT COUNT(*) AS n FROM behaviour_activities").get() as { n: number }).n,
          details: (raw.prepare("SELECT COUNT(*) AS n FROM behaviour_details").get() as { n: number }).n,
        };
      } finally {
        raw.close();
      }
    };

    // A year's window: the first run's prune takes the first slice only. A row is an owner's history
    // (migration 40): the slice's owners go, but contact:1's row, which keeps her recent activity.
    await store.commitBatch({ runId: "run-2", at: daysAgo(0), behaviourPruneBefore: daysAgo(365) });
    expect(left().activities).toBe(owners - PRUNE_SLICE_ROWS + 1);
    // Reads never see a decayed activity the slices have not reached yet.
    expect((await store.listBehaviour(["contact:1", `contact:${owners - 1}`], daysAgo(365))).map((a) => a.id)).toEqual(["recent"]);

    // The next run goes on from there to the end: the rest go, and so does the old page's detail.
    await store.commitBatch({ runId: "run-3", at: daysAgo(0), behaviourPruneBefore: daysAgo(365) });
    expect(left()).toEqual({ activities: 1, details: 1 });
    // Then it starts over; nothing left to drop.
    await store.commitBatch({ runId: "run-4", at: daysAgo(0), behaviourPruneBefore: daysAgo(365) });
    expect(left()).toEqual({ activities: 1, details: 1 });
    expect(await store.listBehaviour(["contact:1"], daysAgo(365))).toEqual(withMs([fresh]));
    await store.close();
  });
});

/** Activities as the cache reads them back: their time also as epoch ms (CachedActivity.occurredMs). */
function withMs(activities: readonly CachedActivity[]): CachedActivity[] {
  return activities.map((a) => ({ ...a, occurredMs: Date.parse(a.occurredAt) }));
}
