// The outbox: writes a phase decided, kept until the system accepts them (ARCHITECTURE.md "One write
// path"), plus the groups whose effect (a handoff's SLA clock) waits for all their writes.
import type {
  DeletedRecord,
  OutboxEntry,
  OutboxGroupEffect,
  OutboxPage,
  OutboxRecord,
  OutboxWrite,
  PendingOutboxValue,
  PendingWriteCount,
  Side,
} from "../port.js";
import { inListChunks } from "./in-list.js";
import { fromJsonText, toJsonText } from "./json.js";
import type { NameTable } from "./names.js";
import { decodePayload, encodePayload, type Payload, payloadPieces, payloadSide, payloadValue } from "./outbox-payload.js";
import { PayloadFieldOrder } from "./payload-field-order.js";
import { ruleNumber } from "./rule-numbers.js";
import type { Statements } from "./statements.js";
import { OUTBOX_USE, type StoredValue, type TextPieceTable, textOf } from "./text-pieces.js";

/** A group whose last write left the outbox: its effect, and the systems that accepted any of its writes. */
export interface FinishedGroup {
  group: string;
  onDone: OutboxGroupEffect;
  /** "any": a group kept before the store knew (migration 31), taken as reaching every system. */
  reachedSystems: readonly string[] | "any";
}

interface OutboxRow {
  seq: number;
  key: string;
  phase: number;
  system: number;
  object: number;
  recordId: string | null;
  grp: string | null;
  run: number;
  decidedMs: number;
  refusedMs: number | null;
  /** 1: refused whatever values it carries (migration 34), so other values for the record are refused too. */
  refusedOfRecord: number;
  write: string;
}

/** A row's columns in the order `outboxRow` reads them. */
const COLUMNS = "seq, key, phase, system, object, record_id, grp, run, decided_ms, refused_ms, refused_of_record, write";

/** A row as SQLite gives it in raw mode (COLUMNS' order). */
type RawOutboxRow = [number, string, number, number, number, string | null, string | null, number, number, number | null, number, string];

export interface OutboxFilter {
  phase?: string;
  keys?: readonly string[];
  /** Only the writes of these outbox groups (not with `keys`). */
  groups?: readonly string[];
  /** true: refused writes only; "of record": those refused for their record; false or absent: pending ones only. */
  refused?: boolean | "of record";
  limit?: number;
  /** Only entries after this seq. */
  after?: number;
}

/**
 * Rows hold what is indexed or filtered on as columns (key, record, names by number, times in epoch
 * ms) and the rest as a compact payload (outbox-payload.ts); ARCHITECTURE.md "One write path".
 */
export class OutboxTable {
  private readonly fieldOrder = new PayloadFieldOrder();

  constructor(
    private readonly sql: Statements,
    private readonly names: NameTable,
    private readonly pieces: TextPieceTable,
  ) {}

  /**
   * Keeps the decided writes, in order. A write decided again replaces the pending one's values (fields it does not
   * name are kept); a refused one stays refused while its refusal still stands for the new decision (`stillRefused`),
   * so it waits for a change or a retry instead of being sent on every run.
   */
  putAll(decided: readonly OutboxWrite[], runId: string, at: string): void {
    if (decided.length === 0) return;
    const addedUse = this.pieces.outboxAddedUse();
    for (const write of decided) this.put(write, runId, at, addedUse);
  }

