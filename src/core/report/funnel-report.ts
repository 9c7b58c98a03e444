// The funnel report: the period's figures, per group, against the previous period (rate shifts beyond
// the configured amount are flagged), against targets, and as a timeline of smaller periods.
import { type Attribution, attributePeople, type GroupBy, groupPeople, type PersonFacts, type ReportCampaign } from "./attribution.js";
import type { Cohort } from "./cohorts.js";
import { type FunnelConversions, type FunnelFigures, type FunnelRates, funnelFigures, inPeriod, type ReportClock, type ReportEvent } from "./figures.js";
import { NOMINAL_DAYS, type PeriodKind, previousPeriod, type ReportPeriod, timelineBuckets } from "./period.js";
import { ratio, round } from "./stats.js";

export const TARGET_METRICS = ["mqls", "sals", "sqls", "opportunities", "won", "revenue"] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];
export const TARGET_PERIODS = ["week", "month", "quarter", "year"] as const;

/** `report.targets` in leadloop.yaml: e.g. 300 MQLs per quarter. */
export interface ReportTarget {
  metric: TargetMetric;
  per: PeriodKind | "year";
  value: number;
}

/** `report` in leadloop.yaml. */
export interface ReportSettings {
  /** A rate moving more than this (a fraction: 0.1 is ten points) against the previous period is flagged. */
  rateShiftAlert: number;
  targets: readonly ReportTarget[];
  /**
   * Campaign name → type (Webinar, Paid search, ...): overrides the type the campaign's system gives;
   * a campaign with neither takes its people's source as type.
   */
  campaignTypes: Readonly<Record<string, string>>;
}

export const DEFAULT_REPORT_SETTINGS: ReportSettings = { rateShiftAlert: 0.1, targets: [], campaignTypes: {} };

export interface FunnelReportInput {
  /** Every event up to the period's end, in time order (earlier periods included). */
  events: readonly ReportEvent[];
  clocks: readonly ReportClock[];
  people: ReadonlyMap<string, PersonFacts>;
  /** The campaigns read from HubSpot and Salesforce, which title the events' campaign ids. */
  campaigns?: readonly ReportCampaign[];
  /**
   * MQL moves held from sales by the recycle cool-down and not handed off yet (core/funnel/recycle.ts
   * `splitHeldMoves`): in none of `events`, since the MQL counts at its handoff.
   */
  held?: readonly Pick<ReportEvent, "personId" | "at">[];
}

export interface FunnelGroup extends FunnelFigures {
  key: string;
  label: string;
}

export interface RateShift {
  /** The group's label; null for the whole funnel. */
  group: string | null;
  rate: keyof FunnelRates;
  previous: number;
  current: number;
  /** current − previous, from the two fractions (four decimals). */
  shift: number;
  /** The people each side's rate is made of, from which the shift is printed. */
  conversions: { previous: Cohort; current: Cohort };
}

export interface TargetProgress {
  metric: TargetMetric;
  per: PeriodKind | "year";
  /** The target for this report's period (scaled by length when the period is not one `per`). */
  target: number;
  actual: number;
  /** actual / target to four decimals, as every ratio in the report (1 for a target of 0). */
  progress: number;
  /** How much of the period has passed at `now` (0 to 1) to four decimals: `periodMs.passed / periodMs.length`. */
  elapsed: number;
  /** The milliseconds `elapsed` is made of, from which a renderer prints its percent, rounded once. */
  periodMs: { passed: number; length: number };
  /** progress ≥ elapsed: on pace to reach the target by the period's end. */
  onTrack: boolean;
}

export interface TimelinePoint {
  since: string;
  until: string;
  mqls: number;
  sals: number;
  opportunities: number;
  won: number;
  revenue: number;
  rates: FunnelRates;
  conversions: FunnelConversions;
}

export interface FunnelReport extends FunnelFigures {
  period: ReportPeriod;
  previousPeriod: ReportPeriod | null;
  groupBy: GroupBy | null;
  groups: FunnelGroup[];
  flags: RateShift[];
  targets: TargetProgress[];
  timeline: TimelinePoint[];
  /**
   * People who qualified again in the period while the recycle cool-down held them from sales, not handed
   * off yet: no MQL yet (the contact keeps the rep's verdict, and its MQL date the earlier one), counted
   * as one in the period of their handoff.
   */
  held: number;
}

const RATE_NAMES: readonly (keyof FunnelRates)[] = ["mqlToSal", "salToOpportunity", "opportunityToWon"];

