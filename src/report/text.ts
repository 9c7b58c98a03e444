// The reports as text for a terminal (`leadloop report`, the end of `leadloop sandbox`).
import { type CampaignReport, type FunnelFigures, type FunnelReport, type SlaReport } from "../core/report/index.js";
import { rateLabels, type ReportWords } from "./words.js";
import { days, groupTableCells, hours, money, percent, percentOf, periodText, shiftPoints, targetPercents, textTable } from "./table.js";

export function funnelText(r: FunnelReport, words: ReportWords): string {
  const rateLabel = rateLabels(words);
  const lines = [`Funnel ${periodText(r.period)}`, ...figureLines(r, words)];
  if (r.held > 0) lines[1] += `, ${r.held} held by the recycle cool-down (counted when handed off)`;
  if (r.flags.length > 0) {
    lines.push("Rate shifts against the previous period:");
    for (const f of r.flags)
      lines.push(
        `  ${f.group === null ? "" : `${f.group}: `}${rateLabel[f.rate]} ${f.shift > 0 ? "rose" : "fell"} from ${percent(f.conversions.previous)} to ${percent(f.conversions.current)} (${shiftPoints(f.conversions.previous, f.conversions.current)} points)`,
      );
  }
  if (r.targets.length > 0) {
    lines.push("Targets:");
    for (const t of r.targets) {
      const pct = targetPercents(t);
      lines.push(
        `  ${t.metric}: ${t.metric === "revenue" ? money(t.actual) : t.actual} of ${t.metric === "revenue" ? money(t.target) : t.target} (${pct.progress}; ${pct.elapsed} of the period passed: ${t.onTrack ? "on track" : "behind"})`,
      );
    }
  }
  let text = `${lines.join("\n")}\n`;
  if (r.groupBy !== null) {
    text += `\nBy ${r.groupBy}:\n`;
    text += r.groups.length === 0 ? "  (nothing in this period)\n" : groupTable(r, words);
  }
  return text;
}

function figureLines(f: FunnelFigures, words: ReportWords): string[] {
  const rate = rateLabels(words);
  const won = f.wonWithoutMql > 0 ? `   revenue from MQLs ${money(f.revenue)} (+${money(f.revenueWithoutMql)} from ${f.wonWithoutMql} won without an MQL)` : `   revenue from MQLs ${money(f.revenue)}`;
  return [
    `  MQLs           ${pad(f.mqls)}   ${f.requalified} re-qualified`,
    `  SALs           ${pad(f.sals)}   MQL→SAL ${percent(f.conversions.mqlToSal)}`,
    `  SQLs           ${pad(f.sqls)}   ${words.sqls}`,
    `  ${words.deals.padEnd(15)}${pad(f.opportunities)}   ${rate.salToOpportunity} ${percent(f.conversions.salToOpportunity)}`,
    `  Won            ${pad(f.won)}   ${rate.opportunityToWon} ${percent(f.conversions.opportunityToWon)}${won}`,
    `  Lost           ${pad(f.lost)}`,
    `  Recycled       ${pad(f.recycled)}`,
    `  Follow-up      median ${hours(f.followUpHours.median)}, p90 ${hours(f.followUpHours.p90)} (${f.followUpHours.count} of ${f.handoffs} handoffs touched)`,
    `  Velocity       median days in MQL ${days(f.velocityDays.mql)}, SAL ${days(f.velocityDays.sal)}, ${words.deal} ${days(f.velocityDays.opportunity)}`,
    `  Dispositions   qualified ${f.dispositions.qualified}, recycle ${f.dispositions.recycle}, trash ${f.dispositions.trash}, unreachable ${f.dispositions.unreachable}`,
  ];
}

const pad = (n: number) => String(n).padStart(6);

function groupTable(r: FunnelReport, words: ReportWords): string {
  const { header, rows, numeric } = groupTableCells(r.groupBy!, r.groups, words);
  return textTable(
    header.map((h) => h.toUpperCase()),
    rows,
    numeric,
  );
}

export function campaignsText(r: CampaignReport, words: ReportWords): string {
  const head = `Campaigns ${periodText(r.period)}\n`;
  if (r.campaigns.length === 0) return `${head}  (no campaign activity in this period)\n`;
  const header = ["CAMPAIGN", "FROM", "TYPE", "SOURCE", "MQLS", "SALS", words.dealsColumn.toUpperCase(), "WON", "REVENUE", "MQL→WON"];
  const rows = r.campaigns.map((c) => [
    c.campaign,
    c.origin ?? "",
    c.type,
    c.source,
    String(c.mqls),
    String(c.sals),
    String(c.opportunities),
    String(c.won),
    money(c.revenue),
    percent(c.conversions.mqlToWon),
  ]);
  return head + textTable(header, rows, new Set([4, 5, 6, 7, 8, 9]));
}

export function slaText(r: SlaReport): string {
  const head = `SLA ${periodText(r.period)}: ${r.handoffs} handoffs, ${r.met} met, ${r.breached} breached, ${r.open} open, ${r.closed} closed, compliance ${percentOf(r.met, r.met + r.breached)}, follow-up median ${hours(r.followUpHours.median)}, p90 ${hours(r.followUpHours.p90)}\n`;
  if (r.reps.length === 0) return `${head}  (no handoffs in this period)\n`;
  const header = ["REP", "TERRITORY", "HANDOFFS", "MET", "BREACHED", "OPEN", "CLOSED", "COMPLIANCE", "MEDIAN", "P90", "TOUCHES"];
  const rows = r.reps.map((s) => [
    s.owner,
    s.territory ?? "",
    String(s.handoffs),
    String(s.met),
    String(s.breached),
    String(s.open),
    String(s.closed),
    percentOf(s.met, s.met + s.breached),
    hours(s.followUpHours.median),
    hours(s.followUpHours.p90),
    String(s.touches),
  ]);
  return head + textTable(header, rows, new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]));
}
