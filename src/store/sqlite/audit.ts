// The audit log: one entry per field a write changed, with the rule that decided it (`explain`). A write
// (run, time, system, object, record, operation) is one audit_writes row, indexed by record, holding its
// fields packed as one JSON array (migration 19): each field [field, after, before, rule], trailing nulls
// left out and the rule only where it is not the write's own (the one most of its fields name). Names are
// numbers (names.ts, each text stored once), times epoch milliseconds, long values their pieces' ids
// (text-pieces.ts, migration 18), and rules numbered by their piece (rule-numbers.ts, migration 44), so
// they go with the writes that name them. The audit_log view shows the entries one row per field, in the
// old shape.
import type { AuditEntry } from "../port.js";
import { type StoredValue, type TextPieceTable, textOf } from "./text-pieces.js";
import { inListChunks } from "./in-list.js";
import type { NameTable } from "./names.js";
import { exactNumber } from "./number-text.js";
import { ruleNumber, rulePiece, ruleText } from "./rule-numbers.js";
import type { Statements } from "./statements.js";

/**
 * Fields one audit_writes row holds at most: the audit_log view's id is the write's id times this plus
 * the field's place in the array, so a longer write goes on under a second row.
 */
export const FIELDS_PER_WRITE = 4096;

/** A value as a write's packed array holds it: as stored (text-pieces.ts), or a number its text gives back. */
type PackedValue = StoredValue | number;

/** A field as a write's packed array holds it: field, after, before, rule (the last ones left out when null or the write's). */
type PackedField = [number, PackedValue?, PackedValue?, number?];

/** A value in fewer bytes: "72.5" as 72.5 where its text comes back exactly (number-text.ts). */
function packNumber(value: StoredValue): PackedValue {
  return typeof value === "string" ? (exactNumber(value) ?? value) : value;
}

/** A write as its row holds it. */
interface WriteRow {
  id: number;
  run: number;
  atMs: number;
  system: number;
  object: number;
  recordId: string;
  operation: number;
  rule: number;
  fields: string;
}

/** An entry read back, its values still as stored. */
type ReadEntry = Omit<AuditEntry, "at" | "before" | "after" | "rule"> & {
  writeId: number;
  n: number;
  atMs: number;
  before: StoredValue;
  after: StoredValue;
  rule: number;
};

export class AuditTable {
  private lastAt = "";
  private lastAtMs = 0;

  constructor(
    private readonly sql: Statements,
    private readonly names: NameTable,
    private readonly pieces: TextPieceTable,
  ) {}