  /** `addedUse`: the last use a piece this write adds records (TextPieceTable.outboxAddedUse). */
  private put(decided: OutboxWrite, runId: string, at: string, addedUse: number): void {
    const phase = this.names.idOf(decided.phase);
    const system = this.names.idOf(decided.system);
    const object = this.names.idOf(decided.object);
    const run = this.names.idOf(runId);
    const decidedMs = Date.parse(at);
    const decidedText = this.payload(decided, addedUse);
    // Most keys are new: one statement inserts them, and only a key decided before reads its row.
    const inserted = this.sql
      .get(
        `INSERT INTO outbox (key, phase, system, object, record_id, grp, run, decided_ms, refused_ms, write)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?) ON CONFLICT (key) DO NOTHING`,
      )
      .run(decided.key, phase, system, object, decided.recordId, decided.group, run, decidedMs, decidedText);
    if (inserted.changes > 0) return;
    const old = outboxRow(this.rawRows<RawOutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE key = ?`, [decided.key])[0]!);
    // A decision naming every field the earlier one named keeps nothing of it (withEarlierFields), so the
    // earlier row is not decoded (its long values' pieces read) and the payload made for the insert stands.
    const named = new Set(decided.fields.map((f) => f.field));
    const keepsNone = (JSON.parse(old.write) as Payload).f.every((f) => named.has(this.names.nameOf(f[0])));
    const write = keepsNone ? decided : withEarlierFields(decided, this.toEntries([old])[0]!);
    const text = write === decided ? decidedText : this.payload(write, addedUse);
    const held = stillRefused(old, { phase, system, object, recordId: write.recordId, group: write.group, text });
    this.sql
      .get(
        `UPDATE outbox SET phase = ?, system = ?, object = ?, record_id = ?, grp = ?, run = ?, decided_ms = ?,
           refused_ms = ?, refused_of_record = ?, write = ? WHERE seq = ?`,
      )
      .run(
        phase,
        system,
        object,
        write.recordId,
        write.group,
        run,
        decidedMs,
        held ? old.refusedMs : null,
        held ? old.refusedOfRecord : 0,
        text,
        old.seq,
      );
  }

  putGroup(group: string, onDone: OutboxGroupEffect, at: string): void {
    this.sql
      .get(
        `INSERT INTO outbox_groups (grp, on_done, created_at, reached_systems) VALUES (?, ?, ?, ',')
         ON CONFLICT (grp) DO UPDATE SET on_done = excluded.on_done`,
      )
      .run(group, toJsonText(onDone, `the effect of outbox group ${group}`), at);
  }

  /** The effects these groups wait to apply, by group; a group done (or never kept) is left out. */
  groupEffects(groups: readonly string[]): Map<string, OutboxGroupEffect> {
    const out = new Map<string, OutboxGroupEffect>();
    for (const chunk of inListChunks([...new Set(groups)])) {
      for (const row of this.sql
        .get<{ grp: string; onDone: string }>(
          `SELECT grp, on_done AS onDone FROM outbox_groups WHERE grp IN (${chunk.placeholders})`,
        )
        .all(...chunk.params))
        out.set(row.grp, fromJsonText(row.onDone) as OutboxGroupEffect);
    }
    return out;
  }

  /**
   * A drain started the group's clock late (ARCHITECTURE.md "The follow-up SLA"): its effect's clock
   * takes these times. A group done already keeps what it applied.
   */
  startClock(group: string, handoffAt: string, dueAt: string): void {
    const effect = this.groupEffects([group]).get(group);
    if (!effect?.slaClock) return;
    const started: OutboxGroupEffect = { ...effect, slaClock: { ...effect.slaClock, handoffAt, dueAt }, slaStartedAt: handoffAt };
    this.sql
      .get("UPDATE outbox_groups SET on_done = ? WHERE grp = ?")
      .run(toJsonText(started, `the effect of outbox group ${group}`), group);
  }

  /**
   * Removes the accepted writes, each only as the drain read it: a key decided anew since (by another
   * process, such as a `requalify` while a sync drains, or another run) holds a decision no system has
   * taken yet, so it stays pending. Returns the writes removed, as given, in their order (a key no longer
   * kept, or kept anew, is left out), and the groups whose last writes they were. The drain's own entries
   * are what was sent (a late clock's due date included), so no row is decoded again here.
   */
  acceptAll(accepted: readonly OutboxEntry[]): { written: OutboxEntry[]; done: FinishedGroup[] } {
    const byKey = new Map<string, OutboxEntry>();
    for (const entry of accepted) byKey.set(entry.key, entry);
    // A decision is told apart by its run and time: put() sets both whenever a key is decided anew. One
    // statement a key: SQLite takes a row-value IN list through a list it builds and searches first, which
    // cost a third more per row.
    const remove = this.sql.get("DELETE FROM outbox WHERE key = ? AND run = ? AND decided_ms = ?");
    const written = [...byKey.values()].filter((e) => {
      const run = this.names.findId(e.runId);
      return run !== undefined && remove.run(e.key, run, Date.parse(e.decidedAt)).changes > 0;
    });
    const reached = written.flatMap((e) => (e.group === null ? [] : [{ group: e.group, system: e.system }]));
    const done = this.finishedGroups(reached.map((r) => r.group), reached);
    return { written, done };
  }

  /**
   * Removes every write kept for these records, pending or refused (they were deleted: no system can take
   * the writes now); returns the groups whose last writes they were. `decided`: the keys of the writes
   * the same batch decides, which the drop of the writes about the person leaves alone: they were decided
   * knowing of the deletion (the completion of her follow-up tasks, which HubSpot keeps after her contact:
   * follow-up-done.ts `followUpsEndedBy`). A write to the deleted record itself goes whoever decided it.
   */
  dropFor(records: readonly DeletedRecord[], decided: readonly string[] = []): FinishedGroup[] {
    const kept = JSON.stringify(decided);
    const groups: string[] = [];
    for (const { system, object, ids } of this.targetsOf(records)) {
      for (const chunk of inListChunks(ids)) {
        for (const { grp } of this.sql
          .get<{ grp: string | null }>(
            `DELETE FROM outbox WHERE system = ? AND object = ? AND record_id IN (${chunk.placeholders}) RETURNING grp`,
          )
          .all(system, object, ...chunk.params))
          if (grp !== null) groups.push(grp);
      }
    }
    // The writes about the person the record was, to other records of its system (a task is a create: no
    // record id). The payload names the person only when it is not the written record (its `p`).
    for (const system of new Set(records.map((r) => r.system))) {
      const systemId = this.names.findId(system);
      if (systemId === undefined) continue;
      const ids = records.filter((r) => r.system === system).map((r) => r.personId ?? r.recordId);
      for (const chunk of inListChunks(ids)) {
        for (const { grp } of this.sql
          .get<{ grp: string | null }>(
            `DELETE FROM outbox WHERE system = ? AND json_extract(write, '$.p') IN (${chunk.placeholders})
               AND key NOT IN (SELECT value FROM json_each(?)) RETURNING grp`,
          )
          .all(systemId, ...chunk.params, kept))
          if (grp !== null) groups.push(grp);
      }
    }
    return this.finishedGroups(groups);
  }

  /** Removes these writes if they are still refused; returns the groups whose last writes they were. */
  dropRefused(keys: readonly string[]): FinishedGroup[] {
    return this.drop(keys, "refused_ms IS NOT NULL");
  }

  /** Removes these writes if they are still pending (not refused); returns the groups whose last writes they were. */
  dropPending(keys: readonly string[]): FinishedGroup[] {
    return this.drop(keys, "refused_ms IS NULL");
  }

  private drop(keys: readonly string[], state: "refused_ms IS NOT NULL" | "refused_ms IS NULL"): FinishedGroup[] {
    const groups: string[] = [];
    const del = this.sql.get<{ grp: string | null }>(`DELETE FROM outbox WHERE key = ? AND ${state} RETURNING grp`);
    for (const key of keys) {
      const row = del.get(key);
      if (row?.grp) groups.push(row.grp);
    }
    return this.finishedGroups(groups);
  }

  /**
   * Of these groups, those with no write left: removed, each with the effect it waited for and the systems
   * that accepted any of its writes. `accepted`: the writes of these groups systems just accepted, which
   * the groups keep first (ARCHITECTURE.md "The follow-up SLA": what reached the rep).
   */
  private finishedGroups(groups: readonly string[], accepted: readonly { group: string; system: string }[] = []): FinishedGroup[] {
    const reach = this.sql.get(
      `UPDATE outbox_groups SET reached_systems = reached_systems || ? || ','
       WHERE grp = ? AND reached_systems <> '*' AND instr(reached_systems, ',' || ? || ',') = 0`,
    );
    for (const { group, system } of accepted) reach.run(system, group, system);
    const done: FinishedGroup[] = [];
    for (const group of new Set(groups)) {
      const left = this.sql.get<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE grp = ?").get(group);
      if ((left?.n ?? 0) > 0) continue;
      const effect = this.sql
        .get<{ onDone: string; reached: string }>(
          "DELETE FROM outbox_groups WHERE grp = ? RETURNING on_done AS onDone, reached_systems AS reached",
        )
        .get(group);
      if (!effect) continue;
      const reachedSystems = effect.reached === "*" ? "any" : effect.reached.split(",").filter((s) => s !== "");
      done.push({ group, onDone: fromJsonText(effect.onDone) as OutboxGroupEffect, reachedSystems });
    }
    return done;
  }

  /** `ofRecord`: refused whatever values it carries (RecordFailure.ofRecord), see `stillRefused`. */
  refuse(key: string, at: string, ofRecord: boolean): void {
    this.sql.get("UPDATE outbox SET refused_ms = ?, refused_of_record = ? WHERE key = ?").run(Date.parse(at), ofRecord ? 1 : 0, key);
  }

  release(key: string): void {
    this.sql.get("UPDATE outbox SET refused_ms = NULL, refused_of_record = 0 WHERE key = ?").run(key);
  }

  /** In the order the writes were first decided. */
  list(filter: OutboxFilter = {}): OutboxEntry[] {
    return this.toEntries(this.rows(filter));
  }

  /**
   * A drain's page (port `outboxPage`): the rows of records a later pending write writes again are read
   * but not decoded, as the page bringing that write reads them again; so each row is decoded once.
   * Call in one read transaction, so the page and what is later than it are seen at one moment.
   */
  page(filter: { after?: number; limit: number; phase?: string }): OutboxPage {
    const rows = this.rows(filter);
    const last = rows.at(-1)?.seq;
    if (last === undefined) return { entries: [], later: new Set(), end: true };
    const later = this.laterRecords(filter.after, last, filter.phase);
    const kept =
      later.size === 0
        ? rows
        : rows.filter(
            (row) => row.recordId === null || !later.has(recordKey(this.names.nameOf(row.system), this.names.nameOf(row.object), row.recordId)),
          );
    return { entries: this.toEntries(kept), later, last, end: rows.length < filter.limit };
  }

  /** The rows of `filter`, in decision order. */
  private rows(filter: OutboxFilter): OutboxRow[] {
    const where = [filter.refused ? "refused_ms IS NOT NULL" : "refused_ms IS NULL"];
    if (filter.refused === "of record") where.push("refused_of_record = 1");
    const params: unknown[] = [];
    if (filter.phase !== undefined) {
      const phase = this.names.findId(filter.phase);
      if (phase === undefined) return [];
      where.push("phase = ?");
      params.push(phase);
    }
    if (filter.after !== undefined) {
      where.push("seq > ?");
      params.push(filter.after);
    }
    const query = (extra: string, extraParams: readonly unknown[]) =>
      this.rawRows<RawOutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE ${[...where, extra].join(" AND ")} ORDER BY seq LIMIT ?`, [
        ...params,
        ...extraParams,
        filter.limit ?? -1,
      ]).map(outboxRow);
    if (filter.keys !== undefined) return inListChunks(filter.keys).flatMap((c) => query(`key IN (${c.placeholders})`, c.params));
    // Through the group index, a chunk at a time, each chunk's rows in decision order.
    if (filter.groups !== undefined) return inListChunks(filter.groups).flatMap((c) => query(`grp IN (${c.placeholders})`, c.params));
    return query("1 = 1", []);
  }

