// The funnel's figures for one set of people over one period, from their funnel events and follow-up
// clocks. Counts are of moves made in the period (`since` ≤ at < `until`): a person who qualifies twice
// is two MQLs, one of them re-qualified. Rates are cohorts of people (cohorts.ts), not ratios of counts.
import { type Cohort, cohort } from "./cohorts.js";
import { round, median, percentile, ratio, roundOrNull } from "./stats.js";
import type { ReportPeriod } from "./period.js";
import { isRestored, unrestored } from "../funnel/restore.js";

/** A stage change as the store keeps it (the store's FunnelEvent fits this). */
export interface ReportEvent {
  personId: string;
  fromStage: string | null;
  toStage: string;
  at: string;
  /** `qualified: …`, `disposition recycle: …`, `conversion: …`, `opportunity: …`, `requalify …`. */
  cause: string;
  source: string | null;
  campaign: string | null;
  /** The system campaign's id and where it came from (attribution.ts); absent for a drill-down's text. */
  campaignId?: string | null;
  campaignOrigin?: "hubspot-campaign" | "salesforce-campaign" | "source-property" | null;
  ownerId: string | null;
  amount: number | null;
}

/** A follow-up clock as the store keeps it (the store's SlaClock fits this). */
export interface ReportClock {
  personId: string;
  ownerId: string | null;
  handoffAt: string;
  dueAt: string;
  firstTouchAt: string | null;
  touches: number;
  breachedAt: string | null;
}

export interface FunnelRates {
  mqlToSal: number | null;
  salToOpportunity: number | null;
  opportunityToWon: number | null;
}

/** The people each rate is made of: of those who reached the first stage, how many went on to the next. */
export interface FunnelConversions {
  mqlToSal: Cohort;
  salToOpportunity: Cohort;
  opportunityToWon: Cohort;
}

export interface FunnelFigures {
  /** Moves to MQL (marketing qualified, passed to sales). */
  mqls: number;
  /** Of those, people qualifying again after being recycled, unreachable, lost or trashed. */
  requalified: number;
  /** Accepted by sales: moves to SAL, and moves to opportunity straight from before SAL. */
  sals: number;
  /**
   * Sales qualified by converting the lead (with or without an opportunity), and people a lost store's
   * restore brought back to opportunity or beyond.
   */
  sqls: number;
  opportunities: number;
  won: number;
  lost: number;
  /** Won amounts of people who were MQLs before they won. */
  revenue: number;
  /** Deals won by people leadloop never saw qualify (a rep's own lead), and their amounts. */
  wonWithoutMql: number;
  revenueWithoutMql: number;
  recycled: number;
  /** The reps' verdicts in the period; converting a lead not yet accepted counts as qualified. */
  dispositions: { qualified: number; recycle: number; trash: number; unreachable: number };
  /** Handoffs in the period (follow-up clocks started). */
  handoffs: number;
  /** Handoff to the owner's first touch, in hours, over the period's handoffs touched so far. */
  followUpHours: { median: number | null; p90: number | null; count: number };
  /** Each conversion's share, `reached / people` (four decimals); null with no one to convert. */
  rates: FunnelRates;
  conversions: FunnelConversions;
  /** Median days a person spent in the stage, over moves out of it in the period. */
  velocityDays: { mql: number | null; sal: number | null; opportunity: number | null };
}

const BEFORE_SAL: ReadonlySet<string | null> = new Set([null, "lead", "mql", "recycled", "unreachable"]);
/** Whether a move reaches each stage as the counts count it (a SAL: accepted, or converted from before SAL). */
export const REACHES = {
  mql: (e: ReportEvent) => e.toStage === "mql",
  sal: (e: ReportEvent) => e.toStage === "sal" || (e.toStage === "opportunity" && BEFORE_SAL.has(e.fromStage)),
  opportunity: (e: ReportEvent) => e.toStage === "opportunity",
  won: (e: ReportEvent) => e.toStage === "won",
} as const;
const FIRST_QUALIFICATION: ReadonlySet<string | null> = new Set([null, "lead"]);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export function inPeriod(at: string, period: Pick<ReportPeriod, "since" | "until">): boolean {
  return (period.since === null || at >= period.since) && at < period.until;
}

/**
 * The verdict a move stands for (`disposition trash: Closed - Unqualified` → trash). A conversion of a lead
 * sales had not accepted yet is its qualified verdict; converting an accepted lead is no second verdict.
 */
function verdictOf(e: ReportEvent): keyof FunnelFigures["dispositions"] | null {
  return verdictOfMove(e.cause, e.fromStage, e.toStage);
}

/**
 * The verdict a move with this cause between these stages stands for (see verdictOf); /metrics counts the
 * same. A lost store's restore (core/funnel/restore.ts) gives a move the verdict the record's status shows
 * behind it (`restored: disposition …`), and reaches opportunity from before SAL in one move, as the
 * conversion it stands for did: both count as those verdicts did before the loss.
 */
export function verdictOfMove(cause: string, fromStage: string | null, toStage: string): keyof FunnelFigures["dispositions"] | null {
  if (cause.startsWith("conversion")) return BEFORE_SAL.has(fromStage) ? "qualified" : null;
  if (isRestored(cause) && toStage === "opportunity" && BEFORE_SAL.has(fromStage)) return "qualified";
  const m = /^disposition (qualified|recycle|trash|unreachable)\b/.exec(unrestored(cause));
  return m ? (m[1] as keyof FunnelFigures["dispositions"]) : null;
}

