// A rep's touch on a follow-up clock through the status record (the Lead, or the contact with HubSpot as
// the CRM): a status they set at `at`, a conversion among them. Keyed by the record and the instant, so the
// same setting read again (a look-back re-read, a lost store's restore) counts once (ARCHITECTURE.md, "The
// follow-up SLA").
import type { SourceRecord } from "../../core/records.js";
import type { SlaTouch } from "../../store/port.js";

/** The touch of a status set at `at` on a clock handed off at `handoffAt`; none when set before it. */
export function statusTouch(
  personId: string,
  record: Pick<SourceRecord, "object" | "id">,
  at: string,
  handoffAt: string,
): SlaTouch | null {
  // Compared to the second: a CRM may keep its stamps to the second (Salesforce does).
  if (at.slice(0, 19) < handoffAt.slice(0, 19)) return null;
  return { personId, key: `${record.object}:${record.id}:${at}`, at };
}

/**
 * A converted Lead's touch: converting set its status to a converted one, at its conversion's time (a
 * converted Lead is read-only, so its modification stays that). Counted by the conversions phase and by a
 * lost store's restore alike.
 */
export function conversionTouch(personId: string, lead: SourceRecord, handoffAt: string): SlaTouch | null {
  return statusTouch(personId, lead, lead.modifiedAt, handoffAt);
}
