// The report as one self-contained HTML page for the sales and marketing meeting: inline CSS and SVG,
// no script, font or image from anywhere, so the file opens offline and can be mailed around. The data
// it was drawn from rides along as JSON (`#report-data`) for anyone who wants the numbers.
import { type Cohort, type FunnelRates, type TimelinePoint } from "../core/report/index.js";
import type { ReportBook } from "./build.js";
import { rateLabels, type ReportWords } from "./words.js";
import { days, groupTableCells, hours, money, percent, percentOf, periodText, targetPercents } from "./table.js";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const esc = escapeHtml;

const RATE_COLOURS: Readonly<Record<keyof FunnelRates, string>> = { mqlToSal: "#2563eb", salToOpportunity: "#16a34a", opportunityToWon: "#d97706" };

/** The funnel's rates in order, labelled in the CRM's words. */
function ratesOf(words: ReportWords): { key: keyof FunnelRates; label: string; colour: string }[] {
  const labels = rateLabels(words);
  return (["mqlToSal", "salToOpportunity", "opportunityToWon"] as const).map((key) => ({ key, label: labels[key], colour: RATE_COLOURS[key] }));
}

export function renderReportHtml(book: ReportBook, options: { title?: string } = {}): string {
  const title = options.title ?? "leadloop funnel report";
  const f = book.funnel;
  const words = book.words;
  const rate = rateLabels(words);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p class="period">${esc(periodText(f.period))} · generated ${esc(book.generatedAt.slice(0, 16).replace("T", " "))}Z</p>
</header>
<main>
<section id="summary" aria-label="Summary">
${card("mqls", "MQLs", String(f.mqls), `${f.requalified} re-qualified${f.held > 0 ? `, ${f.held} held by the recycle cool-down` : ""}`)}
${card("sals", "SALs", String(f.sals), `MQL→SAL ${percent(f.conversions.mqlToSal)}`)}
${card("sqls", "SQLs", String(f.sqls), words.sqls)}
${card("opportunities", words.deals, String(f.opportunities), `${rate.salToOpportunity} ${percent(f.conversions.salToOpportunity)}`)}
${card("won", "Won", String(f.won), `${rate.opportunityToWon} ${percent(f.conversions.opportunityToWon)}`)}
${card("revenue", "Revenue from MQLs", money(f.revenue), f.wonWithoutMql > 0 ? `+${money(f.revenueWithoutMql)} won without an MQL` : "")}
${card("followUpMedian", "Follow-up (median)", hours(f.followUpHours.median), `p90 ${hours(f.followUpHours.p90)}, ${f.followUpHours.count} of ${f.handoffs} touched`)}
${card("recycled", "Recycled", String(f.recycled), `velocity: MQL ${days(f.velocityDays.mql)}, SAL ${days(f.velocityDays.sal)}, ${words.dealShort}. ${days(f.velocityDays.opportunity)}`)}
</section>
<section id="funnel">
<h2>Funnel</h2>
${funnelChart(book)}
<p class="note">Dispositions: qualified ${f.dispositions.qualified}, recycle ${f.dispositions.recycle}, trash ${f.dispositions.trash}, unreachable ${f.dispositions.unreachable}.</p>
${flagsAndTargets(book)}
</section>
<section id="rates">
<h2>Rates over time</h2>
${ratesChart(f.timeline, words)}
${timelineTable(f.timeline, words)}
</section>
${groupsSection(book)}
<section id="campaigns">
<h2>Campaigns</h2>
${campaignsTable(book)}
</section>
<section id="sla">
<h2>SLA compliance per rep</h2>
<p class="note">${book.sla.handoffs} handoffs: ${book.sla.met} met, ${book.sla.breached} breached, ${book.sla.open} open, ${book.sla.closed} closed by a verdict before a touch; compliance ${percentOf(book.sla.met, book.sla.met + book.sla.breached)}; follow-up median ${hours(book.sla.followUpHours.median)}, p90 ${hours(book.sla.followUpHours.p90)}.</p>
${slaTable(book)}
</section>
</main>
<script type="application/json" id="report-data">${JSON.stringify(book).replace(/</g, "\\u003c")}</script>
</body>
</html>
`;
}

function card(metric: string, label: string, value: string, detail: string): string {
  return `<div class="card"><div class="label">${esc(label)}</div><div class="value" data-metric="${metric}">${esc(value)}</div><div class="detail">${esc(detail)}</div></div>`;
}

/** Bars narrowing from MQLs to won, each as wide as its count against the widest, with the rate between. */
function funnelChart(book: ReportBook): string {
  const f = book.funnel;
  const stages: { key: string; label: string; count: number; colour: string }[] = [
    { key: "mqls", label: "MQLs", count: f.mqls, colour: "#1d4ed8" },
    { key: "sals", label: "SALs", count: f.sals, colour: "#2563eb" },
    { key: "opportunities", label: book.words.deals, count: f.opportunities, colour: "#16a34a" },
    { key: "won", label: "Won", count: f.won, colour: "#d97706" },
  ];
  const RATES = ratesOf(book.words);
  const rates = RATES.map((r) => f.conversions[r.key]);
  const width = 640;
  const barHeight = 44;
  const gap = 26;
  const labelWidth = 130;
  const room = width - labelWidth - 80;
  const widest = Math.max(1, ...stages.map((s) => s.count));
  const height = stages.length * barHeight + (stages.length - 1) * gap + 10;
  const parts: string[] = [];
  stages.forEach((s, i) => {
    const y = 5 + i * (barHeight + gap);
    // A stage with nothing keeps a sliver so the chart still shows where it would be.
    const w = Math.max(3, (s.count / widest) * room);
    const x = labelWidth + (room - w) / 2;
    parts.push(
      `<text x="0" y="${y + barHeight / 2 + 5}" class="stage">${esc(s.label)}</text>`,
      `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" rx="4" fill="${s.colour}" data-stage="${s.key}" data-count="${s.count}"><title>${esc(s.label)}: ${s.count}</title></rect>`,
      `<text x="${width - 70}" y="${y + barHeight / 2 + 5}" class="count" data-stage-count="${s.key}">${s.count}</text>`,
    );
    if (i < rates.length)
      parts.push(`<text x="${labelWidth + room / 2}" y="${y + barHeight + gap / 2 + 5}" text-anchor="middle" class="rate" data-rate="${RATES[i]!.key}">↓ ${percent(rates[i]!)}</text>`);
  });
  return `<svg id="funnel-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Funnel: ${stages.map((s) => `${s.label} ${s.count}`).join(", ")}">${parts.join("")}</svg>`;
}