  /**
   * Port `outboxGroupsCreating`: of these groups, those with a create (no record yet) still kept, pending
   * or refused, through the group index.
   */
  groupsCreating(groups: readonly string[]): Set<string> {
    const out = new Set<string>();
    for (const chunk of inListChunks([...new Set(groups)]))
      for (const [grp] of this.rawRows<[string]>(
        `SELECT DISTINCT grp FROM outbox WHERE grp IN (${chunk.placeholders}) AND record_id IS NULL`,
        chunk.params,
      ))
        out.add(grp);
    return out;
  }

  /**
   * The records of a page's rows (pending, of `phase` when given, after `after` up to `last`: the rows
   * `rows` read for it) with a pending write of `phase` decided after `last`, as `recordKey`s: one
   * statement walks the page's seq range and looks each row's record up in the record index (CROSS JOIN
   * keeps that order), where an IN list of the page's 2,000 records a target and chunk at a time cost
   * SQLite a list to build and sort first, and the store those lists' records named (a third the time).
   */
  private laterRecords(after: number | undefined, last: number, phase: string | undefined): Set<string> {
    const phaseId = phase === undefined ? undefined : this.names.findId(phase);
    const ofPhase = (table: string) => (phaseId === undefined ? "" : `AND ${table}.phase = ?`);
    const rows = this.rawRows<[number, number, string]>(
      `SELECT p.system, p.object, p.record_id FROM outbox p CROSS JOIN outbox l
         ON l.system = p.system AND l.object = p.object AND l.record_id = p.record_id AND l.refused_ms IS NULL
           AND l.seq > ? ${ofPhase("l")}
       WHERE p.seq > ? AND p.seq <= ? AND p.refused_ms IS NULL AND p.record_id IS NOT NULL ${ofPhase("p")}`,
      [last, ...(phaseId === undefined ? [] : [phaseId]), after ?? Number.MIN_SAFE_INTEGER, last, ...(phaseId === undefined ? [] : [phaseId])],
    );
    return new Set(rows.map(([system, object, recordId]) => recordKey(this.names.nameOf(system), this.names.nameOf(object), recordId)));
  }

