// The outbox: writes a phase decided, kept until the system accepts them (ARCHITECTURE.md "One write
// path"), plus the groups whose effect (a handoff's SLA clock) waits for all their writes.
import type { OutboxEntry, OutboxGroupEffect, OutboxWrite } from "../port.js";
import { inListChunks } from "./in-list.js";
import { fromJsonText, toJsonText } from "./json.js";
import type { Statements } from "./statements.js";

interface OutboxRow {
  seq: number;
  key: string;
  write: string;
  decidedAt: string;
  runId: string;
  refusedAt: string | null;
}

const COLUMNS = "rowid AS seq, key, write, decided_at AS decidedAt, run_id AS runId, refused_at AS refusedAt";

function toEntry(row: OutboxRow): OutboxEntry {
  const write = fromJsonText(row.write) as OutboxWrite;
  return { ...write, key: row.key, seq: row.seq, decidedAt: row.decidedAt, runId: row.runId, refusedAt: row.refusedAt };
}

export interface OutboxFilter {
  phase?: string;
  keys?: readonly string[];
  /** true: refused writes only; false or absent: pending ones only. */
  refused?: boolean;
  limit?: number;
  /** Only entries after this seq (rowid). */
  after?: number;
}

export class OutboxTable {
  constructor(private readonly sql: Statements) {}

  /**
   * Keeps a decided write. A write decided again replaces the pending one's values (fields it does not
   * name are kept); a refused one stays refused when the new decision writes the same values, so it
   * waits for a change or a retry instead of being sent on every run.
   */
  put(decided: OutboxWrite, runId: string, at: string): void {
    const old = this.sql
      .get<{ write: string; refusedAt: string | null }>(
        "SELECT write, refused_at AS refusedAt FROM outbox WHERE key = ?",
      )
      .get(decided.key);
    const merged = old ? withEarlierFields(decided, fromJsonText(old.write) as OutboxWrite) : decided;
    // Fields in one order, so the same write decided again is the same text (and stays refused).
    const write = { ...merged, fields: [...merged.fields].sort((a, b) => a.field.localeCompare(b.field)) };
    const text = toJsonText(write, `the outbox write ${write.key}`);
    const refusedAt = old?.refusedAt && old.write === text ? old.refusedAt : null;
    this.sql
      .get(
        `INSERT INTO outbox (key, phase, system, object, write, grp, decided_at, run_id, refused_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET phase = excluded.phase, system = excluded.system,
           object = excluded.object, write = excluded.write, grp = excluded.grp,
           decided_at = excluded.decided_at, run_id = excluded.run_id, refused_at = excluded.refused_at`,
      )
      .run(write.key, write.phase, write.system, write.object, text, write.group, at, runId, refusedAt);
  }

  putGroup(group: string, onDone: OutboxGroupEffect, at: string): void {
    this.sql
      .get(
        `INSERT INTO outbox_groups (grp, on_done, created_at) VALUES (?, ?, ?)
         ON CONFLICT (grp) DO UPDATE SET on_done = excluded.on_done`,
      )
      .run(group, toJsonText(onDone, `the effect of outbox group ${group}`), at);
  }

  /**
   * Removes an accepted write; returns what it wrote, and its group when that was the group's last
   * write.
   */
  accept(key: string): { written: OutboxWrite | null; done: { group: string; onDone: OutboxGroupEffect } | null } {
    const row = this.sql
      .get<{ grp: string | null; write: string }>("DELETE FROM outbox WHERE key = ? RETURNING grp AS grp, write")
      .get(key);
    const written = row ? (fromJsonText(row.write) as OutboxWrite) : null;
    const group = row?.grp ?? null;
    if (group === null) return { written, done: null };
    const left = this.sql.get<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE grp = ?").get(group);
    if ((left?.n ?? 0) > 0) return { written, done: null };
    const done = this.sql
      .get<{ onDone: string }>("DELETE FROM outbox_groups WHERE grp = ? RETURNING on_done AS onDone")
      .get(group);
    return { written, done: done ? { group, onDone: fromJsonText(done.onDone) as OutboxGroupEffect } : null };
  }

  refuse(key: string, at: string): void {
    this.sql.get("UPDATE outbox SET refused_at = ? WHERE key = ?").run(at, key);
  }

  release(key: string): void {
    this.sql.get("UPDATE outbox SET refused_at = NULL WHERE key = ?").run(key);
  }

  /** In the order the writes were first decided. */
  list(filter: OutboxFilter = {}): OutboxEntry[] {
    const where = [filter.refused ? "refused_at IS NOT NULL" : "refused_at IS NULL"];
    const params: unknown[] = [];
    if (filter.phase !== undefined) {
      where.push("phase = ?");
      params.push(filter.phase);
    }
    if (filter.after !== undefined) {
      where.push("rowid > ?");
      params.push(filter.after);
    }
    const query = (extra: string, extraParams: readonly unknown[]) =>
      this.sql
        .get<OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE ${[...where, extra].join(" AND ")} ORDER BY rowid LIMIT ?`)
        .all(...params, ...extraParams, filter.limit ?? -1)
        .map(toEntry);
    if (filter.keys === undefined) return query("1 = 1", []);
    return inListChunks(filter.keys).flatMap((c) => query(`key IN (${c.placeholders})`, c.params));
  }

  /** Of these records, those with a pending write decided after `seq` (migration 13's index finds them). */
  laterRecords(seq: number, records: readonly { system: string; object: string; recordId: string }[]): Set<string> {
    const found = new Set<string>();
    const byTarget = new Map<string, { system: string; object: string; ids: string[] }>();
    for (const r of records) {
      const target = `${r.system}\u0000${r.object}`;
      let t = byTarget.get(target);
      if (!t) byTarget.set(target, (t = { system: r.system, object: r.object, ids: [] }));
      t.ids.push(r.recordId);
    }
    for (const { system, object, ids } of byTarget.values()) {
      for (const chunk of inListChunks(ids)) {
        const rows = this.sql
          .get<{ recordId: string }>(
            `SELECT DISTINCT json_extract(write, '$.recordId') AS recordId FROM outbox
             WHERE system = ? AND object = ? AND json_extract(write, '$.recordId') IN (${chunk.placeholders})
               AND refused_at IS NULL AND rowid > ?`,
          )
          .all(system, object, ...chunk.params, seq);
        for (const { recordId } of rows) found.add(`${system}\u0000${object}\u0000${recordId}`);
      }
    }
    return found;
  }

  openGroups(): Set<string> {
    return new Set(
      this.sql
        .get<{ grp: string }>("SELECT DISTINCT grp FROM outbox WHERE grp IS NOT NULL")
        .all()
        .map((r) => r.grp),
    );
  }
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
  return {
    ...decided,
    fields: [...kept, ...decided.fields],
    ...(clearFirst.length > 0 ? { clearFirst: clearFirst.sort() } : {}),
    ...(synced ? { synced } : {}),
  };
}

function sameLinkSide(a: NonNullable<OutboxWrite["synced"]>, b: NonNullable<OutboxWrite["synced"]>): boolean {
  return a.pair === b.pair && a.marketingId === b.marketingId && a.side === b.side;
}
