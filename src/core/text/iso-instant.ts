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
  for (const i of DIGIT_AT) {
    const c = text.charCodeAt(i);
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

/** The number the decimal digits from `from` to `to` spell (checked to be digits). */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + text.charCodeAt(i) - 0x30;
  return n;
}
