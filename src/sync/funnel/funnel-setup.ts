// What the funnel phases of a run need besides the run context: the shared qualification definition,
// routing and SLA, the CRM's handoff vocabulary, where activities come from, and the inclusion rule.

import type { PortalForm } from "../../core/behaviour/conversion-properties.js";
import type { FieldValues, SourceRecord } from "../../core/records.js";
import type { RoutingDefinition } from "../../core/routing/definition.js";
import type { CompiledDefinition } from "../../core/scoring/compile.js";
import type { ScoredActivity } from "../../core/scoring/definition.js";
import type { PersonScore } from "../../core/scoring/score.js";
import type { SlaDefinition } from "../../core/sla/definition.js";
import type { StoredCampaign } from "../../store/port.js";
import type { HandoffVocabulary } from "./handoff-vocabulary.js";

/** The qualification phase's cursor over changed contacts (absent before a portal's first load). */
export const QUALIFICATION_CURSOR = "contacts#qualification";

export const INCLUSION_RULES = ["mql", "all"] as const;
export type InclusionRule = (typeof INCLUSION_RULES)[number];

/**
 * Where a person's behaviour comes from: HubSpot's events API per contact (Enterprise), or the bulk
 * forms and marketing email sources every tier has (activities by email address); see behaviour-reader.ts.
 */
export interface ActivitySource {
  readActivities(
    contactIds: string[],
    since: string | null,
  ): Promise<(ScoredActivity & { contactId: string })[]>;
  /** Every contact's events after `since`, a page at a time (the events API without `objectId`). */
  readContactEvents(
    since: string,
    onPage: (activities: (ScoredActivity & { contactId: string })[]) => Promise<void>,
  ): Promise<void>;
  /**
   * One call: `events` when the portal answers the events API for every contact at once,
   * `events-per-contact` when it answers it only for a named contact (400 VALIDATION_ERROR without
   * `objectId`), `bulk` when it refuses it (below Enterprise).
   */
  probeEventsApi(): Promise<PortalBehaviour>;
  /** The portal's forms (ids and names). */
  listForms(): Promise<PortalForm[]>;
  /** Form submissions after `since` up to `until`, by email, a page at a time. */
  readFormSubmissions(since: string | null, until: string, onPage: BulkPage): Promise<void>;
  /** Marketing email opens and clicks after `since` up to `until`, by recipient, a page at a time. */
  readEmailEvents(since: string | null, until: string, onPage: BulkPage): Promise<void>;
}

/** Takes one page of a bulk behaviour read (activities owned by the email address they name). */
export type BulkPage = (activities: (ScoredActivity & { email: string })[]) => Promise<void>;

/** A campaign as HubSpot's campaigns API or a Salesforce Campaign gives it: what the store keeps, before it is kept. */
export type SystemCampaign = Omit<StoredCampaign, "origin" | "readAt">;

/** HubSpot's marketing campaigns, which contacts name by id (campaign-catalog.ts). */
export interface CampaignSource {
  /** Every campaign of the portal. Throws SystemError, code MISSING_SCOPES when the portal or token has none. */
  readCampaigns(): Promise<SystemCampaign[]>;
}

/**
 * Which behaviour the portal offers (ActivitySource `probeEventsApi`), as the store keeps it: the events API
 * for every contact at once (`events`, Enterprise), the events API only one contact at a time
 * (`events-per-contact`: the portal refuses a read that names no record), or only properties and bulk
 * sources (`bulk`, below Enterprise).
 */
export type PortalBehaviour = "events" | "events-per-contact" | "bulk";
export const PORTAL_BEHAVIOURS: readonly PortalBehaviour[] = ["events", "events-per-contact", "bulk"];

/** `auto` probes the portal (cached in the store for a day); `events` or `properties` name the source. */
export type BehaviourSourceSetting = "auto" | "events" | "properties";

export interface FunnelSetup {
  qualification: CompiledDefinition;
  routing: RoutingDefinition;
  sla: SlaDefinition;
  vocabulary: HandoffVocabulary;
  /** Marketing owners (HubSpot) by lower-cased email, to set the contact's owner to the same rep. */
  marketingOwnersByEmail(emails: readonly string[]): Promise<Map<string, string>>;
  activities: ActivitySource;
  campaigns: CampaignSource;
  /** The `hubspot.behaviourSource` setting. */
  behaviourSource: BehaviourSourceSetting;
  /** Which marketing contacts the CRM receives: only MQLs and people already linked, or everyone. */
  inclusion: InclusionRule;
  /** HubSpot is its own CRM: the person's CRM record is the marketing contact itself. */
  crmIsMarketing: boolean;
  /** How far back behaviour is read for scoring (older activity has decayed to nothing). */
  activityWindowDays: number;
  /**
   * The most CRM campaign members a run reads whole instead of looking them up per group
   * (campaign-membership.ts; CAMPAIGN_MEMBERS_READ_AT_ONCE when absent).
   */
  campaignMembersReadAtOnce?: number;
}

