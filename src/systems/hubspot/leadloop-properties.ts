// The HubSpot properties leadloop writes itself, made when missing before the first write: the unique
// property that holds the CRM id where a mapping upserts on it (companies, deals), and the contact
// properties that carry the funnel: status, scores, reasons, history, near-qualified flag.
import { STAGES } from "../../core/funnel/stages.js";
import type { ObjectMapping } from "../../core/mapping.js";
import type { HubspotAdapter } from "./adapter.js";
import type { HubspotPropertyDefinition } from "./describe.js";
import { canonicalObject } from "./object-names.js";

const GROUP_OF: Record<string, string> = {
  contacts: "contactinformation",
  companies: "companyinformation",
  deals: "dealinformation",
};

/** The funnel stages leadloop keeps in `leadloop_status` (the option values are the stage names). */
export const LEADLOOP_STATUS_OPTIONS = STAGES;

function contactProperty(
  name: string,
  label: string,
  type: HubspotPropertyDefinition["type"],
  fieldType: string,
  extra: Partial<HubspotPropertyDefinition> = {},
): { object: string; definition: HubspotPropertyDefinition } {
  return {
    object: "contacts",
    definition: { name, label, type, fieldType, groupName: "contactinformation", ...extra },
  };
}

export const FUNNEL_PROPERTIES = [
  contactProperty("leadloop_status", "Funnel stage (leadloop)", "enumeration", "select", {
    description: "Where this person is in the lead funnel, kept by leadloop.",
    options: LEADLOOP_STATUS_OPTIONS.map((value) => ({ label: value, value })),
  }),
  contactProperty("leadloop_score", "Lead score (leadloop)", "number", "number"),
  contactProperty("leadloop_fit_score", "Fit score (leadloop)", "number", "number"),
  contactProperty("leadloop_behavior_score", "Behaviour score (leadloop)", "number", "number"),
  contactProperty("leadloop_mql_date", "MQL date (leadloop)", "datetime", "date"),
  contactProperty("leadloop_reasons", "Score reasons (leadloop)", "string", "textarea"),
  contactProperty("leadloop_activity_summary", "Activity summary (leadloop)", "string", "textarea"),
  contactProperty("leadloop_disposition_reason", "Disposition reason (leadloop)", "string", "text"),
  contactProperty("leadloop_disposition_date", "Disposition date (leadloop)", "datetime", "date"),
  contactProperty("leadloop_upsell", "Upsell signal (leadloop)", "enumeration", "booleancheckbox", {
    description: "A customer showing cross-sell interest (the qualification's customer rules).",
    options: [
      { label: "Yes", value: "true" },
      { label: "No", value: "false" },
    ],
  }),
  contactProperty("leadloop_near_qualified", "Near-qualified: missing (leadloop)", "string", "text", {
    description: "Set when the person is over the behaviour threshold and misses exactly one requirement.",
  }),
];

/**
 * The key of what a task leadloop writes is about (an activity, a handoff): HubSpot cannot upsert tasks,
 * so a task sent again after a crash is found by this key on its contact (keyed-activities.ts).
 */
export const TASK_KEY_PROPERTY = "leadloop_activity_key";

const TASK_KEY = {
  object: "tasks",
  definition: {
    name: TASK_KEY_PROPERTY,
    label: "Activity key (leadloop)",
    type: "string",
    fieldType: "text",
    groupName: "task",
    description: "What this task is about (an activity or a handoff), kept by leadloop. Do not edit.",
  },
} satisfies { object: string; definition: HubspotPropertyDefinition };

/**
 * `crmIsMarketing`: HubSpot is the CRM too, so leadloop writes tasks there and keys them. False when `stop`
 * came before every property was ensured: no call is made after it, and the next run ensures the rest.
 */
export async function ensureLeadloopProperties(
  hubspot: HubspotAdapter,
  mappings: readonly ObjectMapping[],
  crmIsMarketing = false,
  stop?: AbortSignal,
): Promise<boolean> {
  const wanted = new Map<string, { object: string; definition: HubspotPropertyDefinition }>();
  for (const m of mappings) {
    if (!m.marketingExternalId) continue;
    wanted.set(`${m.marketingObject}.${m.marketingExternalId}`, {
      object: m.marketingObject,
      definition: {
        name: m.marketingExternalId,
        label: "CRM record id (leadloop)",
        type: "string",
        fieldType: "text",
        groupName: GROUP_OF[m.marketingObject] ?? "contactinformation",
        description: "Id of the linked CRM record, kept by leadloop. Do not edit.",
        hasUniqueValue: true,
      },
    });
  }
  for (const p of FUNNEL_PROPERTIES) wanted.set(`${p.object}.${p.definition.name}`, p);
  if (crmIsMarketing) wanted.set(`tasks.${TASK_KEY_PROPERTY}`, TASK_KEY);
  // One batch create per object that lacks any (ensure-properties.ts), none when the lists hold them all.
  const byObject = new Map<string, HubspotPropertyDefinition[]>();
  for (const { object, definition } of wanted.values()) {
    const type = canonicalObject(object);
    byObject.set(type, [...(byObject.get(type) ?? []), definition]);
  }
  for (const [object, definitions] of byObject) {
    if (stop?.aborted) return false;
    await hubspot.ensureProperties(object, definitions);
  }
  return true;
}
