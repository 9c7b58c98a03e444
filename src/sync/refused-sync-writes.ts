// A field-sync write a system refused keeps its change only in the outbox and the error queue: the page
// that decided it set the written side's snapshot to what that record held. So a linked pair holding one
// is merged with those fields' snapshots at "both sides held what the written side held": the merge then
// decides the change again from both sides' current values, and a rep's later edit of the field wins or
// loses by the field's rule instead of being overwritten by the stale write on a retry
// (ARCHITECTURE.md "One write path"). The new decision replaces the refused write; when it writes nothing
// to that side, nothing is owed and the entry is resolved.
import type { ObjectMapping } from "../core/mapping.js";
import { compileMapping } from "../core/merge/merge-record.js";
import { outboxKeyOf, payloadValue } from "../core/payload-text.js";
import type { SourceRecord } from "../core/records.js";
import type { FieldSnapshot, QueuedError } from "../store/port.js";
import { FIELD_SYNC_PHASE, parseFieldSyncKey } from "./outbox/field-sync-write.js";
import type { SideName } from "./run-context.js";

type Snapshots = Record<string, FieldSnapshot>;

/** A pair as the page merges it. */
export interface MergedPair {
  mapping: ObjectMapping;
  /** Absent: not linked yet, so no write of it was refused. */
  link: unknown;
  marketing: SourceRecord | null;
  crm: SourceRecord | null;
  /** The record read; an unlinked one's refused create is an entry under this id. */
  sourceId: string;
}

/** The refused field-sync write a pair holds on one side, by its open error entry. */
export interface RefusedSyncWrite {
  entry: QueuedError;
  side: SideName;
  /** Its outbox key: the new decision is put under it, or it is dropped. */
  key: string;
  /** The snapshot keys of the mapped fields it writes. */
  fieldKeys: string[];
}

/**
 * The records whose open entries `refusedSyncWrites` and the page's held-write check look up: each pair's
 * record read (a create refused before any link is an entry under its id) and the records it pairs.
 */
export function pairRecordIds(pairs: readonly MergedPair[]): string[] {
  const ids: string[] = [];
  for (const p of pairs) {
    ids.push(p.sourceId);
    if (p.marketing && p.marketing.id !== p.sourceId) ids.push(p.marketing.id);
    if (p.crm && p.crm.id !== p.sourceId) ids.push(p.crm.id);
  }
  return ids;
}

/**
 * Per linked pair, the refused field-sync writes behind its records' open entries (`open`, the page's one
 * read of the error queue, covering `pairRecordIds`).
 */
export function refusedSyncWrites<P extends MergedPair>(
  pairs: readonly P[],
  open: ReadonlyMap<string, readonly QueuedError[]>,
): Map<P, RefusedSyncWrite[]> {
  const byPair = new Map<P, RefusedSyncWrite[]>();
  if (open.size === 0) return byPair;
  for (const p of pairs) {
    if (!p.link) continue;
    const found: RefusedSyncWrite[] = [];
    for (const side of ["marketing", "crm"] as const) {
      const record = p[side];
      for (const entry of (record && open.get(record.id)) ?? []) {
        const refused = refusedWrite(entry, side, record!, p.mapping);
        if (refused) found.push(refused);
      }
    }
    if (found.length > 0) byPair.set(p, found);
  }
  return byPair;
}

function refusedWrite(entry: QueuedError, side: SideName, record: SourceRecord, mapping: ObjectMapping): RefusedSyncWrite | null {
  if (entry.operation !== FIELD_SYNC_PHASE) return null;
  const key = outboxKeyOf(entry);
  const target = key ? parseFieldSyncKey(key) : null;
  if (!target || target.side !== side || target.object !== record.object || target.recordId !== record.id) return null;
  const names = new Set(Object.keys(payloadValue(entry.payload, "fields") ?? {}));
  const fieldKeys = compileMapping(mapping)
    .fields.filter((f) => names.has(side === "crm" ? f.field.crm : f.field.marketing))
    .map((f) => f.key);
  return { entry, side, key: key!, fieldKeys };
}

/**
 * The snapshots a pair holding refused writes is merged with: each field a refused write owes its side
 * at "both sides held what that side held", so the merge sees the other side's change again. `held` is
 * the stored row, left as it is; a field without a snapshot is a first sync already.
 */
export function reopened(held: Snapshots | undefined, refused: readonly RefusedSyncWrite[] | undefined): Snapshots | undefined {
  if (!held || !refused) return held;
  let out: Snapshots | undefined;
  for (const r of refused)
    for (const key of r.fieldKeys) {
      const snap = held[key];
      if (!snap) continue;
      out ??= { ...held };
      out[key] = { marketing: snap[r.side], crm: snap[r.side], syncedAt: snap.syncedAt };
    }
  return out ?? held;
}
