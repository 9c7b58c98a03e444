// What the people around the funnel do and see in the story: a rep working a lead in the CRM (Salesforce
// or HubSpot's own CRM), what the rep sees on the person's CRM record and its tasks, and what the
// marketer sees on the HubSpot contact.
import type { StoryWorld } from "./story-world.js";

export interface StoryPerson {
  id: string;
  email: string;
}

/** The dispositions of the shipped qualification definition, as each CRM's lead status spells them. */
const STATUS = {
  salesforce: {
    working: "Working - Contacted",
    recycle: "Closed - Not Converted",
    trash: "Closed - Unqualified",
    unreachable: "Closed - Unreachable",
  },
  hubspot: { working: "IN_PROGRESS", recycle: "BAD_TIMING", trash: "UNQUALIFIED", unreachable: "ATTEMPTED_TO_CONTACT" },
} as const;
export type StatusKind = keyof (typeof STATUS)["salesforce"];

export interface Rep {
  setStatus(person: StoryPerson, kind: StatusKind): void;
  logCall(person: StoryPerson, note: string): void;
  /** Qualifies the person with an opportunity (Salesforce: converts the Lead; HubSpot: opens a deal). */
  convert(person: StoryPerson, opportunityName: string): void;
  closeOpportunity(person: StoryPerson, outcome: "won" | "lost", amount?: number): void;
  /** A rep creates their own lead for someone marketing already knows; its id (Salesforce only). */
  ownLead(person: StoryPerson): string | null;
}

export interface CrmRecordView {
  exists: boolean;
  id: string | null;
  ownerId: string | null;
  score: number | null;
  reasons: string;
  activitySummary: string;
  tasks: { subject: string; dueAt: string | null; ownerId: string | null; completed: boolean }[];
}

export function marketingView(world: StoryWorld, contactId: string): Record<string, string | null | undefined> {
  return world.hubspot.data.getObject("contacts", contactId)?.properties ?? {};
}

export function crmView(world: StoryWorld, person: StoryPerson): CrmRecordView {
  if (world.crm === "hubspot") {
    const p = marketingView(world, person.id);
    const tasks = world.hubspot.data
      .associationsOf("contacts", person.id, "tasks")
      .map((a) => world.hubspot.data.getObject("tasks", a.toId)?.properties ?? {})
      .map((t) => ({
        subject: t.hs_task_subject ?? "",
        dueAt: t.hs_timestamp ?? null,
        ownerId: t.hubspot_owner_id ?? null,
        completed: t.hs_task_status === "COMPLETED",
      }));
    return {
      exists: true,
      id: person.id,
      ownerId: p.hubspot_owner_id ?? null,
      score: p.leadloop_score ? Number(p.leadloop_score) : null,
      reasons: p.leadloop_reasons ?? "",
      activitySummary: p.leadloop_activity_summary ?? "",
      tasks,
    };
  }
  const record = salesforceRecordOf(world, person);
  if (!record) return { exists: false, id: null, ownerId: null, score: null, reasons: "", activitySummary: "", tasks: [] };
  const whoIds = new Set([String(record.Id), ...(record.ConvertedContactId ? [String(record.ConvertedContactId)] : [])]);
  const tasks = world.salesforce.data
    .list("Task")
    .filter((t) => whoIds.has(String(t.WhoId)))
    .map((t) => ({
      subject: String(t.Subject ?? ""),
      dueAt: t.IsReminderSet && t.ReminderDateTime ? String(t.ReminderDateTime) : t.ActivityDate ? String(t.ActivityDate) : null,
      ownerId: t.OwnerId ? String(t.OwnerId) : null,
      completed: t.Status === "Completed",
    }));
  return {
    exists: true,
    id: String(record.Id),
    ownerId: record.OwnerId ? String(record.OwnerId) : null,
    score: record.Leadloop_Score__c === null || record.Leadloop_Score__c === undefined ? null : Number(record.Leadloop_Score__c),
    reasons: String(record.Leadloop_Reasons__c ?? ""),
    activitySummary: String(record.Leadloop_Activity_Summary__c ?? ""),
    tasks,
  };
}

