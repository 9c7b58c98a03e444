// The period a report covers: given dates, or the calendar week (ISO, from Monday), month or quarter
// holding `now`, in UTC; the period before it of the same kind; and the buckets a timeline splits it into.

export const PERIOD_KINDS = ["week", "month", "quarter"] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** `since` inclusive, `until` exclusive (ISO instants); a null `since` means from the first event. */
export interface ReportPeriod {
  since: string | null;
  until: string;
  /** What the period is: a calendar week/month/quarter, given dates (`custom`), or everything (`all`). */
  kind: PeriodKind | "custom" | "all";
}

export interface PeriodRequest {
  period?: PeriodKind;
  since?: string;
  until?: string;
}

const DAY_MS = 86_400_000;

/** A date or date-time as written on the command line: a bare date is midnight UTC. */
export function parseInstant(text: string, name: string): string {
  const trimmed = text.trim();
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00.000Z` : trimmed;
  const ms = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed) || Number.isNaN(ms))
    throw new RangeError(`${name} must be a date (2026-10-01) or an ISO date-time, not "${text}"`);
  // Date.parse rolls a day past its month's end into the next month (2026-02-30 is 2 March): refused.
  const [y, m, d] = trimmed.slice(0, 10).split("-").map(Number) as [number, number, number];
  if (new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10) !== trimmed.slice(0, 10))
    throw new RangeError(`${name}: ${trimmed.slice(0, 10)} is not a day of the calendar`);
  return new Date(ms).toISOString();
}

/** The start (UTC) of the calendar period of `kind` holding `at`. */
export function periodStart(kind: PeriodKind, at: Date): Date {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  if (kind === "month") return new Date(Date.UTC(y, m, 1));
  if (kind === "quarter") return new Date(Date.UTC(y, m - (m % 3), 1));
  const day = Date.UTC(y, m, at.getUTCDate());
  const sinceMonday = (at.getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * DAY_MS);
}

/** The start of the period of `kind` after the one starting at `start`. */
export function nextPeriodStart(kind: PeriodKind, start: Date): Date {
  if (kind === "week") return new Date(start.getTime() + 7 * DAY_MS);
  const months = kind === "month" ? 1 : 3;
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, 1));
}

function previousPeriodStart(kind: PeriodKind, start: Date): Date {
  if (kind === "week") return new Date(start.getTime() - 7 * DAY_MS);
  const months = kind === "month" ? 1 : 3;
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - months, 1));
}

/**
 * The period a request names. `period` is the calendar period holding `now` (until its end); given
 * dates win over it; `until` alone defaults to now's instant and no dates at all mean every event.
 */
export function resolvePeriod(request: PeriodRequest, now: Date): ReportPeriod {
  if (request.since === undefined && request.until === undefined && request.period !== undefined) {
    const start = periodStart(request.period, now);
    return {
      since: start.toISOString(),
      until: nextPeriodStart(request.period, start).toISOString(),
      kind: request.period,
    };
  }
  const since = request.since === undefined ? null : parseInstant(request.since, "--since");
  const until = request.until === undefined ? now.toISOString() : parseInstant(request.until, "--until");
  if (since !== null && since >= until)
    throw new RangeError(
      request.until === undefined
        ? `--since (${since}) is in the future: a report ends now (${until}) unless --until says otherwise`
        : `--since (${since}) must be before --until (${until})`,
    );
  // Everything so far only when no bound is given: --until alone cuts the period, which says so.
  return { since, until, kind: since === null && request.until === undefined ? "all" : "custom" };
}

/** The period just before: the previous calendar period, or as long a stretch ending where this starts. */
export function previousPeriod(period: ReportPeriod): ReportPeriod | null {
  if (period.since === null) return null;
  const since = new Date(period.since);
  if (period.kind === "week" || period.kind === "month" || period.kind === "quarter")
    return { since: previousPeriodStart(period.kind, since).toISOString(), until: period.since, kind: period.kind };
  const length = Date.parse(period.until) - since.getTime();
  return { since: new Date(since.getTime() - length).toISOString(), until: period.since, kind: "custom" };
}

/** Nominal length in days of a target's period, to scale a target to a period of another length. */
export const NOMINAL_DAYS: Readonly<Record<PeriodKind | "year", number>> = {
  week: 7,
  month: 365.25 / 12,
  quarter: 365.25 / 4,
  year: 365.25,
};

/**
 * The timeline's buckets: days for up to two weeks, ISO weeks up to about four months, months beyond;
 * each clipped to the period. `firstEvent` stands in for a missing `since`.
 */
export function timelineBuckets(period: ReportPeriod, firstEvent: string | null): { since: string; until: string }[] {
  const startIso = period.since ?? firstEvent;
  if (startIso === null) return [];
  const start = new Date(startIso);
  const end = new Date(period.until);
  if (start >= end) return [];
  const days = (end.getTime() - start.getTime()) / DAY_MS;
  const unit: PeriodKind | "day" = days <= 14 ? "day" : days <= 124 ? "week" : "month";
  const buckets: { since: string; until: string }[] = [];
  let from = unit === "day" ? new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate())) : periodStart(unit, start);
  while (from < end) {
    const to = unit === "day" ? new Date(from.getTime() + DAY_MS) : nextPeriodStart(unit, from);
    const clippedFrom = from < start ? start : from;
    const clippedTo = to > end ? end : to;
    buckets.push({ since: clippedFrom.toISOString(), until: clippedTo.toISOString() });
    from = to;
  }
  return buckets;
}