  /**
   * Port `pendingOutboxCounts`: creates counted one by one, updates by record (COUNT DISTINCT skips a
   * create's null record), walking the record index, which holds pending rows only.
   */
  pendingCounts(phase?: string): PendingWriteCount[] {
    const phaseId = phase === undefined ? undefined : this.names.findId(phase);
    if (phase !== undefined && phaseId === undefined) return [];
    const rows = this.rawRows<[number, number, number, number]>(
      `SELECT system, object, SUM(record_id IS NULL), COUNT(DISTINCT record_id) FROM outbox
       WHERE refused_ms IS NULL ${phaseId === undefined ? "" : "AND phase = ?"} GROUP BY system, object`,
      phaseId === undefined ? [] : [phaseId],
    );
    return rows.map(([system, object, creates, updates]) => ({
      system: this.names.nameOf(system),
      object: this.names.nameOf(object),
      creates,
      updates,
    }));
  }

  /** The pending writes of these records decided before `seq`, of `phase` when given, in decision order. */
  heldRecords(seq: number, records: readonly OutboxRecord[], phase?: string): OutboxEntry[] {
    return this.toEntries(
      this.pendingOf(COLUMNS, records, "seq < ?", seq, phase)
        .map(({ row }) => outboxRow(row as RawOutboxRow))
        .sort((a, b) => a.seq - b.seq),
    );
  }

