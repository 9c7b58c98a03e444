// The plain data the seed generator produces: what the HubSpot portal and the Salesforce org hold before
// leadloop first runs. A loader turns it into emulator records; nothing here knows the emulators.

export const QUEUES = ["na-east", "na-west", "emea", "apac"] as const;
export type QueueName = (typeof QUEUES)[number];

/** HubSpot's `industry` enumeration values (a subset of the real list). */
export const HUBSPOT_INDUSTRIES = [
  "COMPUTER_SOFTWARE",
  "INFORMATION_TECHNOLOGY_AND_SERVICES",
  "FINANCIAL_SERVICES",
  "BANKING",
  "HOSPITAL_HEALTH_CARE",
  "MARKETING_AND_ADVERTISING",
  "MANAGEMENT_CONSULTING",
  "RETAIL",
  "LOGISTICS_AND_SUPPLY_CHAIN",
  "HIGHER_EDUCATION",
  "TELECOMMUNICATIONS",
  "INSURANCE",
  "MECHANICAL_OR_INDUSTRIAL_ENGINEERING",
] as const;
export type HubSpotIndustry = (typeof HUBSPOT_INDUSTRIES)[number];

/** HubSpot's `hs_analytics_source` values. */
export const HUBSPOT_SOURCES = [
  "ORGANIC_SEARCH",
  "PAID_SEARCH",
  "EMAIL_MARKETING",
  "SOCIAL_MEDIA",
  "PAID_SOCIAL",
  "REFERRALS",
  "OTHER_CAMPAIGNS",
  "DIRECT_TRAFFIC",
  "OFFLINE",
] as const;
export type HubSpotSource = (typeof HUBSPOT_SOURCES)[number];

