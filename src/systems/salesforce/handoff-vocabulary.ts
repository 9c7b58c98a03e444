// What a handoff writes in Salesforce: Lead/Contact custom fields leadloop's README asks admins to
// create, Tasks keyed by Leadloop_Activity_Key__c (an External ID, so a task is never made twice), and
// owners found among active Users by email.
import { type DueField, dueFieldValues } from "../../core/sla/index.js";
import { textWithin } from "../../core/text/within.js";
import type { HandoffVocabulary } from "../../sync/funnel/handoff-vocabulary.js";
import type { SystemPort } from "../../sync/system-port.js";
import { findSalesforceAccounts } from "./account-finder.js";

/** Where a rep's lead status is kept in Salesforce (read by the dispositions, opened again by a handoff and requalify). */
export const SALESFORCE_LEAD_STATUS = { object: "Lead", field: "Status" } as const;
/** The reason a rep types beside a verdict (README's Salesforce setup: Text(255) on Lead and Contact). */
export const SALESFORCE_DISPOSITION_REASON = "Leadloop_Disposition_Reason__c";

const TASK_DUE_FIELDS = ["ActivityDate", "ReminderDateTime", "IsReminderSet"] as const;
/** Task.Status values of the org's default picklist (Task object reference, below). */
/**
 * Task.Subject holds 255 characters and Task.Description 32,000 (Task object reference), counted in UTF-16
 * units: leadloop's subjects and bodies carry people's words (a page's title, a rule's description).
 */
const TASK_SUBJECT_MAX = 255;
const TASK_DESCRIPTION_MAX = 32_000;

const TASK_STATUS = { field: "Status", open: "Not Started", done: "Completed" } as const;
/** The due fields that move with the due time (IsReminderSet stays set). */
const TASK_DUE_MOVES: readonly DueField[] = [
  { field: "ActivityDate", form: "day" },
  { field: "ReminderDateTime", form: "instant" },
];

/**
 * When an open Task is due: Task.ActivityDate is a date only, so the hour goes in its reminder
 * (ReminderDateTime, with IsReminderSet) (Task object reference:
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_task.htm).
 */
function taskDue(at: string): Record<(typeof TASK_DUE_FIELDS)[number], string> {
  const { ActivityDate, ReminderDateTime } = dueFieldValues(TASK_DUE_MOVES, at);
  return { ActivityDate: ActivityDate!, ReminderDateTime: ReminderDateTime!, IsReminderSet: "true" };
}

