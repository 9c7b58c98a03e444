// Link stamps: each record of a linked pair carries the other side's id (the mapping's crmExternalId on
// the CRM record, its marketingExternalId on the marketing record), so links survive a lost state store.
// This module says which stamps a pair still needs and whether a linked record's stamps are in place.
import type { ObjectMapping } from "../core/mapping.js";
import type { SnapshotPair } from "../core/merge/types.js";
import type { FieldValue, SourceRecord } from "../core/records.js";
import type { FieldSnapshot, Link } from "../store/port.js";
import { fieldSyncKey } from "./outbox/field-sync-write.js";
import { otherSide, type RunContext, SIDE_NAMES, type SideName } from "./run-context.js";

/** The plan's rule for a stamp written on a record that exists. */
export const STAMP_RULE = "link stamp";

/**
 * The snapshot key under which a link keeps what each side's stamp field held after the last sync. A
 * record created on one side has no id until written, so its source record is stamped in a later run:
 * this entry lets the echo check see that when the created record is read back. Field keys always hold
 * a ">", so this one cannot collide with a mapped field.
 */
export const STAMP_KEY = "link stamp";

/** The field on `side` that holds the other side's id, if the mapping names one. */
export function stampField(mapping: ObjectMapping, side: SideName): string | undefined {
  return side === "crm" ? mapping.crmExternalId : mapping.marketingExternalId;
}

/**
 * Stamps the existing records of a pair lack, per side: the field and the other side's id. Both sides are
 * named (undefined where nothing is missing), so every result has one shape: see planPair in page-sync.ts.
 */
export function missingStamps(
  mapping: ObjectMapping,
  records: Record<SideName, SourceRecord | null>,
): Partial<Record<SideName, { field: string; value: string }>> {
  return { crm: missingStamp(mapping, records, "crm"), marketing: missingStamp(mapping, records, "marketing") };
}

function missingStamp(
  mapping: ObjectMapping,
  records: Record<SideName, SourceRecord | null>,
  side: SideName,
): { field: string; value: string } | undefined {
  const field = stampField(mapping, side);
  const own = records[side];
  const other = records[otherSide(side)];
  return field && own && other && own.fields[field] !== other.id ? { field, value: other.id } : undefined;
}

/** What each side's stamp field holds once the planned writes (`written`, per side) succeed. */
export function stampSnapshot(
  mapping: ObjectMapping,
  records: Record<SideName, SourceRecord | null>,
  written: Record<SideName, Record<string, FieldValue> | undefined>,
): SnapshotPair {
  const held = (side: SideName): FieldValue => {
    const field = stampField(mapping, side);
    if (!field) return null;
    if (written[side] && field in written[side]) return written[side][field] ?? null;
    return records[side]?.fields[field] ?? null;
  };
  return { marketing: held("marketing"), crm: held("crm") };
}

/**
 * Whether both records of a link hold their stamps: the record read from `side` by its own field, its
 * counterpart (not read) by what the link's stamp snapshot says it held after the last sync.
 */
export function stampsInPlace(
  mapping: ObjectMapping,
  link: Link,
  record: SourceRecord,
  side: SideName,
  snapshot: FieldSnapshot | undefined,
  /** Stamps the outbox is to write (`pendingStamps`): in place once the run's drain sends them. */
  pending?: ReadonlySet<string>,
): boolean {
  const expected: Record<SideName, string> = { crm: link.marketingId, marketing: link.crmId };
  const own = stampField(mapping, side);
  if (own && record.fields[own] !== expected[side] && !pending?.has(pendingKey(side, record.id, expected[side])))
    return false;
  const other = otherSide(side);
  const otherId = other === "crm" ? link.crmId : link.marketingId;
  return (
    !stampField(mapping, other) ||
    snapshot?.[other] === expected[other] ||
    Boolean(pending?.has(pendingKey(other, otherId, expected[other])))
  );
}

/** The outbox key of the stamp a create's source record gets once the new record's id is known. */
export function stampWriteKey(side: SideName, object: string, recordId: string): string {
  return `stamp:${side}:${object}:${recordId}`;
}

/**
 * Of these links' stamps, those a pending outbox write gives (the field sync's update of the record, or
 * the stamp of a create's source), as `pendingKey`s for `stampsInPlace`. A link made in this run gets its
 * stamps from the run's drain, so its records read again before it (the CRM pass after the marketing
 * pass of a first load) are no change for that alone: they cost no counterpart read, and the write
 * decided already still goes out. A refused write is not counted: its stamp is not on its way.
 */
export async function pendingStamps(
  ctx: RunContext,
  source: SideName,
  items: readonly { record: SourceRecord; link: Link; mapping: ObjectMapping }[],
): Promise<Set<string>> {
  const wanted = new Map<string, string>();
  for (const { record, link, mapping } of items)
    for (const side of SIDE_NAMES) {
      const field = stampField(mapping, side);
      if (!field) continue;
      const object = side === source ? record.object : side === "crm" ? link.crmType : link.marketingType;
      const id = side === "crm" ? link.crmId : link.marketingId;
      wanted.set(fieldSyncKey(side, object, id), field);
      wanted.set(stampWriteKey(side, object, id), field);
    }
  const out = new Set<string>();
  if (wanted.size === 0) return out;
  for (const { side, recordId, value } of await ctx.store.pendingOutboxValues(wanted)) {
    if (recordId !== null && value) out.add(pendingKey(side, recordId, value));
  }
  return out;
}

function pendingKey(side: SideName, recordId: string, value: string): string {
  return `${side}\u0000${recordId}\u0000${value}`;
}
