// How field values are held and returned: JSON values in the REST API's own formats (date "2024-05-01",
// dateTime "2024-05-01T09:30:00.000+0000"), so records can be returned as stored.

export type SObjectRecord = Record<string, unknown>;

/**
 * Salesforce's dateTime format in REST responses: a `+0000` offset and always `.000`, since dateTimes
 * (SystemModstamp included) are kept to the second; the milliseconds of `ms` are dropped.
 */
export function formatDateTime(ms: number): string {
  return new Date(toSecond(ms)).toISOString().replace("Z", "+0000");
}

/** An instant cut to its second: what Salesforce stores, and what SOQL compares (it ignores milliseconds). */
export function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** Parses a dateTime as Salesforce returns it or as clients send it (`Z`, `+00:00`, `+0000`). */
export function parseDateTime(value: string): number {
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  return Date.parse(normalised);
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
