// The HubSpot properties leadloop writes itself: where a mapping keeps the CRM id on the marketing
// record (companies, deals), a unique property that creates upsert on, so a retried create never
// duplicates. Made when missing, before the first write.
import type { ObjectMapping } from "../../core/mapping.js";
import type { HubspotAdapter } from "./adapter.js";

const GROUP_OF: Record<string, string> = {
  contacts: "contactinformation",
  companies: "companyinformation",
  deals: "dealinformation",
};

export async function ensureLeadloopProperties(
  hubspot: HubspotAdapter,
  mappings: readonly ObjectMapping[],
): Promise<void> {
  const wanted = new Map<string, { object: string; name: string }>();
  for (const m of mappings) {
    if (m.marketingExternalId) {
      wanted.set(`${m.marketingObject}.${m.marketingExternalId}`, {
        object: m.marketingObject,
        name: m.marketingExternalId,
      });
    }
  }
  for (const { object, name } of wanted.values()) {
    await hubspot.ensureProperty(object, {
      name,
      label: "CRM record id (leadloop)",
      type: "string",
      fieldType: "text",
      groupName: GROUP_OF[object] ?? "contactinformation",
      description: "Id of the linked CRM record, kept by leadloop. Do not edit.",
      hasUniqueValue: true,
    });
  }
}
