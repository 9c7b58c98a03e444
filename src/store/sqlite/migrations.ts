// The SQLite store's schema history and the code that brings a file up to date. Append a migration for
// every schema change; never edit one that has shipped, since existing files already ran it.
import type Database from "better-sqlite3";
import { StoreError } from "../port.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Marks a SQLite file as leadloop's ("LLOP"), so another application's database is never migrated. */
export const APPLICATION_ID = 0x4c4c4f50;

/**
 * The audit_log view (migration 19's shape): the packed audit writes one row per field, in the shape of
 * the audit rows before them, for readers of the file; a rule is a name's number or, negative, minus its
 * piece's (migration 44, rule-numbers.ts). A migration that rebuilds a table it reads drops it
 * first and makes it again from here.
 */
export const AUDIT_LOG_VIEW = `CREATE VIEW audit_log AS
        SELECT w.id * 4096 + j.key AS id,
          run.name AS run_id,
          strftime('%Y-%m-%dT%H:%M:%S', w.at_ms / 1000, 'unixepoch') || printf('.%03dZ', w.at_ms % 1000) AS at,
          sys.name AS system, obj.name AS object, w.record_id, op.name AS operation, fld.name AS field,
          CASE json_type(j.value, '$[2]') WHEN 'array' THEN (
            SELECT group_concat(p.piece, '') FROM json_each(j.value, '$[2]') pj JOIN audit_pieces p ON p.id = pj.value)
          WHEN 'text' THEN json_extract(j.value, '$[2]')
          ELSE CAST(json_extract(j.value, '$[2]') AS TEXT) END AS before_value,
          CASE json_type(j.value, '$[1]') WHEN 'array' THEN (
            SELECT group_concat(p.piece, '') FROM json_each(j.value, '$[1]') pj JOIN audit_pieces p ON p.id = pj.value)
          WHEN 'text' THEN json_extract(j.value, '$[1]')
          ELSE CAST(json_extract(j.value, '$[1]') AS TEXT) END AS after_value,
          coalesce((SELECT name FROM names WHERE id = coalesce(json_extract(j.value, '$[3]'), w.rule)),
            (SELECT piece FROM audit_pieces WHERE id = -coalesce(json_extract(j.value, '$[3]'), w.rule))) AS rule
        FROM audit_writes w
        JOIN json_each(w.fields) j
        JOIN names run ON run.id = w.run
        JOIN names sys ON sys.id = w.system
        JOIN names obj ON obj.id = w.object
        JOIN names op ON op.id = w.operation
        JOIN names fld ON fld.id = json_extract(j.value, '$[0]');`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "sync state: links, snapshots, cursors, error queue, audit, runs, locks",
    sql: `
      CREATE TABLE schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        applied_at TEXT NOT NULL
      );

      CREATE TABLE links (
        id             INTEGER PRIMARY KEY,
        pair           TEXT NOT NULL CHECK (pair <> ''),
        marketing_type TEXT NOT NULL CHECK (marketing_type <> ''),
        marketing_id   TEXT NOT NULL CHECK (marketing_id <> ''),
        crm_type       TEXT NOT NULL CHECK (crm_type <> ''),
        crm_id         TEXT NOT NULL CHECK (crm_id <> ''),
        match_key      TEXT,
        status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
        retired_reason TEXT,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
      );
      -- Retired links stay for history, so uniqueness holds among active links only.
      CREATE UNIQUE INDEX links_active_marketing ON links (pair, marketing_id) WHERE status = 'active';
      CREATE UNIQUE INDEX links_active_crm ON links (pair, crm_type, crm_id) WHERE status = 'active';
      -- Bulk lookups by CRM id do not know the CRM type.
      CREATE INDEX links_active_crm_id ON links (pair, crm_id) WHERE status = 'active';
      CREATE INDEX links_match_key ON links (pair, match_key) WHERE status = 'active';

      CREATE TABLE field_snapshots (
        link_id   INTEGER NOT NULL REFERENCES links (id) ON DELETE CASCADE,
        field     TEXT NOT NULL CHECK (field <> ''),
        marketing TEXT,
        crm       TEXT,
        synced_at TEXT NOT NULL,
        PRIMARY KEY (link_id, field)
      ) WITHOUT ROWID;

      CREATE TABLE cursors (
        system     TEXT NOT NULL,
        object     TEXT NOT NULL,
        value      TEXT NOT NULL,
        last_id    TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (system, object)
      ) WITHOUT ROWID;

      CREATE TABLE error_queue (
        id                INTEGER PRIMARY KEY,
        run_id            TEXT NOT NULL,
        system            TEXT NOT NULL,
        object            TEXT NOT NULL,
        record_id         TEXT,
        operation         TEXT NOT NULL,
        payload           TEXT,
        error_class       TEXT NOT NULL
          CHECK (error_class IN ('config', 'auth', 'transient', 'rate_limited', 'data', 'conflict', 'bug')),
        message           TEXT NOT NULL,
        attempts          INTEGER NOT NULL DEFAULT 1 CHECK (attempts >= 1),
        status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'discarded')),
        first_seen_at     TEXT NOT NULL,
        last_seen_at      TEXT NOT NULL,
        status_changed_at TEXT
      );
      -- One open entry per failing write; NULL record ids (unsaved creates) are distinct by SQL rules.
      CREATE UNIQUE INDEX error_queue_open_key ON error_queue (system, object, record_id, operation)
        WHERE status = 'open';
      CREATE INDEX error_queue_status ON error_queue (status, system);

      CREATE TABLE audit_log (
        id           INTEGER PRIMARY KEY,
        run_id       TEXT NOT NULL,
        at           TEXT NOT NULL,
        system       TEXT NOT NULL,
        object       TEXT NOT NULL,
        record_id    TEXT NOT NULL,
        operation    TEXT NOT NULL,
        field        TEXT NOT NULL,
        before_value TEXT,
        after_value  TEXT,
        rule         TEXT NOT NULL
      );
      CREATE INDEX audit_log_record ON audit_log (record_id, at);

      CREATE TABLE runs (
        id          TEXT PRIMARY KEY,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        status      TEXT NOT NULL,
        dry_run     INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
        summary     TEXT
      );
      CREATE INDEX runs_started ON runs (started_at);

      CREATE TABLE locks (
        name          TEXT PRIMARY KEY,
        holder        TEXT NOT NULL,
        acquired_at   TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "funnel: stage events, SLA clocks, round-robin queues",
    sql: `
      CREATE TABLE funnel_events (
        id         INTEGER PRIMARY KEY,
        person_id  TEXT NOT NULL CHECK (person_id <> ''),
        email      TEXT,
        from_stage TEXT,
        to_stage   TEXT NOT NULL CHECK (to_stage <> ''),
        at         TEXT NOT NULL,
        cause      TEXT NOT NULL,
        run_id     TEXT,
        source     TEXT,
        campaign   TEXT,
        owner_id   TEXT,
        amount     REAL
      );
      CREATE INDEX funnel_events_person ON funnel_events (person_id, at);
      CREATE INDEX funnel_events_at ON funnel_events (at);

      CREATE TABLE sla_clocks (
        person_id      TEXT PRIMARY KEY,
        crm_type       TEXT NOT NULL,
        crm_id         TEXT NOT NULL,
        owner_id       TEXT,
        handoff_at     TEXT NOT NULL,
        due_at         TEXT NOT NULL,
        first_touch_at TEXT,
        touches        INTEGER NOT NULL CHECK (touches >= 0),
        breached_at    TEXT
      );
      CREATE INDEX sla_clocks_owner ON sla_clocks (owner_id);

      CREATE TABLE round_robin (
        queue      TEXT PRIMARY KEY,
        next_index INTEGER NOT NULL CHECK (next_index >= 0),
        turns      INTEGER NOT NULL DEFAULT 0
      );
    `,
  },
  {
    version: 3,
    name: "person scores: the latest score of each person, for hot lists and near-qualified",
    sql: `
      CREATE TABLE person_scores (
        person_id    TEXT PRIMARY KEY CHECK (person_id <> ''),
        email        TEXT,
        name         TEXT,
        score        REAL NOT NULL,
        fit          REAL NOT NULL,
        behaviour    REAL NOT NULL,
        near_missing TEXT,
        owner_email  TEXT,
        scored_at    TEXT NOT NULL
      );
      CREATE INDEX person_scores_owner ON person_scores (owner_email, score DESC);
      CREATE INDEX person_scores_near ON person_scores (near_missing) WHERE near_missing IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: "snapshots: one row per link (field → {marketing, crm, syncedAt} as JSON) instead of one per field",
    // A page of 2,000 links with 20 mapped fields read 40,000 rows; now it reads 2,000.
    sql: `
      CREATE TABLE link_snapshots (
        link_id INTEGER PRIMARY KEY REFERENCES links (id) ON DELETE CASCADE,
        fields  TEXT NOT NULL
      );
      INSERT INTO link_snapshots (link_id, fields)
        SELECT link_id, json_group_object(field, json_object('marketing', marketing, 'crm', crm, 'syncedAt', synced_at))
        FROM field_snapshots GROUP BY link_id;
      DROP TABLE field_snapshots;
    `,
  },
  {
    version: 5,
    name: "outbox: decided writes kept until the system accepts them; handoff groups; history to fill; SLA touches",
    sql: `
      CREATE TABLE outbox (
        key        TEXT PRIMARY KEY CHECK (key <> ''),
        phase      TEXT NOT NULL,
        system     TEXT NOT NULL,
        object     TEXT NOT NULL,
        write      TEXT NOT NULL,
        grp        TEXT,
        decided_at TEXT NOT NULL,
        run_id     TEXT NOT NULL,
        refused_at TEXT
      );
      CREATE INDEX outbox_pending ON outbox (system, object) WHERE refused_at IS NULL;
      CREATE INDEX outbox_group ON outbox (grp) WHERE grp IS NOT NULL;

      CREATE TABLE outbox_groups (
        grp        TEXT PRIMARY KEY CHECK (grp <> ''),
        on_done    TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      CREATE TABLE history_to_fill (
        person_id  TEXT PRIMARY KEY CHECK (person_id <> ''),
        crm_type   TEXT NOT NULL,
        crm_id     TEXT NOT NULL,
        decided_at TEXT NOT NULL
      );

      CREATE TABLE sla_touches (
        person_id TEXT NOT NULL,
        touch_key TEXT NOT NULL,
        at        TEXT NOT NULL,
        PRIMARY KEY (person_id, touch_key)
      );
    `,
  },
  {
    version: 6,
    name: "written values: each accepted outbox write's field values (loop hold); the lead status last seen per CRM record",
    sql: `
      CREATE TABLE written_values (
        target TEXT NOT NULL,
        field  TEXT NOT NULL,
        value  TEXT,
        at     TEXT NOT NULL
      );
      CREATE INDEX written_values_target ON written_values (target, field, at);

      CREATE TABLE lead_statuses (
        crm_id TEXT PRIMARY KEY CHECK (crm_id <> ''),
        status TEXT,
        at     TEXT NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: "SLA breaches, one per follow-up clock, kept after a reroute starts a new clock",
    sql: `
      CREATE TABLE sla_breaches (
        person_id   TEXT NOT NULL CHECK (person_id <> ''),
        handoff_at  TEXT NOT NULL,
        crm_type    TEXT NOT NULL,
        crm_id      TEXT NOT NULL,
        owner_id    TEXT,
        owner_email TEXT,
        kind        TEXT NOT NULL,
        due_at      TEXT NOT NULL,
        breached_at TEXT NOT NULL,
        raised_at   TEXT NOT NULL,
        run_id      TEXT NOT NULL,
        alert_to    TEXT,
        reroute_to  TEXT,
        PRIMARY KEY (person_id, handoff_at)
      );
      CREATE INDEX sla_breaches_owner ON sla_breaches (owner_id);
    `,
  },
  {
    version: 8,
    name: "behaviour cache: activities read per contact or per email, the signals last read per contact, facts such as the HubSpot tier probed",
    sql: `
      CREATE TABLE behaviour_activities (
        owner_key   TEXT NOT NULL CHECK (owner_key <> ''),
        activity_id TEXT NOT NULL CHECK (activity_id <> ''),
        kind        TEXT NOT NULL,
        occurred_at TEXT NOT NULL,
        properties  TEXT NOT NULL,
        source      TEXT NOT NULL,
        PRIMARY KEY (owner_key, activity_id)
      );
      CREATE INDEX behaviour_activities_time ON behaviour_activities (owner_key, occurred_at);

      CREATE TABLE behaviour_marks (
        person_id TEXT PRIMARY KEY CHECK (person_id <> ''),
        signature TEXT NOT NULL,
        read_at   TEXT NOT NULL
      );

      CREATE TABLE store_facts (
        name  TEXT PRIMARY KEY CHECK (name <> ''),
        value TEXT NOT NULL,
        at    TEXT NOT NULL
      );
    `,
  },
  {
    version: 9,
    name: "match index: a first load's one read of the CRM records it matches against, by normalised match key (emptied after the run's matching)",
    sql: `
      CREATE TABLE match_index (
        crm_object TEXT NOT NULL CHECK (crm_object <> ''),
        crm_id     TEXT NOT NULL CHECK (crm_id <> ''),
        match_key  TEXT NOT NULL CHECK (match_key <> ''),
        record     TEXT NOT NULL,
        PRIMARY KEY (crm_object, crm_id)
      );
      CREATE INDEX match_index_key ON match_index (crm_object, match_key);
    `,
  },
  {
    version: 10,
    name: "audit: names (run, system, object, operation, field, rule) stored once and rows referring to them by number, times as epoch milliseconds; audit_log becomes a view of the old shape; the behaviour cache's second index goes",
    // A row took ~190 bytes (run id, ISO time, names and rule repeated in full); it now takes the record
    // id, the values and a few small integers. The view keeps ad-hoc readers (and the bench) working.
    sql: `
      CREATE TABLE audit_names (
        id   INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
      );
      CREATE TABLE audit_rows (
        id           INTEGER PRIMARY KEY,
        run          INTEGER NOT NULL,
        at_ms        INTEGER NOT NULL,
        system       INTEGER NOT NULL,
        object       INTEGER NOT NULL,
        record_id    TEXT NOT NULL,
        operation    INTEGER NOT NULL,
        field        INTEGER NOT NULL,
        before_value TEXT,
        after_value  TEXT,
        rule         INTEGER NOT NULL
      );
      INSERT OR IGNORE INTO audit_names (name)
        SELECT run_id FROM audit_log UNION SELECT system FROM audit_log UNION SELECT object FROM audit_log
        UNION SELECT operation FROM audit_log UNION SELECT field FROM audit_log UNION SELECT rule FROM audit_log;
      INSERT INTO audit_rows (id, run, at_ms, system, object, record_id, operation, field, before_value, after_value, rule)
        SELECT a.id,
          (SELECT id FROM audit_names WHERE name = a.run_id),
          CAST(ROUND((julianday(a.at) - 2440587.5) * 86400000) AS INTEGER),
          (SELECT id FROM audit_names WHERE name = a.system),
          (SELECT id FROM audit_names WHERE name = a.object),
          a.record_id,
          (SELECT id FROM audit_names WHERE name = a.operation),
          (SELECT id FROM audit_names WHERE name = a.field),
          a.before_value, a.after_value,
          (SELECT id FROM audit_names WHERE name = a.rule)
        FROM audit_log a;
      DROP TABLE audit_log;
      CREATE INDEX audit_rows_record ON audit_rows (record_id, at_ms);
      CREATE VIEW audit_log AS
        SELECT r.id,
          run.name AS run_id,
          strftime('%Y-%m-%dT%H:%M:%S', r.at_ms / 1000, 'unixepoch') || printf('.%03dZ', r.at_ms % 1000) AS at,
          sys.name AS system, obj.name AS object, r.record_id, op.name AS operation, fld.name AS field,
          r.before_value, r.after_value, rl.name AS rule
        FROM audit_rows r
        JOIN audit_names run ON run.id = r.run
        JOIN audit_names sys ON sys.id = r.system
        JOIN audit_names obj ON obj.id = r.object
        JOIN audit_names op ON op.id = r.operation
        JOIN audit_names fld ON fld.id = r.field
        JOIN audit_names rl ON rl.id = r.rule;

      -- The behaviour cache's reads go by owner_key, which its primary key already leads with (a few
      -- dozen activities per contact); a second index on (owner_key, occurred_at) took ~6% of the file.
      DROP INDEX behaviour_activities_time;
    `,
  },
  {
    version: 11,
    name: "campaigns: a funnel event names its campaign's id and origin; the campaigns read from HubSpot and Salesforce",
    sql: `
      ALTER TABLE funnel_events ADD COLUMN campaign_id TEXT;
      ALTER TABLE funnel_events ADD COLUMN campaign_origin TEXT;

      CREATE TABLE campaigns (
        origin     TEXT NOT NULL CHECK (origin IN ('hubspot-campaign', 'salesforce-campaign')),
        id         TEXT NOT NULL CHECK (id <> ''),
        name       TEXT NOT NULL,
        type       TEXT,
        status     TEXT,
        start_date TEXT,
        end_date   TEXT,
        read_at    TEXT NOT NULL,
        PRIMARY KEY (origin, id)
      );
    `,
  },
  {
    version: 12,
    name: "snapshots: each field as [syncedAt ms], [syncedAt ms, value] or [syncedAt ms, marketing, crm]",
    // The compact form of snapshots.ts: half the bytes to write and parse on every changed record's path.
    // A time that is not an ISO instant with milliseconds keeps the old [marketing, crm, syncedAt] form,
    // which is still read.
    sql: `
      UPDATE link_snapshots SET fields = (
        SELECT json_group_object(e.key, json(CASE
          WHEN e.type NOT IN ('array', 'object')
            OR NOT coalesce((CASE e.type WHEN 'array' THEN json_extract(e.value, '$[2]') ELSE json_extract(e.value, '$.syncedAt') END) GLOB
              '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z', 0)
            THEN e.value
          WHEN (CASE e.type WHEN 'array' THEN json_extract(e.value, '$[0]') ELSE json_extract(e.value, '$.marketing') END) IS NULL AND (CASE e.type WHEN 'array' THEN json_extract(e.value, '$[1]') ELSE json_extract(e.value, '$.crm') END) IS NULL
            THEN json_array(CAST(round(unixepoch(CASE e.type WHEN 'array' THEN json_extract(e.value, '$[2]') ELSE json_extract(e.value, '$.syncedAt') END, 'subsec') * 1000) AS INTEGER))
          WHEN (CASE e.type WHEN 'array' THEN json_extract(e.value, '$[0]') ELSE json_extract(e.value, '$.marketing') END) IS (CASE e.type WHEN 'array' THEN json_extract(e.value, '$[1]') ELSE json_extract(e.value, '$.crm') END)
            THEN json_array(CAST(round(unixepoch(CASE e.type WHEN 'array' THEN json_extract(e.value, '$[2]') ELSE json_extract(e.value, '$.syncedAt') END, 'subsec') * 1000) AS INTEGER), CASE e.type WHEN 'array' THEN json_extract(e.value, '$[0]') ELSE json_extract(e.value, '$.marketing') END)
          ELSE json_array(CAST(round(unixepoch(CASE e.type WHEN 'array' THEN json_extract(e.value, '$[2]') ELSE json_extract(e.value, '$.syncedAt') END, 'subsec') * 1000) AS INTEGER), CASE e.type WHEN 'array' THEN json_extract(e.value, '$[0]') ELSE json_extract(e.value, '$.marketing') END, CASE e.type WHEN 'array' THEN json_extract(e.value, '$[1]') ELSE json_extract(e.value, '$.crm') END)
        END))
        FROM json_each(link_snapshots.fields) AS e
      )
      WHERE fields <> '{}';
    `,
  },
  {
    version: 13,
    name: "outbox: pending writes found by their record",
    // A drain sends a record's pending writes as one; before it sends a batch it asks which of its records
    // a later decision writes again (laterOutboxRecords), one look-up per record.
    sql: `
      CREATE INDEX outbox_record ON outbox (system, object, json_extract(write, '$.recordId'))
        WHERE refused_at IS NULL;
    `,
  },
  {
    version: 14,
    name: "compact written values (no rowid, times in ms, long values as fingerprints) and behaviour cache (no rowid); SLA clocks by CRM record",
    // Where a 10k-contact store's bytes went (`leadloop store stats`): the behaviour cache ~2,000 per
    // contact and written values ~1,390. A rowid table with a TEXT primary key keeps the key twice (the
    // table and its automatic index); WITHOUT ROWID keeps it once, in the table's own b-tree. Written
    // values are only compared for equality (the loop hold, core/write-loop.ts): a value over
    // LOOP_VALUE_KEPT_CHARS is kept as its fingerprint from now on (rows copied here keep their full
    // text, which the loop hold fingerprints when it reads them).
    sql: `
      CREATE TABLE written_values_compact (
        target TEXT NOT NULL,
        field  TEXT NOT NULL,
        at_ms  INTEGER NOT NULL,
        value  TEXT,
        PRIMARY KEY (target, field, at_ms)
      ) WITHOUT ROWID;
      INSERT OR REPLACE INTO written_values_compact (target, field, at_ms, value)
        SELECT target, field, CAST(ROUND((julianday(at) - 2440587.5) * 86400000) AS INTEGER), value
        FROM written_values ORDER BY rowid;
      DROP TABLE written_values;
      ALTER TABLE written_values_compact RENAME TO written_values;

      CREATE TABLE behaviour_activities_compact (
        owner_key   TEXT NOT NULL CHECK (owner_key <> ''),
        activity_id TEXT NOT NULL CHECK (activity_id <> ''),
        kind        TEXT NOT NULL,
        occurred_at TEXT NOT NULL,
        properties  TEXT NOT NULL,
        source      TEXT NOT NULL,
        PRIMARY KEY (owner_key, activity_id)
      ) WITHOUT ROWID;
      INSERT INTO behaviour_activities_compact (owner_key, activity_id, kind, occurred_at, properties, source)
        SELECT owner_key, activity_id, kind, occurred_at, properties, source FROM behaviour_activities;
      DROP TABLE behaviour_activities;
      ALTER TABLE behaviour_activities_compact RENAME TO behaviour_activities;

      -- The dispositions and touches look clocks up by the CRM records a page read.
      CREATE INDEX sla_clocks_crm ON sla_clocks (crm_id);
    `,
  },
  {
    version: 15,
    name: "match misses (an unlinked marketing record matched nothing in the CRM by the keys it held) and kept reads (a change read's pages for a later stream of the same window)",
    // A run inside the look-backs re-reads the contacts leadloop wrote and would query the CRM again for
    // every one of them that is not linked; a note per record (the keys it was looked up by, and how)
    // lets the engine skip that query while neither changed (page-sync.ts, ARCHITECTURE.md "Match misses").
    sql: `
      CREATE TABLE match_misses (
        pair         TEXT NOT NULL CHECK (pair <> ''),
        marketing_id TEXT NOT NULL CHECK (marketing_id <> ''),
        keys         TEXT NOT NULL,
        matcher      TEXT NOT NULL,
        PRIMARY KEY (pair, marketing_id)
      ) WITHOUT ROWID;

      -- A change read's pages kept for a later stream of the same window in the same run (the
      -- qualification's contacts for the contact sync): one row per page, emptied when read or at the
      -- run's end. A rowid table: a page of records is far larger than a WITHOUT ROWID row should be.
      CREATE TABLE kept_reads (
        seq      INTEGER PRIMARY KEY,
        read_key TEXT NOT NULL,
        cursor   TEXT NOT NULL,
        last_id  TEXT,
        records  TEXT NOT NULL
      );
    `,
  },
  {
    version: 16,
    name: "compact behaviour cache (times in ms, kind, source and properties stored once per distinct set), audit (one row per record written, one per field under it), written values (system, object and field by number), behaviour marks (no rowid, time in ms), person scores and lead statuses (no rowid); audit_names becomes the store's names",
    // Where a 10k-contact store's bytes went at ffa0616 (`storeTableBytesPerRecord`): the behaviour cache
    // 1,980 per contact and the audit 1,916. A cached activity repeated its page's URL and title or its
    // email's campaign and subject as JSON, and its time as ISO text; it now names a behaviour_details row
    // (found again by `hash`, detail-hash.ts, a function every connection registers) and keeps its time
    // as epoch ms. An audit row
    // repeated its run, time, system, object, operation and record id for every field of a write, and the
    // record index held the record id once more per field; a write now has one audit_writes row (indexed
    // by record) and its fields are rows under it, numbered within it. The audit_log view keeps the old
    // shape, its id the write's id times 4,096 plus the field's number. The names the audit numbered
    // (audit_names) are the store's names now (`names`): written values number their system/object and
    // field by them too. Behaviour marks, person scores and lead statuses lose their rowid (a TEXT key
    // was kept twice: in the table and its automatic index); marks keep their time
    // in ms; their signatures are kept compactly by behaviour-cache.ts from now on (older ones read as
    // they are).
    sql: `
      CREATE TABLE behaviour_details (
        id         INTEGER PRIMARY KEY,
        hash       INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        source     TEXT NOT NULL,
        properties TEXT NOT NULL,
        last_ms    INTEGER NOT NULL
      );
      INSERT INTO behaviour_details (hash, kind, source, properties, last_ms)
        SELECT leadloop_detail_hash(kind, source, properties), kind, source, properties,
          MAX(CAST(ROUND((julianday(occurred_at) - 2440587.5) * 86400000) AS INTEGER))
        FROM behaviour_activities GROUP BY kind, source, properties;
      CREATE INDEX behaviour_details_text ON behaviour_details (kind, source, properties);
      CREATE TABLE behaviour_activities_compact (
        owner_key   TEXT NOT NULL CHECK (owner_key <> ''),
        activity_id TEXT NOT NULL CHECK (activity_id <> ''),
        occurred_ms INTEGER NOT NULL,
        detail      INTEGER NOT NULL,
        PRIMARY KEY (owner_key, activity_id)
      ) WITHOUT ROWID;
      INSERT INTO behaviour_activities_compact (owner_key, activity_id, occurred_ms, detail)
        SELECT a.owner_key, a.activity_id,
          CAST(ROUND((julianday(a.occurred_at) - 2440587.5) * 86400000) AS INTEGER),
          (SELECT d.id FROM behaviour_details d WHERE d.kind = a.kind AND d.source = a.source AND d.properties = a.properties)
        FROM behaviour_activities a;
      DROP TABLE behaviour_activities;
      ALTER TABLE behaviour_activities_compact RENAME TO behaviour_activities;
      DROP INDEX behaviour_details_text;
      CREATE INDEX behaviour_details_hash ON behaviour_details (hash);

      CREATE TABLE audit_writes (
        id        INTEGER PRIMARY KEY,
        run       INTEGER NOT NULL,
        at_ms     INTEGER NOT NULL,
        system    INTEGER NOT NULL,
        object    INTEGER NOT NULL,
        record_id TEXT NOT NULL,
        operation INTEGER NOT NULL
      );
      INSERT INTO audit_writes (id, run, at_ms, system, object, record_id, operation)
        SELECT MIN(id), run, at_ms, system, object, record_id, operation FROM audit_rows
        GROUP BY run, at_ms, system, object, record_id, operation;
      CREATE INDEX audit_writes_copy ON audit_writes (record_id, run, at_ms);
      CREATE TABLE audit_fields (
        write        INTEGER NOT NULL,
        n            INTEGER NOT NULL,
        field        INTEGER NOT NULL,
        rule         INTEGER NOT NULL,
        before_value TEXT,
        after_value  TEXT,
        PRIMARY KEY (write, n)
      ) WITHOUT ROWID;
      INSERT INTO audit_fields (write, n, field, rule, before_value, after_value)
        SELECT w.id, ROW_NUMBER() OVER (PARTITION BY w.id ORDER BY r.id) - 1, r.field, r.rule, r.before_value, r.after_value
        FROM audit_rows r JOIN audit_writes w
          ON w.record_id = r.record_id AND w.run = r.run AND w.at_ms = r.at_ms AND w.system = r.system
            AND w.object = r.object AND w.operation = r.operation;
      DROP INDEX audit_writes_copy;
      DROP VIEW audit_log;
      DROP TABLE audit_rows;
      ALTER TABLE audit_fields RENAME TO audit_rows;
      ALTER TABLE audit_names RENAME TO names;
      CREATE INDEX audit_writes_record ON audit_writes (record_id, at_ms);
      CREATE VIEW audit_log AS
        SELECT w.id * 4096 + r.n AS id,
          run.name AS run_id,
          strftime('%Y-%m-%dT%H:%M:%S', w.at_ms / 1000, 'unixepoch') || printf('.%03dZ', w.at_ms % 1000) AS at,
          sys.name AS system, obj.name AS object, w.record_id, op.name AS operation, fld.name AS field,
          r.before_value, r.after_value, rl.name AS rule
        FROM audit_writes w
        JOIN audit_rows r ON r.write = w.id
        JOIN names run ON run.id = w.run
        JOIN names sys ON sys.id = w.system
        JOIN names obj ON obj.id = w.object
        JOIN names op ON op.id = w.operation
        JOIN names fld ON fld.id = r.field
        JOIN names rl ON rl.id = r.rule;

      CREATE TABLE written_values_named (
        object    INTEGER NOT NULL,
        record_id TEXT NOT NULL,
        field     INTEGER NOT NULL,
        at_ms     INTEGER NOT NULL,
        value     TEXT,
        PRIMARY KEY (object, record_id, field, at_ms)
      ) WITHOUT ROWID;
      INSERT OR IGNORE INTO names (name)
        SELECT substr(target, 1, instr(target, '/') + instr(substr(target, instr(target, '/') + 1), '/') - 1)
        FROM written_values UNION SELECT field FROM written_values;
      INSERT OR REPLACE INTO written_values_named (object, record_id, field, at_ms, value)
        SELECT o.id, substr(v.target, length(o.name) + 2), f.id, v.at_ms, v.value
        FROM written_values v
        JOIN names o ON o.name = substr(v.target, 1, instr(v.target, '/') + instr(substr(v.target, instr(v.target, '/') + 1), '/') - 1)
        JOIN names f ON f.name = v.field;
      DROP TABLE written_values;
      ALTER TABLE written_values_named RENAME TO written_values;

      CREATE TABLE behaviour_marks_compact (
        person_id TEXT PRIMARY KEY CHECK (person_id <> ''),
        signature TEXT NOT NULL,
        read_ms   INTEGER NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO behaviour_marks_compact (person_id, signature, read_ms)
        SELECT person_id, signature, CAST(ROUND((julianday(read_at) - 2440587.5) * 86400000) AS INTEGER)
        FROM behaviour_marks;
      DROP TABLE behaviour_marks;
      ALTER TABLE behaviour_marks_compact RENAME TO behaviour_marks;

      CREATE TABLE person_scores_compact (
        person_id    TEXT PRIMARY KEY CHECK (person_id <> ''),
        email        TEXT,
        name         TEXT,
        score        REAL NOT NULL,
        fit          REAL NOT NULL,
        behaviour    REAL NOT NULL,
        near_missing TEXT,
        owner_email  TEXT,
        scored_at    TEXT NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO person_scores_compact SELECT person_id, email, name, score, fit, behaviour, near_missing, owner_email, scored_at
        FROM person_scores;
      DROP TABLE person_scores;
      ALTER TABLE person_scores_compact RENAME TO person_scores;
      CREATE INDEX person_scores_owner ON person_scores (owner_email, score DESC);
      CREATE INDEX person_scores_near ON person_scores (near_missing) WHERE near_missing IS NOT NULL;

      CREATE TABLE lead_statuses_compact (
        crm_id TEXT PRIMARY KEY CHECK (crm_id <> ''),
        status TEXT,
        at     TEXT NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO lead_statuses_compact (crm_id, status, at) SELECT crm_id, status, at FROM lead_statuses;
      DROP TABLE lead_statuses;
      ALTER TABLE lead_statuses_compact RENAME TO lead_statuses;
    `,
  },
  {
    version: 17,
    name: "compact outbox: record, names by number and times in ms as columns, the rest a compact payload; pending writes found by the record column",
    // A 1M first load left 2.2 million writes waiting, about 450 bytes a row: each row's JSON repeated its
    // key, phase, system, object, record and every field's name, rule and the JSON keys, and the index that
    // finds a record's pending writes (migration 13) held json_extract's copy of the record id, computed
    // by parsing the JSON on every insert. The record is now a column of its own, indexed as it is; phase,
    // system, object, run and field names are numbers from \`names\`; the payload (outbox-payload.ts) leaves
    // out what the columns say, empty parts, and rules equal to the row's first. The (system, object)
    // index no query used goes. Rows keep their seq (decision order).
    sql: `
      INSERT OR IGNORE INTO names (name)
        SELECT phase FROM outbox UNION SELECT system FROM outbox UNION SELECT object FROM outbox
        UNION SELECT run_id FROM outbox
        UNION SELECT json_extract(f.value, '$.field') FROM outbox, json_each(outbox.write, '$.fields') AS f;
      CREATE TABLE outbox_compact (
        seq        INTEGER PRIMARY KEY,
        key        TEXT NOT NULL UNIQUE CHECK (key <> ''),
        phase      INTEGER NOT NULL,
        system     INTEGER NOT NULL,
        object     INTEGER NOT NULL,
        record_id  TEXT,
        grp        TEXT,
        run        INTEGER NOT NULL,
        decided_ms INTEGER NOT NULL,
        refused_ms INTEGER,
        write      TEXT NOT NULL
      );
      INSERT INTO outbox_compact (seq, key, phase, system, object, record_id, grp, run, decided_ms, refused_ms, write)
        SELECT o.rowid, o.key,
          (SELECT id FROM names WHERE name = o.phase),
          (SELECT id FROM names WHERE name = o.system),
          (SELECT id FROM names WHERE name = o.object),
          json_extract(o.write, '$.recordId'), o.grp,
          (SELECT id FROM names WHERE name = o.run_id),
          CAST(ROUND((julianday(o.decided_at) - 2440587.5) * 86400000) AS INTEGER),
          CAST(ROUND((julianday(o.refused_at) - 2440587.5) * 86400000) AS INTEGER),
          json_object(
            'f', (SELECT json_group_array(json_array(
                    (SELECT id FROM names WHERE name = json_extract(f.value, '$.field')),
                    json_extract(f.value, '$.after'), json_extract(f.value, '$.before'), json_extract(f.value, '$.rule')))
                  FROM json_each(o.write, '$.fields') AS f),
            's', CASE json_extract(o.write, '$.side') WHEN 'crm' THEN 1 ELSE 0 END,
            'u', json_extract(o.write, '$.upsertOn'),
            'a', (SELECT json_group_array(json_array(json_extract(a.value, '$.object'), json_extract(a.value, '$.id')))
                  FROM json_each(o.write, '$.associations') AS a),
            'p', json_extract(o.write, '$.personId'),
            'e', json_extract(o.write, '$.email'),
            'c', json(o.write -> '$.clearFirst'),
            'y', CASE WHEN json_type(o.write, '$.synced') = 'object' THEN json_object(
                    'p', json_extract(o.write, '$.synced.pair'),
                    'm', json_extract(o.write, '$.synced.marketingId'),
                    's', json_extract(o.write, '$.synced.side'),
                    'v', json(o.write -> '$.synced.values')) END
          )
        FROM outbox o;
      DROP TABLE outbox;
      ALTER TABLE outbox_compact RENAME TO outbox;
      CREATE INDEX outbox_record ON outbox (system, object, record_id) WHERE refused_ms IS NULL;
      CREATE INDEX outbox_group ON outbox (grp) WHERE grp IS NOT NULL;
    `,
  },
  {
    version: 18,
    name: "audit values of 64 characters or more kept as pieces stored once (audit_pieces), audit_log putting them together; snapshot keys, and the pair and matcher of match misses, by their number in names",
    // Where a 10k-contact store's bytes went at 8441822 (`storeTableBytesPerRecord`): the audit's field
    // rows 1,273 per contact, of which 750 were values, most of them the funnel's long texts (reasons,
    // activity summaries, task descriptions) written again at every rescore, made of lines that many
    // people share. A long value is now a BLOB holding the JSON array of its pieces' ids
    // (store/sqlite/text-pieces.ts); rows written before keep their text until the retention prunes
    // them. A piece records the latest write that used it, so the prune drops it with its writes.
    // The view joins a value's pieces walking its array (json_each is the outer loop, each piece found
    // by its id), with no ORDER BY inside group_concat: SQLite before 3.44 could not open a file whose
    // schema held one, and a reader's sqlite3 tool may be older than the store's.
    // A link's snapshot row (351 bytes per contact) repeated each field's key (`firstname>FirstName`)
    // in every row: the keys are now their numbers in names (store/sqlite/snapshots.ts), here too. A
    // match miss repeated its pair and the matcher's 16-character fingerprint: numbers in names too.
    sql: `
      INSERT OR IGNORE INTO names (name) SELECT pair FROM match_misses UNION SELECT matcher FROM match_misses;
      CREATE TABLE match_misses_named (
        pair         INTEGER NOT NULL,
        marketing_id TEXT NOT NULL CHECK (marketing_id <> ''),
        keys         TEXT NOT NULL,
        matcher      INTEGER NOT NULL,
        PRIMARY KEY (pair, marketing_id)
      ) WITHOUT ROWID;
      INSERT INTO match_misses_named (pair, marketing_id, keys, matcher)
        SELECT p.id, m.marketing_id, m.keys, f.id
        FROM match_misses m JOIN names p ON p.name = m.pair JOIN names f ON f.name = m.matcher;
      DROP TABLE match_misses;
      ALTER TABLE match_misses_named RENAME TO match_misses;

      INSERT OR IGNORE INTO names (name) SELECT DISTINCT j.key FROM link_snapshots s, json_each(s.fields) j;
      UPDATE link_snapshots SET fields = (
        SELECT json_group_object(CAST(n.id AS TEXT), CASE WHEN j.type IN ('array', 'object') THEN json(j.value) ELSE j.value END)
        FROM json_each(link_snapshots.fields) j JOIN names n ON n.name = j.key);

      CREATE TABLE audit_pieces (
        id         INTEGER PRIMARY KEY,
        hash       INTEGER NOT NULL,
        piece      TEXT NOT NULL,
        last_write INTEGER NOT NULL
      );
      CREATE INDEX audit_pieces_hash ON audit_pieces (hash);
      CREATE INDEX audit_pieces_last_write ON audit_pieces (last_write);
      DROP VIEW audit_log;
      CREATE VIEW audit_log AS
        SELECT w.id * 4096 + r.n AS id,
          run.name AS run_id,
          strftime('%Y-%m-%dT%H:%M:%S', w.at_ms / 1000, 'unixepoch') || printf('.%03dZ', w.at_ms % 1000) AS at,
          sys.name AS system, obj.name AS object, w.record_id, op.name AS operation, fld.name AS field,
          CASE WHEN typeof(r.before_value) = 'blob' THEN (
            SELECT group_concat(p.piece, '') FROM json_each(CAST(r.before_value AS TEXT)) j
            JOIN audit_pieces p ON p.id = j.value)
          ELSE r.before_value END AS before_value,
          CASE WHEN typeof(r.after_value) = 'blob' THEN (
            SELECT group_concat(p.piece, '') FROM json_each(CAST(r.after_value AS TEXT)) j
            JOIN audit_pieces p ON p.id = j.value)
          ELSE r.after_value END AS after_value,
          rl.name AS rule
        FROM audit_writes w
        JOIN audit_rows r ON r.write = w.id
        JOIN names run ON run.id = w.run
        JOIN names sys ON sys.id = w.system
        JOIN names obj ON obj.id = w.object
        JOIN names op ON op.id = w.operation
        JOIN names fld ON fld.id = r.field
        JOIN names rl ON rl.id = r.rule;
    `,
  },
  {
    version: 19,
    name: "audit: a write's fields packed as one JSON array on its audit_writes row (audit_rows goes), the record index without the time; written values: one row per record holding its recent writes",
    // Where the audit and written values went at 100k contacts at 1309b61 (bytes per contact): the
    // audit's field rows 466, its writes 146, written values 335. A field row repeated its write's id, its
    // number and a record header of its own for some ten bytes of value; a write now holds its fields as
    // one JSON array, each field [field, after, before, rule] with trailing nulls left out and the rule
    // only where it is not the write's own (`rule`, the one most of its fields name), a pieced value
    // (text-pieces.ts) as the array of its pieces' ids, a number's text that JSON and SQLite give back
    // exactly as that number (audit.ts). The audit_log view unpacks it with json_each,
    // in the same rows, ids and columns as before. The record index loses the time: a record's writes are
    // few and explain sorts them. A written value repeated its object, record id and time per field; a
    // record now has one row, its writes oldest first as [ms after first_ms, field, value, field,
    // value, ...] (written-values.ts).
    sql: `
      CREATE TABLE audit_writes_packed (
        id        INTEGER PRIMARY KEY,
        run       INTEGER NOT NULL,
        at_ms     INTEGER NOT NULL,
        system    INTEGER NOT NULL,
        object    INTEGER NOT NULL,
        record_id TEXT NOT NULL,
        operation INTEGER NOT NULL,
        rule      INTEGER NOT NULL,
        fields    TEXT NOT NULL
      );
      CREATE TEMP TABLE audit_write_rules AS
        SELECT write, rule FROM (
          SELECT write, rule, ROW_NUMBER() OVER (PARTITION BY write ORDER BY COUNT(*) DESC, MIN(n)) AS k
          FROM audit_rows GROUP BY write, rule)
        WHERE k = 1;
      CREATE INDEX temp.audit_write_rules_write ON audit_write_rules (write);
      INSERT INTO audit_writes_packed (id, run, at_ms, system, object, record_id, operation, rule, fields)
        SELECT w.id, w.run, w.at_ms, w.system, w.object, w.record_id, w.operation, wr.rule,
          (SELECT json_group_array(json(CASE
              WHEN r.rule <> wr.rule THEN json_array(r.field,
                CASE WHEN typeof(r.after_value) = 'blob' THEN json(CAST(r.after_value AS TEXT)) ELSE r.after_value END,
                CASE WHEN typeof(r.before_value) = 'blob' THEN json(CAST(r.before_value AS TEXT)) ELSE r.before_value END,
                r.rule)
              WHEN r.before_value IS NOT NULL THEN json_array(r.field,
                CASE WHEN typeof(r.after_value) = 'blob' THEN json(CAST(r.after_value AS TEXT)) ELSE r.after_value END,
                CASE WHEN typeof(r.before_value) = 'blob' THEN json(CAST(r.before_value AS TEXT)) ELSE r.before_value END)
              WHEN r.after_value IS NOT NULL THEN json_array(r.field,
                CASE WHEN typeof(r.after_value) = 'blob' THEN json(CAST(r.after_value AS TEXT)) ELSE r.after_value END)
              ELSE json_array(r.field) END) ORDER BY r.n)
            FROM audit_rows r WHERE r.write = w.id)
        FROM audit_writes w JOIN audit_write_rules wr ON wr.write = w.id;
      DROP TABLE audit_write_rules;
      DROP VIEW audit_log;
      DROP TABLE audit_rows;
      DROP TABLE audit_writes;
      ALTER TABLE audit_writes_packed RENAME TO audit_writes;
      CREATE INDEX audit_writes_record ON audit_writes (record_id);
      ${AUDIT_LOG_VIEW}

      CREATE TABLE written_values_packed (
        object    INTEGER NOT NULL,
        record_id TEXT NOT NULL,
        first_ms  INTEGER NOT NULL,
        writes    TEXT NOT NULL,
        PRIMARY KEY (object, record_id)
      ) WITHOUT ROWID;
      WITH firsts AS (
          SELECT object, record_id, MIN(at_ms) AS first_ms FROM written_values GROUP BY object, record_id),
        entries AS (
          SELECT v.object, v.record_id, v.at_ms, f.first_ms,
            '[' || (v.at_ms - f.first_ms) || ',' ||
              group_concat(v.field || ',' || json_quote(v.value), ',' ORDER BY v.field) || ']' AS entry
          FROM written_values v JOIN firsts f ON f.object = v.object AND f.record_id = v.record_id
          GROUP BY v.object, v.record_id, v.at_ms)
      INSERT INTO written_values_packed (object, record_id, first_ms, writes)
        SELECT object, record_id, first_ms, '[' || group_concat(entry, ',' ORDER BY at_ms) || ']'
        FROM entries GROUP BY object, record_id;
      DROP TABLE written_values;
      ALTER TABLE written_values_packed RENAME TO written_values;
    `,
  },
  {
    version: 20,
    name: "behaviour cache packed: owners by number (a contact's id, other owners numbered once in behaviour_owners), activity and person ids packed whole, a mark's signature as a fingerprint per part and the page-view count",
    // Where a 100k-contact store's bytes went at 1309b61: behaviour_activities 390 per contact, behaviour_marks
    // 198. An activity row repeated its owner's key as text (`contact:10041`, an email address) and its id
    // as text; the id is more than a key within its owner (a handoff's CRM task is keyed by it,
    // significant.ts), so it is kept whole but packed (activity-id.ts): a number as an INTEGER, known
    // prefixes, GUIDs and hex runs in fewer bytes. A contact owner is its id as a number; any other owner
    // is minus its number in behaviour_owners. A mark kept every signal's value; the reader only compares
    // each part and reads the page-view count, so it keeps a 32-bit fingerprint per part and that count
    // (core/behaviour/signal-marks.ts, legacy-marks.ts for the old forms). Columns without a type keep the
    // INTEGER, TEXT or BLOB they are given. The prune's place (a text key) starts over.
    sql: `
      CREATE TABLE behaviour_owners (
        id  INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE CHECK (key <> '')
      );
      INSERT INTO behaviour_owners (key)
        SELECT DISTINCT owner_key FROM behaviour_activities WHERE leadloop_contact_number(owner_key) IS NULL
        ORDER BY owner_key;
      CREATE TABLE behaviour_activities_packed (
        owner       INTEGER NOT NULL,
        activity_id NOT NULL,
        occurred_ms INTEGER NOT NULL,
        detail      INTEGER NOT NULL,
        PRIMARY KEY (owner, activity_id)
      ) WITHOUT ROWID;
      INSERT INTO behaviour_activities_packed (owner, activity_id, occurred_ms, detail)
        SELECT COALESCE(leadloop_contact_number(a.owner_key), -(SELECT o.id FROM behaviour_owners o WHERE o.key = a.owner_key)),
          leadloop_pack_id(a.activity_id), a.occurred_ms, a.detail
        FROM behaviour_activities a;
      DROP TABLE behaviour_activities;
      ALTER TABLE behaviour_activities_packed RENAME TO behaviour_activities;

      CREATE TABLE behaviour_marks_packed (
        person       NOT NULL PRIMARY KEY,
        fingerprints BLOB NOT NULL,
        page_views,
        read_ms      INTEGER NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO behaviour_marks_packed (person, fingerprints, page_views, read_ms)
        SELECT leadloop_pack_id(person_id), leadloop_mark_fingerprints(signature), leadloop_mark_page_views(signature), read_ms
        FROM behaviour_marks;
      DROP TABLE behaviour_marks;
      ALTER TABLE behaviour_marks_packed RENAME TO behaviour_marks;
      DELETE FROM store_facts WHERE name = 'behaviour.prunedTo';
    `,
  },
  {
    version: 21,
    name: "behaviour marks keep the form submission count",
    // Below Enterprise, a contact whose submission count rose by one since its mark tells its new form
    // submission in its own properties (core/behaviour/conversion-properties.ts), which saves reading
    // every form's submissions. A mark made before keeps no count (NULL): its contact's next new
    // submission is read from the forms API, as before.
    sql: `ALTER TABLE behaviour_marks ADD COLUMN conversions;`,
  },
  {
    version: 22,
    name: "the follow-up clocks a later handoff replaced, kept for the reports",
    // A person handed off again (recycled, then qualified after the cool-down; rerouted) gets a new clock
    // in sla_clocks, one row per person; the one it replaces is kept here, so the reports count every
    // handoff and how it was followed up.
    sql: `
      CREATE TABLE sla_clock_history (
        person_id      TEXT NOT NULL,
        crm_type       TEXT NOT NULL,
        crm_id         TEXT NOT NULL,
        owner_id       TEXT,
        handoff_at     TEXT NOT NULL,
        due_at         TEXT NOT NULL,
        first_touch_at TEXT,
        touches        INTEGER NOT NULL,
        breached_at    TEXT,
        replaced_at    TEXT NOT NULL,
        PRIMARY KEY (person_id, handoff_at)
      );
    `,
  },
  {
    version: 23,
    name: "open error entries found by their record",
    // Every page of a sync asks which of its records hold an open entry (a refused write it decides again
    // or holds back). The open-key index leads with system and object, so the question scanned every open
    // entry; a portal with many refusals paid that on each page.
    sql: `CREATE INDEX IF NOT EXISTS error_queue_open_record ON error_queue (status, record_id);`,
  },
  {
    version: 24,
    name: "the reason a verdict left on the contact, beside the lead status seen",
    // A rep may edit a verdict's reason (Leadloop_Disposition_Reason__c) without its status: the reason
    // seen is kept so that edit is read as one, and not as a new verdict. Rows from before hold NULL,
    // read as the map's reason for their status, the only one leadloop wrote until then.
    sql: `ALTER TABLE lead_statuses ADD COLUMN reason TEXT;`,
  },
  {
    version: 25,
    name: "follow-up clocks reassigned by hand in the CRM",
    // A manager may give a handed-off lead to another rep in the CRM; the SLA phase reads the record's
    // owner back and moves the clock to them. The owner it was taken from is kept here: a reroute never
    // hands a lead back to a rep who held it, and `leadloop sla` tells who reassigned it to whom.
    sql: `
      CREATE TABLE sla_reassignments (
        person_id     TEXT NOT NULL,
        handoff_at    TEXT NOT NULL,
        from_owner_id TEXT,
        to_owner_id   TEXT NOT NULL,
        to_email      TEXT,
        at            TEXT NOT NULL,
        run_id        TEXT NOT NULL,
        PRIMARY KEY (person_id, handoff_at, at)
      );
    `,
  },
  {
    version: 26,
    name: "the score leadloop last wrote on a person's CRM record",
    // After a handoff or a history fill, the qualification writes the CRM record again when the score or
    // the behaviour summary moved from what was written there (ARCHITECTURE.md "One run", step 2). People
    // handed off before this version start from their clock's record and their latest score, with the
    // texts unknown (NULL): no write until their score moves, rather than one for everyone at once.
    sql: `
      CREATE TABLE crm_score_marks (
        person_id TEXT PRIMARY KEY,
        crm_type  TEXT NOT NULL,
        crm_id    TEXT NOT NULL,
        since     TEXT NOT NULL,
        score     REAL NOT NULL,
        fit       REAL NOT NULL,
        behaviour REAL NOT NULL,
        reasons   TEXT,
        summary   TEXT,
        at        TEXT NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO crm_score_marks (person_id, crm_type, crm_id, since, score, fit, behaviour, reasons, summary, at)
        SELECT c.person_id, c.crm_type, c.crm_id, 'handoff', s.score, s.fit, s.behaviour, NULL, NULL, c.handoff_at
          FROM sla_clocks c JOIN person_scores s ON s.person_id = c.person_id;
    `,
  },
  {
    version: 27,
    name: "links a lost store's run restored, for their CRM score marks",
    // A link restored from its stamps after the store was lost is kept in the history fill's list with
    // this flag: its CRM record may carry the score leadloop wrote there, which the lost marks no longer
    // knew (funnel/restored-score-marks.ts).
    sql: `ALTER TABLE history_to_fill ADD COLUMN restored INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 28,
    name: "follow-up clocks stopped by their record's deletion",
    // A clock on a CRM record deleted since its handoff (with HubSpot as the CRM, the person's contact) is
    // owed nothing from then: `gone_at` is when the run followed the deletion (ARCHITECTURE.md "The
    // follow-up SLA"). NULL for every clock before this version: none was stopped so.
    sql: `ALTER TABLE sla_clocks ADD COLUMN gone_at TEXT;`,
  },
  {
    version: 29,
    name: "why a record's score fields are owed: met, restored or converted",
    // The history fill's list also takes the Contact a converted Lead became, whose person's score is on
    // the Lead (funnel/history-fill.ts): one column says which of the three a row is, 0 a rep's own
    // record met (history to write), 1 a link restored after a lost store (migration 27's flag), 2 a
    // converted Lead's record (the score carried over).
    sql: `ALTER TABLE history_to_fill RENAME COLUMN restored TO cause;`,
  },
  {
    version: 30,
    name: "the first and last name a person's score row is named by",
    // A write that renames a person's contact (a rep's retyped Lead name, carried to it) renames their
    // score row in the drain's commit (ARCHITECTURE.md "The funnel across two CRMs"); a rename names one
    // part, so the row keeps both. NULL where a row predates this version: its next qualification fills them.
    sql: `ALTER TABLE person_scores ADD COLUMN first_name TEXT;
      ALTER TABLE person_scores ADD COLUMN last_name TEXT;`,
  },
  {
    version: 31,
    name: "whether anything of a handoff reached the rep",
    // A handoff group keeps the systems that accepted any of its writes (`,hubspot,`), and its clock
    // whether anything of the handoff reached the rep: a handoff whose writes to the CRM a deletion all
    // dropped counts no handoff (ARCHITECTURE.md "The follow-up SLA"). Rows before this version say `*` and
    // 1: the store cannot tell which of their groups sent a write, so they keep counting as they did.
    sql: `ALTER TABLE outbox_groups ADD COLUMN reached_systems TEXT NOT NULL DEFAULT '*';
      ALTER TABLE sla_clocks ADD COLUMN reached INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE sla_clock_history ADD COLUMN reached INTEGER NOT NULL DEFAULT 1;`,
  },
  {
    version: 32,
    name: "the keys an error-queue entry's problem is counted by",
    // `/metrics` and the console count the open entries' problems (one cause for one person, core/text/
    // error-problems.ts); grouping the entries parsed every open payload, seconds for 200,000 open entries.
    // Each row keeps whose problem it is and its cause, written with the row (store/sqlite/problem-keys.ts,
    // the same functions fill the rows before this version), so the count is one GROUP BY over this index,
    // which also finds a person's open entries.
    sql: `ALTER TABLE error_queue ADD COLUMN problem_person TEXT;
      ALTER TABLE error_queue ADD COLUMN problem_cause TEXT;
      UPDATE error_queue SET problem_person = leadloop_problem_person(id, object, record_id, payload),
        problem_cause = leadloop_problem_cause(object, message);
      CREATE INDEX error_queue_problems ON error_queue (status, problem_person, problem_cause, system, error_class);`,
  },
  {
    version: 33,
    name: "open error entries counted per system and class from the index alone",
    // The entries' gauge (`/metrics`, the console, every run's summary) counts open entries per system and
    // class. Without the class in the status index the count read every open row (before migration 32) or
    // sorted all of the problems index (after it): 190-300 ms for 200,000 open entries on a loaded machine,
    // 14-20 ms from this index read in its order.
    sql: `DROP INDEX error_queue_status;
      CREATE INDEX error_queue_status ON error_queue (status, system, error_class);`,
  },
  {
    version: 34,
    name: "whether a refused outbox write was refused for its record",
    // A write refused whatever values it carries (its Lead's owner is a deactivated user, an approval
    // locked it: RecordFailure.ofRecord) stays refused when decided again with other values (a rescore's
    // decayed score), where one refused for its values is sent again (ARCHITECTURE.md "One write path").
    // Rows refused before this version are marked from their open entry's code, which starts its message.
    sql: `ALTER TABLE outbox ADD COLUMN refused_of_record INTEGER NOT NULL DEFAULT 0;
      UPDATE outbox SET refused_of_record = 1 WHERE refused_ms IS NOT NULL AND key IN (
        SELECT json_extract(payload, '$.outboxKey') FROM error_queue
        WHERE status = 'open' AND (message LIKE 'INACTIVE_OWNER_OR_USER:%' OR message LIKE 'ENTITY_IS_LOCKED:%'));`,
  },
  {
    version: 35,
    name: "the systems' descriptions of their objects, kept between processes",
    // A cron `leadloop sync` is a new process each time: the property lists and describes an earlier process
    // read, under the same configuration and within `sync.descriptionsKeptFor`, spare it reading them again
    // (ARCHITECTURE.md "Kept descriptions"). One row per system and object, replaced by a newer read.
    sql: `CREATE TABLE kept_descriptions (
        system TEXT NOT NULL,
        object TEXT NOT NULL,
        config_key TEXT NOT NULL,
        answer TEXT NOT NULL,
        learned_at TEXT NOT NULL,
        PRIMARY KEY (system, object)
      ) WITHOUT ROWID;`,
  },
  {
    version: 36,
    name: "funnel: wins without an amount, indexed",
    // A lost store's rebuild restores a win before any deal gives it its amount; the deals phase asks the
    // CRM whose win an unnamed won deal was only while such a win waits (funnel.ts restoredWinsAwaitDeals),
    // which this index answers without reading the table: a store never rebuilt holds few or none.
    sql: `CREATE INDEX funnel_events_won_without_amount ON funnel_events (person_id) WHERE to_stage = 'won' AND amount IS NULL;`,
  },
  {
    version: 37,
    name: "error queue: entries found by status and class",
    // Each run opens by sending again an earlier run's refusals in passing (retry-errors.ts
    // retryPassingRefusals: open entries of the transient and rate-limited classes, oldest first). The
    // status index leads with the system, which that question does not name, so it read every open entry:
    // 200,000 open data errors (a bad mapping queues one per record) and five in passing, 202 ms (113 at
    // best) at each run's start on a loaded machine, 15 ms at 20,000; from this index, 0.1 ms at any size
    // (the entry's id, the rowid, ends the index: a slice after the last id is a range in it).
    sql: `CREATE INDEX error_queue_class ON error_queue (status, error_class);`,
  },
  {
    version: 38,
    name: "steady scores: the inputs a person's score was worked out from, and how long it stands",
    // A re-read contact whose scoring inputs are the ones kept here, before `until_ms`, is not scored again
    // (ARCHITECTURE.md "One run", step 2). A lost row only makes the next run score the person. The email
    // (trimmed, lower case) finds the rows that behaviour the cache keeps by address belongs to.
    sql: `CREATE TABLE steady_scores (
        person_id TEXT PRIMARY KEY,
        email TEXT,
        inputs TEXT NOT NULL,
        until_ms INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX steady_scores_email ON steady_scores (email) WHERE email IS NOT NULL;`,
  },
  {
    version: 39,
    name: "links: one index by CRM record, its id before its type, and the retired ones by record; audit pieces: no index by last use; names found by hash",
    // The active links were indexed by CRM record twice: unique on (pair, crm_type, crm_id) and again on
    // (pair, crm_id) for the page reads that know no CRM type (links.ts withSnapshotText). One unique index
    // on (pair, crm_id, crm_type) answers both (a look-up naming the type reads all three columns of it,
    // one naming only the id reads its first two) and holds the same records to one active link: each new
    // link wrote one index entry fewer, 180 KB of a 10,000-contact first load's store. The audit's pieces
    // were indexed by their last use for the retention prune alone, which runs once a run at most and reads
    // every outbox payload anyway: it reads the pieces whole instead, and each new piece (19,000 in a
    // 10,000-contact first load) writes one index entry fewer, 225 KB of that store. A page's look-up of
    // retired links by record (links.ts byIds) read every link, none of those indexes holding a retired
    // one: 0.58 ms a page at 4,475 links, 6.5 ms at 44,750 (a 100,000-contact store), where two indexes
    // of the retired links alone (few, and no entry for an active one) answer it in 0.014 ms. The names
    // were unique by their text, an index holding every name again (377 KB of that store, more than the
    // names themselves, most of them a decision's rule): names.ts finds a name by its hash now, as a
    // piece is found, inside the write transaction that adds it; the numbers stay.
    sql: `DROP INDEX links_active_crm;
      DROP INDEX links_active_crm_id;
      CREATE UNIQUE INDEX links_active_crm ON links (pair, crm_id, crm_type) WHERE status = 'active';
      CREATE INDEX links_retired_marketing ON links (pair, marketing_id) WHERE status = 'retired';
      CREATE INDEX links_retired_crm ON links (pair, crm_id) WHERE status = 'retired';
      DROP INDEX audit_pieces_last_write;
      DROP VIEW audit_log;
      CREATE TABLE names_hashed (
        id   INTEGER PRIMARY KEY,
        hash INTEGER NOT NULL,
        name TEXT NOT NULL
      );
      INSERT INTO names_hashed (id, hash, name) SELECT id, leadloop_text_hash(name), name FROM names;
      DROP TABLE names;
      ALTER TABLE names_hashed RENAME TO names;
      CREATE INDEX names_hash ON names (hash);
      ${AUDIT_LOG_VIEW}`,
  },
  {
    version: 40,
    name: "behaviour cache: one row per owner, its activities packed in one history",
    // A row per activity was 7 of a contact's 20 rows after a first load, and a scoring read made a row
    // object, a hex text and a sort entry for each. An owner's activities are one history now
    // (behaviour-history.ts: each entry its packed id, time and detail), new ones appended without a
    // read; the row keeps its oldest activity's time (at most) and whether it may hold an id twice
    // (`loose`), so the prune reads only owners holding a decayed activity or a replaced one. The
    // prune's place (the last owner pruned) stays: owners are numbered as before.
    sql: `
      CREATE TABLE behaviour_histories (
        owner      INTEGER PRIMARY KEY,
        oldest_ms  INTEGER NOT NULL,
        loose      INTEGER NOT NULL DEFAULT 0,
        activities BLOB NOT NULL
      );
      INSERT INTO behaviour_histories (owner, oldest_ms, activities)
        SELECT owner, MIN(occurred_ms), leadloop_pack_history(activity_id, occurred_ms, detail)
        FROM behaviour_activities GROUP BY owner;
      DROP TABLE behaviour_activities;
      ALTER TABLE behaviour_histories RENAME TO behaviour_activities;
    `,
  },
  {
    version: 41,
    name: "error queue: entries the runs send again",
    // Runs send again by themselves not only refusals in passing (the transient and rate-limited classes)
    // but a Lead an approval locked (ENTITY_IS_LOCKED, a `conflict`: store/port.ts `sentAgainByRuns`), so
    // the entry says so itself, and the index by class that answered each run's question gives way to one
    // by this column. An approval lock's entry of an earlier build is told by the code its message opens
    // with (sync/system-port.ts `refusalMessage`).
    sql: `ALTER TABLE error_queue ADD COLUMN sent_by_runs INTEGER NOT NULL DEFAULT 0;
      UPDATE error_queue SET sent_by_runs = 1
        WHERE error_class IN ('transient', 'rate_limited') OR (system = 'salesforce' AND message LIKE 'ENTITY_IS_LOCKED:%');
      DROP INDEX error_queue_class;
      CREATE INDEX error_queue_sent_by_runs ON error_queue (status, sent_by_runs);`,
  },
  {
    version: 42,
    name: "score rows: the steady score as their columns, the scoring's time in ms, owner and steady email indexes smaller",
    // A person's score row and her steady-score row were written by the same page commits and dropped by
    // the same events: two tables, a person's id twice and three indexes per person (1,759 rows and
    // 344 KB with the match notes per 1,000 contacts of a first load). The steady score is now columns of
    // the score row (store/sqlite/steady-scores.ts) and a drop blanks them; a row kept for a steady score
    // before any score (none in a sync, which saves the score first) has no score and is no scored person.
    // Its email is found by a 32-bit hash (an index of 4 bytes a person, not the address) and kept as text
    // only where it is not the row's own `email`, its key packed
    // (activity-id.ts). The scoring's time is epoch ms where the ISO text comes back the same
    // (snapshot-times.ts). The owner index held every row, though only handed-off people have an owner
    // and both its readers name one.
    sql: `CREATE TABLE person_scores_steady (
        person_id       TEXT PRIMARY KEY CHECK (person_id <> ''),
        email           TEXT,
        name            TEXT,
        score           REAL,
        fit             REAL,
        behaviour       REAL,
        near_missing    TEXT,
        owner_email     TEXT,
        scored_at       INTEGER,
        first_name      TEXT,
        last_name       TEXT,
        steady_inputs   BLOB,
        steady_until_ms INTEGER,
        steady_email    TEXT,
        steady_mail     INTEGER
      ) WITHOUT ROWID;
      INSERT INTO person_scores_steady (person_id, email, name, score, fit, behaviour, near_missing, owner_email,
          scored_at, first_name, last_name)
        SELECT person_id, email, name, score, fit, behaviour, near_missing, owner_email,
          CASE WHEN strftime('%Y-%m-%dT%H:%M:%fZ', scored_at) = scored_at
            THEN CAST(ROUND((julianday(scored_at) - 2440587.5) * 86400000) AS INTEGER) ELSE scored_at END,
          first_name, last_name
        FROM person_scores;
      INSERT INTO person_scores_steady (person_id, steady_inputs, steady_until_ms, steady_email, steady_mail)
        SELECT person_id, leadloop_pack_id(inputs), until_ms, email, CASE WHEN email IS NOT NULL THEN leadloop_text_hash(email) END
        FROM steady_scores WHERE true
        ON CONFLICT (person_id) DO UPDATE SET steady_inputs = excluded.steady_inputs,
          steady_until_ms = excluded.steady_until_ms, steady_email = NULLIF(excluded.steady_email, email),
          steady_mail = excluded.steady_mail;
      DROP TABLE person_scores;
      DROP TABLE steady_scores;
      ALTER TABLE person_scores_steady RENAME TO person_scores;
      CREATE INDEX person_scores_owner ON person_scores (owner_email, score DESC) WHERE owner_email IS NOT NULL;
      CREATE INDEX person_scores_near ON person_scores (near_missing) WHERE near_missing IS NOT NULL;
      CREATE INDEX person_scores_steady_mail ON person_scores (steady_mail) WHERE steady_mail IS NOT NULL;`,
  },
  {
    version: 43,
    name: "match notes: the record's id packed, keys that repeat one text kept once",
    // 814 notes per 1,000 contacts of a first load, 96 bytes each: a contact's keys repeat her email for
    // the Lead and for the Contact (`["a@x.se","a@x.se"]`), kept now as `2a@x.se`, and her HubSpot id is
    // an INTEGER (store/sqlite/match-misses.ts, activity-id.ts).
    sql: `CREATE TABLE match_misses_packed (
        pair         INTEGER NOT NULL,
        marketing_id BLOB NOT NULL,
        keys         TEXT NOT NULL,
        matcher      INTEGER NOT NULL,
        PRIMARY KEY (pair, marketing_id)
      ) WITHOUT ROWID;
      INSERT INTO match_misses_packed (pair, marketing_id, keys, matcher)
        SELECT pair, leadloop_pack_id(marketing_id), leadloop_pack_keys(keys), matcher FROM match_misses;
      DROP TABLE match_misses;
      ALTER TABLE match_misses_packed RENAME TO match_misses;`,
  },
  {
    version: 44,
    name: "audit and outbox: a decision's rule numbered by its text piece, pruned with the audit, not by a name kept for good",
    // Most rules quote a person's own values ("score: 84.7 points (demo-request, …)"): as names, never
    // deleted, they were 4,028 of a 10,000-contact first load's 4,195 names and added some 1,100 a day
    // as people acted. A rule is now minus the id of the piece holding it whole (rule-numbers.ts), kept
    // while an audit write or an outbox write names it; rows written before keep their names' numbers
    // (positive), which the view reads as before.
    sql: `DROP VIEW audit_log;
      ${AUDIT_LOG_VIEW}`,
  },
  {
    version: 45,
    name: "records a bulk job did not save: their later writes go outside jobs",
    // A 1M first load's Lead update jobs met about 22,800 records a rep's namesake Lead matches under an
    // alerting duplicate rule: each was a job's row refused and then a Collections call's row, every run
    // it was written in bulk (store/sqlite/outside-job-records.ts).
    sql: `CREATE TABLE outside_job_records (
        system    TEXT NOT NULL,
        record_id TEXT NOT NULL,
        PRIMARY KEY (system, record_id)
      ) WITHOUT ROWID;`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

function pragmaNumber(db: Database.Database, name: string): number {
  return Number(db.pragma(name, { simple: true }));
}

/**
 * Refuses files that are not leadloop's, or that a newer leadloop already migrated past this build. Its
 * reads share one snapshot: another process may commit the first migration (tables and application id
 * at once) between two autocommit reads, and a new file would then look like another application's.
 */
function checkIdentity(db: Database.Database, file: string, latest: number): void {
  db.transaction(() => checkIdentityOfSnapshot(db, file, latest)).deferred();
}

function checkIdentityOfSnapshot(db: Database.Database, file: string, latest: number): void {
  const applicationId = pragmaNumber(db, "application_id");
  const version = pragmaNumber(db, "user_version");
  if (applicationId !== 0 && applicationId !== APPLICATION_ID) {
    throw new StoreError(
      `${file} is not a leadloop state store (it belongs to another application); point store.path at another file`,
    );
  }
  if (applicationId === 0) {
    const tables = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all()
      .map((row) => row.name);
    if (tables.length > 0) {
      throw new StoreError(
        `${file} is not a leadloop state store (it already holds tables ${tables.join(", ")}); ` +
          "point store.path at another file",
      );
    }
  }
  if (version > latest) {
    throw new StoreError(
      `state store ${file} has schema version ${version}, newer than the version ${latest} this build of ` +
        "leadloop knows; upgrade leadloop, or point store.path at another file",
    );
  }
}

/**
 * Applies the migrations the file has not seen, each in its own write transaction. The version is read
 * again inside the transaction, so two processes opening one new file at once apply each step once.
 */
export function migrate(
  db: Database.Database,
  file: string,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => string = () => new Date().toISOString(),
): void {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  checkIdentity(db, file, latest);
  migrations.forEach((migration, i) => {
    // Each migration follows the one before it in the list (numbers may skip, as branches number theirs).
    const previous = migrations[i - 1]?.version ?? 0;
    db.transaction(() => {
      const current = pragmaNumber(db, "user_version");
      if (current >= migration.version) return;
      if (current !== previous) {
        throw new StoreError(
          `state store ${file} is at schema version ${current} and cannot take migration ${migration.version}`,
        );
      }
      db.exec(migration.sql);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
        migration.version,
        migration.name,
        now(),
      );
      db.pragma(`user_version = ${migration.version}`);
      db.pragma(`application_id = ${APPLICATION_ID}`);
    }).immediate();
  });
}
