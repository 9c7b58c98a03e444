// What a handoff writes when HubSpot's own CRM objects are the CRM: the contact's owner, lifecycle
// stage and lead status, leadloop's score properties, and tasks associated with the contact. Owners
// are HubSpot owners found by email.
import { type DueField, dueFieldValues } from "../../core/sla/index.js";
import type { FieldValues } from "../../core/records.js";
import { plainTextToHtmlWithin } from "../../core/text/rich-text.js";
import { textWithin } from "../../core/text/within.js";
import type { HandoffVocabulary } from "../../sync/funnel/handoff-vocabulary.js";
import { findHubspotAccounts } from "./account-finder.js";
import type { HubspotAdapter } from "./adapter.js";
import { TASK_KEY_PROPERTY } from "./leadloop-properties.js";
import { TEXT_MAX_LENGTH } from "./describe.js";

/**
 * The engagements a rep logs on a contact, and which of them are touches: a call that was made (not
 * canceled, failed or still queued), an email the rep sent, a meeting not canceled, a completed task
 * that is not leadloop's
 * (engagement references: https://developers.hubspot.com/docs/api/crm/calls, /emails, /meetings, /tasks).
 */
const TOUCH_SOURCES: { object: string; fields: string[]; counts(f: FieldValues): boolean }[] = [
  {
    object: "calls",
    fields: ["hs_timestamp", "hubspot_owner_id", "hs_call_status"],
    counts: (f) => !["CANCELED", "FAILED", "QUEUED"].includes(f.hs_call_status ?? ""),
  },
  {
    object: "emails",
    fields: ["hs_timestamp", "hubspot_owner_id", "hs_email_direction", "hs_email_status"],
    counts: (f) =>
      f.hs_email_direction !== "INCOMING_EMAIL" && !["BOUNCED", "FAILED", "SCHEDULED"].includes(f.hs_email_status ?? ""),
  },
  {
    object: "meetings",
    fields: ["hs_timestamp", "hubspot_owner_id", "hs_meeting_outcome"],
    counts: (f) => f.hs_meeting_outcome !== "CANCELED",
  },
  {
    object: "tasks",
    fields: ["hs_timestamp", "hubspot_owner_id", "hs_task_status", TASK_KEY_PROPERTY],
    // leadloop's own tasks carry its key and never count.
    counts: (f) => f.hs_task_status === "COMPLETED" && !f[TASK_KEY_PROPERTY],
  },
];

