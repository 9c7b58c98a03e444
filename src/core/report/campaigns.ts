// Campaign effectiveness: per campaign (as the funnel events name it: HubSpot's original source
// drill-down, or the CRM's campaign membership where marketing names none), what its people did in the
// period, from MQL to revenue.
import { attributePeople } from "./attribution.js";
import { type FunnelRates, funnelFigures } from "./figures.js";
import { type FunnelReportInput, type ReportSettings, splitByGroup } from "./funnel-report.js";
import { groupLabel } from "./group-key.js";
import type { ReportPeriod } from "./period.js";
import { ratio } from "./stats.js";

export interface CampaignRow {
  campaign: string;
  /** From `report.campaignTypes`, else the campaign's source (its channel). */
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
}

export interface CampaignReport {
  period: ReportPeriod;
  campaigns: CampaignRow[];
}

export function campaignReport(input: FunnelReportInput, period: ReportPeriod, settings: ReportSettings): CampaignReport {
  const events = input.events.filter((e) => e.at < period.until);
  const clocks = input.clocks.filter((c) => c.handoffAt < period.until);
  const attribution = attributePeople(events, clocks, input.people, settings.campaignTypes);
  const campaigns: CampaignRow[] = [];
  for (const g of splitByGroup(events, clocks, attribution, "campaign")) {
    const f = funnelFigures(g.events, g.clocks, period);
    if (f.mqls + f.sals + f.opportunities + f.won + f.lost === 0) continue;
    // One person's attribution stands for the campaign's type and source: the first with a value.
    const sample = g.events.map((e) => attribution.get(e.personId)).find((a) => a?.campaignType || a?.source);
    campaigns.push({
      campaign: g.label,
      type: groupLabel(sample?.campaignType),
      source: groupLabel(sample?.source),
      mqls: f.mqls,
      sals: f.sals,
      sqls: f.sqls,
      opportunities: f.opportunities,
      won: f.won,
      revenue: f.revenue,
      revenueWithoutMql: f.revenueWithoutMql,
      rates: { ...f.rates, mqlToWon: ratio(f.won - f.wonWithoutMql, f.mqls) },
    });
  }
  campaigns.sort((a, b) => b.revenue - a.revenue || b.mqls - a.mqls || a.campaign.localeCompare(b.campaign));
  return { period, campaigns };
}
