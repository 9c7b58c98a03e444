// After a lost store: a CRM record that still shows the verdict an admin's `requalify` revoked, because
// the requalify's write opening it again was refused (its owner deactivated: README "Leads of a rep who
// left") and its error-queue entry went with the store, while the contact's write went through. The
// rebuild finds her requalified on the contact (restored-requalifications.ts); her record's status, set
// before that requalify, is then no new verdict of her rep's but the requalify's write still owed.
import { readStatus, stageForDisposition } from "../../core/funnel/dispositions.js";
import { isRestored } from "../../core/funnel/restore.js";
import { REQUALIFY_TARGET } from "../../core/funnel/stages.js";
import type { SourceRecord } from "../../core/records.js";
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";

/**
 * Of these records, unseen by the store, those whose verdict status is the one their person's latest
 * restored move left by a requalify (trash → lead; lost or unreachable → recycled), set at or before that
 * move, to the second (Salesforce stamps whole seconds): the status's own time from the field's history
 * where the org tracks it (Object Reference, "LeadHistory"), else the record's last edit
 * (system-port.ts fieldChanges), which a later edit of anything else (a manager giving the Lead to an
 * active rep) moves past the requalify, so the status then reads as a rep's new verdict, as before.
 * Asked only for such records, so a run whose store knows its people asks nothing.
 */
export async function revokedVerdictsShown(
  ctx: RunContext,
  setup: FunnelSetup,
  records: readonly SourceRecord[],
  seen: ReadonlyMap<string, unknown>,
  personOf: ReadonlyMap<string, string>,
  latest: ReadonlyMap<string, { stage: string; cause: string; at: string }>,
): Promise<Set<string>> {
  // With HubSpot as the CRM the requalify's one write opens the contact and its status together.
  if (setup.crmIsMarketing) return new Set();
  const { object, field } = setup.vocabulary.status;
  const requalifiedAt = new Map<string, string>();
  for (const r of records) {
    const reading = readStatus(r.fields[field] ?? null, setup.qualification.definition, ctx.crm.system);
    if (seen.has(r.id) || reading.kind !== "verdict") continue;
    const stage = stageForDisposition(reading.entry.disposition);
    const last = latest.get(personOf.get(r.id) ?? "");
    if (stage !== null && last && isRestored(last.cause) && REQUALIFY_TARGET[stage] === last.stage) requalifiedAt.set(r.id, last.at);
  }
  if (requalifiedAt.size === 0) return new Set();
  const times = await ctx.crm.fieldChanges(object, [...requalifiedAt.keys()], [field]);
  const second = (iso: string) => new Date(iso).toISOString().slice(0, 19);
  return new Set(
    [...requalifiedAt].filter(([id, at]) => {
      const set = times.get(id)?.[field]?.at;
      return set !== undefined && second(set) <= second(at);
    }).map(([id]) => id),
  );
}
