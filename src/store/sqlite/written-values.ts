// What the outbox's accepted writes put in each record's fields, newest kept per field, so a decision can
// see a value flipping back and forth between runs (ARCHITECTURE.md "One write path", the loop hold); and
// the lead status last seen on each CRM record, so a status read again is not taken for a new verdict.
import type { WrittenValue } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

/** Values kept per record and field: enough to see two round trips. */
const KEPT_PER_FIELD = 8;

export class WrittenValuesTable {
  constructor(private readonly sql: Statements) {}

  add(target: string, field: string, value: string | null, at: string): void {
    this.sql.get("INSERT INTO written_values (target, field, value, at) VALUES (?, ?, ?, ?)").run(target, field, value, at);
    this.sql
      .get(
        `DELETE FROM written_values WHERE rowid IN (
           SELECT rowid FROM written_values WHERE target = ? AND field = ? ORDER BY at DESC, rowid DESC LIMIT -1 OFFSET ?)`,
      )
      .run(target, field, KEPT_PER_FIELD);
  }

  /** Per target, its written values since `since` (inclusive), oldest first. */
  since(targets: readonly string[], since: string): Map<string, WrittenValue[]> {
    const out = new Map<string, WrittenValue[]>();
    for (const chunk of inListChunks(targets)) {
      const rows = this.sql
        .get<WrittenValue & { target: string }>(
          `SELECT target, field, value, at FROM written_values
           WHERE target IN (${chunk.placeholders}) AND at >= ? ORDER BY at, rowid`,
        )
        .all(...chunk.params, since);
      for (const { target, ...row } of rows) {
        const list = out.get(target) ?? [];
        list.push(row);
        out.set(target, list);
      }
    }
    return out;
  }
}

export class LeadStatusTable {
  constructor(private readonly sql: Statements) {}

  save(crmId: string, status: string | null, at: string): void {
    this.sql
      .get(
        `INSERT INTO lead_statuses (crm_id, status, at) VALUES (?, ?, ?)
         ON CONFLICT (crm_id) DO UPDATE SET status = excluded.status, at = excluded.at`,
      )
      .run(crmId, status, at);
  }

  forRecords(crmIds: readonly string[]): Map<string, string | null> {
    const out = new Map<string, string | null>();
    for (const chunk of inListChunks(crmIds)) {
      for (const row of this.sql
        .get<{ crmId: string; status: string | null }>(
          `SELECT crm_id AS crmId, status FROM lead_statuses WHERE crm_id IN (${chunk.placeholders})`,
        )
        .all(...chunk.params))
        out.set(row.crmId, row.status);
    }
    return out;
  }
}

/** The key written values are kept under: system, object and record id. */
export function writtenTarget(system: string, object: string, recordId: string): string {
  return `${system}/${object}/${recordId}`;
}