/** What one run learned about people, shared between its phases so nothing is read twice. */
export interface FunnelRunState {
  /**
   * People scored this run, their records and activities, for the phases after: everyone the handoff or
   * history fill scored, but of the qualification's MQLs at most QUALIFIED_KEPT (qualify-phase.ts; the handoff reads and
   * scores its candidates again; a first load of a million contacts must not hold its MQLs).
   */
  scores: Map<string, PersonScore>;
  people: Map<string, FieldValues>;
  activities: Map<string, ScoredActivity[]>;
  /**
   * Contacts the qualification's change stream read this run, as read (at most PEOPLE_HELD,
   * qualify-phase.ts): a later phase that scores one of them again (the handoff, the history fill) takes
   * it from here, with the field sync's pending writes over it, instead of reading it again.
   */
  read: Map<string, SourceRecord>;
  /** Ids of the people whose latest score this run qualified (the inclusion rule asks; ids only). */
  qualified: Set<string>;
  /** The behaviour source this run uses and the bulk sources it has read (each once per run). */
  behaviour: BehaviourRunState;
  /**
   * Companies the qualification read this run, by id (at most QUALIFY_COMPANIES_KEPT): a company many
   * contacts share is read once per run, not once per group of contacts.
   */
  companies: Map<string, FieldValues>;
  /** What the inclusion rule looked up once this run (inclusion.ts `newlyIncludedRecords`). */
  inclusion: InclusionRunState;
}

export interface InclusionRunState {
  /**
   * When the last run that succeeded started (null: none did); undefined until first looked up. Asked only
   * for an object whose inclusion cursor is not saved yet (a store of before it: inclusion.ts).
   */
  since?: string | null;
  /** Per associated object (companies, deals): each person whose associations this run read, and them. */
  associated: Map<string, Map<string, string[]>>;
}

export interface BehaviourRunState {
  source: "events" | "bulk" | null;
  formsRead: boolean;
  /** The portal's forms, listed once a run when a contact's properties tell a submission (null: not yet). */
  forms: PortalForm[] | null;
  emailRead: boolean;
  /** Whether this run began with no qualification cursor (a first load): events are read in bulk at once. */
  firstLoad: boolean | null;
  /** Contacts whose events this run read one by one (the bulk read takes over past a threshold). */
  eventsReadOneByOne: number;
  /** Whether this run has dropped the cache's decayed activities (once per run). */
  pruned: boolean;
  /** When this run's bulk read of every contact's events began (null: not read in bulk this run). */
  eventsBulkAt: string | null;
  /** The portal refuses the events API's read of every contact (behaviour-reader.ts): events are read per contact. */
  eventsBulkRefused: boolean;
}

export function newFunnelRunState(): FunnelRunState {
  return {
    scores: new Map(),
    people: new Map(),
    activities: new Map(),
    read: new Map(),
    qualified: new Set(),
    companies: new Map(),
    behaviour: {
      source: null,
      formsRead: false,
      forms: null,
      emailRead: false,
      firstLoad: null,
      eventsReadOneByOne: 0,
      pruned: false,
      eventsBulkAt: null,
      eventsBulkRefused: false,
    },
    inclusion: { associated: new Map() },
  };
}

/**
 * The contact properties the funnel itself reads (routing, handoff, lifecycle, leadloop's own); the
 * qualification definition adds the ones its rules name (personFields).
 */
export const PERSON_FIELDS = [
  "email",
  "firstname",
  "lastname",
  "jobtitle",
  "company",
  "phone",
  "country",
  "state",
  "city",
  "industry",
  "numemployees",
  "lifecyclestage",
  "hs_lead_status",
  "hs_analytics_source",
  "hs_analytics_source_data_1",
  "hs_analytics_first_touch_converting_campaign",
  "hubspot_owner_id",
  "associatedcompanyid",
  "leadloop_status",
  // Read so a lost store takes each person's stage and its date back from the contact (qualify-phase.ts).
  "leadloop_mql_date",
  "leadloop_disposition_date",
  "leadloop_score",
  "leadloop_fit_score",
  "leadloop_behavior_score",
  "leadloop_near_qualified",
  "leadloop_upsell",
] as const;

/** The company properties the funnel itself reads (customer check, account matching). */
export const COMPANY_FIELDS = ["name", "domain", "lifecyclestage", "hubspot_owner_id"] as const;

/**
 * The analytics, conversion and email properties HubSpot keeps on every contact on every tier: they tell
 * whether a contact has new behaviour since it was last read (behaviour-reader.ts), and below Enterprise
 * the page-view ones are the web behaviour itself.
 */
export const BEHAVIOUR_SIGNALS = {
  web: [
    "hs_analytics_num_page_views",
    "hs_analytics_num_visits",
    "hs_analytics_last_visit_timestamp",
    "hs_analytics_last_timestamp",
    "hs_analytics_last_url",
  ],
  forms: ["num_conversion_events", "recent_conversion_date"],
  email: ["hs_email_open", "hs_email_click", "hs_email_last_open_date", "hs_email_last_click_date"],
} as const;

/**
 * Read with the signals but not part of them: the latest conversion's name, which names the form of a
 * submission the contact's properties tell (core/behaviour/conversion-properties.ts).
 */
export const CONVERSION_NAME = "recent_conversion_event_name";

/** Every contact property a run reads: the funnel's own, the behaviour signals and those the definition names. */
export function personFields(setup: Pick<FunnelSetup, "qualification">): string[] {
  return [
    ...new Set<string>([
      ...PERSON_FIELDS,
      ...BEHAVIOUR_SIGNALS.web,
      ...BEHAVIOUR_SIGNALS.forms,
      ...BEHAVIOUR_SIGNALS.email,
      CONVERSION_NAME,
      ...setup.qualification.fields.person,
    ]),
  ];
}

/** Every company property a run reads: the funnel's own and those the definition names `of: company`. */
export function companyFields(setup: Pick<FunnelSetup, "qualification">): string[] {
  return [...new Set<string>([...COMPANY_FIELDS, ...setup.qualification.fields.company])];
}