  /**
   * Port `pendingOutboxValues`: a row's key, record and payload only, the one field's value read from the
   * payload (a first load's contact sync asks about 23,000 keys for its link stamps, and decoding each
   * write found whole, every field and piece, was most of the read).
   */
  pendingValues(fields: ReadonlyMap<string, string>): PendingOutboxValue[] {
    const found: { key: string; recordId: string | null; side: Side; value: StoredValue }[] = [];
    for (const chunk of inListChunks([...fields.keys()])) {
      for (const [key, recordId, write] of this.rawRows<[string, string | null, string]>(
        `SELECT key, record_id, write FROM outbox WHERE key IN (${chunk.placeholders}) AND refused_ms IS NULL`,
        chunk.params,
      )) {
        const field = this.names.findId(fields.get(key)!);
        const payload = JSON.parse(write) as Payload;
        const value = field === undefined ? undefined : payloadValue(payload, field);
        if (value !== undefined) found.push({ key, recordId, side: payloadSide(payload), value });
      }
    }
    const pieces = this.pieces.piecesOf((name) => {
      for (const f of found) name(f.value);
    });
    return found.map((f) => ({ key: f.key, side: f.side, recordId: f.recordId, value: textOf(f.value, pieces) }));
  }

  /**
   * The pending writes of `system` about these people other than to their own records (a task: the
   * payload's `p`, kept only when it is not the written record), in decision order.
   */
  pendingAbout(system: string, personIds: readonly string[]): OutboxEntry[] {
    const systemId = this.names.findId(system);
    if (systemId === undefined) return [];
    const rows: OutboxRow[] = [];
    for (const chunk of inListChunks(personIds))
      for (const row of this.rawRows<RawOutboxRow>(
        `SELECT ${COLUMNS} FROM outbox
         WHERE system = ? AND json_extract(write, '$.p') IN (${chunk.placeholders}) AND refused_ms IS NULL`,
        [systemId, ...chunk.params],
      ))
        rows.push(outboxRow(row));
    return this.toEntries(rows.sort((a, b) => a.seq - b.seq));
  }

