// The names a CRM gives to what a handoff writes: where the owner, the score and the history go, what a
// task is, how a rep's lead status is read. Each CRM adapter folder supplies one; the handoff itself
// stays the same whichever CRM is on the other side.
import type { DueField } from "../../core/sla/index.js";
import type { SourceRecord } from "../../core/records.js";
import type { PersonAccount } from "../../core/routing/definition.js";
import type { SystemPort } from "../system-port.js";

export interface HandoffVocabulary {
  /** The CRM objects people live in, in order of preference for reading dispositions (Lead first). */
  personObjects: string[];
  /** The object and field whose value is the rep's lead status (Lead.Status, contacts.hs_lead_status). */
  status: { object: string; field: string };
  /** Field that holds a record's owner id. */
  ownerField: string;
  /** The owner's email as a readable (relationship) field, when the CRM gives one. */
  ownerEmailField: string | null;
  /** Fields written on the person's CRM record at handoff; a null name means this CRM has no such field. */
  fields: {
    score: string | null;
    fitScore: string | null;
    behaviourScore: string | null;
    mqlDate: string | null;
    reasons: string | null;
    activitySummary: string | null;
    dispositionReason: string | null;
    /** Values a CRM needs set at handoff besides the above (HubSpot CRM: lifecycle stage, lead status). */
    extra: Record<string, string>;
  };
  /**
   * Whether an admin makes the fields above (Salesforce custom fields, the README's setup) rather than
   * leadloop itself (HubSpot properties, made before the first write): an org may lack one, so a run asks the
   * status object's describe before it reads or writes the disposition reason (reason-field.ts).
   */
  fieldsMadeByAdmin: boolean;
  /** How a task for the rep is written. */
  task: {
    object: string;
    /** Builds the task's fields; `whoId` is the person's CRM record. */
    fields(input: TaskInput): Record<string, string | null>;
    /**
     * The field holding a task's key, so one activity never gets two tasks: a unique field to upsert on
     * (Salesforce), or a plain one the adapter finds on the task's associated record (HubSpot).
     */
    upsertOn: string | null;
    /** Associations to set on create (HubSpot), when the CRM links tasks that way. */
    associate: boolean;
    /** The field holding a task's owner, which a reroute moves to the lead's new rep. */
    ownerField: string;
    /**
     * The field the CRM stamps a task's creation in (HubSpot `hs_createdate`, Salesforce `CreatedDate`): when
     * a handoff's "New MQL" task reached the rep, which a lost store's rebuild reads as the handoff's time
     * where the record never got the handoff's write (restored-handoff-tasks.ts).
     */
    createdField: string;
    /** The field holding a task's subject (HubSpot `hs_task_subject`, Salesforce `Subject`). */
    subjectField: string;
    /**
     * The task's status field, the value `fields` gives an open task (`open`) and the value that completes
     * it (`done`): a follow-up task still at `open` is completed when the follow-up ends (follow-up-done.ts).
     */
    status: { field: string; open: string; done: string };
    /**
     * The fields that say when an open task is due, set to `at` (ISO date-time) as `fields` sets them for
     * an open task: what a reroute writes on a follow-up task it hands on, due by the new rep's clock.
     */
    due(at: string): Record<string, string>;
    /**
     * The fields of `due` that move with the due time, and their forms: an open task's write carries them
     * (`OutboxWrite.due`), so a drain in a later run writes them for the clock it starts then.
     */
    dueFields: readonly DueField[];
    /**
     * leadloop's tasks (those carrying a key in `upsertOn`) on these person records, with their owners and
     * due fields: the open ones, what a reroute hands on with the lead; with `closedToo` and `bodies`, every
     * one with its text, from which a queue's resume reads how each lead was routed (round-robin.ts). Reads go
     * through `crm`, the run's port, so a dry run sees the tasks it would have made. Throws SystemError.
     */
    keyed(
      people: readonly { object: string; id: string }[],
      crm: SystemPort,
      read?: { closedToo?: boolean; bodies?: boolean },
    ): Promise<KeyedTask[]>;
  };
  /** Where a rep's logged activity (calls, emails, meetings, completed tasks) is read as touches. */
  touches: {
    /** Activity objects, each read from its own change cursor. */
    sources: { object: string; fields: string[] }[];
    /**
     * The touches among a page of one source's changed records: the activities that count (a logged call,
     * a sent email, a completed task), about which person record, by which owner. Throws SystemError.
     */
    touchesIn(object: string, records: readonly SourceRecord[]): Promise<LoggedTouch[]>;
  } | null;
  /** How the CRM keeps deals: what is read of one, its outcome, and how its people and company belong to it. */
  deals: DealVocabulary;
  /**
   * The active manager of each of these owners (owner id → manager's owner id), where the CRM keeps one
   * (Salesforce User.ManagerId); empty where it does not (HubSpot owners have none). Throws SystemError.
   */
  managersOf(ownerIds: readonly string[]): Promise<Map<string, string>>;
  /**
   * Those of these owners who can still be given work: a CRM refuses a task or record given to an owner
   * who has left (Salesforce INACTIVE_OWNER_OR_USER for a deactivated User; HubSpot lists no archived
   * owner). Throws SystemError.
   */
  activeOwners(ownerIds: readonly string[]): Promise<Set<string>>;
  /** Finds the CRM owner ids of reps by email (lower-cased email → id); inactive users are left out. */
  ownersByEmail(emails: readonly string[]): Promise<Map<string, string>>;
  /**
   * The lower-cased email of each of these CRM owners (owner id → email); owners without one (a
   * Salesforce queue) are left out. Throws SystemError.
   */
  ownerEmails(ownerIds: readonly string[]): Promise<Map<string, string>>;
  /**
   * The CRM account each person belongs to, with its owner, keyed by person id; people with none are
   * left out. Tried in order: the record's own account (a Contact's Account), the account linked to the
   * person's company, then an account whose web domain is the company's or the email's. Reads go through
   * `crm`, the run's port, so a dry run sees the accounts it would have made. Throws SystemError.
   */
  findAccounts(people: readonly AccountQuery[], crm: SystemPort): Promise<Map<string, PersonAccount>>;
}