/**
 * Figures for the period. `events` are the people's events in time order up to the period's end, earlier
 * ones included: whether a winner was an MQL, and how long a stage lasted, look back before `since`.
 */
export function funnelFigures(
  events: readonly ReportEvent[],
  clocks: readonly ReportClock[],
  period: Pick<ReportPeriod, "since" | "until">,
): FunnelFigures {
  const f: FunnelFigures = {
    mqls: 0,
    requalified: 0,
    sals: 0,
    sqls: 0,
    opportunities: 0,
    won: 0,
    lost: 0,
    revenue: 0,
    wonWithoutMql: 0,
    revenueWithoutMql: 0,
    recycled: 0,
    dispositions: { qualified: 0, recycle: 0, trash: 0, unreachable: 0 },
    handoffs: 0,
    followUpHours: { median: null, p90: null, count: 0 },
    rates: { mqlToSal: null, salToOpportunity: null, opportunityToWon: null },
    conversions: { mqlToSal: { people: 0, reached: 0 }, salToOpportunity: { people: 0, reached: 0 }, opportunityToWon: { people: 0, reached: 0 } },
    velocityDays: { mql: null, sal: null, opportunity: null },
  };
  const firstMqlAt = new Map<string, string>();
  const previous = new Map<string, ReportEvent>();
  const stageDays: Record<"mql" | "sal" | "opportunity", number[]> = { mql: [], sal: [], opportunity: [] };
  for (const e of events) {
    if (e.toStage === "mql" && !firstMqlAt.has(e.personId)) firstMqlAt.set(e.personId, e.at);
    const before = previous.get(e.personId);
    previous.set(e.personId, e);
    if (!inPeriod(e.at, period)) continue;
    switch (e.toStage) {
      case "mql":
        f.mqls++;
        if (!FIRST_QUALIFICATION.has(e.fromStage)) f.requalified++;
        break;
      case "sal":
        f.sals++;
        break;
      case "opportunity":
        f.opportunities++;
        if (BEFORE_SAL.has(e.fromStage)) f.sals++;
        break;
      case "won": {
        f.won++;
        const amount = e.amount ?? 0;
        const mqlAt = firstMqlAt.get(e.personId);
        if (mqlAt !== undefined && mqlAt <= e.at) f.revenue += amount;
        else {
          f.wonWithoutMql++;
          f.revenueWithoutMql += amount;
        }
        break;
      }
      case "lost":
        f.lost++;
        break;
      case "recycled":
        f.recycled++;
        break;
    }
    // An SQL is a converted lead, counted once: a Lead converted without an Opportunity (to sal) whose
    // Opportunity comes later moves again on a conversion cause, and that second move is no new SQL. A
    // lost store's restore reaches opportunity from before SAL in one move, as a conversion would
    // (core/funnel/restore.ts): the converted lead it was.
    if (e.cause.startsWith("conversion") && !(e.fromStage === "sal" && before?.cause.startsWith("conversion"))) f.sqls++;
    else if (isRestored(e.cause) && e.toStage === "opportunity" && BEFORE_SAL.has(e.fromStage)) f.sqls++;
    const verdict = verdictOf(e);
    if (verdict) f.dispositions[verdict]++;
    const left = e.fromStage;
    if ((left === "mql" || left === "sal" || left === "opportunity") && before?.toStage === left)
      stageDays[left].push((Date.parse(e.at) - Date.parse(before.at)) / DAY_MS);
  }
  const hours: number[] = [];
  for (const c of clocks) {
    if (!inPeriod(c.handoffAt, period)) continue;
    f.handoffs++;
    // A touch logged before the handoff (the rep already talked to them) counts as immediate.
    if (c.firstTouchAt !== null) hours.push(Math.max(0, Date.parse(c.firstTouchAt) - Date.parse(c.handoffAt)) / HOUR_MS);
  }
  f.revenue = round(f.revenue, 2);
  f.revenueWithoutMql = round(f.revenueWithoutMql, 2);
  f.followUpHours = { median: roundOrNull(median(hours), 2), p90: roundOrNull(percentile(hours, 90), 2), count: hours.length };
  const periodEvents = events.filter((e) => inPeriod(e.at, period));
  f.conversions = {
    mqlToSal: cohort(periodEvents, REACHES.mql, REACHES.sal),
    salToOpportunity: cohort(periodEvents, REACHES.sal, REACHES.opportunity),
    opportunityToWon: cohort(periodEvents, REACHES.opportunity, REACHES.won),
  };
  f.rates = {
    mqlToSal: cohortRatio(f.conversions.mqlToSal),
    salToOpportunity: cohortRatio(f.conversions.salToOpportunity),
    opportunityToWon: cohortRatio(f.conversions.opportunityToWon),
  };
  f.velocityDays = {
    mql: roundOrNull(median(stageDays.mql), 2),
    sal: roundOrNull(median(stageDays.sal), 2),
    opportunity: roundOrNull(median(stageDays.opportunity), 2),
  };
  return f;
}

export function cohortRatio(c: Cohort): number | null {
  return ratio(c.reached, c.people);
}