export function salesforceHandoffVocabulary(salesforce: SystemPort): HandoffVocabulary {
  return {
    personObjects: ["Lead", "Contact"],
    status: SALESFORCE_LEAD_STATUS,
    ownerField: "OwnerId",
    ownerEmailField: "Owner.Email",
    fields: {
      score: "Leadloop_Score__c",
      fitScore: "Leadloop_Fit_Score__c",
      behaviourScore: "Leadloop_Behavior_Score__c",
      mqlDate: "Leadloop_MQL_Date__c",
      reasons: "Leadloop_Reasons__c",
      activitySummary: "Leadloop_Activity_Summary__c",
      dispositionReason: SALESFORCE_DISPOSITION_REASON,
      extra: {},
    },
    // Custom fields: an org that upgraded leadloop may not have made the ones a later version added.
    fieldsMadeByAdmin: true,
    task: {
      object: "Task",
      upsertOn: "Leadloop_Activity_Key__c",
      associate: false,
      fields: (t) => ({
        Subject: textWithin(t.subject, TASK_SUBJECT_MAX),
        Description: textWithin(t.body, TASK_DESCRIPTION_MAX),
        WhoId: t.whoId,
        // No owner named (the lead's owner left, task-owner.ts): left out, so a new task is the
        // integration user's and a rewritten one keeps its owner; Salesforce refuses OwnerId null on an
        // update (REQUIRED_FIELD_MISSING).
        ...(t.ownerId !== null ? { OwnerId: t.ownerId } : {}),
        ...(t.completed
          ? { ActivityDate: t.at.slice(0, 10), ReminderDateTime: null, IsReminderSet: "false" }
          : taskDue(t.at)),
        Status: t.completed ? TASK_STATUS.done : TASK_STATUS.open,
        Priority: t.completed ? "Normal" : "High",
        Leadloop_Activity_Key__c: t.key,
      }),
      ownerField: "OwnerId",
      createdField: "CreatedDate",
      subjectField: "Subject",
      status: TASK_STATUS,
      due: taskDue,
      dueFields: TASK_DUE_MOVES,
      // IsClosed is what Salesforce derives from the status (a Completed task, or any status an admin
      // marked closed), so a custom closed status counts as done too.
      keyed: async (people, crm, read = {}) =>
        (
          await crm.findBy(
            "Task",
            "WhoId",
            people.map((p) => p.id),
            ["WhoId", "OwnerId", "IsClosed", TASK_STATUS.field, "Leadloop_Activity_Key__c", ...TASK_DUE_FIELDS, ...(read.bodies ? ["Description"] : [])],
          )
        ).flatMap((t) =>
          (read.closedToo || t.fields.IsClosed !== "true") && t.fields.Leadloop_Activity_Key__c && t.fields.WhoId
            ? [
                {
                  id: t.id,
                  key: t.fields.Leadloop_Activity_Key__c,
                  personCrmId: t.fields.WhoId,
                  ownerId: t.fields.OwnerId ?? null,
                  due: Object.fromEntries(TASK_DUE_FIELDS.map((f) => [f, t.fields[f] ?? null])),
                  open: t.fields.IsClosed !== "true",
                  status: t.fields[TASK_STATUS.field] ?? null,
                  body: t.fields.Description ?? null,
                },
              ]
            : [],
        ),
    },
    touches: {
      sources: [
        {
          object: "Task",
          fields: ["WhoId", "OwnerId", "Status", "TaskSubtype", "Leadloop_Activity_Key__c", "CreatedDate", "CompletedDateTime"],
        },
      ],
      // A logged call or email (TaskSubtype Call/Email) or any task the rep completed; leadloop's own
      // tasks carry its activity key and never count. It happened when the task was completed, or for a call
      // or email still open when it was logged: not at its last change, which a later edit, or the
      // conversion that moves a Lead's tasks to its Contact, dates after the follow-up.
      touchesIn: async (object, records) =>
        records
          .filter(
            (t) =>
              !t.fields.Leadloop_Activity_Key__c &&
              !!t.fields.WhoId &&
              (t.fields.TaskSubtype === "Call" || t.fields.TaskSubtype === "Email" || t.fields.Status === "Completed"),
          )
          .map((t) => ({
            object,
            id: t.id,
            personCrmId: t.fields.WhoId!,
            ownerId: t.fields.OwnerId ?? null,
            at: t.fields.CompletedDateTime ?? t.fields.CreatedDate ?? t.modifiedAt,
          })),
    },
    async managersOf(ownerIds) {
      const users = await salesforce.readByIds("User", ownerIds, ["ManagerId"]);
      const managerOf = new Map(users.filter((u) => u.fields.ManagerId).map((u) => [u.id, u.fields.ManagerId!]));
      if (managerOf.size === 0) return managerOf;
      const active = new Set(
        (await salesforce.readByIds("User", [...new Set(managerOf.values())], ["IsActive"]))
          .filter((m) => m.fields.IsActive === "true")
          .map((m) => m.id),
      );
      return new Map([...managerOf].filter(([, manager]) => active.has(manager)));
    },
    deals: {
      object: "Opportunity",
      fields: ["Name", "StageName", "Amount", "CloseDate", "IsClosed", "IsWon", "AccountId"],
      outcome: (f) => (f.IsClosed !== "true" ? null : f.IsWon === "true" ? "won" : "lost"),
      amountField: "Amount",
      noun: "Opportunity",
      nameField: "Name",
      closeDateField: "CloseDate",
      // The Opportunity has no standard loss reason field (orgs add their own): the reason names the deal only.
      lossReasonField: null,
      accountField: "AccountId",
      contactRoles: { object: "OpportunityContactRole", dealField: "OpportunityId", contactField: "ContactId" },
      campaignMembers: {
        object: "CampaignMember",
        personFields: ["LeadId", "ContactId"],
        // An id's first three characters name its object: https://help.salesforce.com/s/articleView?id=000385203
        personIdPrefixes: ["00Q", "003"],
        personEmails: ["Lead.Email", "Contact.Email"],
        campaignField: "CampaignId",
        campaign: { object: "Campaign", name: "Name", type: "Type", status: "Status", startDate: "StartDate", endDate: "EndDate" },
        byEmail: [
          { object: "Lead", field: "Email" },
          { object: "Contact", field: "Email" },
        ],
      },
    },
    async activeOwners(ownerIds) {
      // A queue (00G) owns Leads but is no User: it stays an owner whatever its members do.
      const users = ownerIds.filter((id) => id.startsWith("005"));
      const active = (await salesforce.readByIds("User", users, ["IsActive"])).filter((u) => u.fields.IsActive === "true");
      return new Set([...ownerIds.filter((id) => !id.startsWith("005")), ...active.map((u) => u.id)]);
    },
    async ownersByEmail(emails) {
      const users = await salesforce.findBy("User", "Email", emails, ["Email", "IsActive"]);
      const out = new Map<string, string>();
      for (const u of users) {
        if (u.fields.IsActive === "true" && u.fields.Email) out.set(u.fields.Email.toLowerCase(), u.id);
      }
      return out;
    },
    async ownerEmails(ownerIds) {
      const users = await salesforce.findBy("User", "Id", ownerIds, ["Email"]);
      return new Map(users.filter((u) => u.fields.Email).map((u) => [u.id, u.fields.Email!.toLowerCase()]));
    },
    findAccounts: (people, crm) => findSalesforceAccounts(crm, people),
  };
}
