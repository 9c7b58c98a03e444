// Funnel reporting over plain funnel events and follow-up clocks: figures, groups, campaigns, SLA.
export {
  type Attribution,
  CAMPAIGN_ORIGINS,
  type CampaignOrigin,
  GROUP_BYS,
  type GroupBy,
  type PersonFacts,
  type ReportCampaign,
  territoryOf,
} from "./attribution.js";
export { type CampaignReport, type CampaignRow, campaignReport } from "./campaigns.js";
export { type Cohort } from "./cohorts.js";
export { type FunnelConversions, type FunnelFigures, type FunnelRates, funnelFigures, type ReportClock, type ReportEvent } from "./figures.js";
export {
  DEFAULT_REPORT_SETTINGS,
  type FunnelGroup,
  type FunnelReport,
  type FunnelReportInput,
  funnelReport,
  GROUP_ROW_COUNTS,
  type GroupRowCount,
  groupRowCount,
  type RateShift,
  type ReportSettings,
  type ReportTarget,
  TARGET_METRICS,
  TARGET_PERIODS,
  type TargetMetric,
  type TargetProgress,
  type TimelinePoint,
} from "./funnel-report.js";
export { groupKey, groupLabel } from "./group-key.js";
export { parseInstant, PERIOD_KINDS, type PeriodKind, previousPeriod, type ReportPeriod, resolvePeriod } from "./period.js";
export { type ReportBreach, type SlaRepRow, type SlaReport, slaReport } from "./sla-report.js";
