// Field values between Salesforce's JSON types and leadloop's canonical strings (src/core/records.ts):
// numbers in JS decimal form, booleans "true"/"false", dates as-is, dateTimes ISO-8601 UTC with `Z`.
import { type FieldValue, isBlank, type SourceRecord, unsetValues } from "../../core/records.js";
import { isIsoInstant } from "../../core/text/iso-instant.js";

/** Salesforce's dateTime in REST answers: `2026-11-23T12:00:00.000+0000`. */
const SF_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?([+-]\d{2}:?\d{2}|Z)$/;

/** One value as Salesforce returned it → canonical. */
export function toCanonical(value: unknown): FieldValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : null;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") {
    if (value === "") return null;
    // Most strings are not dateTimes: the `T` at index 10 rules them out before the regex runs.
    if (value.length >= 19 && value.charCodeAt(10) === 84 && SF_DATETIME.test(value)) {
      // Salesforce writes UTC (`.000+0000`): as `Z`, that is the canonical text already, when it names a real instant.
      if (value.length === 28 && value.endsWith("+0000")) {
        const utc = `${value.slice(0, 23)}Z`;
        if (isIsoInstant(utc)) return utc;
      }
      const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
      if (!Number.isNaN(ms)) return new Date(ms).toISOString();
    }
    return value;
  }
  // Compound fields (Address, Location) come as objects; kept as JSON text.
  return JSON.stringify(value);
}

/** `Owner.Email` from `{Owner: {attributes, Email}}`; names compare without regard to case. */
function pick(record: Record<string, unknown>, path: string): unknown {
  // Salesforce answers with the API names as the query spelled them, so the key is almost always there
  // as asked: look it up directly, and search the keys case-blind only when it is not.
  if (path.indexOf(".") < 0) return Object.hasOwn(record, path) ? record[path] : keyBlind(record, path);
  let current: unknown = record;
  for (const part of path.split(".")) {
    if (typeof current !== "object" || current === null) return null;
    const object = current as Record<string, unknown>;
    current = Object.hasOwn(object, part) ? object[part] : keyBlind(object, part);
  }
  return current;
}

function keyBlind(object: Record<string, unknown>, name: string): unknown {
  const lower = name.toLowerCase();
  for (const key in object) if (key.toLowerCase() === lower) return object[key];
  return undefined;
}

/** A query row → SourceRecord with the asked fields flattened under the names the caller used. */
export function fromSalesforceRecord(
  object: string,
  raw: Record<string, unknown>,
  fields: readonly string[],
): SourceRecord {
  const values = unsetValues(fields);
  for (const f of fields) values[f] = toCanonical(pick(raw, f));
  const id = toCanonical(pick(raw, "Id"));
  const modstamp = toCanonical(pick(raw, "SystemModstamp"));
  return { object, id: id ?? "", fields: values, modifiedAt: modstamp ?? "" };
}

/** Salesforce field types (sObject Describe `type`) by how their values are written. */
const NUMBER_TYPES = new Set(["int", "double", "currency", "percent", "long"]);

export type Converted =
  | { ok: true; value: string | number | boolean | null }
  | { ok: false; message: string };

/** A canonical value → the JSON a Salesforce field of `sfType` takes; blank → null. */
export function toSalesforceValue(sfType: string, value: FieldValue): Converted {
  if (isBlank(value)) return { ok: true, value: null };
  const text = value!.trim();
  if (NUMBER_TYPES.has(sfType)) {
    const n = Number(text);
    return Number.isFinite(n)
      ? { ok: true, value: n }
      : { ok: false, message: `not a number: ${text.slice(0, 40)}` };
  }
  if (sfType === "boolean") {
    const lower = text.toLowerCase();
    if (lower === "true" || lower === "false") return { ok: true, value: lower === "true" };
    return { ok: false, message: `not true/false: ${text.slice(0, 40)}` };
  }
  if (sfType === "date") {
    // A day of the calendar only: Date.parse rolls 2026-02-30 into March, while Salesforce fails the
    // whole request on it (JSON_PARSER_ERROR, naming no record or field); refused here, the failure is
    // the record's own and names its field.
    const day = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0];
    if (day && isIsoInstant(`${day}T00:00:00.000Z`)) return { ok: true, value: day };
    return { ok: false, message: `not a date (YYYY-MM-DD): ${text.slice(0, 40)}` };
  }
  if (sfType === "datetime") {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return { ok: true, value: new Date(ms).toISOString() };
    return { ok: false, message: `not a date-time: ${text.slice(0, 40)}` };
  }
  // Text keeps its spaces: only an all-blank value becomes null.
  return { ok: true, value: value! };
}
