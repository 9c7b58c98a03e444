// Campaign effectiveness: per campaign (a HubSpot campaign, a Salesforce Campaign, or HubSpot's original
// source drill-down where neither names one; attribution.ts picks each person's), what its people did in
// the period, from MQL to revenue.
import { attributePeople, type CampaignOrigin } from "./attribution.js";
import { type Cohort, cohort } from "./cohorts.js";
import { cohortRatio, type FunnelConversions, type FunnelRates, funnelFigures, inPeriod, REACHES } from "./figures.js";
import { type FunnelReportInput, type ReportSettings, splitByGroup } from "./funnel-report.js";
import { groupKey, groupLabel } from "./group-key.js";
import type { ReportPeriod } from "./period.js";

export interface CampaignRow {
  /** The campaign's name (with its start date or id when two campaigns of one origin share the name). */
  campaign: string;
  /** The HubSpot campaign GUID or Salesforce Campaign Id; null for a drill-down's text or `(none)`. */
  campaignId: string | null;
  /** Where the campaign came from; null for the people with none. */
  origin: CampaignOrigin | null;
  /**
   * `report.campaignTypes` when it names the campaign, else the system's type (HubSpot campaign property,
   * Salesforce Campaign.Type), else the campaign's source (its channel); `(mixed)` when its people differ.
   */
  type: string;
  source: string;
  mqls: number;
  sals: number;
  sqls: number;
  opportunities: number;
  won: number;
  revenue: number;
  revenueWithoutMql: number;
  rates: FunnelRates & { mqlToWon: number | null };
  /** The people each rate is made of; MQL to won: of the period's MQLs, those who went on to win. */
  conversions: FunnelConversions & { mqlToWon: Cohort };
}

export interface CampaignReport {
  period: ReportPeriod;
  campaigns: CampaignRow[];
}

export function campaignReport(input: FunnelReportInput, period: ReportPeriod, settings: ReportSettings): CampaignReport {
  const events = input.events.filter((e) => e.at < period.until);
  const clocks = input.clocks.filter((c) => c.handoffAt < period.until);
  const attribution = attributePeople(events, clocks, input.people, settings.campaignTypes, input.campaigns);
  const campaigns: CampaignRow[] = [];
  for (const g of splitByGroup(events, clocks, attribution, "campaign")) {
    const f = funnelFigures(g.events, g.clocks, period);
    if (f.mqls + f.sals + f.opportunities + f.won + f.lost === 0) continue;
    const toWon = cohort(g.events.filter((e) => inPeriod(e.at, period)), REACHES.mql, REACHES.won);
    const active = [...new Set(g.events.filter((e) => inPeriod(e.at, period)).map((e) => e.personId))].map((id) => attribution.get(id));
    const first = attribution.get(g.events[0]?.personId ?? g.clocks[0]?.personId ?? "");
    campaigns.push({
      campaign: g.label,
      campaignId: first?.campaignId ?? null,
      origin: first?.campaignOrigin ?? null,
      type: shared(active.map((a) => a?.campaignType ?? null)),
      source: shared(active.map((a) => a?.source ?? null)),
      mqls: f.mqls,
      sals: f.sals,
      sqls: f.sqls,
      opportunities: f.opportunities,
      won: f.won,
      revenue: f.revenue,
      revenueWithoutMql: f.revenueWithoutMql,
      rates: { ...f.rates, mqlToWon: cohortRatio(toWon) },
      conversions: { ...f.conversions, mqlToWon: toWon },
    });
  }
  campaigns.sort((a, b) => b.revenue - a.revenue || b.mqls - a.mqls || a.campaign.localeCompare(b.campaign));
  return { period, campaigns };
}

/** The value the campaign's people in the period share, `(mixed)` when they differ, `(none)` when none has one. */
function shared(values: readonly (string | null)[]): string {
  const named = values.filter((v): v is string => v !== null && v.trim() !== "");
  const keys = new Set(named.map(groupKey));
  if (keys.size === 0) return groupLabel(null);
  return keys.size === 1 ? groupLabel(named[0]) : "(mixed)";
}
