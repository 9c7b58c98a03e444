// The outbox's compact rows (migration 17): a v16 file's pending, refused and grouped writes come through
// the upgrade and read back unchanged in decision order; new rows keep only what their columns do not
// say, so a first load's score writes take a fraction of the bytes the JSON rows took.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { OutboxWrite } from "../../src/store/port.js";
import { openConnection } from "../../src/store/sqlite/connection.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { MIGRATIONS, migrate, SCHEMA_VERSION } from "../../src/store/sqlite/migrations.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-outbox-rows-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A store file at schema version 16 (what main shipped before migration 17), empty. */
function v16File(): string {
  const file = join(dir, "state.db");
  const db = openConnection(file);
  migrate(db, file, MIGRATIONS.filter((m) => m.version <= 16));
  db.close();
  return file;
}

const zoe = { id: "51", email: "Zoë.Ångström@Nordlicht.se", lead: "00Q5g00000AbCdEAAZ" };

/** Writes of every shape a phase decides: a score with a clear first, a field sync, a handoff's task and owner, a create. */
const writes: OutboxWrite[] = [
  {
    key: `qualification:${zoe.id}`,
    phase: "qualification",
    side: "marketing",
    system: "hubspot",
    object: "contacts",
    recordId: zoe.id,
    upsertOn: null,
    associations: [],
    fields: [
      { field: "leadloop_score", before: "12", after: "48.5", rule: "score: 48.5 points (demo_request, pricing_page)" },
      { field: "lifecyclestage", before: "customer", after: "marketingqualifiedlead", rule: "qualified: 48.5 points" },
      { field: "leadloop_upsell", before: null, after: null, rule: "score: 48.5 points (demo_request, pricing_page)" },
    ],
    personId: zoe.id,
    email: zoe.email,
    group: null,
    clearFirst: ["lifecyclestage"],
  },
  {
    key: `sync:crm:Lead:${zoe.lead}`,
    phase: "field sync",
    side: "crm",
    system: "salesforce",
    object: "Lead",
    recordId: zoe.lead,
    upsertOn: null,
    associations: [],
    fields: [{ field: "Title", before: "Chargée de marketing", after: "Directrice Marketing", rule: "changed in marketing" }],
    personId: zoe.id,
    email: zoe.email,
    group: null,
    synced: { pair: "contact", marketingId: zoe.id, side: "crm", values: { "jobtitle>Title": "Directrice Marketing" } },
  },
  {
    key: `handoff:${zoe.id}:record`,
    phase: "handoff",
    side: "crm",
    system: "salesforce",
    object: "Lead",
    recordId: zoe.lead,
    upsertOn: null,
    associations: [],
    fields: [{ field: "OwnerId", before: null, after: "005Hélène", rule: "emea" }],
    personId: zoe.id,
    email: zoe.email,
    group: `handoff:${zoe.id}`,
  },
  {
    key: `leadloop:alert:${zoe.id}`,
    phase: "handoff",
    side: "crm",
    system: "hubspot",
    object: "tasks",
    recordId: null,
    upsertOn: "leadloop_activity_key",
    associations: [{ object: "contacts", id: zoe.id }],
    fields: [{ field: "hs_task_subject", before: null, after: "New MQL: follow up within 4h", rule: "handoff alert" }],
    personId: null,
    email: null,
    group: `handoff:${zoe.id}`,
  },
  {
    key: "sync:crm:Account:001Nordlicht",
    phase: "field sync",
    side: "crm",
    system: "salesforce",
    object: "Account",
    recordId: "001Nordlicht",
    upsertOn: null,
    associations: [],
    fields: [{ field: "Website", before: null, after: "nordlicht.se", rule: "changed in marketing" }],
    personId: null,
    email: null,
    group: null,
    synced: { pair: "company", marketingId: "9001", side: "crm", values: { "domain>Website": "nordlicht.se" } },
  },
];