  /**
   * `columns` of the pending rows of these records on the `seq` side `beyond` says (of `phase` when
   * given), a target (system and object) and IN list at a time through the record index; each with its
   * target (`system\u0000object`), its columns in raw mode (`rawRows`).
   */
  private pendingOf(
    columns: string,
    records: readonly OutboxRecord[],
    beyond: "seq > ?" | "seq < ?",
    seq: number,
    phase: string | undefined,
  ): { target: string; row: unknown[] }[] {
    const phaseId = phase === undefined ? undefined : this.names.findId(phase);
    if (phase !== undefined && phaseId === undefined) return [];
    const found: { target: string; row: unknown[] }[] = [];
    for (const { target, system: systemId, object: objectId, ids } of this.targetsOf(records)) {
      for (const chunk of inListChunks(ids)) {
        const rows = this.rawRows(
          `SELECT ${columns} FROM outbox
           WHERE system = ? AND object = ? AND record_id IN (${chunk.placeholders}) AND refused_ms IS NULL AND ${beyond}
             ${phaseId === undefined ? "" : "AND phase = ?"}`,
          [systemId, objectId, ...chunk.params, seq, ...(phaseId === undefined ? [] : [phaseId])],
        );
        for (const row of rows) found.push({ target, row });
      }
    }
    return found;
  }

  /**
   * The rows of a SELECT as arrays (better-sqlite3's raw mode): a row object, made by the driver a
   * property at a time, cost twice what the array and `outboxRow`'s object literal cost together (a
   * drain reads a first load's 30,000 rows; 2.6 against 1.4 µs a row). Only this class prepares these
   * statements, so each is raw wherever it is used.
   */
  private rawRows<Row extends unknown[]>(sql: string, params: readonly unknown[]): Row[] {
    return this.sql.get(sql).raw(true).all(...params) as Row[];
  }

  /**
   * The records by target (`system\u0000object`), with the target's names as the store numbers them; a
   * target whose system or object no row ever named has no writes, and is left out.
   */
  private targetsOf(records: readonly OutboxRecord[]): { target: string; system: number; object: number; ids: string[] }[] {
    const byTarget = new Map<string, { system: string; object: string; ids: string[] }>();
    for (const r of records) {
      const target = `${r.system}\u0000${r.object}`;
      let t = byTarget.get(target);
      if (!t) byTarget.set(target, (t = { system: r.system, object: r.object, ids: [] }));
      t.ids.push(r.recordId);
    }
    return [...byTarget].flatMap(([target, { system, object, ids }]) => {
      const systemId = this.names.findId(system);
      const objectId = this.names.findId(object);
      return systemId === undefined || objectId === undefined ? [] : [{ target, system: systemId, object: objectId, ids }];
    });
  }

  openGroups(): Set<string> {
    return new Set(
      this.sql
        .get<{ grp: string }>("SELECT DISTINCT grp FROM outbox WHERE grp IS NOT NULL")
        .all()
        .map((r) => r.grp),
    );
  }

  private payload(write: OutboxWrite, addedUse: number): string {
    const fields = this.fieldOrder.of(write.fields);
    // A payload is an object, so its text is never null.
    const stored = (value: string | null) => this.pieces.stored(value, OUTBOX_USE, addedUse);
    const rule = (text: string) => ruleNumber(this.pieces, text, OUTBOX_USE, addedUse);
    const payload = encodePayload(write, fields, this.names, stored, rule);
    return toJsonText(payload, `the outbox write ${write.key}`)!;
  }

