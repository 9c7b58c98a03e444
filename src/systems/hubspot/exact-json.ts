// HubSpot's answers parsed with every integer past 2^53 kept as its decimal digits: record ids are int64,
// and associations v4 gives `toObjectId` as a JSON number (associations v4 reference, batch read), which
// JSON.parse would round to the nearest double, naming another record (ARCHITECTURE.md, "ids past 2^53").
// The schemas read ids with z.coerce.string(), so an id kept as digits reads exactly; a field read as a
// number that held such an integer is refused by its schema rather than read wrong.
import { isInteger, isSafeNumber, parse } from "lossless-json";

// A run of 16 digits anywhere: without one, no integer can be past 2^53 and node's own parser reads it.
const LONG_RUN = /\d{16}/;

export function parseExactJson(text: string): unknown {
  return LONG_RUN.test(text) ? parse(text, null, exactNumber) : JSON.parse(text);
}

/** An integer no double holds exactly as its digits; every other number as JSON.parse reads it. */
function exactNumber(digits: string): number | string {
  return isInteger(digits) && !isSafeNumber(digits) ? digits : Number(digits);
}
