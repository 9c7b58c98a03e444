// The reports as CSV (RFC 4180, a header row), for spreadsheets: one row per group, campaign or rep.
import { stringify } from "csv-stringify/sync";
import type { CampaignReport, FunnelFigures, FunnelReport, SlaReport } from "../core/report/index.js";

const cell = (v: number | string | null) => (v === null ? "" : v);

function figureCells(f: FunnelFigures): (number | string)[] {
  return [
    f.mqls, f.requalified, f.sals, f.sqls, f.opportunities, f.won, f.lost, f.revenue, f.wonWithoutMql, f.revenueWithoutMql,
    f.recycled, f.handoffs, cell(f.followUpHours.median), cell(f.followUpHours.p90), cell(f.rates.mqlToSal),
    cell(f.rates.salToOpportunity), cell(f.rates.opportunityToWon), cell(f.velocityDays.mql), cell(f.velocityDays.sal),
    cell(f.velocityDays.opportunity), f.dispositions.qualified, f.dispositions.recycle, f.dispositions.trash, f.dispositions.unreachable,
  ];
}

const FIGURE_COLUMNS = [
  "mqls", "requalified", "sals", "sqls", "opportunities", "won", "lost", "revenue", "wonWithoutMql", "revenueWithoutMql",
  "recycled", "handoffs", "followUpHoursMedian", "followUpHoursP90", "mqlToSal", "salToOpportunity", "opportunityToWon",
  "velocityDaysMql", "velocityDaysSal", "velocityDaysOpportunity", "qualified", "recycle", "trash", "unreachable",
];

/** The whole funnel as the first row (group `total`), then each group. */
export function funnelCsv(r: FunnelReport): string {
  const period = [r.period.since ?? "", r.period.until];
  return stringify([
    ["since", "until", "groupBy", "group", ...FIGURE_COLUMNS],
    [...period, r.groupBy ?? "", "total", ...figureCells(r)],
    ...r.groups.map((g) => [...period, r.groupBy ?? "", g.label, ...figureCells(g)]),
  ]);
}

export function campaignsCsv(r: CampaignReport): string {
  return stringify([
    ["campaign", "origin", "campaignId", "type", "source", "mqls", "sals", "sqls", "opportunities", "won", "revenue", "revenueWithoutMql", "mqlToSal", "salToOpportunity", "opportunityToWon", "mqlToWon"],
    ...r.campaigns.map((c) => [
      c.campaign, c.origin ?? "", c.campaignId ?? "", c.type, c.source, c.mqls, c.sals, c.sqls, c.opportunities, c.won, c.revenue, c.revenueWithoutMql,
      cell(c.rates.mqlToSal), cell(c.rates.salToOpportunity), cell(c.rates.opportunityToWon), cell(c.rates.mqlToWon),
    ]),
  ]);
}

export function slaCsv(r: SlaReport): string {
  return stringify([
    ["rep", "territory", "handoffs", "met", "breached", "open", "closed", "compliance", "followUpHoursMedian", "followUpHoursP90", "touches"],
    ...r.reps.map((s) => [
      s.owner, s.territory ?? "", s.handoffs, s.met, s.breached, s.open, s.closed, cell(s.compliance),
      cell(s.followUpHours.median), cell(s.followUpHours.p90), s.touches,
    ]),
  ]);
}
