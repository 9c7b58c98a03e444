// HubSpot's answers parsed with every integer past 2^53 kept as its decimal digits: record ids are int64,
// and associations v4 gives `toObjectId` as a JSON number (associations v4 reference, batch read), which
// JSON.parse would round to the nearest double, naming another record (ARCHITECTURE.md, "ids past 2^53").
// The schemas read ids with z.coerce.string(), so an id kept as digits reads exactly; a field read as a
// number that held such an integer is refused by its schema rather than read wrong.
import { isInteger, isSafeNumber, parse } from "lossless-json";

/** Digits an integer past 2^53 has at least (2^53 is 9,007,199,254,740,992: 16 digits). */
const LONG_RUN_DIGITS = 16;

export function parseExactJson(text: string): unknown {
  return hasLongDigitRun(text) ? parse(text, null, exactNumber) : JSON.parse(text);
}

/**
 * Whether 16 digits stand in a row anywhere: without such a run no integer can be past 2^53, and node's
 * own parser reads the answer. Any run of 16 covers one of every 16th character, so only those are
 * looked at, and a digit there is widened to its run: a tenth of a /\d{16}/ test's time, which took
 * two thirds of the parse's own on a search page (mostly ISO dates and text).
 */
export function hasLongDigitRun(text: string): boolean {
  for (let i = LONG_RUN_DIGITS - 1; i < text.length; i += LONG_RUN_DIGITS) {
    if (!isDigit(text.charCodeAt(i))) continue;
    let start = i;
    while (start > 0 && isDigit(text.charCodeAt(start - 1))) start--;
    let end = i;
    while (end + 1 < text.length && isDigit(text.charCodeAt(end + 1))) end++;
    if (end - start + 1 >= LONG_RUN_DIGITS) return true;
    // The next run lies past end + 1 (not a digit); every 16th character from end + 16 still covers it.
    i = end;
  }
  return false;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** An integer no double holds exactly as its digits; every other number as JSON.parse reads it. */
function exactNumber(digits: string): number | string {
  return isInteger(digits) && !isSafeNumber(digits) ? digits : Number(digits);
}