/** HubSpot's default `lifecyclestage` values. */
export const LIFECYCLE_STAGES = [
  "subscriber",
  "lead",
  "marketingqualifiedlead",
  "salesqualifiedlead",
  "opportunity",
  "customer",
  "evangelist",
  "other",
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const ACTIVITY_KINDS = [
  "page_view",
  "form_submission",
  "email_open",
  "email_click",
  "cta_click",
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** Salesforce's default Lead Status picklist. */
export const SF_LEAD_STATUSES = [
  "Open - Not Contacted",
  "Working - Contacted",
  "Closed - Converted",
  "Closed - Not Converted",
] as const;
export type SfLeadStatus = (typeof SF_LEAD_STATUSES)[number];

/** Salesforce's default Lead Source picklist. */
export const SF_LEAD_SOURCES = [
  "Web",
  "Phone Inquiry",
  "Partner Referral",
  "Purchased List",
  "Other",
] as const;
export type SfLeadSource = (typeof SF_LEAD_SOURCES)[number];

export const SF_ACCOUNT_TYPES = ["Customer - Direct", "Customer - Channel", "Prospect"] as const;
export type SfAccountType = (typeof SF_ACCOUNT_TYPES)[number];

/** Salesforce's default Industry picklist values the seed uses. */
export const SF_INDUSTRIES = [
  "Technology",
  "Finance",
  "Banking",
  "Healthcare",
  "Media",
  "Consulting",
  "Retail",
  "Transportation",
  "Education",
  "Telecommunications",
  "Insurance",
  "Engineering",
] as const;
export type SfIndustry = (typeof SF_INDUSTRIES)[number];

/** Salesforce's default Opportunity stages. */
export const SF_OPPORTUNITY_STAGES = [
  "Prospecting",
  "Qualification",
  "Needs Analysis",
  "Value Proposition",
  "Id. Decision Makers",
  "Perception Analysis",
  "Proposal/Price Quote",
  "Negotiation/Review",
  "Closed Won",
  "Closed Lost",
] as const;
export type SfOpportunityStage = (typeof SF_OPPORTUNITY_STAGES)[number];

/** Countries are ISO 3166-1 alpha-2; US states are USPS codes (states apply to US contacts only). */
export interface Territory {
  countries: string[];
  states?: string[];
}

/** A sales rep, present in both systems under the same email. */
export interface SeedRep {
  key: string;
  firstName: string;
  lastName: string;
  email: string;
  territory: Territory;
  queue: QueueName;
  /** The single point of contact when no territory matches; exactly one rep has it. */
  fallback: boolean;
}

export interface SeedQueue {
  name: QueueName;
  repKeys: string[];
}

/** A HubSpot company. Country is written out in English, as HubSpot's company `country` usually is. */
export interface SeedCompany {
  key: string;
  name: string;
  domain: string;
  industry: HubSpotIndustry;
  employees: number;
  country: string;
  state?: string;
  city: string;
  annualRevenue?: number;
  isCustomer: boolean;
  /** The rep who owns the company (and its CRM Account), when sales already works it. */
  ownerRepKey?: string;
}

/** Values of HubSpot's contact property `hs_seniority` (Employment Seniority) the seed uses. */
export const HUBSPOT_SENIORITIES = [
  "owner",
  "partner",
  "executive",
  "vp",
  "director",
  "manager",
  "employee",
] as const;
export type Seniority = (typeof HUBSPOT_SENIORITIES)[number];

/** A HubSpot marketing contact, messy the way form data is (case, spaces, blanks, spellings). */
export interface SeedContact {
  key: string;
  email: string;
  firstName: string;
  /** "" when the person left it blank. */
  lastName: string;
  jobTitle?: string;
  /** HubSpot's enriched `hs_seniority`, derived from the job title; absent where enrichment found none. */
  seniority?: Seniority;
  phone?: string;
  companyKey?: string;
  companyName?: string;
  country?: string;
  state?: string;
  city?: string;
  lifecycleStage: LifecycleStage;
  createdAt: Date;
  source: HubSpotSource;
  campaign?: string;
  emailOptOut: boolean;
  emailBounced: boolean;
}

export interface SeedActivity {
  contactKey: string;
  kind: ActivityKind;
  occurredAt: Date;
  /** As HubSpot's events carry them: page_view hs_url, hs_url_path, hs_title (hs_utm_*); form_submission
   *  hs_form_id, hs_form_type, hs_url, hs_title (of the form's page); email_* hs_email_campaign_id,
   *  hs_email_campaign_name, hs_email_subject (+ hs_link_href on click); cta_click hs_element_text, hs_url. */
  properties: Record<string, string>;
}

export interface ContactWithActivities {
  contact: SeedContact;
  /** Sorted by occurredAt, oldest first. */
  activities: SeedActivity[];
}

export interface SfLead {
  key: string;
  firstName: string;
  lastName: string;
  email: string;
  company: string;
  title?: string;
  country?: string;
  state?: string;
  status: SfLeadStatus;
  ownerRepKey: string;
  leadSource: SfLeadSource;
}

export interface SfContact {
  key: string;
  firstName: string;
  lastName: string;
  email: string;
  title?: string;
  phone?: string;
  accountKey: string;
  ownerRepKey: string;
  leadSource?: SfLeadSource;
}

export interface SfAccount {
  key: string;
  name: string;
  /** As typed by reps: with or without scheme, `www.` or a trailing slash; absent on a few. */
  website?: string;
  industry?: SfIndustry;
  employees?: number;
  country?: string;
  state?: string;
  type: SfAccountType;
  ownerRepKey: string;
}

export interface SfOpportunity {
  key: string;
  name: string;
  stageName: SfOpportunityStage;
  amount: number;
  closeDate: Date;
  accountKey: string;
  ownerRepKey: string;
}

export interface SeedCrm {
  leads: SfLead[];
  contacts: SfContact[];
  accounts: SfAccount[];
  opportunities: SfOpportunity[];
}

export interface SeedData {
  reps: SeedRep[];
  queues: SeedQueue[];
  fallbackRepKey: string;
  companies: SeedCompany[];
  contacts: SeedContact[];
  activities: SeedActivity[];
  crm: SeedCrm;
}
