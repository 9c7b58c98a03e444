// A rep's touch on a follow-up clock through the status record (the Lead, or the contact with HubSpot as
// the CRM): a status they set at `at`, a conversion among them. Keyed by the record and the instant, so the
// same setting read again (a look-back re-read, a lost store's restore) counts once (ARCHITECTURE.md, "The
// follow-up SLA").
import { type DispositionMaps, isWorkingStatus } from "../../core/funnel/dispositions.js";
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
  if (setBefore(at, handoffAt)) return null;
  return settingTouch(personId, record, at);
}

/**
 * The touch of a status set at `at`, whenever that was: a working status standing at the handoff too,
 * which the clean run's clock started with (`workedAtHandoff`) and a lost store's restore reads from the
 * record's history (restored-touches.ts), so the restored clock counts it once as well.
 */
export function settingTouch(personId: string, record: Pick<SourceRecord, "object" | "id">, at: string): SlaTouch {
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

/** Whether a status set at `at` stood before a handoff at `handoffAt` (to the second, as statusTouch). */
export function setBefore(at: string, handoffAt: string): boolean {
  return at.slice(0, 19) < handoffAt.slice(0, 19);
}

/**
 * When the rep had worked the record before its handoff (a `working` status they set, "Working -
 * Contacted", HubSpot's `IN_PROGRESS`): its clock starts touched then, at the record's modification or the
 * handoff, whichever is earlier, and no status is written over theirs. Null for any other status. Such a
 * status was read before any clock existed (an earlier run's dispositions, or this run's, which run before
 * the drain starts the clock), so no later read counts it; a lost store's restore finds the same touch in
 * the record's status history (restored-touches.ts).
 */
export function workedAtHandoff(
  record: SourceRecord,
  status: { object: string; field: string },
  definition: { dispositions: DispositionMaps },
  crm: string,
  handoffAt: string,
): string | null {
  if (record.object !== status.object || !isWorkingStatus(record.fields[status.field], definition, crm)) return null;
  return record.modifiedAt < handoffAt ? record.modifiedAt : handoffAt;
}
