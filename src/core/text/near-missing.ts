// What keeps a near-qualified person from MQL, in the qualification's words: a required fit rule by its id
// and description ("served-market (In a country we sell in)"), a field the handoff requires as blank.
import type { QualificationDefinition } from "../scoring/definition.js";

/** The missing item as the store keeps it (a rule id or a field), said; an id the definition lacks as is. */
export function nearMissingText(definition: QualificationDefinition | null, missing: string): string {
  if (!definition) return missing;
  const rule = [...definition.fit, ...(definition.customers?.rules ?? [])].find((r) => r.id === missing);
  if (rule) return `${missing} (${rule.description})`;
  return definition.requiredForHandoff.includes(missing) ? `${missing} (blank, and the handoff requires it)` : missing;
}
