// The fields a field-sync write still owed a CRM record that became another (a converted Lead's Contact,
// a merge's master: both take no more writes) are owed to the record it became, through the link's
// snapshots rather than the write itself: the next merge of the pair plans them (ARCHITECTURE.md "Links").
import type { ObjectMapping } from "../core/mapping.js";
import { compileMapping } from "../core/merge/merge-record.js";
import type { FieldSnapshot, OutboxEntry } from "../store/port.js";
import { fieldSyncKey } from "./outbox/field-sync-write.js";
import type { RunContext } from "./run-context.js";

type Snapshots = Record<string, FieldSnapshot>;

/** A link moved off a CRM record that takes no more writes, onto a record of `target`'s object. */
export interface OwedMove {
  linkId: number;
  from: { object: string; id: string };
  /** The mapping of the record it left, and of the record it went to (the same one for a merge). */
  mapping: ObjectMapping;
  target: ObjectMapping;
  /** The link's snapshots as stored before the move. */
  held: Snapshots;
}

/**
 * Per moved link, the snapshots that say a field the record it left was still owed (its field-sync write
 * pending, or refused whole for another field) is to be written to the record it went to. The page had
 * set the written side's snapshot to what the old record held, so the change lived only in the write:
 * each owed field's snapshot becomes "both sides held what the old record held", and the new record's
 * merge sees the marketer's change and writes it there; a new record holding another value makes it a
 * conflict, settled by the field's rule (a rep's newer value on a merge's master is not overwritten by
 * an older marketing one under `most_recent`).
 */
export async function owedSnapshots(ctx: RunContext, moves: readonly OwedMove[], at: string): Promise<Map<number, Snapshots>> {
  const out = new Map<number, Snapshots>();
  if (moves.length === 0) return out;
  const keys = moves.map((m) => fieldSyncKey("crm", m.from.object, m.from.id));
  const owed = new Map<string, OutboxEntry[]>();
  for (const entry of [...(await ctx.store.listOutbox({ keys })), ...(await ctx.store.listOutbox({ keys, refused: true }))])
    owed.set(entry.recordId!, [...(owed.get(entry.recordId!) ?? []), entry]);
  for (const m of moves) {
    const entries = owed.get(m.from.id);
    if (!entries) continue;
    const patch = patchFor(entries, m, at);
    if (Object.keys(patch).length > 0) out.set(m.linkId, patch);
  }
  return out;
}

function patchFor(entries: readonly OutboxEntry[], move: OwedMove, at: string): Snapshots {
  const from = compileMapping(move.mapping).byKey;
  const to = compileMapping(move.target).fields;
  const out: Snapshots = {};
  for (const entry of entries)
    for (const key of Object.keys(entry.synced?.values ?? {})) {
      const field = from.get(key)?.field;
      const onTarget = field && to.find((f) => f.field.marketing === field.marketing);
      if (!onTarget) continue;
      const before = move.held[key]?.crm ?? null;
      out[onTarget.key] = { marketing: before, crm: before, syncedAt: at };
    }
  return out;
}
