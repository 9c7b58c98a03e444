// The audit log: one row per field a write changed, with the rule that decided it (`explain`).
import type { AuditEntry } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

const COLUMNS = `run_id AS runId, at, system, object, record_id AS recordId, operation, field,
  before_value AS before, after_value AS after, rule`;

type AuditRow = AuditEntry & { id: number };

export class AuditTable {
  constructor(private readonly sql: Statements) {}

  add(entry: AuditEntry): void {
    this.sql
      .get(
        `INSERT INTO audit_log (run_id, at, system, object, record_id, operation, field, before_value,
           after_value, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        entry.runId,
        entry.at,
        entry.system,
        entry.object,
        entry.recordId,
        entry.operation,
        entry.field,
        entry.before,
        entry.after,
        entry.rule,
      );
  }

  /** Deletes the rows written before `before`; the count deleted. */
  pruneBefore(before: string): number {
    return this.sql.get("DELETE FROM audit_log WHERE at < ?").run(before).changes;
  }

  /** The latest `limit` rows (all when absent) for the records, returned oldest first. */
  list(recordIds: readonly string[], limit?: number): AuditEntry[] {
    const rows: AuditRow[] = [];
    for (const chunk of inListChunks(recordIds)) {
      rows.push(
        ...this.sql
          .get<AuditRow>(
            `SELECT id, ${COLUMNS} FROM audit_log WHERE record_id IN (${chunk.placeholders})
             ORDER BY at DESC, id DESC LIMIT ?`,
          )
          .all(...chunk.params, limit ?? -1),
      );
    }
    rows.sort((a, b) => (a.at === b.at ? a.id - b.id : a.at < b.at ? -1 : 1));
    const kept = limit === undefined ? rows : rows.slice(Math.max(0, rows.length - limit));
    return kept.map(({ id: _id, ...entry }) => entry);
  }
}
