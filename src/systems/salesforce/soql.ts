// SOQL text built from parts: quoted and escaped string literals, dateTime literals, checked field and
// object names, and the compound (SystemModstamp, Id) change window. Pure; no I/O.
// Escapes: SOQL and SOSL Reference, "Quoted String Escape Sequences"
// https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
import { SystemError } from "../../sync/system-error.js";
import type { ChangeCursor } from "../../sync/system-port.js";
import { readWindowStart } from "../read-window.js";
import { SYSTEM } from "./errors.js";

const ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "'": "\\'",
  '"': '\\"',
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** A string literal: `O'Brien` → `'O\'Brien'`; backslashes first so escapes are not doubled. */
export function soqlString(value: string): string {
  return `'${value.replace(/[\\'"\n\r\t\b\f]/g, (c) => ESCAPES[c] ?? c)}'`;
}

/**
 * A dateTime literal, unquoted, in UTC, cut to the second: `2026-11-23T12:00:00Z`, the form the reference
 * lists (`YYYY-MM-DDThh:mm:ssZ`; it lists none with milliseconds, which an org takes but a server written
 * to the reference need not). Salesforce keeps dateTimes to the second, so the cut states the window
 * Salesforce applies. SOQL and SOSL Reference, "Date Formats and Date Literals in WHERE"
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm
 */
export function soqlDateTime(iso: string | number): string {
  const ms = typeof iso === "number" ? iso : Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not a date-time: ${String(iso)}`);
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** An object or field name (`Lead`, `Owner.Email`, `HubSpot_Contact_Id__c`); anything else is a config error. */
export function soqlName(name: string): string {
  if (!NAME.test(name)) {
    throw new SystemError({
      system: SYSTEM,
      errorClass: "config",
      code: "INVALID_FIELD",
      message: `the mapping names a field or object Salesforce does not have: "${name}" is not a Salesforce API name`,
      retriable: false,
    });
  }
  return name;
}

/** The fields to select: the caller's, plus Id and SystemModstamp, each once (names compare case-insensitively). */
export function selectList(
  fields: readonly string[],
  always: readonly string[] = ["Id", "SystemModstamp"],
): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of [...always, ...fields]) {
    const key = f.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(soqlName(f));
  }
  return out;
}

export function select(object: string, fields: readonly string[], where: string, orderBy?: string): string {
  const order = orderBy ? ` ORDER BY ${orderBy}` : "";
  return `SELECT ${fields.join(", ")} FROM ${soqlName(object)} WHERE ${where}${order}`;
}

/**
 * Records changed after the cursor and at or before the signpost:
 * `(SystemModstamp > m OR (SystemModstamp = m AND Id > lastId)) AND SystemModstamp <= until`, or
 * `SystemModstamp >= m` without a lastId, or only `<= until` from the start. With a look-back the window
 * opens at `m - lookBack` with `>=` instead: everything since then is read again, ties at every instant
 * included, and what the cursor had already passed comes back once more (callers absorb repeats).
 */
export function changeWindow(from: ChangeCursor | null, until: string, lookbackMs = 0): string {
  const upper = `SystemModstamp <= ${soqlDateTime(until)}`;
  if (!from) return upper;
  if (lookbackMs > 0) {
    return `SystemModstamp >= ${soqlDateTime(readWindowStart(from, lookbackMs))} AND ${upper}`;
  }
  const m = soqlDateTime(from.modifiedAt);
  if (from.lastId === null) return `SystemModstamp >= ${m} AND ${upper}`;
  return `(SystemModstamp > ${m} OR (SystemModstamp = ${m} AND Id > ${soqlString(from.lastId)})) AND ${upper}`;
}

export const CHANGE_ORDER = "SystemModstamp, Id";

/** `Field IN ('a', 'b')` */
export function inList(field: string, values: readonly string[]): string {
  return `${soqlName(field)} IN (${values.map(soqlString).join(", ")})`;
}

/**
 * Splits `values` into `IN` lists whose query, URL-encoded, stays within `budgetBytes` besides
 * `fixedBytes` (the rest of the URI: path, SELECT list, WHERE and ORDER BY). Each list has one value at least.
 */
export function inListsWithin(values: readonly string[], fixedBytes: number, budgetBytes: number): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let used = fixedBytes;
  for (const value of values) {
    // ", 'value'" encoded: the separator and the quoted, escaped literal.
    const bytes = encodeURIComponent(`, ${soqlString(value)}`).length;
    if (current.length > 0 && used + bytes > budgetBytes) {
      out.push(current);
      current = [];
      used = fixedBytes;
    }
    current.push(value);
    used += bytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
