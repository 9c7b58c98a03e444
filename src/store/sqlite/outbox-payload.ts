// An outbox row's payload (migration 17): what a write holds beyond the row's columns (key, phase,
// system, object, record, group), as compact JSON. Field names are numbers from the store's names, rules
// numbers of their pieces (rule-numbers.ts: the audit numbers them so when the write is accepted; a name's
// number in rows written before migration 44); a field's rule is written only
// where it differs from the row's first one; what a column already says
// (the person when it is the record, a field-sync write's side and marketing id when they are the
// write's own) is left out, and so is every empty or null part. A long value (a score's reasons) is its
// pieces' ids (text-pieces.ts), as the audit keeps it.
import type { DueForm } from "../../core/sla/index.js";
import type { OutboxEntry, OutboxWrite, Side } from "../port.js";
import type { NameTable } from "./names.js";
import { rulePiece, ruleText } from "./rule-numbers.js";
import { type NamePieces, type PieceTexts, type StoredValue, textOf } from "./text-pieces.js";

/**
 * A rule: its number (rule-numbers.ts); its text in rows written before the outbox numbered rules (still
 * read).
 */
type PayloadRule = number | string;

/** One field: [name number, after], [.., before] or [.., before, rule] when its rule is not the row's. */
type PayloadField = [number, StoredValue] | [number, StoredValue, StoredValue] | [number, StoredValue, StoredValue, PayloadRule];

export interface Payload {
  f: PayloadField[];
  /** The rule of every field that names none. */
  r?: PayloadRule;
  /** 1: the CRM side; absent: marketing. */
  s?: 0 | 1;
  u?: string | null;
  a?: [string, string][];
  /** The person, when not the written record itself (null included). */
  p?: string | null;
  e?: string | null;
  c?: string[] | null;
  /** A field-sync write's snapshot share: pair, marketing id (absent: the person), side (absent: the write's), values. */
  y?: { p: string; m?: string; s?: Side; v: Record<string, string | null> } | null;
  /** An open task's due fields: the group whose clock it is due by, and each field with its form. */
  d?: { g: string; f: [string, DueForm][] };
  /** The fields whose `before` was read at the decision (OutboxWrite.guarded). */
  g?: string[];
}

/** The columns of a row, names and times as text, as the payload is read against them. */
export interface OutboxColumns {
  key: string;
  phase: string;
  system: string;
  object: string;
  recordId: string | null;
  group: string | null;
  seq: number;
  decidedAt: string;
  runId: string;
  refusedAt: string | null;
}

/**
 * The payload of `write` with its `fields` in the order given (the caller's sort, not a copy of the write
 * holding them), for the outbox to store as JSON text (json.ts `toJsonText`); `stored` keeps a value as
 * the row holds it (TextPieceTable.stored), `ruleNumber` numbers a rule (rule-numbers.ts).
 */
export function encodePayload(
  write: OutboxWrite,
  fields: OutboxWrite["fields"],
  names: NameTable,
  stored: (value: string | null) => StoredValue,
  ruleNumber: (rule: string) => number,
): Payload {
  const rule = fields[0]?.rule;
  const payload: Payload = {
    f: fields.map(({ field, before, after, rule: own }): PayloadField => {
      const id = names.idOf(field);
      if (own !== rule) return [id, stored(after), stored(before), ruleNumber(own)];
      return before === null ? [id, stored(after)] : [id, stored(after), stored(before)];
    }),
  };
  if (rule !== undefined) payload.r = ruleNumber(rule);
  if (write.side === "crm") payload.s = 1;
  if (write.upsertOn !== null) payload.u = write.upsertOn;
  if (write.associations.length > 0) payload.a = write.associations.map((a) => [a.object, a.id]);
  if (write.personId !== write.recordId) payload.p = write.personId;
  if (write.email !== null) payload.e = write.email;
  if (write.clearFirst !== undefined) payload.c = write.clearFirst;
  if (write.guarded && write.guarded.length > 0) payload.g = write.guarded;
  if (write.due) payload.d = { g: write.due.clock, f: write.due.fields.map((f) => [f.field, f.form]) };
  if (write.synced) {
    const { pair, marketingId, side, values } = write.synced;
    payload.y = {
      p: pair,
      ...(marketingId !== write.personId ? { m: marketingId } : {}),
      ...(side !== write.side ? { s: side } : {}),
      v: values,
    };
  }
  return payload;
}

