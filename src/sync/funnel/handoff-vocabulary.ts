// The names a CRM gives to what a handoff writes: where the owner, the score and the history go, what a
// task is, how a rep's lead status is read. Each CRM adapter folder supplies one; the handoff itself
// stays the same whichever CRM is on the other side.
import type { PersonAccount } from "../../core/routing/definition.js";

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
  /** How a task for the rep is written. */
  task: {
    object: string;
    /** Builds the task's fields; `whoId` is the person's CRM record. */
    fields(input: TaskInput): Record<string, string | null>;
    /** A unique field tasks can be upserted on, so one activity never gets two tasks. */
    upsertOn: string | null;
    /** Associations to set on create (HubSpot), when the CRM links tasks that way. */
    associate: boolean;
  };
  /** Objects and fields to read to count a rep's touches (logged calls, emails) on a person. */
  touches: {
    object: string;
    whoField: string;
    fields: string[];
    /** Field set on the tasks leadloop writes itself, which are not a rep's touches. */
    ownKeyField: string | null;
  } | null;
  /** Finds the CRM owner ids of reps by email (lower-cased email → id); inactive users are left out. */
  ownersByEmail(emails: readonly string[]): Promise<Map<string, string>>;
  /**
   * The CRM account each person belongs to, with its owner, keyed by person id; people with none are
   * left out. Tried in order: the record's own account (a Contact's Account), the account linked to the
   * person's company, then an account whose web domain is the company's or the email's. Throws SystemError.
   */
  findAccounts(people: readonly AccountQuery[]): Promise<Map<string, PersonAccount>>;
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
