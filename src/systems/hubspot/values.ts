// Value conversion at the HubSpot edge: HubSpot's property strings to canonical FieldValues
// (core/records.ts) and back, and SimplePublicObject → SourceRecord.
import type { FieldValue, FieldValues, SourceRecord } from "../../core/records.js";
import { isIsoInstant } from "../../core/text/iso-instant.js";
import { modifiedProperty } from "./object-names.js";
import type { SimpleObject } from "./schemas.js";

// ISO-8601 date-times as HubSpot sends them ("2024-03-05T10:20:30Z", "…30.123Z", with an offset).
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A HubSpot property value in canonical form: blanks → null, date-times → ISO UTC with milliseconds. */
export function fromHubspotValue(raw: string | number | boolean | null | undefined): FieldValue {
  if (raw === null || raw === undefined) return null;
  const text = typeof raw === "string" ? raw : String(raw);
  if (text.length === 0) return null;
  // Only a value that starts with white space can be all of it: most are asked one character, not trimmed.
  const first = text.charCodeAt(0);
  if (!(first > 0x20 && first < 0x7f) && text.trim() === "") return null;
  // Most values are not date-times: the `T` at index 10 rules them out before the regex runs. Most
  // date-times are already in canonical form, which converting would give back as it is.
  if (text.length >= 16 && text.charCodeAt(10) === 84 && !isIsoInstant(text) && ISO_DATETIME.test(text)) {
    const at = new Date(text);
    if (!Number.isNaN(at.getTime())) return at.toISOString();
  }
  return text;
}

/** A canonical value as HubSpot takes it: null clears the property, which HubSpot spells "". */
export function toHubspotValue(value: FieldValue): string {
  return value ?? "";
}

export function toHubspotProperties(fields: FieldValues): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, toHubspotValue(value)]));
}

/** `fromHubspotObject`: one record as the core sees it, with only the requested fields. */
export function fromHubspotObject(
  object: string,
  raw: SimpleObject,
  fields: readonly string[],
): SourceRecord {
  const out: FieldValues = {};
  for (const name of fields) out[name] = fromHubspotValue(raw.properties[name]);
  const modified =
    fromHubspotValue(raw.properties[modifiedProperty(object)]) ??
    fromHubspotValue(raw.updatedAt) ??
    fromHubspotValue(raw.createdAt);
  return { object, id: raw.id, fields: out, modifiedAt: modified ?? new Date(0).toISOString() };
}

/** Epoch milliseconds as HubSpot search filters take datetime values. */
export function toEpochMs(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO-8601 instant: ${iso}`);
  return String(ms);
}
