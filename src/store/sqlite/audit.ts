// The audit log: one row per field a write changed, with the rule that decided it (`explain`). A write
// (run, time, system, object, record, operation) is one audit_writes row, indexed by record, and its
// fields are audit_rows under it, numbered within it (migration 16); names are numbers (names.ts, each
// text stored once), times epoch milliseconds, and long values their pieces' ids (audit-pieces.ts,
// migration 18). The audit_log view shows rows in the old shape.
import type { AuditEntry } from "../port.js";
import type { AuditPieceTable } from "./audit-pieces.js";
import { inListChunks } from "./in-list.js";
import type { NameTable } from "./names.js";
import type { Statements } from "./statements.js";

/** Field rows per INSERT statement, largest first; every count is made of these (the last is 1). */
const INSERT_ROWS = [50, 10, 1] as const;

const INSERT_SQL = new Map<number, string>(
  INSERT_ROWS.map((rows) => [
    rows,
    `INSERT INTO audit_rows (write, n, field, rule, before_value, after_value)
       VALUES ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?)").join(", ")}`,
  ]),
);

/**
 * Fields one audit_writes row numbers at most: the audit_log view's id is the write's id times this
 * plus the field's number, so a longer write goes on under a second row.
 */
export const FIELDS_PER_WRITE = 4096;

/** An audit entry as its rows hold it: the time in epoch milliseconds. */
type AuditRow = Omit<AuditEntry, "at" | "before" | "after"> & {
  writeId: number;
  n: number;
  atMs: number;
  before: StoredValue;
  after: StoredValue;
};

/** A value as audit_rows holds it: text, or a long one as its pieces (audit-pieces.ts). */
type StoredValue = string | null | Buffer;

/** A field row waiting for its INSERT: write id, number, field, rule, before, after. */
type FieldRow = [number, number, number, number, StoredValue, StoredValue];

export class AuditTable {
  private lastAt = "";
  private lastAtMs = 0;

  constructor(
    private readonly sql: Statements,
    private readonly names: NameTable,
    private readonly pieces: AuditPieceTable,
  ) {}

  /**
   * Adds the entries: one audit_writes row for each run of consecutive entries of the same run, time,
   * system, object, record and operation (a write's fields come together), and one audit_rows row per
   * entry under it, in multi-row INSERTs of a few fixed sizes (a page's commit holds one row per field
   * written, often a hundred or more).
   */
  addAll(entries: readonly AuditEntry[]): void {
    const fields: FieldRow[] = [];
    let previous: AuditEntry | undefined;
    let writeId = 0;
    let n = 0;
    for (const entry of entries) {
      if (!previous || !sameWrite(previous, entry) || n >= FIELDS_PER_WRITE) {
        writeId = this.addWrite(entry);
        n = 0;
      }
      fields.push([
        writeId,
        n++,
        this.nameId(entry.field),
        this.nameId(entry.rule),
        this.pieces.stored(entry.before, writeId),
        this.pieces.stored(entry.after, writeId),
      ]);
      previous = entry;
    }
    let start = 0;
    for (const rows of INSERT_ROWS) {
      if (fields.length - start < rows) continue;
      const statement = this.sql.get(INSERT_SQL.get(rows)!);
      const params: unknown[] = [];
      for (; fields.length - start >= rows; start += rows) {
        params.length = 0;
        for (let i = start; i < start + rows; i++) params.push(...fields[i]!);
        statement.run(params);
      }
    }
  }

  private addWrite(entry: AuditEntry): number {
    const { lastInsertRowid } = this.sql
      .get("INSERT INTO audit_writes (run, at_ms, system, object, record_id, operation) VALUES (?, ?, ?, ?, ?, ?)")
      .run(
        this.nameId(entry.runId),
        this.epochMs(entry.at),
        this.nameId(entry.system),
        this.nameId(entry.object),
        entry.recordId,
        this.nameId(entry.operation),
      );
    return Number(lastInsertRowid);
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
   * Deletes the rows written before `before`; the count of field rows deleted. Writes are appended in
   * time order, so the ones to go are the first by id: the look-up reads that prefix and stops at the
   * first write at or after `before` (a write dated earlier behind it, from a clock set back, goes when
   * the prefix reaches it), and both deletes are id ranges, never a scan of the whole log; so is the
   * delete of the pieces only the deleted writes used. Names stay (other rows, or another process's
   * cache, may hold them).
   */
  pruneBefore(before: string): number {
    const keptFrom =
      this.sql
        .get<{ id: number }>("SELECT id FROM audit_writes WHERE at_ms >= ? ORDER BY id LIMIT 1")
        .get(epochMs(before))?.id ??
      (this.sql.get<{ id: number | null }>("SELECT MAX(id) AS id FROM audit_writes").get()?.id ?? 0) + 1;
    const { changes } = this.sql.get("DELETE FROM audit_rows WHERE write < ?").run(keptFrom);
    const writes = this.sql.get("DELETE FROM audit_writes WHERE id < ?").run(keptFrom).changes;
    if (writes > 0) this.pieces.pruneBefore(keptFrom);
    return changes;
  }

  /** The latest `limit` rows (all when absent) for the records, returned oldest first. */
  list(recordIds: readonly string[], limit?: number): AuditEntry[] {
    const rows: AuditRow[] = [];
    for (const chunk of inListChunks(recordIds)) {
      rows.push(
        ...this.sql
          .get<AuditRow>(
            `SELECT w.id AS writeId, r.n, run.name AS runId, w.at_ms AS atMs, sys.name AS system, obj.name AS object,
               w.record_id AS recordId, op.name AS operation, fld.name AS field, r.before_value AS before,
               r.after_value AS after, rl.name AS rule
             FROM audit_writes w
             JOIN audit_rows r ON r.write = w.id
             JOIN names run ON run.id = w.run
             JOIN names sys ON sys.id = w.system
             JOIN names obj ON obj.id = w.object
             JOIN names op ON op.id = w.operation
             JOIN names fld ON fld.id = r.field
             JOIN names rl ON rl.id = r.rule
             WHERE w.record_id IN (${chunk.placeholders})
             ORDER BY w.at_ms DESC, w.id DESC, r.n DESC LIMIT ?`,
          )
          .all(...chunk.params, limit ?? -1),
      );
    }
    rows.sort((a, b) => a.atMs - b.atMs || a.writeId - b.writeId || a.n - b.n);
    const kept = limit === undefined ? rows : rows.slice(Math.max(0, rows.length - limit));
    const texts = this.pieces.texts(kept.flatMap((row) => [row.before, row.after]));
    return kept.map(({ writeId: _writeId, n: _n, atMs, before: _before, after: _after, ...entry }, i) => ({
      ...entry,
      at: new Date(atMs).toISOString(),
      before: texts[2 * i] ?? null,
      after: texts[2 * i + 1] ?? null,
    }));
  }

  /** Forgets the cached pieces' ids: the store calls this on every failed transaction. */
  forgetPieces(): void {
    this.pieces.forget();
  }

  private nameId(name: string): number {
    return this.names.idOf(name);
  }
}

function sameWrite(a: AuditEntry, b: AuditEntry): boolean {
  return (
    a.recordId === b.recordId &&
    a.runId === b.runId &&
    a.at === b.at &&
    a.operation === b.operation &&
    a.object === b.object &&
    a.system === b.system
  );
}

/** An ISO time as epoch milliseconds; a time that is not one is a programming error, refused loudly. */
function epochMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`audit time ${JSON.stringify(iso)} is not an ISO date-time`);
  return ms;
}
