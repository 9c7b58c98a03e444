// The audit log: one row per field a write changed, with the rule that decided it (`explain`). Rows
// name their run, system, object, operation, field and rule by number (audit_names, each text stored
// once) and their time in epoch milliseconds: what was ~190 bytes a row is now the record id, the values
// and a few small integers (migration 10; the audit_log view shows rows in the old shape).
import type { AuditEntry } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

/** Names kept in memory at most; beyond it the cache starts over (each is one indexed look-up away). */
const NAME_CACHE_LIMIT = 10_000;

/** Rows per INSERT statement, largest first; every count is made of these (the last is 1). */
const INSERT_ROWS = [50, 10, 1] as const;

const INSERT_SQL = new Map<number, string>(
  INSERT_ROWS.map((rows) => [
    rows,
    `INSERT INTO audit_rows (run, at_ms, system, object, record_id, operation, field, before_value,
       after_value, rule) VALUES ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
  ]),
);

/** An audit entry as its row holds it: the time in epoch milliseconds. */
type AuditRow = Omit<AuditEntry, "at"> & { id: number; atMs: number };

export class AuditTable {
  /** Name → id, for names this connection saw committed or wrote in the transaction in hand. */
  private readonly names = new Map<string, number>();
  private lastAt = "";
  private lastAtMs = 0;

  constructor(private readonly sql: Statements) {}

  /**
   * Adds the entries in multi-row INSERTs of a few fixed sizes (a page's commit holds one row per field
   * written, often a hundred or more): one statement per chunk instead of one per row.
   */
  addAll(entries: readonly AuditEntry[]): void {
    let start = 0;
    for (const rows of INSERT_ROWS) {
      if (entries.length - start < rows) continue;
      const statement = this.sql.get(INSERT_SQL.get(rows)!);
      const params: unknown[] = [];
      for (; entries.length - start >= rows; start += rows) {
        params.length = 0;
        for (let i = start; i < start + rows; i++) this.pushRow(params, entries[i]!);
        statement.run(params);
      }
    }
  }

  private pushRow(params: unknown[], entry: AuditEntry): void {
    params.push(
      this.nameId(entry.runId),
      this.epochMs(entry.at),
      this.nameId(entry.system),
      this.nameId(entry.object),
      entry.recordId,
      this.nameId(entry.operation),
      this.nameId(entry.field),
      entry.before,
      entry.after,
      this.nameId(entry.rule),
    );
  }

  /** A commit's entries share one time: the last one converted is remembered. */
  private epochMs(iso: string): number {
    if (iso !== this.lastAt) {
      this.lastAtMs = epochMs(iso);
      this.lastAt = iso;
    }
    return this.lastAtMs;
  }

  /**
   * Forgets the cached name ids: a transaction that rolled back took the names it added with it. The
   * store calls this on every failed transaction.
   */
  forgetNames(): void {
    this.names.clear();
  }

  /** Deletes the rows written before `before`; the count deleted. Names stay (other rows, or another process's cache, may hold them). */
  pruneBefore(before: string): number {
    return this.sql.get("DELETE FROM audit_rows WHERE at_ms < ?").run(epochMs(before)).changes;
  }

  /** The latest `limit` rows (all when absent) for the records, returned oldest first. */
  list(recordIds: readonly string[], limit?: number): AuditEntry[] {
    const rows: AuditRow[] = [];
    for (const chunk of inListChunks(recordIds)) {
      rows.push(
        ...this.sql
          .get<AuditRow>(
            `SELECT r.id, run.name AS runId, r.at_ms AS atMs, sys.name AS system, obj.name AS object,
               r.record_id AS recordId, op.name AS operation, fld.name AS field, r.before_value AS before,
               r.after_value AS after, rl.name AS rule
             FROM audit_rows r
             JOIN audit_names run ON run.id = r.run
             JOIN audit_names sys ON sys.id = r.system
             JOIN audit_names obj ON obj.id = r.object
             JOIN audit_names op ON op.id = r.operation
             JOIN audit_names fld ON fld.id = r.field
             JOIN audit_names rl ON rl.id = r.rule
             WHERE r.record_id IN (${chunk.placeholders})
             ORDER BY r.at_ms DESC, r.id DESC LIMIT ?`,
          )
          .all(...chunk.params, limit ?? -1),
      );
    }
    rows.sort((a, b) => a.atMs - b.atMs || a.id - b.id);
    const kept = limit === undefined ? rows : rows.slice(Math.max(0, rows.length - limit));
    return kept.map(({ id: _id, atMs, ...entry }) => ({ ...entry, at: new Date(atMs).toISOString() }));
  }

  private nameId(name: string): number {
    const cached = this.names.get(name);
    if (cached !== undefined) return cached;
    this.sql.get("INSERT INTO audit_names (name) VALUES (?) ON CONFLICT (name) DO NOTHING").run(name);
    const { id } = this.sql.get<{ id: number }>("SELECT id FROM audit_names WHERE name = ?").get(name)!;
    if (this.names.size >= NAME_CACHE_LIMIT) this.names.clear();
    this.names.set(name, id);
    return id;
  }
}

/** An ISO time as epoch milliseconds; a time that is not one is a programming error, refused loudly. */
function epochMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`audit time ${JSON.stringify(iso)} is not an ISO date-time`);
  return ms;
}
