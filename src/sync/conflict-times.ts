// A `most_recent` conflict is settled by when each side last changed that field, not by the records'
// modification times: HubSpot moves a contact's lastmodifieddate for page views, email analytics,
// workflows and leadloop's own writes, and a Salesforce record's time moves with any field edit.
// Those per-field times cost calls, so a page asks for them only for the pairs whose merge met a
// most_recent conflict, and merges those pairs again with them (ARCHITECTURE.md "Three-way merge").
// A page without such a conflict makes no call and merges nothing twice.
import { groupBy } from "../core/grouping.js";
import { compileMapping, mergeRecord } from "../core/merge/merge-record.js";
import type { MergeInput, MergeResult } from "../core/merge/types.js";
import type { FieldChange, SourceRecord } from "../core/records.js";
import { port, type RunContext, SIDE_NAMES, type SideName } from "./run-context.js";

/** One pair's merge: its input and its result, which `settleByFieldTimes` may replace. */
export interface PairMerge {
  input: MergeInput;
  merged: MergeResult;
}

/** What to ask one side's system: the records of one object and the fields their conflicts name. */
interface Ask {
  ids: Set<string>;
  fields: Set<string>;
}

/**
 * Merges again, with each side's per-field change times, every pair whose merge settled a most_recent
 * conflict by record times. Replaces those pairs' `merged` in place. Throws SystemError from the reads.
 */
export async function settleByFieldTimes(ctx: RunContext, merges: readonly PairMerge[]): Promise<void> {
  const conflicted = merges.filter(hasMostRecentConflict);
  if (conflicted.length === 0) return;
  const times: Record<SideName, Map<string, Map<string, Record<string, FieldChange>>>> = {
    marketing: new Map(),
    crm: new Map(),
  };
  for (const side of SIDE_NAMES) {
    for (const [object, ask] of asks(conflicted, side)) {
      const answer = await port(ctx, side).fieldChanges(object, [...ask.ids], [...ask.fields]);
      times[side].set(object, answer);
    }
  }
  for (const m of conflicted) {
    const input: MergeInput = {
      ...m.input,
      marketing: withTimes(m.input.marketing, times.marketing),
      crm: withTimes(m.input.crm, times.crm),
    };
    m.merged = mergeRecord(input);
  }
}

function hasMostRecentConflict(m: PairMerge): boolean {
  if (!m.input.marketing || !m.input.crm) return false;
  for (const c of m.merged.conflicts) if (c.rule === "most_recent") return true;
  return false;
}

/** Per object on `side`: the records in conflict and the side's names of their conflicting fields. */
function asks(conflicted: readonly PairMerge[], side: SideName): Map<string, Ask> {
  const out = new Map<string, Ask>();
  for (const [object, group] of groupBy(conflicted, (m) => m.input[side]!.object)) {
    const ask: Ask = { ids: new Set(), fields: new Set() };
    for (const m of group) {
      ask.ids.add(m.input[side]!.id);
      const byKey = compileMapping(m.input.mapping).byKey;
      for (const c of m.merged.conflicts) {
        const field = c.rule === "most_recent" ? byKey.get(c.field)?.field : undefined;
        if (field) ask.fields.add(field[side]);
      }
    }
    out.set(object, ask);
  }
  return out;
}

function withTimes(
  record: SourceRecord | null,
  times: ReadonlyMap<string, ReadonlyMap<string, Record<string, FieldChange>>>,
): SourceRecord | null {
  const known = record ? times.get(record.object)?.get(record.id) : undefined;
  return record && known ? { ...record, fieldChanges: known } : record;
}
