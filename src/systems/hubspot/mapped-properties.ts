// The mapping entries whose HubSpot property the portal lacks, from the property lists the adapter has
// already read to make leadloop's own properties (leadloop-properties.ts reads each mapped object's): a
// run checks its mappings' marketing side without a call of its own (ARCHITECTURE.md "One run").
import type { ObjectMapping } from "../../core/mapping.js";
import type { MissingMarketingProperty } from "../../sync/mapping-refusal.js";
import type { HubspotAdapter } from "./adapter.js";

export async function missingMappedProperties(
  hubspot: Pick<HubspotAdapter, "propertyNames">,
  mappings: readonly ObjectMapping[],
): Promise<MissingMarketingProperty[]> {
  const missing: MissingMarketingProperty[] = [];
  for (const mapping of mappings) {
    const names = await hubspot.propertyNames(mapping.marketingObject);
    mapping.fields.forEach((f, entry) => {
      if (!names.has(f.marketing)) missing.push({ mapping, entry });
    });
  }
  return missing;
}
