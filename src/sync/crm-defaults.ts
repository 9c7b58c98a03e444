// A CRM record leadloop just created can hold values the CRM filled in itself (a Lead's default Status).
// They are read back once per object and batch of creates and merged like any change on the CRM side,
// so they reach marketing in the same run (through the outbox) and the next run has nothing to write.
import { groupBy } from "../core/grouping.js";
import { mergeRecord } from "../core/merge/merge-record.js";
import { hasNoFields, type SourceRecord } from "../core/records.js";
import type { OutboxWrite } from "../store/port.js";
import { crmFields } from "./field-lists.js";
import { FIELD_SYNC_PHASE } from "./outbox/field-sync-write.js";
import { funnelWrite } from "./outbox/funnel-write.js";
import type { RunContext } from "./run-context.js";
import type { PairOutcome } from "./write-pairs.js";

/**
 * For each pair whose CRM record this page created: the marketing writes of the CRM's own defaults.
 * Updates the outcome's snapshots to what each side holds once those writes are made.
 */
export async function crmDefaultsBack(
  ctx: RunContext,
  outcomes: readonly PairOutcome[],
  marketingOf: (o: PairOutcome) => SourceRecord | null,
): Promise<OutboxWrite[]> {
  const created = outcomes.filter((o) => o.crmId && !o.pair.crm?.id && o.pair.crm && !o.failedSides.length);
  const writes: OutboxWrite[] = [];
  for (const [object, group] of groupBy(created, (o) => o.pair.planned.find((w) => w.side === "crm")!.object)) {
    const mapping = group[0]!.pair.mapping;
    const read = await ctx.crm.readByIds(
      object,
      group.map((o) => o.crmId!),
      crmFields(mapping),
    );
    const byId = new Map(read.map((r) => [r.id, r]));
    for (const o of group) {
      const crm = byId.get(o.crmId!);
      const source = marketingOf(o);
      if (!crm || !source) continue;
      const marketing = { ...source, fields: { ...source.fields, ...o.pair.marketing?.fields } };
      const merged = mergeRecord({ mapping: o.pair.mapping, marketing, crm, snapshots: o.snapshots });
      if (merged.errors.length > 0 || !hasNoFields(merged.toCrm)) continue;
      o.snapshots = { ...o.snapshots, ...merged.snapshots };
      if (hasNoFields(merged.toMarketing)) continue;
      writes.push(
        funnelWrite(ctx, {
          key: `crm-defaults:${source.object}:${source.id}`,
          phase: FIELD_SYNC_PHASE,
          side: "marketing",
          object: source.object,
          recordId: source.id,
          fields: merged.toMarketing,
          before: marketing.fields,
          rule: "set by the CRM on create",
          personId: o.pair.mapping.pair === "contact" ? source.id : null,
          email: source.fields.email ?? null,
        }),
      );
    }
  }
  return writes;
}
