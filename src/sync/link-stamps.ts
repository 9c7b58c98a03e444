// Link stamps: each record of a linked pair carries the other side's id (the mapping's crmExternalId on
// the CRM record, its marketingExternalId on the marketing record), so links survive a lost state store.
// This module says which stamps a pair still needs and whether a linked record's stamps are in place.
import type { ObjectMapping } from "../core/mapping.js";
import type { SnapshotPair } from "../core/merge/types.js";
import type { FieldValue, SourceRecord } from "../core/records.js";
import type { FieldSnapshot, Link } from "../store/port.js";
import { otherSide, type SideName } from "./run-context.js";

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

/** Stamps the existing records of a pair lack, per side: the field and the other side's id. */
export function missingStamps(
  mapping: ObjectMapping,
  records: Record<SideName, SourceRecord | null>,
): Partial<Record<SideName, { field: string; value: string }>> {
  const out: Partial<Record<SideName, { field: string; value: string }>> = {};
  for (const side of ["crm", "marketing"] as const) {
    const field = stampField(mapping, side);
    const own = records[side];
    const other = records[otherSide(side)];
    if (field && own && other && own.fields[field] !== other.id) out[side] = { field, value: other.id };
  }
  return out;
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
): boolean {
  const expected: Record<SideName, string> = { crm: link.marketingId, marketing: link.crmId };
  const own = stampField(mapping, side);
  if (own && record.fields[own] !== expected[side]) return false;
  const other = otherSide(side);
  return !stampField(mapping, other) || snapshot?.[other] === expected[other];
}
