// The funnel tab: the funnel report of `leadloop report` for the week, month or quarter holding today
// (the quarter unless asked), its headline figures in the console and the full report page embedded
// (/funnel/report, the self-contained page `report --html` writes).
import { type Cohort, PERIOD_KINDS, type PeriodKind } from "../../core/report/index.js";
import { buildReportBook, rateLabels, renderReportHtml } from "../../report/index.js";

import { percentDigits } from "../../report/table.js";
import { count } from "./format.js";
import { html, type Html } from "./html.js";
import type { ConsoleSources } from "./sources.js";

export function periodOf(url: URL): PeriodKind {
  const asked = url.searchParams.get("period");
  return (PERIOD_KINDS as readonly string[]).includes(asked ?? "") ? (asked as PeriodKind) : "quarter";
}

function reportBook(sources: ConsoleSources, period: PeriodKind) {
  return buildReportBook(
    sources.store,
    { period, settings: sources.report.settings, routing: sources.report.routing, sla: sources.sla, groupBy: "campaign", crm: sources.crm },
    sources.now(),
  );
}

const percent = (c: Cohort) => {
  const digits = percentDigits(c.reached, c.people);
  return digits === null ? "—" : `${digits} %`;
};
const hours = (h: number | null) => (h === null ? "—" : `${h.toFixed(1)} h`);

export async function funnelPage(sources: ConsoleSources, url: URL): Promise<Html> {
  const period = periodOf(url);
  const book = await reportBook(sources, period);
  const f = book.funnel;
  const rate = rateLabels(book.words);
  const card = (key: string, label: string, value: string, note = "") =>
    html`<div class="card" data-figure="${key}"><span>${label}</span><b>${value}</b><span>${note}</span></div>`;
  return html`<p>${PERIOD_KINDS.map((p) =>
    p === period ? html`<b class="pill ok">this ${p}</b> ` : html`<a class="pill" href="/funnel?period=${p}">this ${p}</a> `,
  )}<span class="muted">${f.period.since?.slice(0, 10) ?? "start"} to ${f.period.until.slice(0, 10)} (UTC); the same figures as <code>leadloop report funnel --period ${period}</code></span></p>
<div class="cards">
${card("mqls", "MQLs", count(f.mqls), `${f.requalified} re-qualified${f.held > 0 ? `, ${f.held} held by the recycle cool-down` : ""}`)}
${card("sals", "SALs", count(f.sals), `MQL→SAL ${percent(f.conversions.mqlToSal)}`)}
${card("opportunities", book.words.deals, count(f.opportunities), `${rate.salToOpportunity} ${percent(f.conversions.salToOpportunity)}`)}
${card("won", "Won", count(f.won), `${rate.opportunityToWon} ${percent(f.conversions.opportunityToWon)}`)}
${card("revenue", "Revenue from MQLs", count(f.revenue))}
${card("follow-up", "Follow-up (median)", hours(f.followUpHours.median), `p90 ${hours(f.followUpHours.p90)}`)}
</div>
${f.flags.length > 0 ? html`<div class="banner warn">${f.flags.length} rate${f.flags.length === 1 ? "" : "s"} moved beyond the alert against the previous ${period}.</div>` : ""}
<p><a href="/funnel/report?period=${period}">Open the full report page</a> <span class="muted">(charts, rates over time, campaigns, SLA per rep; the page <code>report --html</code> writes)</span></p>
<iframe title="Funnel report" src="/funnel/report?period=${period}" style="width:100%;height:80vh;border:1px solid #e3e6eb;background:#fff"></iframe>`;
}

/** The self-contained report page itself, for the frame and for saving. */
export async function funnelReportPage(sources: ConsoleSources, url: URL): Promise<string> {
  const period = periodOf(url);
  return renderReportHtml(await reportBook(sources, period), { title: `leadloop funnel report (this ${period})` });
}
