// A store written before migration 20 (v19 and before: owners and ids as text, marks as the signals' values) is
// upgraded in place by the next run, through the CLI against the sandbox's seeded emulators, and that run
// scores everyone from the upgraded cache exactly as before: every contact changed (so every one is read
// and rescored), no signal moved, so no behaviour is read, and no score, reason or activity summary moves.
import { jest } from "@jest/globals";
import Database from "better-sqlite3";
import type { HubspotTier } from "../../src/sandbox/hubspot/emulator.js";
import { playPeople } from "../../src/sandbox/play-people.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { unpackId } from "../../src/store/sqlite/activity-id.js";
import { emptyEntry, entryId, readEntry } from "../../src/store/sqlite/behaviour-history.js";
import { keysOf } from "../../src/store/sqlite/match-misses.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../../src/store/sqlite/migrations.js";
import { MIGRATION_39_UNDONE } from "../support/migration-39-undone.js";
import { BEHAVIOUR_SIGNALS } from "../../src/sync/funnel/funnel-setup.js";
import { openSandboxWorld, type SandboxWorld, syncWorld } from "../support/sandbox-world.js";
import { behaviourReads } from "../support/behaviour-reads.js";
import { STEADY_COLUMNS_DROPPED } from "../support/score-rows-taken-back.js";

// Whole CLI runs over a seeded world of 200 contacts: minutes on a loaded machine, not seconds.
jest.setTimeout(600_000);


/** What people see of their scoring: the score, reasons and activity summary on each contact. */
function scoring(world: SandboxWorld): Record<string, Record<string, string | null>> {
  const fields = ["leadloop_score", "leadloop_fit_score", "leadloop_behavior_score", "leadloop_reasons", "leadloop_activity_summary", "leadloop_status"];
  return Object.fromEntries(
    world.hubspot.data
      .listObjects("contacts")
      .map((c) => [c.id, Object.fromEntries(fields.map((f) => [f, c.properties[f] ?? null]))]),
  );
}

/** The migration that packed the behaviour cache (20), and the version a store had before it (19). */
const PACKED = MIGRATIONS.findIndex((m) => m.name.startsWith("behaviour cache packed"));
const PACKED_VERSION = MIGRATIONS[PACKED]!.version;
const BEFORE_VERSION = MIGRATIONS[PACKED - 1]!.version;

/** Every activity the cache holds, one row each, from its owners' histories (migration 40). */
function historyRows(db: Database.Database): { owner: number; id: string; ms: number; detail: number }[] {
  const rows = db.prepare("SELECT owner, activities FROM behaviour_activities").all() as { owner: number; activities: Buffer }[];
  const entry = emptyEntry();
  return rows.flatMap(({ owner, activities }) => {
    const out: { owner: number; id: string; ms: number; detail: number }[] = [];
    for (let at = 0; at < activities.length; at = entry.end) {
      readEntry(activities, at, entry);
      out.push({ owner, id: entryId(activities, entry), ms: entry.ms, detail: entry.detail });
    }
    return out;
  });
}

/**
 * Rewrites the behaviour cache the way the v18 store kept it (migration 16's tables, behaviour-cache.ts
 * at 33823e8): owner keys and activity ids as text, each mark the reader's JSON text of the contact's
 * signals as HubSpot shows them, and the file marked with the version before the packing.
 */
function downgradeToV18(world: SandboxWorld): { activities: number; marks: number; owners: number } {
  const contacts = new Map(world.hubspot.data.listObjects("contacts").map((c) => [c.id, c.properties]));
  const db = new Database(world.storePath);
  try {
    const owners = new Map(
      (db.prepare("SELECT id, key FROM behaviour_owners").all() as { id: number; key: string }[]).map((o) => [-o.id, o.key]),
    );
    const activities = historyRows(db);
    const marks = db.prepare("SELECT person, read_ms AS ms FROM behaviour_marks").all() as { person: number | string | Buffer; ms: number }[];
    const notes = db.prepare("SELECT pair, marketing_id AS id, keys, matcher FROM match_misses").all() as {
      pair: number;
      id: number | string | Buffer;
      keys: string;
      matcher: number;
    }[];
    db.exec(`
      DROP TABLE behaviour_activities;
      DROP TABLE behaviour_owners;
      DROP TABLE behaviour_marks;
      DROP TABLE sla_clock_history;
      DROP TABLE sla_reassignments;
      DROP TABLE crm_score_marks;
      ALTER TABLE lead_statuses DROP COLUMN reason;
      ALTER TABLE history_to_fill DROP COLUMN cause;
      ALTER TABLE sla_clocks DROP COLUMN gone_at;
      ALTER TABLE person_scores DROP COLUMN first_name;
      ALTER TABLE person_scores DROP COLUMN last_name;
      ALTER TABLE outbox_groups DROP COLUMN reached_systems;
      ALTER TABLE sla_clocks DROP COLUMN reached;
      DROP INDEX error_queue_problems;
      ALTER TABLE error_queue DROP COLUMN problem_person;
      ALTER TABLE error_queue DROP COLUMN problem_cause;
      ALTER TABLE outbox DROP COLUMN refused_of_record;
      DROP TABLE kept_descriptions;
      DROP TABLE outside_job_records;
      DROP INDEX funnel_events_won_without_amount;
      DROP INDEX error_queue_sent_by_runs;
      ALTER TABLE error_queue DROP COLUMN sent_by_runs;
      ${STEADY_COLUMNS_DROPPED}
      DELETE FROM match_misses;
      ${MIGRATION_39_UNDONE}
      CREATE TABLE behaviour_activities (
        owner_key   TEXT NOT NULL CHECK (owner_key <> ''),
        activity_id TEXT NOT NULL CHECK (activity_id <> ''),
        occurred_ms INTEGER NOT NULL,
        detail      INTEGER NOT NULL,
        PRIMARY KEY (owner_key, activity_id)
      ) WITHOUT ROWID;
      CREATE TABLE behaviour_marks (
        person_id TEXT PRIMARY KEY CHECK (person_id <> ''),
        signature TEXT NOT NULL,
        read_ms   INTEGER NOT NULL
      ) WITHOUT ROWID;
      DELETE FROM schema_migrations WHERE version >= ${PACKED_VERSION};
      PRAGMA user_version = ${BEFORE_VERSION};
    `);
    const activity = db.prepare("INSERT INTO behaviour_activities (owner_key, activity_id, occurred_ms, detail) VALUES (?, ?, ?, ?)");
    for (const a of activities) {
      activity.run(a.owner >= 0 ? `contact:${a.owner}` : owners.get(a.owner)!, a.id, a.ms, a.detail);
    }
    const note = db.prepare("INSERT INTO match_misses (pair, marketing_id, keys, matcher) VALUES (?, ?, ?, ?)");
    for (const n of notes) note.run(n.pair, unpackId(n.id), keysOf(n.keys), n.matcher);
    const mark = db.prepare("INSERT INTO behaviour_marks (person_id, signature, read_ms) VALUES (?, ?, ?)");
    for (const m of marks) {
      const personId = unpackId(m.person);
      const fields = contacts.get(personId)!;
      const part = (p: keyof typeof BEHAVIOUR_SIGNALS) => JSON.stringify(BEHAVIOUR_SIGNALS[p].map((f) => fields[f] ?? null));
      mark.run(personId, JSON.stringify({ web: part("web"), forms: part("forms"), email: part("email") }), m.ms);
    }
    return { activities: activities.length, marks: marks.length, owners: owners.size };
  } finally {
    db.close();
  }
}

