// The owner a lost store's restore gives a follow-up clock back (ARCHITECTURE.md "Links", a lost store): the
// rep leadloop's handoff gave the record, read from the record's owner history, not its owner now, which a
// rep may have changed since; the follow-up task the handoff made is that rep's (follow-up-done.ts).
import { instantOf, type SourceRecord } from "../../core/records.js";
import { groupBy } from "../../core/grouping.js";
import type { RunContext } from "../run-context.js";
import type { FieldValueSet } from "../system-port.js";
import type { FunnelSetup } from "./funnel-setup.js";
import { setBefore } from "./status-touch.js";

export interface RestoredHandoff {
  record: SourceRecord;
  /** The MQL date the record carries: the handoff wrote its owner with it, or after it. */
  handoffAt: string;
}

/**
 * By record id, the owner the handoff gave each record (`ownerAtHandoff`), from its owner history and the
 * time the handoff wrote it (`handoffWrittenAt`). A record whose history names no owner then is left out,
 * and its owner now stands: the system keeps no owner history for it (a Salesforce org that does not track
 * `OwnerId`: Object Reference, "LeadHistory", a row per change of a tracked field) or none was ever set.
 * Read through the history reader the rest of the rebuild uses (SystemPort.fieldValues): HubSpot's
 * `hubspot_owner_id` and `leadloop_mql_date` property histories, Salesforce's `Owner` rows and its MQL date
 * field's where the org tracks it. Costs calls only after a lost store.
 */
export async function handoffOwners(
  ctx: RunContext,
  setup: FunnelSetup,
  restored: readonly RestoredHandoff[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (restored.length === 0 || !ctx.crm.fieldValues) return out;
  const { ownerField } = setup.vocabulary;
  const mqlDate = setup.vocabulary.fields.mqlDate;
  for (const [object, group] of groupBy(restored, (r) => r.record.object)) {
    const fields = [ownerField, ...(mqlDate ? [mqlDate] : [])];
    const histories = await ctx.crm.fieldValues(object, group.map((r) => r.record.id), fields);
    for (const { record, handoffAt } of group) {
      const history = histories.get(record.id) ?? {};
      const owners = history[ownerField] ?? [];
      const writtenAt = handoffWrittenAt(mqlDate ? (history[mqlDate] ?? []) : [], owners, handoffAt);
      const owner = ownerAtHandoff(owners, writtenAt);
      if (owner) out.set(record.id, owner);
    }
  }
  return out;
}

/**
 * When the handoff wrote the record (its owner with its MQL date, in one write): the newest setting of the
 * MQL date to this handoff's (to the second), where its history is kept (HubSpot logs every property write;
 * a Salesforce org that tracks the MQL date field, Leadloop_MQL_Date__c, on an update). Else the first owner
 * setting at or after the MQL date, when leadloop's own user made it or the system does not say who did
 * (Salesforce's CreatedById: FieldValueSet `byOwnWrite`); else the MQL date. Histories newest first.
 */
export function handoffWrittenAt(mqlDates: readonly FieldValueSet[], owners: readonly FieldValueSet[], mqlAt: string): string {
  const second = instantOf(mqlAt)?.slice(0, 19);
  const dated = mqlDates.find((s) => s.value !== null && instantOf(s.value)?.slice(0, 19) === second);
  if (dated) return dated.at;
  const first = [...owners].reverse().find((s) => !setBefore(s.at, mqlAt));
  // Made by someone else (a rep), the first setting since is a later change: the handoff kept the owner.
  return first && first.byOwnWrite !== false ? first.at : mqlAt;
}

/**
 * The owner a record had at `at`, by its owner history (newest first): the newest setting at or before it
 * (to the second, as the history's times), its new value; else the oldest setting after it, the value that
 * one replaced (Salesforce's OldValue: a handoff that kept the record's owner writes no row, and the first
 * row after it is a later change from that owner); else none known (null: the owner now stands).
 */
export function ownerAtHandoff(owners: readonly FieldValueSet[], at: string): string | null {
  const standing = owners.find((s) => !setBefore(at, s.at));
  if (standing) return standing.value;
  return owners.at(-1)?.replaced ?? null;
}