export function funnelReport(
  input: FunnelReportInput,
  period: ReportPeriod,
  options: { groupBy: GroupBy | null; settings: ReportSettings; now: Date },
): FunnelReport {
  const events = input.events.filter((e) => e.at < period.until);
  const clocks = input.clocks.filter((c) => c.handoffAt < period.until);
  const previous = previousPeriod(period);
  const total = funnelFigures(events, clocks, period);
  const totalBefore = previous ? funnelFigures(events, clocks, previous) : null;
  const flags: RateShift[] = totalBefore ? rateShifts(null, total, totalBefore, options.settings.rateShiftAlert) : [];

  const groups: FunnelGroup[] = [];
  if (options.groupBy !== null) {
    const attribution = attributePeople(events, clocks, input.people, options.settings.campaignTypes, input.campaigns);
    for (const g of splitByGroup(events, clocks, attribution, options.groupBy)) {
      const figures = funnelFigures(g.events, g.clocks, period);
      // A group with nothing in the period has no row (it may have had moves before).
      if (!hasActivity(figures)) continue;
      groups.push({ key: g.key, label: g.label, ...figures });
      if (previous) flags.push(...rateShifts(g.label, figures, funnelFigures(g.events, g.clocks, previous), options.settings.rateShiftAlert));
    }
    groups.sort((a, b) => b.mqls - a.mqls || b.revenue - a.revenue || b.won - a.won || a.label.localeCompare(b.label));
  }

  // A calendar period shows all its weeks; given dates start at the first event (`--since 2000-01-01`
  // would otherwise draw decades of empty months).
  const firstEvent = events.find((e) => period.since === null || e.at >= period.since)?.at ?? null;
  const calendar = period.kind === "week" || period.kind === "month" || period.kind === "quarter";
  const drawn = calendar ? period : { ...period, since: firstEvent };
  const timeline = (drawn.since === null ? [] : timelineBuckets(drawn, firstEvent)).map((b) => {
    const f = funnelFigures(events, clocks, b);
    return { ...b, mqls: f.mqls, sals: f.sals, opportunities: f.opportunities, won: f.won, revenue: f.revenue, rates: f.rates, conversions: f.conversions };
  });

  return {
    period,
    previousPeriod: previous,
    groupBy: options.groupBy,
    ...total,
    groups,
    flags,
    targets: targetProgress(total, period, options.settings.targets, options.now),
    timeline,
    held: new Set((input.held ?? []).filter((e) => inPeriod(e.at, period)).map((e) => e.personId)).size,
  };
}

/**
 * The counts a group's row is made of, in the order the text and HTML tables show them (before revenue,
 * rates and follow-up), from MQL and handoff through to the ways out of the funnel. Every move
 * `funnelFigures` counts lands in one of them (a conversion is a SAL or an opportunity, a qualified
 * verdict a SAL, a recycle verdict a move to recycled), so a group with all of them 0 did nothing in the
 * period and has no row in any format, and a row a table prints shows what put it there: a "(none)"
 * owner's row of leads reps recycled before leadloop ever handed them off read all zeros when the
 * tables showed only MQLs to won.
 */
export const GROUP_ROW_COUNTS = ["mqls", "handoffs", "sals", "opportunities", "won", "lost", "recycled", "trash", "unreachable"] as const;
export type GroupRowCount = (typeof GROUP_ROW_COUNTS)[number];

/** One of a group row's counts; trash and unreachable count the reps' verdicts, as the figures do. */
export function groupRowCount(f: FunnelFigures, count: GroupRowCount): number {
  return count === "trash" || count === "unreachable" ? f.dispositions[count] : f[count];
}

function hasActivity(f: FunnelFigures): boolean {
  return GROUP_ROW_COUNTS.some((count) => groupRowCount(f, count) > 0);
}

export function splitByGroup(
  events: readonly ReportEvent[],
  clocks: readonly ReportClock[],
  attribution: ReadonlyMap<string, Attribution>,
  groupBy: GroupBy,
): { key: string; label: string; events: ReportEvent[]; clocks: ReportClock[] }[] {
  const groupOf = groupPeople(attribution, groupBy);
  const groups = new Map<string, { key: string; label: string; events: ReportEvent[]; clocks: ReportClock[] }>();
  const of = (personId: string) => {
    const ref = groupOf.get(personId) ?? { key: "", label: "(none)" };
    let g = groups.get(ref.key);
    if (!g) groups.set(ref.key, (g = { ...ref, events: [], clocks: [] }));
    return g;
  };
  for (const e of events) of(e.personId).events.push(e);
  for (const c of clocks) of(c.personId).clocks.push(c);
  return [...groups.values()];
}

function rateShifts(group: string | null, now: FunnelFigures, before: FunnelFigures, alert: number): RateShift[] {
  const out: RateShift[] = [];
  for (const rate of RATE_NAMES) {
    const current = now.rates[rate];
    const previous = before.rates[rate];
    if (current === null || previous === null) continue;
    const to = now.conversions[rate];
    const from = before.conversions[rate];
    // From the fractions: the difference of two rates already rounded to four decimals can be off by one
    // in the fourth.
    const shift = round(to.reached / to.people - from.reached / from.people, 4);
    // Compared at four decimals, as shown in JSON, so a shift of exactly the alert amount is not flagged.
    if (Math.abs(shift) > alert) out.push({ group, rate, previous, current, shift, conversions: { previous: from, current: to } });
  }
  return out;
}

function targetProgress(
  f: FunnelFigures,
  period: ReportPeriod,
  targets: readonly ReportTarget[],
  now: Date,
): TargetProgress[] {
  if (period.since === null) return [];
  const start = Date.parse(period.since);
  const end = Date.parse(period.until);
  const days = (end - start) / 86_400_000;
  const periodMs = { passed: Math.min(end - start, Math.max(0, now.getTime() - start)), length: end - start };
  const elapsed = ratio(periodMs.passed, periodMs.length) ?? 1;
  return targets.map((t) => {
    const target = round(period.kind === t.per ? t.value : (t.value * days) / NOMINAL_DAYS[t.per], 2);
    const actual = f[t.metric];
    const progress = ratio(actual, target) ?? 1;
    // On pace compared exactly (actual / target ≥ passed / length), not from the rounded ratios.
    const onTrack = actual * periodMs.length >= periodMs.passed * target;
    return { metric: t.metric, per: t.per, target, actual, progress, elapsed, periodMs, onTrack };
  });
}
