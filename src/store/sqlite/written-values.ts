// What the outbox's accepted writes put in each record's fields, newest kept per field, so a decision can
// see a value flipping back and forth between runs (ARCHITECTURE.md "One write path", the loop hold); and
// the lead status last seen on each CRM record, so a status read again is not taken for a new verdict.
// A record's written values are one row (migration 19): its writes oldest first, each as
// [ms after the row's first_ms, field, value, field, value, ...], fields by their number in names, a
// value as short as JSON holds it again exactly (packValue).
import { groupBy } from "../../core/grouping.js";
import { type Fingerprint, fingerprintOf, fingerprintText, loopValueParts } from "../../core/write-loop.js";
import type { WrittenValue } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { NameTable } from "./names.js";
import { exactNumber } from "./number-text.js";
import type { Statements } from "./statements.js";

/** Values kept per record and field: enough to see two round trips. */
const KEPT_PER_FIELD = 8;

/**
 * One write as a record's row keeps it: its time and, per field number, the value in the loop hold's
 * form, packed as the row holds it (packValue; `since` makes it text).
 */
interface KeptWrite {
  atMs: number;
  values: Map<number, PackedValue>;
}

/** A field's value as written, before it takes the loop hold's form. */
export interface WrittenField {
  field: string;
  value: string | null;
}

/** An accepted write's values: its record and fields. */
export interface RecordWritten {
  record: WrittenRecord;
  fields: readonly WrittenField[];
}

export class WrittenValuesTable {
  constructor(
    private readonly sql: Statements,
    private readonly names: NameTable,
  ) {}

  /**
   * Keeps accepted writes' values in the loop hold's form (core `loopValue`: long values as their
   * fingerprint), at `at`: a field written again at the same time keeps the later value, and each field
   * keeps its newest KEPT_PER_FIELD values. The records' rows are read at once (a drain's batch accepts
   * 200 writes); a record written twice here takes the second write on what the first left.
   */
  addAll(written: readonly RecordWritten[], at: string): void {
    const atMs = Date.parse(at);
    const rows = this.rowsOf(written.filter((w) => w.fields.length > 0).map((w) => w.record));
    for (const { record, fields } of written) {
      if (fields.length === 0) continue;
      const row = rows.get(objectName(record))!;
      const writes = row.writes.get(record.recordId) ?? [];
      let write = writes.find((w) => w.atMs === atMs);
      if (!write) {
        write = { atMs, values: new Map() };
        writes.push(write);
        writes.sort((a, b) => a.atMs - b.atMs);
      }
      for (const { field, value } of fields) {
        const id = this.names.idOf(field);
        write.values.delete(id);
        write.values.set(id, packLoopValue(value));
      }
      const kept = writes.length > KEPT_PER_FIELD ? newestPerField(writes) : writes;
      row.writes.set(record.recordId, kept);
      this.save(row.object, record.recordId, kept);
    }
  }

  /** The rows of these records, by object name (numbered, added when new) and record id: one read per object and IN list. */
  private rowsOf(records: readonly WrittenRecord[]): Map<string, { object: number; writes: Map<string, KeptWrite[]> }> {
    const out = new Map<string, { object: number; writes: Map<string, KeptWrite[]> }>();
    for (const [name, ofObject] of groupBy(records, objectName)) {
      const object = this.names.idOf(name);
      const writes = new Map<string, KeptWrite[]>();
      out.set(name, { object, writes });
      for (const chunk of inListChunks([...new Set(ofObject.map((r) => r.recordId))])) {
        for (const row of this.sql
          .get<{ recordId: string; firstMs: number; writes: string }>(
            `SELECT record_id AS recordId, first_ms AS firstMs, writes FROM written_values
             WHERE object = ? AND record_id IN (${chunk.placeholders})`,
          )
          .all(object, ...chunk.params))
          writes.set(row.recordId, unpack(row.firstMs, row.writes));
      }
    }
    return out;
  }

  /** Per record (keyed by `writtenTarget`), its written values since `since` (inclusive), oldest first. */
  since(records: readonly WrittenRecord[], since: string): Map<string, WrittenValue[]> {
    const out = new Map<string, WrittenValue[]>();
    const sinceMs = Date.parse(since);
    for (const [name, ofObject] of groupBy(records, objectName)) {
      const recordIds = ofObject.map((r) => r.recordId);
      // An object nothing was ever written to has no name yet, and no values.
      const object = this.names.findId(name);
      if (object === undefined) continue;
      const [system, objectType] = splitObjectName(name);
      for (const chunk of inListChunks(recordIds)) {
        for (const row of this.sql
          .get<{ recordId: string; firstMs: number; writes: string }>(
            `SELECT record_id AS recordId, first_ms AS firstMs, writes FROM written_values
             WHERE object = ? AND record_id IN (${chunk.placeholders})`,
          )
          .all(object, ...chunk.params)) {
          const values: WrittenValue[] = [];
          for (const write of unpack(row.firstMs, row.writes)) {
            if (write.atMs < sinceMs) continue;
            const at = new Date(write.atMs).toISOString();
            const named = [...write.values].map(([id, value]) => ({ field: this.names.nameOf(id), value: unpackValue(value), at }));
            named.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
            values.push(...named);
          }
          if (values.length > 0) out.set(writtenTarget(system, objectType, row.recordId), values);
        }
      }
    }
    return out;
  }

