// What contacts do on the seller's website and emails: pages with their buying intent, forms, calls to
// action and email campaigns. The activity generator picks from these by intent.
import { SITE_ORIGIN } from "./business.js";

export type Intent = "low" | "mid" | "high";

export interface Page {
  path: string;
  title: string;
  intent: Intent;
}

export const PAGES: readonly Page[] = [
  { path: "/", title: "Orbitlane - Lead routing for RevOps teams", intent: "low" },
  { path: "/blog/what-is-an-mql", title: "What is an MQL, really?", intent: "low" },
  { path: "/blog/lead-scoring-decay", title: "Why your lead scores should decay", intent: "low" },
  { path: "/blog/revops-benchmarks-2026", title: "RevOps benchmarks 2026", intent: "low" },
  { path: "/careers", title: "Careers at Orbitlane", intent: "low" },
  { path: "/careers/senior-backend-engineer", title: "Senior Backend Engineer", intent: "low" },
  { path: "/product", title: "Product overview", intent: "mid" },
  { path: "/product/lead-routing", title: "Lead routing", intent: "mid" },
  { path: "/product/integrations/salesforce", title: "Salesforce integration", intent: "mid" },
  { path: "/customers", title: "Customer stories", intent: "mid" },
  { path: "/pricing", title: "Pricing", intent: "high" },
  { path: "/demo", title: "Book a demo", intent: "high" },
];

export const PRICING_PAGE = PAGES.find((page) => page.path === "/pricing") as Page;
export const DEMO_PAGE = PAGES.find((page) => page.path === "/demo") as Page;
export const CAREERS_PAGES = PAGES.filter((page) => page.path.startsWith("/careers"));

export interface Form {
  name: string;
  id: string;
  pagePath: string;
  /** The title of the page the form sits on: what HubSpot's form-submission event carries as hs_title. */
  pageTitle: string;
  intent: Intent;
}

export const FORMS: readonly Form[] = [
  {
    name: "Newsletter",
    id: "3f1c9a52-0d1e-4b8a-9a61-5b2f0c7e1a01",
    pagePath: "/blog/what-is-an-mql",
    pageTitle: "What is an MQL, really?",
    intent: "low",
  },
  {
    name: "Download: State of RevOps 2026 report",
    id: "8b7e2d14-6c3f-4f0a-b2d9-1e4a5c6f7a02",
    pagePath: "/resources/state-of-revops-2026",
    pageTitle: "Download the State of RevOps 2026 report",
    intent: "mid",
  },
  {
    name: "Webinar: Fixing the lead handoff",
    id: "c2a94e77-19b3-4d6e-8f05-7a3b2c1d4e03",
    pagePath: "/webinars/lead-handoff",
    pageTitle: "Webinar: Fixing the lead handoff",
    intent: "mid",
  },
  {
    name: "Contact us",
    id: "5d6e7f80-2a3b-4c5d-9e8f-0a1b2c3d4e04",
    pagePath: "/contact",
    pageTitle: "Contact sales",
    intent: "high",
  },
  {
    name: "Request a demo",
    id: "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c05",
    pagePath: "/demo",
    pageTitle: "Book a demo",
    intent: "high",
  },
];

export const DEMO_FORM = FORMS.find((form) => form.name === "Request a demo") as Form;

export const CTAS: readonly { name: string; pagePath: string; intent: Intent }[] = [
  { name: "Download the report", pagePath: "/blog/revops-benchmarks-2026", intent: "mid" },
  { name: "Watch the 2-minute tour", pagePath: "/product", intent: "mid" },
  { name: "See pricing", pagePath: "/product/lead-routing", intent: "high" },
  { name: "Talk to sales", pagePath: "/pricing", intent: "high" },
];

