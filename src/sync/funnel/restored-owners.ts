// The owner a lost store's restore gives a follow-up clock back (ARCHITECTURE.md "Links", a lost store): the
// rep leadloop's handoff gave the record, read from the record's owner history, not its owner now, which a
// rep may have changed since; the follow-up task the handoff made is that rep's (follow-up-done.ts).
import type { SourceRecord } from "../../core/records.js";
import { groupBy } from "../../core/grouping.js";
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";
import { setBefore } from "./status-touch.js";

export interface RestoredHandoff {
  record: SourceRecord;
  /** The MQL date the record carries: the handoff wrote its owner with it, or after it. */
  handoffAt: string;
}

/**
 * By record id, the owner the handoff gave each record: the first owner its history shows set at or after
 * the handoff's MQL date (to the second, as the history's times; the handoff writes the owner with the MQL
 * date, and nothing of leadloop's sets it between the two). A record whose history shows no such setting
 * is left out, and its owner now stands: it held the record since before, or the system keeps no owner
 * history for it (a Salesforce org that does not track `OwnerId`: Object Reference, "LeadHistory", a row per
 * change of a tracked field). HubSpot logs every write of the property, the routing's keeping of the
 * owner too; Salesforce none that leaves it as it was, so there a rep's later change is read as the
 * handoff's, as the owner now was before.
 * Read through the history reader the rest of the rebuild uses (SystemPort.fieldValues): HubSpot's
 * `hubspot_owner_id` property history, Salesforce's `Owner` rows. Costs calls only after a lost store.
 */
export async function handoffOwners(
  ctx: RunContext,
  setup: FunnelSetup,
  restored: readonly RestoredHandoff[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (restored.length === 0 || !ctx.crm.fieldValues) return out;
  const field = setup.vocabulary.ownerField;
  for (const [object, group] of groupBy(restored, (r) => r.record.object)) {
    const histories = await ctx.crm.fieldValues(object, group.map((r) => r.record.id), [field]);
    for (const { record, handoffAt } of group) {
      // Newest first: the oldest setting not before the handoff is its own.
      const handedTo = [...(histories.get(record.id)?.[field] ?? [])].reverse().find((s) => !setBefore(s.at, handoffAt));
      if (handedTo?.value) out.set(record.id, handedTo.value);
    }
  }
  return out;
}