/** What is known about one person for finding their account. */
export interface AccountQuery {
  personId: string;
  /** The person's CRM record, when it has one. */
  crmType: string | null;
  crmId: string | null;
  /** The person's marketing company (HubSpot's associatedcompanyid). */
  companyId: string | null;
  /** The CRM account linked to that company, when the store has the link. */
  linkedAccountId: string | null;
  /** Normalised web domains: the company's, and the email's. */
  companyDomain: string | null;
  emailDomain: string | null;
}

/** One activity a rep logged on a person's CRM record. */
export interface LoggedTouch {
  object: string;
  /** The activity record's id. */
  id: string;
  /** The person's CRM record (Lead, Contact, HubSpot contact) it is about. */
  personCrmId: string;
  ownerId: string | null;
  /** When it happened. */
  at: string;
}

/** One of leadloop's tasks, as the CRM holds it now. */
export interface KeyedTask {
  id: string;
  /** The key leadloop gave it (TaskInput.key). */
  key: string;
  /** The person's CRM record it is about. */
  personCrmId: string;
  ownerId: string | null;
  /** What the task holds in the fields `due` writes. */
  due: Record<string, string | null>;
  open: boolean;
  /** What the task holds in the vocabulary's status field (`task.status.field`). */
  status: string | null;
  /** Its text as the CRM keeps it (HubSpot's rich text), when asked for. */
  body: string | null;
}

export interface TaskInput {
  subject: string;
  body: string;
  whoId: string;
  whoObject: string;
  ownerId: string | null;
  /** ISO date-time the task is due (alert) or happened (activity). */
  at: string;
  completed: boolean;
  /** Stable key of what the task is about (activity id, or the handoff), for idempotent upserts. */
  key: string;
}

export interface DealVocabulary {
  /** The deal object (Opportunity, deals). */
  object: string;
  fields: string[];
  /** won, lost, or null while the deal is open. */
  outcome(fields: Record<string, string | null>): "won" | "lost" | null;
  amountField: string;
  /** What the CRM calls a deal, as a closed deal's reason on the contact names it. */
  noun: string;
  /** The deal's name and close date, which a closed deal's reason and date on the contact give. */
  nameField: string;
  closeDateField: string;
  /** Why a lost deal was lost, where the CRM has a standard field for it (HubSpot's closed_lost_reason). */
  lossReasonField: string | null;
  /** The deal's lookup to its account, where the CRM keeps one as a field (Opportunity.AccountId). */
  accountField: string | null;
  /** The junction naming a deal's people (OpportunityContactRole); null: the CRM's associations. */
  contactRoles: { object: string; dealField: string; contactField: string } | null;
  /**
   * The CRM's campaign membership (CampaignMember: LeadId or ContactId, CampaignId) and the campaign it
   * names (Campaign: Name, Type, Status, StartDate, EndDate): a funnel event's campaign when HubSpot names
   * no campaign of its own for the person; null when the CRM keeps none.
   */
  campaignMembers: {
    object: string;
    personFields: string[];
    /**
     * The key prefix of the record ids each of `personFields` holds (a Lead's 00Q, a Contact's 003): a
     * look-up asks each field for the ids it can hold only.
     */
    personIdPrefixes: string[];
    /** The email of the record each of `personFields` names, through its relationship (Lead.Email, Contact.Email). */
    personEmails: string[];
    campaignField: string;
    campaign: { object: string; name: string; type: string; status: string; startDate: string; endDate: string };
    /** Where a person not linked yet is found by email (Lead, Contact), whose ids `personFields` name. */
    byEmail: { object: string; field: string }[];
  } | null;
}