describe("migration 17: compact outbox rows", () => {
  it("upgrades a v16 file's pending, refused and grouped writes into rows that read back unchanged, in decision order", async () => {
    const file = v16File();
    const old = new Database(file);
    const insert = old.prepare(
      `INSERT INTO outbox (key, phase, system, object, write, grp, decided_at, run_id, refused_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    writes.forEach((w, i) =>
      insert.run(w.key, w.phase, w.system, w.object, JSON.stringify(w), w.group, `2026-11-30T12:0${i}:00.000Z`, "run-1", i === 1 ? "2026-11-30T12:30:00.000Z" : null),
    );
    old.prepare("INSERT INTO outbox_groups (grp, on_done, created_at) VALUES (?, ?, ?)").run(`handoff:${zoe.id}`, "{}", "2026-11-30T12:02:00.000Z");
    old.close();

    const store = await openSqliteStore(file);
    const entry = (i: number) => ({
      ...writes[i]!,
      decidedAt: `2026-11-30T12:0${i}:00.000Z`,
      runId: "run-1",
      refusedAt: i === 1 ? "2026-11-30T12:30:00.000Z" : null,
    });
    const pending = await store.listOutbox();
    expect(pending.map(({ seq: _, ...rest }) => rest)).toEqual([entry(0), entry(2), entry(3), entry(4)]);
    expect(pending.map((e) => e.seq)).toEqual([1, 3, 4, 5]);
    expect((await store.listOutbox({ refused: true })).map(({ seq: _, ...rest }) => rest)).toEqual([entry(1)]);
    expect(await store.openOutboxGroups()).toEqual(new Set([`handoff:${zoe.id}`]));
    // The record index answers for the migrated rows: the handoff (seq 3) writes the Lead after seq 2.
    const lead = { system: "salesforce", object: "Lead", recordId: zoe.lead };
    expect(await store.laterOutboxRecords(2, [lead])).toEqual(new Set([`salesforce\u0000Lead\u0000${zoe.lead}`]));
    expect(await store.laterOutboxRecords(3, [lead])).toEqual(new Set());

    // A migrated write decided again keeps its fields it does not name, and its place in decision order.
    await store.commitBatch({
      runId: "run-2",
      at: "2026-11-30T13:00:00.000Z",
      outbox: [{ ...writes[0]!, fields: [{ field: "leadloop_score", before: "12", after: "51", rule: "score: 51 points (demo_request)" }], clearFirst: [] }],
    });
    const again = (await store.listOutbox({ keys: [`qualification:${zoe.id}`] }))[0]!;
    expect(again.seq).toBe(1);
    expect(again.fields.map((f) => [f.field, f.after])).toEqual([
      ["leadloop_score", "51"],
      ["leadloop_upsell", null],
      ["lifecyclestage", "marketingqualifiedlead"],
    ]);
    expect(again.clearFirst).toEqual(["lifecyclestage"]);
    expect(again.runId).toBe("run-2");
    await store.close();

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const indexes = raw.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'outbox' AND sql IS NOT NULL").all();
    expect(indexes.map((i) => (i as { name: string }).name).sort()).toEqual(["outbox_group", "outbox_record"]);
    expect(JSON.stringify(indexes)).not.toContain("json_extract");
    raw.close();
  });

  it("keeps a first load's score writes in rows a third the size of the JSON ones, and drains them in order", async () => {
    const store = await openSqliteStore(join(dir, "state.db"));
    const rule = (score: string) => `score: ${score} points (pricing_page, demo_request, webinar_attended)`;
    const scoreWrite = (i: number): OutboxWrite => {
      const id = String(100_001 + i);
      const score = `${(i % 97) + 0.5}`;
      return {
        key: `qualification:${id}`,
        phase: "qualification",
        side: "marketing",
        system: "hubspot",
        object: "contacts",
        recordId: id,
        upsertOn: null,
        associations: [],
        fields: [
          { field: "leadloop_score", before: null, after: score, rule: rule(score) },
          { field: "leadloop_fit_score", before: null, after: "25", rule: rule(score) },
          { field: "leadloop_behavior_score", before: null, after: String((i % 97) - 24.5), rule: rule(score) },
          { field: "leadloop_near_qualified", before: null, after: null, rule: rule(score) },
          { field: "leadloop_upsell", before: null, after: null, rule: rule(score) },
          { field: "leadloop_reasons", before: null, after: "+30 Demande de démo\n+20 Page des tarifs (3 fois)", rule: rule(score) },
        ],
        personId: id,
        email: `zoë.ångström${i}@nordlicht.se`,
        group: null,
      };
    };
    const all = Array.from({ length: 4000 }, (_, i) => scoreWrite(i));
    for (let i = 0; i < all.length; i += 1000) {
      await store.commitBatch({ runId: "run-1", at: "2026-12-02T00:30:00.000Z", outbox: all.slice(i, i + 1000) });
    }
    const json = all.reduce((sum, w) => sum + JSON.stringify(w).length, 0) / all.length;
    const outbox = (await store.size()).tables.find((t) => t.name === "outbox")!;
    expect(outbox.rows).toBe(4000);
    // Table and indexes together, whole pages counted.
    expect((outbox.bytes + outbox.indexBytes) / outbox.rows).toBeLessThan(json / 3);

    const first = await store.listOutbox({ limit: 2000 });
    expect(first.map((e) => e.key)).toEqual(all.slice(0, 2000).map((w) => w.key));
    const rest = await store.listOutbox({ after: first.at(-1)!.seq });
    expect(rest.map(({ seq: _, decidedAt: _d, runId: _r, refusedAt: _f, ...w }) => w)).toEqual(
      // Fields come back in one order (by name), whatever order they were decided in.
      all.slice(2000).map((w) => ({ ...w, fields: [...w.fields].sort((a, b) => a.field.localeCompare(b.field)) })),
    );
    await store.close();
  });
});
