// What a handoff writes when HubSpot's own CRM objects are the CRM: the contact's owner, lifecycle
// stage and lead status, leadloop's score properties, and tasks associated with the contact. Owners
// are HubSpot owners found by email.
import type { HandoffVocabulary } from "../../sync/funnel/handoff-vocabulary.js";
import { findHubspotAccounts } from "./account-finder.js";
import type { HubspotAdapter } from "./adapter.js";

export function hubspotHandoffVocabulary(hubspot: HubspotAdapter): HandoffVocabulary {
  return {
    personObjects: ["contacts"],
    status: { object: "contacts", field: "hs_lead_status" },
    ownerField: "hubspot_owner_id",
    ownerEmailField: null,
    fields: {
      score: "leadloop_score",
      fitScore: "leadloop_fit_score",
      behaviourScore: "leadloop_behavior_score",
      mqlDate: "leadloop_mql_date",
      reasons: "leadloop_reasons",
      activitySummary: "leadloop_activity_summary",
      dispositionReason: "leadloop_disposition_reason",
      extra: { lifecyclestage: "marketingqualifiedlead", hs_lead_status: "NEW" },
    },
    task: {
      object: "tasks",
      upsertOn: null,
      associate: true,
      fields: (t) => ({
        hs_task_subject: t.subject,
        hs_task_body: t.body,
        hs_timestamp: t.at,
        hs_task_status: t.completed ? "COMPLETED" : "NOT_STARTED",
        hs_task_priority: t.completed ? "LOW" : "HIGH",
        hubspot_owner_id: t.ownerId,
      }),
    },
    touches: null,
    async ownersByEmail(emails) {
      const wanted = new Set(emails.map((e) => e.toLowerCase()));
      const out = new Map<string, string>();
      for (const owner of await hubspot.listOwners()) {
        const email = owner.email.toLowerCase();
        if (wanted.has(email)) out.set(email, owner.id);
      }
      return out;
    },
    findAccounts: (people) => findHubspotAccounts(hubspot, people),
  };
}