describe.each<HubspotTier>(["enterprise", "professional"])("a v18 store's behaviour cache on a %s portal", (tier) => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 42, now: new Date(), contacts: 200 }), `upgrade-${tier}`, "salesforce", tier);
  });
  afterAll(async () => world.close());

  it("is upgraded in place by the next run, which scores everyone from it as before and reads no behaviour", async () => {
    // The file is taken back to just before the packing migration; those after it change only the tables
    // rewritten here (21: the marks' submission count) or add one a v19 file lacks (22: the replaced clocks,
    // dropped with the rest; 23: an index on the error queue, made only where it is missing; 24: a column of
    // the lead statuses seen, 25: the reassigned clocks, 26: the scores written on CRM records, 27: a
    // column of the history fill's list, 28: a column of the follow-up clocks, each dropped with the
    // rest, 29: that list's column renamed, 30: the score rows' name parts, and 31: the columns of the
    // outbox's groups and the clocks saying what reached the rep, each dropped with the rest; 32: the error
    // queue's problem keys and their index, dropped with the rest, 33: the status index made again, 34:
    // the outbox's refused-of-record column, 35: the kept descriptions' table, 36: the index of wins without an
    // amount, 37: the error queue's index by class, and 38: the steady scores' table, each dropped with the
    // rest, 39: the links' index by CRM record, made again as two, and the pieces' index by last use, 40:
    // the activities put in their owners' histories, whose table is rewritten here, 41: the error queue's
    // column of entries the runs send again and its index, in place of 37's, 42: the steady scores as the
    // score rows' columns, dropped from them, 43: the match notes packed, written back unpacked, 44: the
    // audit_log view reading rules by their pieces, and 45: the records bulk jobs did not save, dropped
    // with the rest), so they run again on the old tables as on a v19 file.
    expect(MIGRATIONS.filter((m) => m.version > PACKED_VERSION).map((m) => m.version)).toEqual([
      21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45,
    ]);
    expect((await syncWorld(world)).code).toBe(0);
    playPeople(42, 2, world, new Date());
    expect((await syncWorld(world)).code).toBe(0);
    const before = scoring(world);
    expect(Object.values(before).filter((c) => c.leadloop_reasons).length).toBeGreaterThan(10);

    const v18 = downgradeToV18(world);
    expect(v18.activities).toBeGreaterThan(500);
    expect(v18.marks).toBeGreaterThan(100);
    // Below Enterprise, forms and email events are kept by email address: owners numbered once.
    if (tier === "professional") expect(v18.owners).toBeGreaterThan(10);
    // A marketer touches every contact (a trailing space in the job title): every one is read and rescored.
    for (const c of world.hubspot.data.listObjects("contacts"))
      world.hubspot.data.updateObject("contacts", c.id, { jobtitle: `${c.properties.jobtitle ?? "Analyst"} ` });
    world.hubspot.calls.reset();
    const run = await syncWorld(world);
    expect(run.code).toBe(0);
    expect((run.summary.read as Record<string, number>).hubspot).toBeGreaterThanOrEqual(200);
    expect(behaviourReads(world)).toBe(0);
    expect(scoring(world)).toEqual(before);
    expect((run.summary.updated as Record<string, number>).hubspot ?? 0).toBe(0);

    const db = new Database(world.storePath, { readonly: true });
    try {
      expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
      expect(historyRows(db).length).toBe(v18.activities);
      // One row per owner since migration 40.
      expect((db.prepare("SELECT COUNT(*) AS n FROM behaviour_activities").get() as { n: number }).n).toBeLessThan(v18.activities / 2);
    } finally {
      db.close();
    }
  });
});
