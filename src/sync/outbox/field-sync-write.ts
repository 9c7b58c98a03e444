// A field-sync update kept in the outbox until the run's drain: it leaves there in full batches, as one
// write with what the funnel phases decide for the same record. The page commits the link with what each
// record holds now; the write's `synced` values reach the snapshots when the system accepts it
// (ARCHITECTURE.md "One write path").
import { compileMapping } from "../../core/merge/merge-record.js";
import type { SnapshotPair } from "../../core/merge/types.js";
import type { FieldValue, SourceRecord } from "../../core/records.js";
import type { OutboxWrite } from "../../store/port.js";
import { STAMP_KEY, stampField } from "../link-stamps.js";
import { port, type RunContext, type SideName } from "../run-context.js";
import { type PairWrite, plannedOn } from "../write-pairs.js";

type SnapshotValues = Record<string, { marketing: FieldValue; crm: FieldValue }>;

/**
 * The phase every write the field sync keeps in the outbox names (its updates, and the values the CRM set
 * on create, crm-defaults.ts): what a run drains first when an earlier run left some unsent (engine.ts).
 */
export const FIELD_SYNC_PHASE = "field sync";

/** The outbox key of a record's field-sync update: one pending write per record. */
export function fieldSyncKey(side: SideName, object: string, recordId: string): string {
  return `sync:${side}:${object}:${recordId}`;
}

/** The record a field-sync key names; null for any other key. Ids and object names hold no colon. */
export function parseFieldSyncKey(key: string): { side: SideName; object: string; recordId: string } | null {
  const [prefix, side, object, ...id] = key.split(":");
  if (prefix !== "sync" || (side !== "crm" && side !== "marketing") || !object || id.length === 0) return null;
  return { side, object, recordId: id.join(":") };
}

/**
 * Records read by a phase after the field sync, with the values its pending writes give them: a phase
 * that scores or routes a person sees what the field sync decided (a Lead's country on the contact), as
 * when the field sync wrote during its page.
 */
export async function withPendingSync(
  ctx: RunContext,
  side: SideName,
  records: readonly SourceRecord[],
): Promise<SourceRecord[]> {
  if (records.length === 0) return [...records];
  const pending = await ctx.store.listOutbox({ keys: records.map((r) => fieldSyncKey(side, r.object, r.id)) });
  if (pending.length === 0) return [...records];
  const byRecord = new Map(pending.map((e) => [e.recordId, e]));
  return records.map((r) => {
    const entry = byRecord.get(r.id);
    if (!entry) return r;
    return { ...r, fields: { ...r.fields, ...Object.fromEntries(entry.fields.map((f) => [f.field, f.after])) } };
  });
}

/** Whether the field sync keeps this side's write for the drain: an update of a record that exists. */
export function waitsForDrain(pair: PairWrite, side: SideName): boolean {
  return Boolean(pair[side]?.id);
}

/**
 * The outbox write of one side's update, and the snapshots the page commits meanwhile: `merged` with
 * the written side's keys at what that record holds now, so reading it again before the drain is no
 * change, and a refused write leaves the change pending as a refused direct write did. `merged` is the
 * pair's own merge result (made for this page), so those keys are set in it rather than in a copy of
 * two dozen entries per record: `held` is `merged`. The link stamp's entry, kept beside them (`stamp`,
 * PairWrite), is held the same way when the write carries the stamp.
 */
export function fieldSyncWrite(
  ctx: RunContext,
  pair: PairWrite,
  side: SideName,
  record: { fields: Record<string, FieldValue> },
  link: { marketingId: string; personId: string | null; email: string | null },
  merged: SnapshotValues,
  stampSnapshot: SnapshotPair | undefined,
): { write: OutboxWrite; held: SnapshotValues; stamp: SnapshotPair | undefined } {
  const write = pair[side]!;
  // The side writes (`waitsForDrain`), so the plan holds its entry.
  const planned = plannedOn(pair, side)!;
  const byKey = compileMapping(pair.mapping).byKey;
  const action = side === "crm" ? "write_crm" : "write_marketing";
  const values: Record<string, FieldValue> = {};
  for (const d of pair.merged.decisions) {
    if (d.action !== action) continue;
    const f = byKey.get(d.field)?.field;
    if (f) hold(merged, values, side, record, d.field, side === "crm" ? f.crm : f.marketing);
  }
  const stamp = stampField(pair.mapping, side);
  let heldStamp = stampSnapshot;
  if (stamp && stampSnapshot && stamp in write.fields) {
    values[STAMP_KEY] = stampSnapshot[side];
    heldStamp = heldAt(stampSnapshot, side, record.fields[stamp] ?? null);
  }
  return {
    held: merged,
    stamp: heldStamp,
    write: {
      key: fieldSyncKey(side, planned.object, write.id!),
      phase: FIELD_SYNC_PHASE,
      side,
      system: port(ctx, side).system,
      object: planned.object,
      recordId: write.id!,
      upsertOn: null,
      associations: [],
      // The plan's own entries: nothing changes either after the page has planned it.
      fields: planned.fields,
      personId: link.personId,
      email: link.email,
      group: null,
      synced: { pair: pair.mapping.pair, marketingId: link.marketingId, side, values },
    },
  };
}

/** A written key's snapshot takes what the record holds now on `side`; `values` keeps what it is to hold. */
function hold(
  merged: SnapshotValues,
  values: Record<string, FieldValue>,
  side: SideName,
  record: { fields: Record<string, FieldValue> },
  key: string,
  field: string,
): void {
  const snap = merged[key];
  if (!snap) return;
  values[key] = snap[side];
  merged[key] = heldAt(snap, side, record.fields[field] ?? null);
}

/** The snapshot with `side` at what its record holds now. */
function heldAt(snap: SnapshotPair, side: SideName, now: FieldValue): SnapshotPair {
  return side === "crm" ? { marketing: snap.marketing, crm: now } : { marketing: now, crm: snap.crm };
}
