// The one reading of a HubSpot object time (createdAt, updatedAt, archivedAt, the modified and created date
// properties, property history timestamps): ISO 8601 or epoch milliseconds, as a number or digits.
// The CRM references' SimplePublicObject gives ISO 8601 date-times, while the batch references' examples
// and the date-time properties' stored form are epoch milliseconds (FIDELITY.md, "object timestamps").
import { isIsoInstant } from "../../core/text/iso-instant.js";
import { RESUME_NOTE, SystemError } from "../../sync/system-error.js";
import { SYSTEM } from "./fault-table.js";

// ISO-8601 date-times as HubSpot sends them ("2024-03-05T10:20:30Z", "…30.123Z", with an offset).
export const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
// A date alone, as a date property's value reads: midnight UTC.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
// Epoch milliseconds written as digits: from 1970 to past the year 2286 (13 digits or fewer).
const EPOCH_MS = /^-?\d{1,15}$/;

/**
 * The instant `raw` names, as `Date#toISOString` writes it, or null when it is blank or names none
 * (a value neither ISO 8601 nor epoch milliseconds).
 */
export function hubspotInstant(raw: string | number | boolean | null | undefined): string | null {
  if (raw === null || raw === undefined || typeof raw === "boolean") return null;
  if (typeof raw === "number") return Number.isSafeInteger(raw) ? fromMs(raw) : null;
  const text = raw.trim();
  if (isIsoInstant(text)) return text;
  if (EPOCH_MS.test(text)) return fromMs(Number(text));
  return ISO_DATETIME.test(text) || ISO_DATE.test(text) ? fromMs(Date.parse(text)) : null;
}

/**
 * The refusal of a time `hubspotInstant` cannot read, given by `answered` (`contacts 101 with a modified
 * time`) under `field`: a bug of the answer, refused loudly rather than read as no instant (which would
 * move a cursor wrong, or sort and window an event wrong).
 */
export function unreadableTime(answered: string, field: string, value: unknown): SystemError {
  return new SystemError({
    system: SYSTEM,
    errorClass: "bug",
    code: "BAD_RESPONSE",
    message: `HubSpot answered ${answered} that is neither ISO 8601 nor epoch milliseconds (${field}: ${JSON.stringify(value)})`,
    runNote: RESUME_NOTE,
    retriable: false,
  });
}

function fromMs(ms: number): string | null {
  const at = new Date(ms);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

/** `hubspotInstant` in epoch milliseconds, or NaN where it names none. */
export function hubspotInstantMs(raw: string | number | boolean | null | undefined): number {
  const at = hubspotInstant(raw);
  return at === null ? Number.NaN : Date.parse(at);
}
