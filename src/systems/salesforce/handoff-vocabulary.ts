// What a handoff writes in Salesforce: Lead/Contact custom fields leadloop's README asks admins to
// create, Tasks keyed by Leadloop_Activity_Key__c (an External ID, so a task is never made twice), and
// owners found among active Users by email.
import type { HandoffVocabulary } from "../../sync/funnel/handoff-vocabulary.js";
import type { SystemPort } from "../../sync/system-port.js";
import { findSalesforceAccounts } from "./account-finder.js";

export function salesforceHandoffVocabulary(salesforce: SystemPort): HandoffVocabulary {
  return {
    personObjects: ["Lead", "Contact"],
    status: { object: "Lead", field: "Status" },
    ownerField: "OwnerId",
    ownerEmailField: "Owner.Email",
    fields: {
      score: "Leadloop_Score__c",
      fitScore: "Leadloop_Fit_Score__c",
      behaviourScore: "Leadloop_Behavior_Score__c",
      mqlDate: "Leadloop_MQL_Date__c",
      reasons: "Leadloop_Reasons__c",
      activitySummary: "Leadloop_Activity_Summary__c",
      dispositionReason: "Leadloop_Disposition_Reason__c",
      extra: {},
    },
    task: {
      object: "Task",
      upsertOn: "Leadloop_Activity_Key__c",
      associate: false,
      fields: (t) => ({
        Subject: t.subject.slice(0, 255),
        Description: t.body,
        WhoId: t.whoId,
        OwnerId: t.ownerId,
        ActivityDate: t.at.slice(0, 10),
        Status: t.completed ? "Completed" : "Not Started",
        Priority: t.completed ? "Normal" : "High",
        Leadloop_Activity_Key__c: t.key,
      }),
    },
    touches: {
      object: "Task",
      whoField: "WhoId",
      fields: ["WhoId", "Subject", "Status", "TaskSubtype", "Leadloop_Activity_Key__c"],
      ownKeyField: "Leadloop_Activity_Key__c",
    },
    async ownersByEmail(emails) {
      const users = await salesforce.findBy("User", "Email", emails, ["Email", "IsActive"]);
      const out = new Map<string, string>();
      for (const u of users) {
        if (u.fields.IsActive === "true" && u.fields.Email) out.set(u.fields.Email.toLowerCase(), u.id);
      }
      return out;
    },
    findAccounts: (people) => findSalesforceAccounts(salesforce, people),
  };
}
