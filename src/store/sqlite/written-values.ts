// What the outbox's accepted writes put in each record's fields, newest kept per field, so a decision can
// see a value flipping back and forth between runs (ARCHITECTURE.md "One write path", the loop hold); and
// the lead status last seen on each CRM record, so a status read again is not taken for a new verdict.
import { loopValue } from "../../core/write-loop.js";
import type { WrittenValue } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { NameTable } from "./names.js";
import type { Statements } from "./statements.js";

/** Values kept per record and field: enough to see two round trips. */
const KEPT_PER_FIELD = 8;

export class WrittenValuesTable {
  constructor(
    private readonly sql: Statements,
    private readonly names: NameTable,
  ) {}

  /** Keeps `value` in the loop hold's form (core `loopValue`: long values as their fingerprint). */
  add(record: WrittenRecord, field: string, value: string | null, at: string): void {
    const object = this.names.idOf(objectName(record));
    const fieldId = this.names.idOf(field);
    this.sql
      .get("INSERT OR REPLACE INTO written_values (object, record_id, field, at_ms, value) VALUES (?, ?, ?, ?, ?)")
      .run(object, record.recordId, fieldId, Date.parse(at), loopValue(value));
    this.sql
      .get(
        `DELETE FROM written_values WHERE object = ? AND record_id = ? AND field = ? AND at_ms IN (
           SELECT at_ms FROM written_values WHERE object = ? AND record_id = ? AND field = ?
           ORDER BY at_ms DESC LIMIT -1 OFFSET ?)`,
      )
      .run(object, record.recordId, fieldId, object, record.recordId, fieldId, KEPT_PER_FIELD);
  }

  /** Per record (keyed by `writtenTarget`), its written values since `since` (inclusive), oldest first. */
  since(records: readonly WrittenRecord[], since: string): Map<string, WrittenValue[]> {
    const out = new Map<string, WrittenValue[]>();
    const sinceMs = Date.parse(since);
    const byObject = new Map<string, string[]>();
    for (const record of records) {
      const name = objectName(record);
      byObject.set(name, [...(byObject.get(name) ?? []), record.recordId]);
    }
    for (const [name, recordIds] of byObject) {
      // An object nothing was ever written to has no name yet, and no values.
      const object = this.names.findId(name);
      if (object === undefined) continue;
      const rows: { recordId: string; field: string; value: string | null; atMs: number }[] = [];
      for (const chunk of inListChunks(recordIds)) {
        rows.push(
          ...this.sql
            .get<{ recordId: string; field: string; value: string | null; atMs: number }>(
              `SELECT v.record_id AS recordId, f.name AS field, v.value, v.at_ms AS atMs
               FROM written_values v JOIN names f ON f.id = v.field
               WHERE v.object = ? AND v.record_id IN (${chunk.placeholders}) AND v.at_ms >= ?`,
            )
            .all(object, ...chunk.params, sinceMs),
        );
      }
      rows.sort((a, b) => a.atMs - b.atMs || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
      const [system, objectType] = splitObjectName(name);
      for (const { recordId, field, value, atMs } of rows) {
        const target = writtenTarget(system, objectType, recordId);
        const list = out.get(target) ?? [];
        list.push({ field, value, at: new Date(atMs).toISOString() });
        out.set(target, list);
      }
    }
    return out;
  }

  /**
   * Values written before `before` can no longer make a loop (core LOOP_WINDOW_HOURS): dropped. The
   * table holds a loop window's writes (a day), so this reads a day's rows, not the store's history.
   */
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

/** A record written values are kept for. */
export interface WrittenRecord {
  system: string;
  object: string;
  recordId: string;
}

/** The key the store's reads return written values under: system, object and record id. */
export function writtenTarget(system: string, object: string, recordId: string): string {
  return `${system}/${object}/${recordId}`;
}

/** The name a record's system and object are numbered by (names.ts): `system/object`. */
function objectName(record: WrittenRecord): string {
  return `${record.system}/${record.object}`;
}

function splitObjectName(name: string): [string, string] {
  const slash = name.indexOf("/");
  return [name.slice(0, slash), name.slice(slash + 1)];
}