  /**
   * Adds the entries: one audit_writes row for each run of consecutive entries of the same run, time,
   * system, object, record and operation (a write's fields come together), its fields packed on it. A
   * write's id is taken before its row is written: its long values' pieces record it as their last use.
   */
  addAll(entries: readonly AuditEntry[]): void {
    if (entries.length === 0) return;
    let nextId =
      (this.sql.get<{ id: number | null }>("SELECT MAX(id) AS id FROM audit_writes").get()?.id ?? 0) + 1;
    const insert = this.sql.get(
      `INSERT INTO audit_writes (id, run, at_ms, system, object, record_id, operation, rule, fields)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let start = 0; start < entries.length; ) {
      const first = entries[start]!;
      let end = start + 1;
      while (end < entries.length && end - start < FIELDS_PER_WRITE && sameWrite(first, entries[end]!)) end++;
      const writeId = nextId++;
      const text = commonestRule(entries, start, end);
      const rule = ruleNumber(this.pieces, text, writeId);
      const fields: PackedField[] = [];
      for (let i = start; i < end; i++) fields.push(this.packed(entries[i]!, writeId, text));
      start = end;
      insert.run(
        writeId,
        this.nameId(first.runId),
        this.epochMs(first.at),
        this.nameId(first.system),
        this.nameId(first.object),
        first.recordId,
        this.nameId(first.operation),
        rule,
        JSON.stringify(fields),
      );
    }
  }

  /**
   * A field as its write's packed array holds it: the rule only where it is not the write's (`writeRule`),
   * no trailing nulls.
   */
  private packed(entry: AuditEntry, writeId: number, writeRule: string): PackedField {
    const field = this.nameId(entry.field);
    const after = packNumber(this.pieces.stored(entry.after, writeId));
    const before = packNumber(this.pieces.stored(entry.before, writeId));
    if (entry.rule !== writeRule) return [field, after, before, ruleNumber(this.pieces, entry.rule, writeId)];
    if (before !== null) return [field, after, before];
    return after !== null ? [field, after] : [field];
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
   * the prefix reaches it), and the delete is an id range, never a scan of the whole log. The pieces
   * only the deleted writes used go with them (text-pieces.ts, a read of every piece), their rules'
   * included (rule-numbers.ts). Names stay (other rows, or another process's cache, may hold them).
   */
  pruneBefore(before: string): number {
    const keptFrom =
      this.sql
        .get<{ id: number }>("SELECT id FROM audit_writes WHERE at_ms >= ? ORDER BY id LIMIT 1")
        .get(epochMs(before))?.id ??
      (this.sql.get<{ id: number | null }>("SELECT MAX(id) AS id FROM audit_writes").get()?.id ?? 0) + 1;
    const fields =
      this.sql
        .get<{ n: number | null }>("SELECT SUM(json_array_length(fields)) AS n FROM audit_writes WHERE id < ?")
        .get(keptFrom)?.n ?? 0;
    const writes = this.sql.get("DELETE FROM audit_writes WHERE id < ?").run(keptFrom).changes;
    if (writes > 0) this.pieces.pruneBefore(keptFrom);
    return fields;
  }

  /**
   * The latest `limit` entries (all when absent) for the records, returned oldest first: each record's
   * writes are read newest first, their fields last first, until `limit` fields are in hand.
   */
  list(recordIds: readonly string[], limit?: number): AuditEntry[] {
    const rows: ReadEntry[] = [];
    for (const chunk of inListChunks(recordIds)) {
      const taken = rows.length;
      for (const w of this.sql
        .get<WriteRow>(
          `SELECT id, run, at_ms AS atMs, system, object, record_id AS recordId, operation, rule, fields
           FROM audit_writes WHERE record_id IN (${chunk.placeholders}) ORDER BY at_ms DESC, id DESC`,
        )
        .iterate(...chunk.params)) {
        const fields = JSON.parse(w.fields) as PackedField[];
        for (let n = fields.length - 1; n >= 0; n--) {
          const [field, after = null, before = null, rule = w.rule] = fields[n]!;
          rows.push({
            writeId: w.id,
            n,
            runId: this.names.nameOf(w.run),
            atMs: w.atMs,
            system: this.names.nameOf(w.system),
            object: this.names.nameOf(w.object),
            recordId: w.recordId,
            operation: this.names.nameOf(w.operation),
            field: this.names.nameOf(field),
            before: typeof before === "number" ? JSON.stringify(before) : before,
            after: typeof after === "number" ? JSON.stringify(after) : after,
            rule,
          });
        }
        if (limit !== undefined && rows.length - taken >= limit) break;
      }
    }
    rows.sort((a, b) => a.atMs - b.atMs || a.writeId - b.writeId || a.n - b.n);
    const kept = limit === undefined ? rows : rows.slice(Math.max(0, rows.length - limit));
    const pieces = this.pieces.piecesOf((name, namePiece) => {
      for (const row of kept) {
        name(row.before);
        name(row.after);
        namePiece(rulePiece(row.rule));
      }
    });
    return kept.map(({ writeId: _writeId, n: _n, atMs, before, after, rule, ...entry }) => ({
      ...entry,
      at: new Date(atMs).toISOString(),
      before: textOf(before, pieces),
      after: textOf(after, pieces),
      rule: ruleText(rule, this.names, pieces),
    }));
  }

  private nameId(name: string): number {
    return this.names.idOf(name);
  }
}

/**
 * The rule entries[start] to entries[end - 1] name most often; of those named as often, the one named
 * first (as migration 19 chose). Most writes name one rule: that is found without counting.
 */
function commonestRule(entries: readonly AuditEntry[], start: number, end: number): string {
  const first = entries[start]!.rule;
  let i = start + 1;
  while (i < end && entries[i]!.rule === first) i++;
  if (i === end) return first;
  const counts = new Map<string, number>();
  for (let j = start; j < end; j++) counts.set(entries[j]!.rule, (counts.get(entries[j]!.rule) ?? 0) + 1);
  let best = first;
  for (const [rule, count] of counts) if (count > counts.get(best)!) best = rule;
  return best;
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