/**
 * Names the values these payloads keep, pieced ones included, and their rules numbered by their piece:
 * what TextPieceTable.piecesOf reads for their decode.
 */
export function payloadPieces(payloads: readonly Payload[]): NamePieces {
  return (name, namePiece) => {
    // Indexed loops: a for-of here made an iterator result per field (6.6 MB at 10,000 contacts).
    for (let p = 0; p < payloads.length; p++) {
      const payload = payloads[p]!;
      for (let i = 0; i < payload.f.length; i++) {
        const f = payload.f[i]!;
        name(f[1]);
        name(f[2] ?? null);
        namePiece(payloadRulePiece(f[3]));
      }
      namePiece(payloadRulePiece(payload.r));
    }
  };
}

function payloadRulePiece(rule: PayloadRule | undefined): number | null {
  return typeof rule === "number" ? rulePiece(rule) : null;
}

/**
 * The entry a row's columns and payload (parsed) make, its pieced values put together from `pieces`: one
 * object, made once (an outbox read decodes a first load's 30,000 rows).
 */
export function decodePayload(columns: OutboxColumns, payload: Payload, names: NameTable, pieces: PieceTexts): OutboxEntry {
  const side = payloadSide(payload);
  const personId = payload.p !== undefined ? payload.p : columns.recordId;
  const entry: OutboxEntry = {
    key: columns.key,
    phase: columns.phase,
    side,
    system: columns.system,
    object: columns.object,
    recordId: columns.recordId,
    upsertOn: payload.u ?? null,
    associations: (payload.a ?? []).map(([object, id]) => ({ object, id })),
    fields: payload.f.map((f) => ({
      field: names.nameOf(f[0]),
      before: textOf(f[2] ?? null, pieces),
      after: textOf(f[1], pieces),
      rule: payloadRuleText(f[3] ?? payload.r, names, pieces),
    })),
    personId,
    email: payload.e ?? null,
    group: columns.group,
    seq: columns.seq,
    decidedAt: columns.decidedAt,
    runId: columns.runId,
    refusedAt: columns.refusedAt,
  };
  if (payload.g) entry.guarded = payload.g;
  if (payload.d) entry.due = { clock: payload.d.g, fields: payload.d.f.map(([field, form]) => ({ field, form })) };
  // Null only in rows migration 17 copied (absent there).
  if (payload.c !== undefined && payload.c !== null) entry.clearFirst = payload.c;
  if (payload.y) {
    entry.synced = {
      pair: payload.y.p,
      marketingId: payload.y.m ?? personId ?? "",
      side: payload.y.s ?? side,
      values: payload.y.v,
    };
  }
  return entry;
}

/** The side the payload's write is to. */
export function payloadSide(payload: Payload): Side {
  return payload.s === 1 ? "crm" : "marketing";
}

/** The value (after) the payload gives the field numbered `field`, as stored; undefined when it names none. */
export function payloadValue(payload: Payload, field: number): StoredValue | undefined {
  for (let i = 0; i < payload.f.length; i++) if (payload.f[i]![0] === field) return payload.f[i]![1];
  return undefined;
}

function payloadRuleText(rule: PayloadRule | undefined, names: NameTable, pieces: PieceTexts): string {
  if (rule === undefined) return "";
  return typeof rule === "number" ? ruleText(rule, names, pieces) : rule;
}
