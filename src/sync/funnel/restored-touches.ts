// The follow-up touches a lost store took with it, from the status record's field history (ARCHITECTURE.md
// "Links", a lost store): each working or verdict status a rep set since the handoff was a touch the
// dispositions counted when they read it, and the record shows only the latest; so was a working status
// standing when the lead was handed off (the handoff started its clock touched). Read only for clocks a
// restore brought back, once, in the run that restored them.
import { readStatus, isWorkingStatus } from "../../core/funnel/dispositions.js";
import type { SourceRecord } from "../../core/records.js";
import type { SlaTouch } from "../../store/port.js";
import type { RunContext } from "../run-context.js";
import type { FieldValueSet } from "../system-port.js";
import type { FunnelSetup } from "./funnel-setup.js";
import { setBefore, statusTouch, settingTouch } from "./status-touch.js";

export interface RestoredClockRecord {
  /** The status record the dispositions read (a Lead; with HubSpot as the CRM the contact). */
  record: SourceRecord;
  personId: string;
  handoffAt: string;
  /**
   * The record's current status counts too: a working status that stood since the restore, which the
   * dispositions mark seen without a touch. Otherwise its touch is counted elsewhere (a verdict this run
   * takes, or the restored verdict's own, restored-clocks.ts), or it is none.
   */
  withCurrent: boolean;
}

/**
 * The touches each record's status history shows at or after its handoff: one per status a rep set that
 * is working or a verdict, at the time it was set (consecutive entries of one value are one setting, a
 * write of the same value adds an entry of its own), keyed as the dispositions key a status's touch; and
 * when the status standing at the handoff was a working one, its touch, at the time it was set, as the
 * handoff started the clock with it (status-touch.ts `workedAtHandoff`). A system that keeps no history
 * for a record gives none for it.
 */
export async function touchesFromStatusHistory(
  ctx: RunContext,
  setup: FunnelSetup,
  restored: readonly RestoredClockRecord[],
): Promise<SlaTouch[]> {
  if (restored.length === 0 || !ctx.crm.fieldValues) return [];
  const { object, field } = setup.vocabulary.status;
  const histories = await ctx.crm.fieldValues(object, [...new Set(restored.map((r) => r.record.id))], [field]);
  const touches: SlaTouch[] = [];
  for (const { record, personId, handoffAt, withCurrent } of restored) {
    // Oldest first, each value once per run of it, at the run's first entry.
    const settings: FieldValueSet[] = [];
    for (const h of [...(histories.get(record.id)?.[field] ?? [])].reverse())
      if (settings.at(-1)?.value !== h.value || settings.length === 0) settings.push(h);
    const standing = standingAtHandoff(settings, record.fields[field] || null, handoffAt);
    if (standing && isWorkingStatus(standing.value, setup.qualification.definition, ctx.crm.system))
      touches.push(settingTouch(personId, record, standing.at));
    if (!withCurrent && settings.at(-1)?.value === (record.fields[field] || null)) settings.pop();
    for (const { value, at } of settings) {
      if (readStatus(value, setup.qualification.definition, ctx.crm.system).kind !== "verdict") continue;
      const touch = statusTouch(personId, record, at, handoffAt);
      if (touch) touches.push(touch);
    }
  }
  return touches;
}

/**
 * The status the record held when it was handed off, by its history (oldest first): the latest setting
 * before the handoff; else the value the first later setting replaced (Salesforce's OldValue: a Lead
 * created at a status keeps no row for it), or with no setting at all the record's own, which stood
 * since. Set before any setting the history keeps, its time is unknown: at the handoff, at the latest.
 */
function standingAtHandoff(
  settings: readonly FieldValueSet[],
  current: string | null,
  handoffAt: string,
): { value: string | null; at: string } | null {
  const before = settings.filter((s) => setBefore(s.at, handoffAt)).at(-1);
  if (before) return before;
  if (settings.length === 0) return { value: current, at: handoffAt };
  const first = settings[0]!;
  return first.replaced === undefined ? null : { value: first.replaced, at: handoffAt };
}