/** A task's due date is its hs_timestamp (https://developers.hubspot.com/docs/api/crm/tasks). */
const TASK_DUE: readonly DueField[] = [{ field: "hs_timestamp", form: "instant" }];
/** hs_task_status values (https://developers.hubspot.com/docs/api/crm/tasks). */
const TASK_STATUS = { field: "hs_task_status", open: "NOT_STARTED", done: "COMPLETED" } as const;

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
    // leadloop makes its own properties before its first write (leadloop-properties.ts).
    fieldsMadeByAdmin: false,
    task: {
      object: "tasks",
      // Not a unique property (HubSpot has none on tasks): the adapter finds the task on its contact by it.
      upsertOn: TASK_KEY_PROPERTY,
      associate: true,
      fields: (t) => ({
        hs_task_subject: textWithin(t.subject, TEXT_MAX_LENGTH),
        // The task's notes are rich text in HubSpot: plain line breaks would run the body into one line.
        hs_task_body: plainTextToHtmlWithin(t.body, TEXT_MAX_LENGTH),
        hs_timestamp: t.at,
        hs_task_status: t.completed ? TASK_STATUS.done : TASK_STATUS.open,
        hs_task_priority: t.completed ? "LOW" : "HIGH",
        hubspot_owner_id: t.ownerId,
        [TASK_KEY_PROPERTY]: t.key,
      }),
      ownerField: "hubspot_owner_id",
      createdField: "hs_createdate",
      subjectField: "hs_task_subject",
      status: TASK_STATUS,
      due: (at) => dueFieldValues(TASK_DUE, at),
      dueFields: TASK_DUE,
      // Tasks hang off their contact by association: the contacts' tasks, then those tasks' status, owner
      // and key in batch reads (search's index would trail a task written seconds ago).
      async keyed(people, crm, read = {}) {
        if (people.length === 0 || !crm.readAssociations) return [];
        const tasksOf = await crm.readAssociations(
          "contacts",
          people.map((p) => p.id),
          "tasks",
        );
        const personOf = new Map<string, string>();
        for (const [contact, tasks] of tasksOf) for (const task of tasks) personOf.set(task, contact);
        if (personOf.size === 0) return [];
        const tasks = await crm.readByIds("tasks", [...personOf.keys()], [
          "hs_task_status",
          "hubspot_owner_id",
          "hs_timestamp",
          TASK_KEY_PROPERTY,
          ...(read.bodies ? ["hs_task_body"] : []),
        ]);
        return tasks.flatMap((t) => {
          const key = t.fields[TASK_KEY_PROPERTY];
          const open = t.fields.hs_task_status !== TASK_STATUS.done;
          return (read.closedToo || open) && key
            ? [
                {
                  id: t.id,
                  key,
                  personCrmId: personOf.get(t.id)!,
                  ownerId: t.fields.hubspot_owner_id ?? null,
                  due: { hs_timestamp: t.fields.hs_timestamp ?? null },
                  open,
                  status: t.fields.hs_task_status ?? null,
                  body: t.fields.hs_task_body ?? null,
                },
              ]
            : [];
        });
      },
    },
    touches: {
      sources: TOUCH_SOURCES.map(({ object, fields }) => ({ object, fields })),
      async touchesIn(object, records) {
        const source = TOUCH_SOURCES.find((s) => s.object === object);
        const counted = records.filter((r) => source?.counts(r.fields) ?? false);
        if (counted.length === 0) return [];
        const contacts = await hubspot.readAssociations(
          object,
          counted.map((r) => r.id),
          "contacts",
        );
        return counted.flatMap((r) =>
          (contacts.get(r.id) ?? []).map((personCrmId) => ({
            object,
            id: r.id,
            personCrmId,
            ownerId: r.fields.hubspot_owner_id ?? null,
            // When it happened; a task counts when it was completed (its last change).
            at: object === "tasks" ? r.modifiedAt : (r.fields.hs_timestamp ?? r.modifiedAt),
          })),
        );
      },
    },
    // HubSpot owners carry teams, not managers (Owners API): managers come from sla.yaml alone.
    managersOf: async () => new Map(),
    // The default pipeline's closed stages (deal-opportunity.yaml maps them to Closed Won / Closed Lost).
    deals: {
      object: "deals",
      fields: ["dealname", "dealstage", "amount", "closedate", "pipeline", "closed_lost_reason"],
      outcome: (f) => (f.dealstage === "closedwon" ? "won" : f.dealstage === "closedlost" ? "lost" : null),
      amountField: "amount",
      noun: "Deal",
      nameField: "dealname",
      closeDateField: "closedate",
      // A default deal property ("Closed Lost Reason"), which a rep fills when closing a deal lost.
      lossReasonField: "closed_lost_reason",
      accountField: null,
      contactRoles: null,
      campaignMembers: null,
    },
    async activeOwners(ownerIds) {
      const listed = new Set((await hubspot.listOwners()).map((o) => o.id));
      return new Set(ownerIds.filter((id) => listed.has(id)));
    },
    async ownersByEmail(emails) {
      const wanted = new Set(emails.map((e) => e.toLowerCase()));
      const out = new Map<string, string>();
      for (const owner of await hubspot.listOwners()) {
        const email = owner.email.toLowerCase();
        if (wanted.has(email)) out.set(email, owner.id);
      }
      return out;
    },
    // Active owners only: HubSpot lets no one assign a record to a deactivated user.
    async ownerEmails(ownerIds) {
      const wanted = new Set(ownerIds);
      const owners = await hubspot.listOwners();
      return new Map(owners.filter((o) => wanted.has(o.id) && o.email).map((o) => [o.id, o.email.toLowerCase()]));
    },
    findAccounts: (people) => findHubspotAccounts(hubspot, people),
  };
}
