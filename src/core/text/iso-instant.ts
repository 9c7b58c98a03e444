// Whether a text is an instant exactly as `Date#toISOString` writes it: the systems' edges turn every
// date-time they read into that form, and most already are in it, so they keep the text itself instead
// of making a Date and the same text again (a contact's read has a dozen of them).

const DIGIT_AT = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * True for `YYYY-MM-DDTHH:MM:SS.sssZ` naming a real instant (years 0000–9999, the month's days, hours
 * 0–23, no leap second), for which `new Date(text).toISOString()` gives `text` back; false for any other
 * text, which `Date` may read differently (`2024-02-30` is 1 March, `24:00` the next day).
 */
export function isIsoInstant(text: string): boolean {
  if (text.length !== 24) return false;
  if (text[4] !== "-" || text[7] !== "-" || text[10] !== "T" || text[13] !== ":" || text[16] !== ":") return false;
  if (text[19] !== "." || text[23] !== "Z") return false;
  // Indexed: a for-of made an iterator result per digit when not optimised (4.5 MB in a first load).
  for (let k = 0; k < DIGIT_AT.length; k++) {
    const c = text.charCodeAt(DIGIT_AT[k]!);
    if (c < 0x30 || c > 0x39) return false;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
  return day <= days && digits(text, 11, 13) < 24 && digits(text, 14, 16) < 60 && digits(text, 17, 19) < 60;
}

/**
 * `Date.parse(text)` of a text `isIsoInstant` takes, worked out from its digits; NaN for any other text
 * (which `Date.parse` reads as it reads it). The behaviour cache takes every activity's time as epoch ms,
 * 73,000 of them in a first load's bulk read at 10,000 contacts, at about half of `Date.parse`'s cost.
 */
export function isoInstantMs(text: string): number {
  if (!isIsoInstant(text)) return Number.NaN;
  // Days from 1970-01-01 of the proleptic Gregorian date (years counted from March, so February's leap
  // day ends one: the civil-from-days algorithm read backwards).
  const month = digits(text, 5, 7);
  const year = digits(text, 0, 4) - (month <= 2 ? 1 : 0);
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + digits(text, 8, 10) - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146_097 + dayOfEra - 719_468;
  return (
    days * DAY_MS + digits(text, 11, 13) * 3_600_000 + digits(text, 14, 16) * 60_000 + digits(text, 17, 19) * 1_000 + digits(text, 20, 23)
  );
}

/** The number the decimal digits from `from` to `to` spell (checked to be digits). */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + text.charCodeAt(i) - 0x30;
  return n;
}

/** The last instant of year 9999, the last that `toISOString` writes in the four-digit form. */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;
const DAY_MS = 86_400_000;
/** Days `isoInstant` keeps the `YYYY-MM-DDT` of (a read's activities span a year or so): beyond, it starts over. */
const DAYS_KEPT = 4_096;
/** A day's first instant → the character codes of its `YYYY-MM-DDT`. */
const dayCodes = new Map<number, number[]>();
const ZERO = 0x30;

/**
 * `new Date(ms).toISOString()`, made without a Date for each: the behaviour cache gives every activity's
 * time back in this form, and a Date and its text cost a scoring read more than the rest of making its
 * activities (a day's part is made once, from a Date, and kept). The text is made at once from its 24
 * character codes: put together from its parts, it was a string per part joined and a pair joined per
 * step (29 MB of a 10,000-contact first load's allocations, issue 11).
 */
export function isoInstant(ms: number): string {
  if (!(Number.isInteger(ms) && ms >= 0 && ms <= LAST_FOUR_DIGIT_YEAR_MS)) return new Date(ms).toISOString();
  const day = ms - (ms % DAY_MS);
  let d = dayCodes.get(day);
  if (d === undefined) {
    if (dayCodes.size >= DAYS_KEPT) dayCodes.clear();
    const text = new Date(day).toISOString();
    d = Array.from({ length: 11 }, (_, i) => text.charCodeAt(i));
    dayCodes.set(day, d);
  }
  let rest = ms - day;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1_000);
  const millis = rest - seconds * 1_000;
  return String.fromCharCode(
    d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!, d[10]!,
    ZERO + Math.floor(hours / 10), ZERO + (hours % 10), 0x3a,
    ZERO + Math.floor(minutes / 10), ZERO + (minutes % 10), 0x3a,
    ZERO + Math.floor(seconds / 10), ZERO + (seconds % 10), 0x2e,
    ZERO + Math.floor(millis / 100), ZERO + (Math.floor(millis / 10) % 10), ZERO + (millis % 10), 0x5a,
  );
}