  /** The rows as entries, the pieces of their long values read at once. */
  private toEntries(rows: readonly OutboxRow[]): OutboxEntry[] {
    const payloads = rows.map((row) => JSON.parse(row.write) as Payload);
    const pieces = this.pieces.piecesOf(payloadPieces(payloads));
    // A commit's rows share one decision time: the last one made text is remembered.
    let lastMs = NaN;
    let lastAt = "";
    return rows.map((row, i) => {
      if (row.decidedMs !== lastMs) {
        lastMs = row.decidedMs;
        lastAt = new Date(lastMs).toISOString();
      }
      const columns = {
        key: row.key,
        phase: this.names.nameOf(row.phase),
        system: this.names.nameOf(row.system),
        object: this.names.nameOf(row.object),
        recordId: row.recordId,
        group: row.grp,
        seq: row.seq,
        decidedAt: lastAt,
        runId: this.names.nameOf(row.run),
        refusedAt: row.refusedMs === null ? null : new Date(row.refusedMs).toISOString(),
      };
      return decodePayload(columns, payloads[i]!, this.names, pieces);
    });
  }
}

/**
 * Whether a refused write decided again stays refused: the same write (same values, phase, group and
 * record), which the system would refuse the same; or, refused for its record whatever its values (a
 * Lead of a deactivated owner, INACTIVE_OWNER_OR_USER; one an approval locked, ENTITY_IS_LOCKED), a write
 * to the same record, which a rescore's decayed score does not make Salesforce take: the row keeps the new
 * values, and `errors retry` sends the newest. A write refused for its values (a bad email) is sent anew.
 */
function stillRefused(
  old: OutboxRow,
  next: { phase: number; system: number; object: number; recordId: string | null; group: string | null; text: string },
): boolean {
  if (old.refusedMs === null) return false;
  const sameRecord = old.recordId !== null && old.recordId === next.recordId && old.system === next.system && old.object === next.object;
  if (old.refusedOfRecord === 1) return sameRecord;
  return old.write === next.text && old.phase === next.phase && old.grp === next.group && old.recordId === next.recordId;
}

/** A write decided again keeps the earlier decision's fields it does not name (e.g. an MQL's status). */
function withEarlierFields(decided: OutboxWrite, earlier: OutboxWrite): OutboxWrite {
  const named = new Set(decided.fields.map((f) => f.field));
  const kept = earlier.fields.filter((f) => !named.has(f.field));
  if (kept.length === 0) return decided;
  // A field sync decided again keeps what the earlier decision's fields make its link's snapshots hold.
  const synced =
    decided.synced && earlier.synced && sameLinkSide(decided.synced, earlier.synced)
      ? { ...decided.synced, values: { ...earlier.synced.values, ...decided.synced.values } }
      : decided.synced;
  // A kept field still needs the clear its own decision asked for (a backward lifecycle move).
  const keptClears = (earlier.clearFirst ?? []).filter((f) => !named.has(f));
  const clearFirst = [...new Set([...(decided.clearFirst ?? []), ...keptClears])];
  // A kept field keeps what its own decision read of it.
  const guarded = [...new Set([...(decided.guarded ?? []), ...(earlier.guarded ?? []).filter((f) => !named.has(f))])];
  return {
    ...decided,
    fields: [...kept, ...decided.fields],
    ...(clearFirst.length > 0 ? { clearFirst: clearFirst.sort() } : {}),
    ...(guarded.length > 0 ? { guarded } : {}),
    ...(synced ? { synced } : {}),
  };
}


/** The row of its raw columns (COLUMNS' order). */
function outboxRow(r: RawOutboxRow): OutboxRow {
  return {
    seq: r[0],
    key: r[1],
    phase: r[2],
    system: r[3],
    object: r[4],
    recordId: r[5],
    grp: r[6],
    run: r[7],
    decidedMs: r[8],
    refusedMs: r[9],
    refusedOfRecord: r[10],
    write: r[11],
  };
}

/** A record as `page` names it in `later` (port OutboxPage), as `pendingOf`'s target and record make it too. */
function recordKey(system: string, object: string, recordId: string): string {
  return `${system}\u0000${object}\u0000${recordId}`;
}

function sameLinkSide(a: NonNullable<OutboxWrite["synced"]>, b: NonNullable<OutboxWrite["synced"]>): boolean {
  return a.pair === b.pair && a.marketingId === b.marketingId && a.side === b.side;
}