  /**
   * Values written before `before` can no longer make a loop (core LOOP_WINDOW_HOURS): dropped; the
   * count dropped. The table holds a loop window's writes (a day): a record whose newest write is older
   * goes in SQL (its values counted there), and a record with older and newer writes has its row read and
   * written again without the older ones.
   */
  prune(before: string): number {
    const beforeMs = Date.parse(before);
    const allOld = "first_ms < ? AND first_ms + json_extract(writes, '$[#-1][0]') < ?";
    let dropped =
      this.sql
        .get<{ n: number | null }>(
          `SELECT SUM((json_array_length(w.value) - 1) / 2) AS n FROM written_values, json_each(writes) w WHERE ${allOld}`,
        )
        .get(beforeMs, beforeMs)?.n ?? 0;
    this.sql.get(`DELETE FROM written_values WHERE ${allOld}`).run(beforeMs, beforeMs);
    const rows = this.sql
      .get<{ object: number; recordId: string; firstMs: number; writes: string }>(
        "SELECT object, record_id AS recordId, first_ms AS firstMs, writes FROM written_values WHERE first_ms < ?",
      )
      .all(beforeMs);
    for (const row of rows) {
      const writes = unpack(row.firstMs, row.writes);
      const kept = writes.filter((w) => w.atMs >= beforeMs);
      for (const w of writes) if (w.atMs < beforeMs) dropped += w.values.size;
      this.save(row.object, row.recordId, kept);
    }
    return dropped;
  }

  /** Writes the record's row (its writes in time order), or deletes it when none are left. */
  private save(object: number, recordId: string, writes: readonly KeptWrite[]): void {
    if (writes.length === 0) {
      this.sql.get("DELETE FROM written_values WHERE object = ? AND record_id = ?").run(object, recordId);
      return;
    }
    const firstMs = writes[0]!.atMs;
    const packed = writes.map((w) => {
      const write: [number, ...PackedValue[]] = [w.atMs - firstMs];
      // forEach, not for-of: a for-of made an [id, value] entry and an iterator result per value.
      w.values.forEach((value, id) => write.push(id, value));
      return write;
    });
    this.sql
      .get(
        `INSERT INTO written_values (object, record_id, first_ms, writes) VALUES (?, ?, ?, ?)
         ON CONFLICT (object, record_id) DO UPDATE SET first_ms = excluded.first_ms, writes = excluded.writes`,
      )
      .run(object, recordId, firstMs, JSON.stringify(packed));
  }
}

/**
 * The writes less each field's values beyond the newest KEPT_PER_FIELD, newest first, and less the writes
 * left with none. Only a record with more writes than that can hold a field past it: the others (a first
 * load's every record, a field or two written once or twice) are kept as they are, with no count made.
 */
function newestPerField(writes: readonly KeptWrite[]): KeptWrite[] {
  const seen = new Map<number, number>();
  for (let i = writes.length - 1; i >= 0; i--) {
    for (const id of [...writes[i]!.values.keys()]) {
      const count = (seen.get(id) ?? 0) + 1;
      seen.set(id, count);
      if (count > KEPT_PER_FIELD) writes[i]!.values.delete(id);
    }
  }
  return writes.filter((w) => w.values.size > 0);
}

/** A kept value as a row holds it: text, a number its text gives back, or a fingerprint as [length, hash]. */
type PackedValue = string | number | null | Fingerprint;

/**
 * A kept value in fewer bytes: a number whose text comes back exactly (number-text.ts) as that number,
 * a fingerprint as its length and hash; anything else as it is.
 */
function packValue(value: string | null): PackedValue {
  if (value === null) return null;
  return fingerprintOf(value) ?? exactNumber(value) ?? value;
}

/** A written value packed in its loop hold's form: `packValue(loopValue(value))`, a long one's fingerprint never made text. */
function packLoopValue(value: string | null): PackedValue {
  const kept = loopValueParts(value);
  return Array.isArray(kept) ? kept : packValue(kept);
}

function unpackValue(value: PackedValue): string | null {
  if (Array.isArray(value)) return fingerprintText(value);
  return typeof value === "number" ? JSON.stringify(value) : value;
}

/** A record's row back as its writes, oldest first. */
function unpack(firstMs: number, text: string): KeptWrite[] {
  return (JSON.parse(text) as [number, ...PackedValue[]][]).map(([offset, ...pairs]) => {
    const values = new Map<number, PackedValue>();
    for (let i = 0; i + 1 < pairs.length; i += 2) values.set(pairs[i] as number, pairs[i + 1]!);
    return { atMs: firstMs + offset, values };
  });
}

export class LeadStatusTable {
  constructor(private readonly sql: Statements) {}

  save(crmId: string, status: string | null, reason: string | null, at: string): void {
    this.sql
      .get(
        `INSERT INTO lead_statuses (crm_id, status, reason, at) VALUES (?, ?, ?, ?)
         ON CONFLICT (crm_id) DO UPDATE SET status = excluded.status, reason = excluded.reason, at = excluded.at`,
      )
      .run(crmId, status, reason, at);
  }

  forRecords(crmIds: readonly string[]): Map<string, { status: string | null; reason: string | null }> {
    const out = new Map<string, { status: string | null; reason: string | null }>();
    for (const chunk of inListChunks(crmIds)) {
      for (const row of this.sql
        .get<{ crmId: string; status: string | null; reason: string | null }>(
          `SELECT crm_id AS crmId, status, reason FROM lead_statuses WHERE crm_id IN (${chunk.placeholders})`,
        )
        .all(...chunk.params))
        out.set(row.crmId, { status: row.status, reason: row.reason });
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
