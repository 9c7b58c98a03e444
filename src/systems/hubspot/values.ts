// Value conversion at the HubSpot edge: HubSpot's property strings to canonical FieldValues
// (core/records.ts) and back, and SimplePublicObject → SourceRecord.
import { type FieldValue, type FieldValues, type SourceRecord, unsetValues } from "../../core/records.js";
import { isIsoInstant } from "../../core/text/iso-instant.js";
import { hubspotInstant, ISO_DATETIME, unreadableTime } from "./instants.js";
import { canonicalObject, modifiedProperty } from "./object-names.js";
import type { SimpleObject } from "./schemas.js";


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

/** Built in one loop, not through entry pairs: it runs for every record a HubSpot write sends. */
export function toHubspotProperties(fields: FieldValues): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const name in fields) properties[name] = toHubspotValue(fields[name] ?? null);
  return properties;
}

/**
 * A contact's additional emails (`hs_additional_emails`, semicolon-separated: a merged-away contact's, one
 * added in the app; read-only to the API), by which HubSpot finds the contact as by `email`
 * (contacts v1 "secondary-email" reference; FIDELITY.md).
 */
export const ADDITIONAL_EMAILS = "hs_additional_emails";

/** Whether a read of `fields` asks the additional emails too: a contact read with its `email`. */
function readsAdditionalEmails(object: string, fields: readonly string[]): boolean {
  return fields.includes("email") && canonicalObject(object) === "contacts";
}

/** The properties a read of `fields` asks HubSpot for: with a contact's `email`, its additional emails. */
export function propertiesFor(object: string, fields: readonly string[]): string[] {
  return readsAdditionalEmails(object, fields) ? [...fields, ADDITIONAL_EMAILS] : [...fields];
}

/**
 * `fromHubspotObject`: one record as the core sees it, with only the requested fields, and a contact's
 * additional emails as values its `email` holds besides its own (`alsoHolds`, asked by `propertiesFor`).
 */
export function fromHubspotObject(
  object: string,
  raw: SimpleObject,
  fields: readonly string[],
): SourceRecord {
  const out = unsetValues(fields);
  // Indexed: a for-of made an iterator result per field of every record read where V8 had not optimised it.
  for (let i = 0; i < fields.length; i++) out[fields[i]!] = fromHubspotValue(raw.properties[fields[i]!]);
  const record: SourceRecord = { object, id: raw.id, fields: out, modifiedAt: modifiedAt(object, raw) };
  const additional = raw.properties[ADDITIONAL_EMAILS];
  if (typeof additional === "string" && additional !== "" && readsAdditionalEmails(object, fields)) {
    const emails = additional.split(";").flatMap((e) => fromHubspotValue(e.trim()) ?? []);
    if (emails.length > 0) record.alsoHolds = { email: emails };
  }
  return record;
}

/**
 * When a record was last modified: its modified date property, else `updatedAt`, else `createdAt`, each ISO
 * 8601 or epoch milliseconds (instants.ts). A record that gives a time leadloop cannot read is refused
 * loudly: read as the epoch, or left out, it would move a cursor wrong or be lost from a first load.
 */
function modifiedAt(object: string, raw: SimpleObject): string {
  // The first readable time, with no list of the candidates made: one is there for all but a refused record.
  const at = hubspotInstant(raw.properties[modifiedProperty(object)]) ?? hubspotInstant(raw.updatedAt) ?? hubspotInstant(raw.createdAt);
  if (at !== null) return at;
  const given: Array<[string, string | number | boolean | null | undefined]> = [
    [modifiedProperty(object), raw.properties[modifiedProperty(object)]],
    ["updatedAt", raw.updatedAt],
    ["createdAt", raw.createdAt],
  ];
  const shown = given.find(([, v]) => v !== undefined && v !== null && v !== "");
  if (shown === undefined) return new Date(0).toISOString();
  throw unreadableTime(`${canonicalObject(object)} ${raw.id} with a modified time`, shown[0], shown[1]);
}

/** Epoch milliseconds as HubSpot search filters take datetime values. */
export function toEpochMs(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO-8601 instant: ${iso}`);
  return String(ms);
}
