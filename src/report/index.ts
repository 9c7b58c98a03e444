// Reports over the store's funnel events: building them (the CLI and the console call these) and
// rendering them as text, CSV or one self-contained HTML page.
export {
  buildCampaignReport,
  buildFunnelReport,
  buildReportBook,
  buildSlaReport,
  type ReportBook,
  type ReportOptions,
} from "./build.js";
export { campaignsCsv, funnelCsv, slaCsv } from "./csv.js";
export { escapeHtml, renderReportHtml } from "./html.js";
export { campaignsText, funnelText, slaText } from "./text.js";
export { rateLabels, type ReportCrm, reportWords, type ReportWords } from "./words.js";