function ratesChart(points: readonly TimelinePoint[], words: ReportWords): string {
  if (points.length === 0) return `<p class="note">No events in this period.</p>`;
  const RATES = ratesOf(words);
  const width = 640;
  const height = 220;
  const left = 40;
  const bottom = 30;
  const plotW = width - left - 10;
  const plotH = height - bottom - 10;
  const x = (i: number) => left + (points.length === 1 ? plotW / 2 : (i / (points.length - 1)) * plotW);
  const y = (rate: number) => 10 + plotH - Math.min(1, rate) * plotH;
  const parts: string[] = [];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${left}" x2="${width - 10}" y1="${y(tick)}" y2="${y(tick)}" class="grid"/>`, `<text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end" class="axis">${tick * 100}%</text>`);
  }
  const step = Math.max(1, Math.ceil(points.length / 8));
  points.forEach((p, i) => {
    if (i % step === 0) parts.push(`<text x="${x(i)}" y="${height - 8}" text-anchor="middle" class="axis">${esc(p.since.slice(5, 10))}</text>`);
  });
  for (const r of RATES) {
    const known = points.map((p, i) => ({ i, v: p.rates[r.key], of: p.conversions[r.key] })).filter((p): p is { i: number; v: number; of: Cohort } => p.v !== null);
    if (known.length > 1) parts.push(`<polyline fill="none" stroke="${r.colour}" stroke-width="2" points="${known.map((p) => `${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ")}" data-rate-line="${r.key}"/>`);
    for (const p of known) parts.push(`<circle cx="${x(p.i).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="3.5" fill="${r.colour}" data-rate-point="${r.key}"><title>${esc(r.label)} ${esc(points[p.i]!.since.slice(0, 10))}: ${percent(p.of)}</title></circle>`);
  }
  const legend = RATES.map((r) => `<span><i style="background:${r.colour}"></i>${esc(r.label)}</span>`).join("");
  return `<svg id="rates-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Conversion rates over time">${parts.join("")}</svg><div class="legend">${legend}</div>`;
}

