// The mapping entries whose HubSpot property the portal lacks, from the same described properties
// `validate --live` checks mappings against (describe.ts, from the property lists the adapter has already
// read to make leadloop's own properties): a run checks its mappings' marketing side without a call of its
// own, and finds missing what validate finds missing (ARCHITECTURE.md "One run").
import { fieldMeant } from "../../core/field-hint.js";
import type { ObjectMapping } from "../../core/mapping.js";
import type { MissingMarketingProperty } from "../../sync/mapping-refusal.js";
import type { HubspotAdapter } from "./adapter.js";

export async function missingMappedProperties(
  hubspot: Pick<HubspotAdapter, "describe">,
  mappings: readonly ObjectMapping[],
): Promise<MissingMarketingProperty[]> {
  const missing: MissingMarketingProperty[] = [];
  for (const mapping of mappings) {
    const { fields } = await hubspot.describe(mapping.marketingObject);
    const names = new Set(fields.map((f) => f.name));
    mapping.fields.forEach((f, entry) => {
      if (names.has(f.marketing)) return;
      const meant = fieldMeant(f.marketing, fields);
      missing.push({ mapping, entry, ...(meant === undefined ? {} : { meant }) });
    });
  }
  return missing;
}