/** The person's Lead (by the HubSpot id leadloop stamped, or the email), or the Contact it converted to. */
function salesforceRecordOf(world: StoryWorld, person: StoryPerson) {
  const sf = world.salesforce.data;
  const byPerson = (r: Record<string, unknown>) =>
    r.HubSpot_Contact_Id__c === person.id || String(r.Email ?? "").toLowerCase() === person.email;
  const lead = sf.list("Lead").find(byPerson);
  if (lead?.IsConverted === true) return sf.get("Contact", String(lead.ConvertedContactId)) ?? lead;
  return lead ?? sf.list("Contact").find(byPerson);
}

export function repFor(world: StoryWorld): Rep {
  return world.crm === "salesforce" ? salesforceRep(world) : hubspotRep(world);
}

function salesforceRep(world: StoryWorld): Rep {
  const sf = world.salesforce.data;
  const leadOf = (person: StoryPerson) => {
    const lead = sf.list("Lead").find((l) => l.HubSpot_Contact_Id__c === person.id);
    if (!lead) throw new Error(`no Lead for ${person.email}`);
    return lead;
  };
  const opportunities = new Map<string, string>();
  return {
    setStatus(person, kind) {
      sf.update("Lead", String(leadOf(person).Id), { Status: STATUS.salesforce[kind] });
    },
    logCall(person, note) {
      const lead = leadOf(person);
      sf.insert("Task", {
        Subject: "Call",
        Status: "Completed",
        TaskSubtype: "Call",
        WhoId: lead.Id,
        OwnerId: lead.OwnerId,
        ActivityDate: world.now().toISOString().slice(0, 10),
        Description: note,
      });
    },
    convert(person, opportunityName) {
      const result = sf.convertLead(String(leadOf(person).Id), { opportunityName, mapCustomFields: false });
      opportunities.set(person.id, result.opportunityId!);
    },
    closeOpportunity(person, outcome, amount) {
      const id = opportunities.get(person.id)!;
      sf.update("Opportunity", id, {
        StageName: outcome === "won" ? "Closed Won" : "Closed Lost",
        ...(amount === undefined ? {} : { Amount: amount }),
      });
    },
    ownLead(person) {
      // Typed by the rep, in capitals.
      return sf.insert("Lead", {
        FirstName: "Hiro",
        LastName: "Tanaka",
        Company: "Brightwave Analytics",
        Email: person.email.toUpperCase(),
        OwnerId: world.ids.fallback.salesforce,
      });
    },
  };
}

function hubspotRep(world: StoryWorld): Rep {
  const hs = world.hubspot.data;
  const deals = new Map<string, string>();
  return {
    setStatus(person, kind) {
      hs.updateObject("contacts", person.id, { hs_lead_status: STATUS.hubspot[kind] });
    },
    logCall(person, note) {
      const owner = hs.getObject("contacts", person.id)?.properties.hubspot_owner_id ?? null;
      // A task the owner completed on the contact (here: a call) is a touch.
      const task = hs.createObject("tasks", {
        hs_task_subject: "Call",
        hs_task_body: note,
        hs_task_type: "CALL",
        hs_task_status: "COMPLETED",
        hs_timestamp: world.now().toISOString(),
        hubspot_owner_id: owner,
      });
      hs.associate("tasks", task.id, "contacts", person.id);
    },
    convert(person, opportunityName) {
      hs.updateObject("contacts", person.id, { hs_lead_status: "OPEN_DEAL" });
      const deal = hs.createObject("deals", {
        dealname: opportunityName,
        dealstage: "appointmentscheduled",
        pipeline: "default",
      });
      hs.associate("deals", deal.id, "contacts", person.id);
      const company = hs.associationsOf("contacts", person.id, "companies")[0];
      if (company) hs.associate("deals", deal.id, "companies", company.toId);
      deals.set(person.id, deal.id);
    },
    closeOpportunity(person, outcome, amount) {
      hs.updateObject("deals", deals.get(person.id)!, {
        dealstage: outcome === "won" ? "closedwon" : "closedlost",
        ...(amount === undefined ? {} : { amount: String(amount) }),
      });
    },
    ownLead() {
      return null;
    },
  };
}