function table(id: string, header: readonly string[], rows: readonly (readonly string[])[], numeric: ReadonlySet<number>): string {
  const th = header.map((h, i) => `<th${numeric.has(i) ? ' class="num"' : ""}>${esc(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric.has(i) ? ' class="num"' : ""}>${esc(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table id="${id}"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function timelineTable(points: readonly TimelinePoint[], words: ReportWords): string {
  if (points.length === 0) return "";
  const RATES = ratesOf(words);
  return table(
    "timeline-table",
    ["FROM", "MQLS", "SALS", words.dealsColumn.toUpperCase(), "WON", "REVENUE", ...RATES.map((r) => r.label)],
    points.map((p) => [p.since.slice(0, 10), String(p.mqls), String(p.sals), String(p.opportunities), String(p.won), money(p.revenue), ...RATES.map((r) => percent(p.conversions[r.key]))]),
    new Set([1, 2, 3, 4, 5, 6, 7, 8]),
  );
}

function groupsSection(book: ReportBook): string {
  const f = book.funnel;
  if (f.groupBy === null) return "";
  const { header, rows, numeric } = groupTableCells(f.groupBy, f.groups, book.words);
  return `<section id="groups"><h2>By ${esc(f.groupBy)}</h2>${table("groups-table", header, rows, numeric)}</section>`;
}

function campaignsTable(book: ReportBook): string {
  const c = book.campaigns.campaigns;
  if (c.length === 0) return `<p class="note">No campaign activity in this period.</p>`;
  return table(
    "campaigns-table",
    ["Campaign", "From", "Type", "Source", "MQLs", "SALs", book.words.dealsColumn, "Won", "Revenue", "MQL→won"],
    c.map((r) => [r.campaign, r.origin ?? "", r.type, r.source, String(r.mqls), String(r.sals), String(r.opportunities), String(r.won), money(r.revenue), percent(r.conversions.mqlToWon)]),
    new Set([4, 5, 6, 7, 8, 9]),
  );
}

function slaTable(book: ReportBook): string {
  const reps = book.sla.reps;
  if (reps.length === 0) return `<p class="note">No handoffs in this period.</p>`;
  const th = ["Rep", "Territory", "Handoffs", "Met", "Breached", "Open", "Closed", "Compliance", "Median", "p90"].map((h) => `<th>${esc(h)}</th>`).join("");
  const rows = reps
    .map((r) => {
      const share = r.compliance ?? 0;
      const bar = `<svg width="80" height="10" class="bar" role="img" aria-label="${percentOf(r.met, r.met + r.breached)}"><rect width="80" height="10" fill="#fee2e2"/><rect width="${(share * 80).toFixed(1)}" height="10" fill="#16a34a"/></svg>`;
      return `<tr><td>${esc(r.owner)}</td><td>${esc(r.territory ?? "")}</td><td class="num">${r.handoffs}</td><td class="num">${r.met}</td><td class="num">${r.breached}</td><td class="num">${r.open}</td><td class="num">${r.closed}</td><td class="num">${r.compliance === null ? "-" : `${bar} ${percentOf(r.met, r.met + r.breached)}`}</td><td class="num">${hours(r.followUpHours.median)}</td><td class="num">${hours(r.followUpHours.p90)}</td></tr>`;
    })
    .join("\n");
  return `<table id="sla-table"><thead><tr>${th}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function flagsAndTargets(book: ReportBook): string {
  const f = book.funnel;
  const out: string[] = [];
  if (f.flags.length > 0) {
    const rate = rateLabels(book.words);
    const items = f.flags.map((x) => `<li class="flag">${esc(x.group === null ? "" : `${x.group}: `)}${esc(rate[x.rate])} ${x.shift > 0 ? "rose" : "fell"} from ${percent(x.conversions.previous)} to ${percent(x.conversions.current)}</li>`);
    out.push(`<h3>Rate shifts against the previous period</h3><ul id="flags">${items.join("")}</ul>`);
  }
  if (f.targets.length > 0) {
    const items = f.targets.map((t) => {
      const shown = (n: number) => (t.metric === "revenue" ? money(n) : String(n));
      return `<li class="${t.onTrack ? "on-track" : "behind"}">${esc(t.metric)}: ${shown(t.actual)} of ${shown(t.target)} (${targetPercents(t).progress}; ${targetPercents(t).elapsed} of the period passed, ${t.onTrack ? "on track" : "behind"})</li>`;
    });
    out.push(`<h3>Targets</h3><ul id="targets">${items.join("")}</ul>`);
  }
  return out.join("\n");
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#111827;background:#f9fafb}
header{background:#111827;color:#f9fafb;padding:16px 24px}
h1{margin:0;font-size:22px}.period{margin:4px 0 0;color:#d1d5db}
main{padding:16px 24px;max-width:1100px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 16px;margin:0 0 16px}
h2{font-size:17px;margin:4px 0 12px}h3{font-size:14px;margin:12px 0 4px}
#summary{display:flex;flex-wrap:wrap;gap:12px;background:none;border:none;padding:0}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 14px;min-width:150px}
.card .label{color:#6b7280;font-size:12px}.card .value{font-size:24px;font-weight:600}.card .detail{color:#6b7280;font-size:12px}
svg text{font-size:13px;fill:#111827}svg .count{font-weight:600;font-size:15px}svg .rate{fill:#374151}
svg .axis{font-size:11px;fill:#6b7280}svg .grid{stroke:#e5e7eb}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:4px 8px;border-bottom:1px solid #e5e7eb;text-align:left}
th{color:#6b7280;font-weight:600}.num{text-align:right;white-space:nowrap}
.legend{display:flex;gap:16px;font-size:12px;color:#374151;margin:4px 0 8px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
.note{color:#4b5563;font-size:13px}.flag{color:#b91c1c}.behind{color:#b45309}.on-track{color:#15803d}
.bar{vertical-align:middle}
`;
