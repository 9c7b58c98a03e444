// Which fields to read from each side for a mapping: the mapped ones plus those matching, idempotent
// creates and conversions need.
import type { ObjectMapping } from "../core/mapping.js";

export function marketingFields(mappings: readonly ObjectMapping[]): string[] {
  const names = new Set<string>();
  for (const m of mappings) {
    for (const f of m.fields) if (f.direction !== "none") names.add(f.marketing);
    if (m.match) names.add(m.match.marketing);
    if (m.marketingExternalId) names.add(m.marketingExternalId);
  }
  return [...names];
}

export function crmFields(mapping: ObjectMapping): string[] {
  const names = new Set<string>();
  for (const f of mapping.fields) if (f.direction !== "none") names.add(f.crm);
  if (mapping.match) names.add(mapping.match.crm);
  if (mapping.crmExternalId) names.add(mapping.crmExternalId);
  if (mapping.conversion) {
    names.add(mapping.conversion.flag);
    names.add(mapping.conversion.idField);
  }
  return [...names];
}
