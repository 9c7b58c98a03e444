// Campaign attribution by hand: HubSpot campaigns (two of one name), a Salesforce Campaign a conversion
// names after the person's drill-down did, a HubSpot campaign the portal no longer has, and drill-down
// text retyped with other case and spacing; figures for Q4 2026 computed below each row.
import {
  campaignReport,
  DEFAULT_REPORT_SETTINGS,
  type FunnelReportInput,
  funnelReport,
  type ReportCampaign,
  type ReportEvent,
  resolvePeriod,
} from "../../src/core/report/index.js";

function ev(personId: string, fromStage: string | null, toStage: string, at: string, extra: Partial<ReportEvent> = {}): ReportEvent {
  return { personId, fromStage, toStage, at, cause: `${toStage}: test`, source: null, campaign: null, ownerId: null, amount: null, ...extra };
}

const HS_SUMMER = { source: "EMAIL_MARKETING", campaign: "Webinaire Été 2026", campaignId: "c-1", campaignOrigin: "hubspot-campaign" as const };
const HS_SUMMER_AGAIN = { source: "PAID_SOCIAL", campaign: "Webinaire Été 2026", campaignId: "c-2", campaignOrigin: "hubspot-campaign" as const };
const SF_SAASTR = { source: "OFFLINE", campaign: "SaaStr Annual booth", campaignId: "701A", campaignOrigin: "salesforce-campaign" as const };
const CAMPAIGNS: ReportCampaign[] = [
  { origin: "hubspot-campaign", id: "c-1", name: "Webinaire Été 2026", type: "Webinar", startDate: "2026-10-01" },
  // Same name, a second run of the webinar: its own campaign.
  { origin: "hubspot-campaign", id: "c-2", name: "Webinaire Été 2026", type: "Webinar", startDate: "2026-11-15" },
  { origin: "salesforce-campaign", id: "701A", name: "SaaStr Annual booth", type: "Trade Show", startDate: "2026-09-01" },
];

const EVENTS: ReportEvent[] = [
  ev("a1", "lead", "mql", "2026-10-02T09:00:00.000Z", HS_SUMMER),
  ev("a1", "mql", "sal", "2026-10-04T09:00:00.000Z"),
  // a2's MQL names the drill-down only; the conversion reads the Lead's CampaignMember: the Campaign wins.
  ev("a2", "lead", "mql", "2026-10-05T00:00:00.000Z", { source: "OFFLINE", campaign: "saastr booth list", campaignOrigin: "source-property" }),
  ev("a1", "sal", "opportunity", "2026-10-09T09:00:00.000Z", HS_SUMMER),
  ev("a1", "opportunity", "won", "2026-10-19T09:00:00.000Z", { ...HS_SUMMER, amount: 12_000 }),
  ev("a2", "mql", "opportunity", "2026-10-20T00:00:00.000Z", SF_SAASTR),
  ev("a4", "lead", "mql", "2026-10-25T00:00:00.000Z", { source: "PAID_SEARCH", campaign: "Google Ads - Brand" }),
  ev("a5", "lead", "mql", "2026-10-26T00:00:00.000Z", { source: "PAID_SEARCH", campaign: "google ads  -  BRAND " }),
  // A campaign id the portal no longer lists: titled by the name the event recorded.
  ev("a6", "lead", "mql", "2026-10-27T00:00:00.000Z", { source: "REFERRALS", campaign: "Old webinar", campaignId: "c-9", campaignOrigin: "hubspot-campaign" }),
  ev("a5", "mql", "sal", "2026-10-28T00:00:00.000Z"),
  ev("a2", "opportunity", "won", "2026-11-10T00:00:00.000Z", { ...SF_SAASTR, amount: 8_000 }),
  ev("a3", "lead", "mql", "2026-11-16T00:00:00.000Z", HS_SUMMER_AGAIN),
  ev("a3", "mql", "trash", "2026-11-17T00:00:00.000Z"),
];

const INPUT: FunnelReportInput = { events: EVENTS, clocks: [], people: new Map(), campaigns: CAMPAIGNS };
const NOW = new Date("2026-12-01T00:00:00.000Z");
const Q4 = resolvePeriod({ period: "quarter" }, NOW);

describe("campaign attribution from HubSpot campaigns, Salesforce Campaigns and source properties", () => {
  it("titles rows by the system's campaign name and type, says where each came from, and splits two campaigns of one name", () => {
    const r = campaignReport(INPUT, Q4, DEFAULT_REPORT_SETTINGS);
    expect(r.campaigns.map((c) => [c.campaign, c.origin, c.campaignId, c.type, c.mqls, c.sals, c.opportunities, c.won, c.revenue, c.rates.mqlToWon])).toEqual([
      // a1: MQL, SAL, opportunity, won 12,000: 1 of 1 MQL won.
      ["Webinaire Été 2026 (2026-10-01)", "hubspot-campaign", "c-1", "Webinar", 1, 1, 1, 1, 12_000, 1],
      // a2: MQL (under the drill-down then), straight to opportunity (a SAL too), won 8,000.
      ["SaaStr Annual booth", "salesforce-campaign", "701A", "Trade Show", 1, 1, 1, 1, 8_000, 1],
      // a4 and a5, one campaign typed two ways; a5 accepted. No type from a system: the source.
      ["Google Ads - Brand", "source-property", null, "PAID_SEARCH", 2, 1, 0, 0, 0, 0],
      ["Old webinar", "hubspot-campaign", "c-9", "REFERRALS", 1, 0, 0, 0, 0, 0],
      // a3: MQL, trashed.
      ["Webinaire Été 2026 (2026-11-15)", "hubspot-campaign", "c-2", "Webinar", 1, 0, 0, 0, 0, 0],
    ]);
  });

  it("lets report.campaignTypes override the system's type, matched as folded names", () => {
    const r = campaignReport(INPUT, Q4, { ...DEFAULT_REPORT_SETTINGS, campaignTypes: { "saastr  ANNUAL booth": "Event" } });
    expect(r.campaigns.find((c) => c.campaignId === "701A")?.type).toBe("Event");
    expect(r.campaigns.find((c) => c.campaignId === "c-1")?.type).toBe("Webinar");
  });

  it("groups the funnel by the system's campaign type", () => {
    const r = funnelReport(INPUT, Q4, { groupBy: "campaignType", settings: DEFAULT_REPORT_SETTINGS, now: NOW });
    expect(r.groups.map((g) => [g.label, g.mqls, g.won, g.revenue])).toEqual([
      // More MQLs first, then more revenue.
      ["Webinar", 2, 1, 12_000], // a1, a3
      ["PAID_SEARCH", 2, 0, 0], // a4, a5
      ["Trade Show", 1, 1, 8_000], // a2
      ["REFERRALS", 1, 0, 0], // a6
    ]);
  });

  it("keeps a source property's campaign when no system names one", () => {
    const r = campaignReport({ ...INPUT, campaigns: [], events: EVENTS.filter((e) => e.personId === "a4" || e.personId === "a5") }, Q4, DEFAULT_REPORT_SETTINGS);
    expect(r.campaigns.map((c) => [c.campaign, c.origin, c.mqls])).toEqual([["Google Ads - Brand", "source-property", 2]]);
  });
});
