// Reads a link's snapshot row (the forms snapshots.ts describes) straight from its text: parsing the row
// into an object with JSON.parse and walking that object was half of a page's store read. Only what the
// writers make is read here, and only rows without an escaped character; for anything else the scan
// gives up (undefined) and the row goes through JSON.parse, which reads every form and refuses a corrupt
// row in its own words.
import { snapshotsByField } from "../../core/merge/snapshots-by-field.js";
import type { FieldSnapshot } from "../port.js";
import type { NameTable } from "./names.js";
import { blankAt, isoOf } from "./snapshot-times.js";

type FieldValue = FieldSnapshot["marketing"];

const QUOTE = 0x22;
const COMMA = 0x2c;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const LETTER_T = 0x74;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
/** Digits a number may have and still be the very number JSON.parse would make of them. */
const MAX_DIGITS = 15;
/** The row's time key: a quote inside a string is escaped, so this text is that key and nothing else. */
const ROW_TIME_KEY = '"t":';

/** Where the scan is in the row: the scan is synchronous, so one cursor serves every row. */
let at = 0;

/** The row's snapshots by field key, or undefined when the row is not one the scan reads. */
export function scanSnapshotRow(text: string, names: Pick<NameTable, "nameOf">): Record<string, FieldSnapshot> | undefined {
  if (text.charCodeAt(0) !== OPEN_BRACE || text.indexOf("\\") !== -1) return undefined;
  // The row's time may stand anywhere (json_patch appends the keys a patch adds), and the fields synced
  // then name no time of their own: it is found first.
  let rowAt: string | undefined;
  const time = text.lastIndexOf(ROW_TIME_KEY);
  if (time !== -1) {
    at = time + ROW_TIME_KEY.length;
    const ms = integer(text);
    if (ms === undefined) return undefined;
    rowAt = isoOf(ms);
  }
  const out = snapshotsByField<FieldSnapshot>();
  at = 1;
  if (text.charCodeAt(at) === CLOSE_BRACE) return text.length === 2 ? out : undefined;
  for (;;) {
    if (text.charCodeAt(at++) !== QUOTE) return undefined;
    if (text.charCodeAt(at) === LETTER_T) {
      // The row's time, read above.
      if (!text.startsWith(ROW_TIME_KEY, at - 1)) return undefined;
      at += ROW_TIME_KEY.length - 1;
      if (integer(text) === undefined) return undefined;
    } else {
      const id = integer(text);
      if (id === undefined || text.charCodeAt(at) !== QUOTE || text.charCodeAt(at + 1) !== COLON) return undefined;
      at += 2;
      const snapshot = field(text, rowAt);
      if (snapshot === undefined) return undefined;
      out[names.nameOf(id)] = snapshot;
    }
    const next = text.charCodeAt(at++);
    if (next === CLOSE_BRACE) return at === text.length ? out : undefined;
    if (next !== COMMA) return undefined;
  }
}

/**
 * One field: `0` (both blank) or the value both sides hold, at the row's time; or a list (`fieldList`).
 * A field without a time in a row without one is left to JSON.parse's path, which names it as corrupt.
 */
function field(text: string, rowAt: string | undefined): FieldSnapshot | undefined {
  const first = text.charCodeAt(at);
  if (first === OPEN_BRACKET) return fieldList(text, rowAt);
  if (rowAt === undefined) return undefined;
  if (first === QUOTE) {
    const value = item(text);
    return typeof value === "string" ? { marketing: value, crm: value, syncedAt: rowAt } : undefined;
  }
  return integer(text) === 0 ? blankAt(rowAt) : undefined;
}

/**
 * `[syncedAt]`, `[syncedAt, value]`, `[syncedAt, marketing, crm]` (syncedAt in epoch ms), `[marketing, crm]`
 * at the row's time, or `[marketing, crm, syncedAt]` as written before migration 12.
 */
function fieldList(text: string, rowAt: string | undefined): FieldSnapshot | undefined {
  at++;
  let count = 0;
  let first: FieldValue | number | undefined;
  let second: FieldValue | number | undefined;
  let third: FieldValue | number | undefined;
  for (;;) {
    const value = item(text);
    if (value === undefined || count === 3) return undefined;
    if (count === 0) first = value;
    else if (count === 1) second = value;
    else third = value;
    count++;
    const next = text.charCodeAt(at++);
    if (next === CLOSE_BRACKET) break;
    if (next !== COMMA) return undefined;
  }
  if (typeof second === "number" || typeof third === "number") return undefined;
  if (typeof first === "number") {
    const syncedAt = isoOf(first);
    if (count === 1) return blankAt(syncedAt);
    return { marketing: second!, crm: count === 3 ? third! : second!, syncedAt };
  }
  if (count === 2) return rowAt === undefined ? undefined : { marketing: first!, crm: second!, syncedAt: rowAt };
  return count === 3 && typeof third === "string" ? { marketing: first!, crm: second!, syncedAt: third } : undefined;
}

/** A string (the row holds no escape), null, or a whole number; undefined for anything else. */
function item(text: string): FieldValue | number | undefined {
  const first = text.charCodeAt(at);
  if (first === QUOTE) {
    const end = text.indexOf('"', at + 1);
    if (end === -1) return undefined;
    const value = text.slice(at + 1, end);
    at = end + 1;
    return value;
  }
  if (text.startsWith("null", at)) {
    at += 4;
    return null;
  }
  return integer(text);
}

/** The digits at the cursor as a number (the cursor moves past them); undefined when there are none. */
function integer(text: string): number | undefined {
  const start = at;
  let n = 0;
  let c = text.charCodeAt(at);
  while (c >= ZERO && c <= NINE) {
    n = n * 10 + (c - ZERO);
    c = text.charCodeAt(++at);
  }
  const digits = at - start;
  // JSON writes no leading zero, and a longer number could round unlike JSON.parse's.
  if (digits === 0 || digits > MAX_DIGITS || (digits > 1 && text.charCodeAt(start) === ZERO)) return undefined;
  return n;
}
