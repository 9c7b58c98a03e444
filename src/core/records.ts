// Records as the core sees them: plain field values in one canonical string form, whichever system
// they came from. Adapters convert to and from each system's types at the edge.

/**
 * A field's value in canonical form: text as-is, numbers in JS decimal form, booleans "true"/"false",
 * dates "YYYY-MM-DD", date-times ISO-8601 in UTC with milliseconds; null when blank.
 */
export type FieldValue = string | null;

export type FieldValues = Record<string, FieldValue>;

/** The blank of each field list a read used (a read keeps its list for all its pages). */
const blanks = new WeakMap<readonly string[], FieldValues>();

/**
 * A record's values with every field of `fields` unset (null), to be set in place as a read converts
 * them: a copy of one blank made per field list, so it keeps the blank's shape. Set one by one under
 * computed names on an empty object, as the adapters' reads did, V8 turns an object past a dozen
 * properties into a hash table ("dictionary mode"): a contact of the shipped mapping's 47 fields took
 * about 2.4 KB so, a copy of the blank about 0.4 KB. A run holds its 10,000 contacts as read
 * (sync/funnel/qualify-phase.ts PEOPLE_HELD), so that was some 20 MB of a first load's live heap
 * (test/bench/README.md "V8's background threads").
 */
export function unsetValues(fields: readonly string[]): FieldValues {
  let blank = blanks.get(fields);
  if (blank === undefined) {
    // Object.fromEntries makes its object with its shape whole, not as a hash table.
    blank = Object.fromEntries(fields.map((name) => [name, null])) as FieldValues;
    blanks.set(fields, blank);
  }
  return { ...blank };
}

/** True when `values` names no field (a key loop: no array of keys made, on every merged record). */
export function hasNoFields(values: Readonly<Record<string, unknown>>): boolean {
  for (const _ in values) return false;
  return true;
}

/**
 * What a change time stands on: the field's own history (HubSpot property history, Salesforce field
 * history), the record's last edit by a user or the API (Salesforce LastModifiedDate, for a field the org
 * keeps no history of), or the record's modification time as read (`modifiedAt`), which anything else
 * touching the record moves too. ARCHITECTURE.md "Three-way merge".
 */
export const CHANGE_TIME_BASES = ["field history", "last edit", "record modified"] as const;
export type ChangeTimeBasis = (typeof CHANGE_TIME_BASES)[number];

/** When a field's current value was set, as well as a system can tell. */
export interface FieldChange {
  /** ISO-8601 UTC. */
  at: string;
  basis: Exclude<ChangeTimeBasis, "record modified">;
}

/** One record read from a system. */
export interface SourceRecord {
  /** The object as the system names it: `contacts`, `Lead`, `Account`. */
  object: string;
  id: string;
  fields: FieldValues;
  /** When the system last modified it (ISO-8601 UTC): HubSpot lastmodifieddate, Salesforce SystemModstamp. */
  modifiedAt: string;
  /**
   * Ids a read by id asked for that lead to this record under another id: HubSpot answers a merged-away
   * contact's or company's id with the record the merge made, Salesforce a 15-character id (or an
   * 18-character one in other letter case) with the record under the id the API gives.
   */
  askedAs?: readonly string[];
  /**
   * Values a field holds besides its own, by the system's field name, as the system keeps them: a HubSpot
   * contact's additional emails (`hs_additional_emails`, a merged-away contact's among them) for `email`,
   * by which HubSpot finds the contact as by its own. Matching looks the record up by them too, and the
   * merge takes such a value as one the record already holds (ARCHITECTURE.md "Links", "Three-way merge").
   */
  alsoHolds?: Readonly<Record<string, readonly string[]>>;
  /**
   * When some fields' current values were set, by the system's field name: looked up only for the fields
   * of a `most_recent` conflict, which then compares these instead of the records' `modifiedAt`.
   */
  fieldChanges?: Readonly<Record<string, FieldChange>>;
}

/** Every id a read by id answers with this record for: its own, and those asked for that led to it (`askedAs`). */
export function idsAnsweredBy(record: Pick<SourceRecord, "id" | "askedAs">): readonly string[] {
  return record.askedAs ? [record.id, ...record.askedAs] : [record.id];
}

/** Blank means absent: null, empty, or only white space. */
export function isBlank(value: FieldValue | undefined): boolean {
  return value === null || value === undefined || value.trim() === "";
}

/**
 * A date-time field as an ISO instant: systems spell them differently (HubSpot's ISO with milliseconds,
 * Salesforce's `2024-03-05T09:12:44.000+0000`, epoch milliseconds in some reads). Null when blank or
 * unreadable.
 */
export function instantOf(value: FieldValue | undefined): string | null {
  if (isBlank(value)) return null;
  const text = value!.trim();
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text.replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Email as matching sees it: trimmed and lower-cased, so `Ana.Lopez@Acme.com ` finds `ana.lopez@acme.com`. */
export function normalizeEmail(value: FieldValue | undefined): string | null {
  if (isBlank(value)) return null;
  return value!.trim().toLowerCase();
}

/** A company's web domain from a URL or domain: `https://www.Acme.com/about` → `acme.com`. */
/**
 * The ways a website field commonly spells a domain (scheme, www., a trailing slash), for systems that
 * can only compare whole values: a CRM's Website holds "https://www.acme.com/" where marketing keeps
 * "acme.com". The candidates found are normalised again, so a spelling not listed here just misses.
 */
export function domainSpellings(domain: string): string[] {
  const hosts = [domain, `www.${domain}`];
  const prefixes = ["", "http://", "https://"];
  return hosts.flatMap((h) => prefixes.flatMap((p) => [`${p}${h}`, `${p}${h}/`]));
}

export function normalizeDomain(value: FieldValue | undefined): string | null {
  if (isBlank(value)) return null;
  let text = value!.trim().toLowerCase();
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
  text = text.split(/[/?#]/)[0] ?? "";
  text = text.replace(/:\d+$/, "").replace(/^www\./, "");
  return text || null;
}

/** Each record once, as last read: a change stream may give one twice (a keyset window re-reads its ties). */
export function latestReads(records: readonly SourceRecord[]): SourceRecord[] {
  const byId = new Map<string, SourceRecord>();
  for (const r of records) byId.set(r.id, r);
  return [...byId.values()];
}