/** Email campaigns; `{month}` becomes the send month (YYYY-MM). */
export const EMAIL_CAMPAIGNS: readonly {
  /** HubSpot's numeric email campaign id. */
  id: number;
  name: string;
  subject: string;
  clickPath: string;
  intent: Intent;
}[] = [
  {
    id: 118420371,
    name: "Newsletter {month}",
    subject: "This month in RevOps",
    clickPath: "/blog/lead-scoring-decay",
    intent: "low",
  },
  {
    id: 118420388,
    name: "Nurture 1: Why leads go cold",
    subject: "Your leads are cooling off",
    clickPath: "/blog/what-is-an-mql",
    intent: "low",
  },
  {
    id: 118420402,
    name: "Webinar invite: Fixing the lead handoff",
    subject: "Join us live",
    clickPath: "/webinars/lead-handoff",
    intent: "mid",
  },
  { id: 118420415, name: "Product update {month}", subject: "New in Orbitlane", clickPath: "/product", intent: "mid" },
  { id: 118420433, name: "Pricing follow-up", subject: "Questions about plans?", clickPath: "/pricing", intent: "high" },
];

/** The campaigns that bring contacts in, by source. */
export const ACQUISITION_CAMPAIGNS = [
  "Google Ads - Brand",
  "Google Ads - Lead routing",
  "LinkedIn - State of RevOps 2026",
  "SaaStr Annual booth",
  "Webinar: Fixing the lead handoff",
  "Partner co-marketing: Q2",
] as const;

/** The portal's custom campaign property holding a campaign's type (the sandbox's `hubspot.campaignTypeProperty`). */
export const CAMPAIGN_TYPE_PROPERTY = "campaign_type";

/**
 * The HubSpot campaigns the portal has, by the acquisition campaign (utm_campaign, the drill-down's text)
 * whose contacts name them as first touch. "Google Ads - Brand" has no HubSpot campaign: its contacts keep
 * the drill-down alone; the SaaStr booth is a Salesforce Campaign. The names are the marketers' own, not
 * the utm text.
 */
export const HUBSPOT_CAMPAIGNS: readonly {
  id: string;
  utm: (typeof ACQUISITION_CAMPAIGNS)[number];
  name: string;
  type: string;
  status: "planned" | "in_progress" | "active" | "paused" | "completed";
  startDate: string;
  endDate?: string;
}[] = [
  { id: "3f0b7c2e-6a41-4f0e-9d7a-1c5e2b8a9d01", utm: "Google Ads - Lead routing", name: "Google Ads – Lead routing", type: "Paid search", status: "active", startDate: "2026-01-05" },
  { id: "8d2e4a10-93b7-4c55-a0e2-7f61c3d4b502", utm: "LinkedIn - State of RevOps 2026", name: "LinkedIn – État du RevOps 2026", type: "Paid social", status: "active", startDate: "2026-02-02" },
  { id: "c41a9e77-0b2d-4e8f-8a63-5d9f1e2c7a03", utm: "Webinar: Fixing the lead handoff", name: "Webinar: Fixing the lead handoff", type: "Webinar", status: "completed", startDate: "2026-03-10", endDate: "2026-03-10" },
  { id: "e5b8d3f1-7c6a-4a29-b1d4-2e0f9a8c6b04", utm: "Partner co-marketing: Q2", name: "Partner co-marketing: Q2", type: "Partner", status: "in_progress", startDate: "2026-04-01", endDate: "2026-06-30" },
];

/**
 * The org's Salesforce Campaigns (Type and Status from the standard picklists). The booth's scans were
 * imported as Leads with their CampaignMember; the portal knows those people by the drill-down alone. The
 * roadshow's members are people met offline whom HubSpot names no campaign for, and reps' own Leads.
 */
export const SALESFORCE_CAMPAIGNS: readonly {
  key: string;
  name: string;
  type: "Trade Show" | "Conference" | "Webinar" | "Partners";
  status: "Planned" | "In Progress" | "Completed" | "Aborted";
  startDate: string;
  endDate: string;
  /** The acquisition campaign whose people are its members (their Leads or Contacts). */
  utm: (typeof ACQUISITION_CAMPAIGNS)[number] | null;
}[] = [
  { key: "sf-saastr", name: "SaaStr Annual 2026 – booth scans", type: "Trade Show", status: "Completed", startDate: "2026-09-09", endDate: "2026-09-11", utm: "SaaStr Annual booth" },
  { key: "sf-roadshow", name: "Roadshow Lyon & Zürich", type: "Conference", status: "Completed", startDate: "2026-05-12", endDate: "2026-05-14", utm: null },
];

export function siteUrl(path: string): string {
  return SITE_ORIGIN + path;
}
