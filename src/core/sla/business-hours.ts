// Working time: a team's hours in its own time zone (sla.yaml `clock: business`). Adding 4h of working
// time to a Friday 17:00 handoff in a 09:00–18:00 week lands on Monday 12:00, whatever the UTC offset
// that day (summer time included). Pure: wall-clock times come from Intl, never from the process's zone.

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface BusinessHours {
  /** IANA time zone the hours are written in ("Europe/Paris"). */
  timezone: string;
  days: readonly Weekday[];
  /** Minutes after local midnight: start of the working day (inclusive), end (exclusive), start < end. */
  startMinute: number;
  endMinute: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

interface WallClock {
  year: number;
  month: number;
  day: number;
  weekday: Weekday;
  minuteOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "short",
    });
    formatters.set(timezone, f);
  }
  return f;
}

function wallClock(ms: number, timezone: string): WallClock & { second: number } {
  const parts = Object.fromEntries(formatter(timezone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: parts.weekday!.toLowerCase().slice(0, 3) as Weekday,
    minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The zone's offset from UTC at `ms`, in milliseconds. */
function offsetAt(ms: number, timezone: string): number {
  const w = wallClock(ms, timezone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, 0, w.minuteOfDay, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant a local date's wall-clock minute falls on (the first one, when summer time repeats it). */
function instantOf(year: number, month: number, day: number, minuteOfDay: number, timezone: string): number {
  const guess = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  const first = guess - offsetAt(guess, timezone);
  return guess - offsetAt(first, timezone);
}

/** `durationMs` of working time after `startMs`: the instant it is used up. */
export function addBusinessTime(startMs: number, durationMs: number, hours: BusinessHours): number {
  if (hours.days.length === 0) throw new RangeError("business hours name no working day");
  let remaining = durationMs;
  let t = startMs;
  // Each pass handles one local day; a year of days is far beyond any SLA.
  for (let i = 0; i < 3700; i++) {
    const w = wallClock(t, hours.timezone);
    if (hours.days.includes(w.weekday) && w.minuteOfDay < hours.endMinute) {
      const open = instantOf(w.year, w.month, w.day, hours.startMinute, hours.timezone);
      const close = instantOf(w.year, w.month, w.day, hours.endMinute, hours.timezone);
      const from = Math.max(t, open);
      if (from < close) {
        if (remaining <= close - from) return from + remaining;
        remaining -= close - from;
      }
    }
    // The next local midnight (a day later on the calendar, found again in case the offset moved).
    const next = new Date(Date.UTC(w.year, w.month - 1, w.day) + DAY);
    t = instantOf(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, hours.timezone);
  }
  throw new RangeError("working time runs past ten years");
}

/** The length of one working day, in milliseconds (what `1d` means on a business clock). */
export function businessDayMs(hours: BusinessHours): number {
  return (hours.endMinute - hours.startMinute) * MINUTE;
}
