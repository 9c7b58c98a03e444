// A pair's match key (`match:`, the email or the domain) as matching compares it: normalised, and on a
// record that holds the field's value more than once (a HubSpot contact's additional emails, `alsoHolds`)
// each value it holds, its own first (ARCHITECTURE.md "Links").
import type { ObjectMapping } from "./mapping.js";
import { type FieldValue, normalizeDomain, normalizeEmail, type SourceRecord } from "./records.js";

/** A value as the mapping's match compares it; null when blank or the mapping matches nothing. */
export function normalizeMatchKey(mapping: ObjectMapping, value: FieldValue | undefined): string | null {
  if (!mapping.match) return null;
  return mapping.match.normalize === "email" ? normalizeEmail(value) : normalizeDomain(value);
}

/** Every key `record` is found by on its side: its own, then those it holds besides (`alsoHolds`). */
export function matchKeysHeld(mapping: ObjectMapping, record: SourceRecord, side: "marketing" | "crm"): string[] {
  if (!mapping.match) return [];
  const field = mapping.match[side];
  const own = normalizeMatchKey(mapping, record.fields[field]);
  const besides = record.alsoHolds?.[field];
  if (!besides || besides.length === 0) return own ? [own] : [];
  const keys = new Set(own ? [own] : []);
  for (const value of besides) {
    const key = normalizeMatchKey(mapping, value);
    if (key) keys.add(key);
  }
  return [...keys];
}
