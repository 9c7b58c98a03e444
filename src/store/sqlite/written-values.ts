// What the outbox's accepted writes put in each record's fields, newest kept per field, so a decision can
// see a value flipping back and forth between runs (ARCHITECTURE.md "One write path", the loop hold); and
// the lead status last seen on each CRM record, so a status read again is not taken for a new verdict.
import { loopValue } from "../../core/write-loop.js";
import type { WrittenValue } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

/** Values kept per record and field: enough to see two round trips. */
const KEPT_PER_FIELD = 8;

export class WrittenValuesTable {
  constructor(private readonly sql: Statements) {}

  /** Keeps `value` in the loop hold's form (core `loopValue`: long values as their fingerprint). */
  add(target: string, field: string, value: string | null, at: string): void {
    this.sql
      .get("INSERT OR REPLACE INTO written_values (target, field, at_ms, value) VALUES (?, ?, ?, ?)")
      .run(target, field, Date.parse(at), loopValue(value));
    this.sql
      .get(
        `DELETE FROM written_values WHERE (target, field, at_ms) IN (
           SELECT target, field, at_ms FROM written_values WHERE target = ? AND field = ?
           ORDER BY at_ms DESC LIMIT -1 OFFSET ?)`,
      )
      .run(target, field, KEPT_PER_FIELD);
  }

  /** Per target, its written values since `since` (inclusive), oldest first. */
  since(targets: readonly string[], since: string): Map<string, WrittenValue[]> {
    const out = new Map<string, WrittenValue[]>();
    const sinceMs = Date.parse(since);
    for (const chunk of inListChunks(targets)) {
      const rows = this.sql
        .get<{ target: string; field: string; value: string | null; atMs: number }>(
          `SELECT target, field, value, at_ms AS atMs FROM written_values
           WHERE target IN (${chunk.placeholders}) AND at_ms >= ? ORDER BY at_ms, field`,
        )
        .all(...chunk.params, sinceMs);
      for (const { target, field, value, atMs } of rows) {
        const list = out.get(target) ?? [];
        list.push({ field, value, at: new Date(atMs).toISOString() });
        out.set(target, list);
      }
    }
    return out;
  }

  /** Values written before `before` can no longer make a loop (core LOOP_WINDOW_HOURS): dropped. */
  prune(before: string): number {
    return this.sql.get("DELETE FROM written_values WHERE at_ms < ?").run(Date.parse(before)).changes;
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
