// "Did you mean …?" for a field or property name a mapping gives that the object lacks: the one hint
// `validate --live` and a run's refusal of a missing HubSpot property both give (mapping-check.ts,
// sync/mapping-refusal.ts).
import type { FieldDescription } from "./object-schema.js";
import { fold } from "./scoring/values.js";
import { nearestName } from "./text/edit-distance.js";

/**
 * The field a mistyped name most likely means: the same name in another case, the field whose label it
 * is (an admin copies "Job Title" from the portal), or the nearest name by spelling (nearestName's rule).
 */
export function fieldMeant(name: string, fields: readonly Pick<FieldDescription, "name" | "label">[]): string | undefined {
  const lower = name.toLowerCase();
  const sameCase = fields.find((f) => f.name.toLowerCase() === lower);
  if (sameCase) return sameCase.name;
  const shown = labelKey(name);
  const labelled = fields.find((f) => labelKey(f.label) === shown);
  if (labelled) return labelled.name;
  return nearestName(
    fields.map((f) => f.name),
    name,
  );
}

/** A label as compared with a name: folded (case and accents), blanks collapsed. */
function labelKey(text: string): string {
  return fold(text).replace(/\s+/g, " ");
}
