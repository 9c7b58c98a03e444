// What following a merge commits, whoever finds it: the removals read (removals.ts) or a page's read by id
// that finds a linked record answered by the record it went into (page-sync.ts, SourceRecord.askedAs). One
// way, so a merge found either way moves the link, the person's funnel state, cached behaviour and follow-up
// clock alike, and the survivor is not taken for someone new (ARCHITECTURE.md "Links").
import type { ObjectMapping } from "../core/mapping.js";
import type { BatchCommit, Link, LinkWrite, OutboxWrite, SlaClock } from "../store/port.js";
import { STAMP_KEY } from "./link-stamps.js";
import { FIELD_SYNC_PHASE } from "./outbox/field-sync-write.js";
import { writeOf } from "./outbox/funnel-write.js";
import { owedSnapshots } from "./owed-fields.js";
import { outboxKeyOf } from "../core/payload-text.js";
import type { RunContext, SideName } from "./run-context.js";
import { port } from "./run-context.js";
import type { Removal } from "./system-port.js";

/** What the merges one batch follows write with it; `links` and `retire` may be the batch's own lists. */
export interface MergesFollowed {
  links: LinkWrite[];
  retire: { id: number; reason: string }[];
  peopleMerged: { from: string; to: string }[];
  /**
   * Survivors this batch links: HubSpot's merge makes a new record of two, both of them perhaps linked;
   * the first removal's link goes to the survivor, the other retires as if the survivor were linked.
   */
  claimed: Set<string>;
  /** CRM records whose link moved to the record they were merged into, with the link's person. */
  crmMoves: SurvivorMove[];
  /**
   * CRM records merged into another person's record, with the person each was: her link retires and
   * her record is gone, so the merge is followed as its deletion (deletions.ts `personOf`).
   */
  crmEnded: Map<string, string>;
}

export function mergesFollowed(links: LinkWrite[] = [], retire: { id: number; reason: string }[] = []): MergesFollowed {
  return { links, retire, peopleMerged: [], claimed: new Set(), crmMoves: [], crmEnded: new Map() };
}

/**
 * Follows the merge of a linked record of `side`: the link moves to the survivor (or retires, if that one
 * is linked already), and with it the person's funnel state (a marketing merge) or follow-up clock (a CRM
 * merge: `clocksMoved`).
 */
export async function followMerge(
  ctx: RunContext,
  merges: MergesFollowed,
  side: SideName,
  mapping: ObjectMapping,
  link: Link,
  r: Removal & { mergedInto: string },
): Promise<void> {
  const system = port(ctx, side).system;
  const reason = `${system} ${r.object} ${r.id} merged into ${r.mergedInto}`;
  const survivor =
    side === "crm"
      ? await ctx.store.findLinkByCrm(mapping.pair, r.object, r.mergedInto)
      : await ctx.store.findLinkByMarketing(mapping.pair, r.mergedInto);
  if (survivor || merges.claimed.has(r.mergedInto)) {
    merges.retire.push({ id: link.id, reason });
    // The master is another person's record (or another link's, by this batch): hers is gone. Her
    // follow-up clock stops as on a deletion rather than move to a record whose clock, owner and tasks
    // are that person's (a breach raised on it would be someone else's lead).
    if (side === "crm" && survivor?.marketingId !== link.marketingId) merges.crmEnded.set(r.id, link.marketingId);
  } else if (side === "crm") {
    // The survivor does not hold the marketing id yet, nor the marketing record the survivor's id: the
    // link's stamp snapshot says so, and the next read of either record writes both stamps.
    const stamps = { marketing: null, crm: null, syncedAt: ctx.until };
    merges.links.push({ ...link, crmId: r.mergedInto, snapshots: { [STAMP_KEY]: stamps } });
    merges.claimed.add(r.mergedInto);
    merges.crmMoves.push({
      personId: link.marketingId,
      from: { type: r.object, id: r.id },
      to: { type: r.object, id: r.mergedInto },
      linkId: link.id,
      mapping,
      write: merges.links[merges.links.length - 1]!,
    });
  } else {
    // The marketing id is the link's key: retire the old link and link the survivor afresh.
    merges.retire.push({ id: link.id, reason });
    merges.links.push({ ...link, marketingId: r.mergedInto });
    merges.claimed.add(r.mergedInto);
    // The person too: their funnel state goes with the link, so the merged record is not someone new.
    if (mapping.pair === "contact") merges.peopleMerged.push({ from: r.id, to: r.mergedInto });
  }
  ctx.log.debug("link.merged", { runId: ctx.runId, linkId: link.id, from: r.id, to: r.mergedInto });
}

/**
 * The merge a read by id shows: `id`, asked for, answered by the record `into` (SourceRecord.askedAs), as a
 * removals read would have listed it.
 */
export function answeredMerge(ctx: RunContext, side: SideName, object: string, id: string, into: string): Removal & { mergedInto: string } {
  const takesWrites = port(ctx, side).mergedIdsTakeWrites === true;
  return { object, id, kind: "merged", mergedInto: into, at: ctx.until, takesWrites };
}

/**
 * Every merged contact's cached behaviour is the merged record's, whether or not a link follows it (HubSpot
 * answers the merged record's events with both records').
 */
export function contactsMerged(
  side: SideName,
  mapping: ObjectMapping | null,
  removals: readonly Removal[],
): { from: string; to: string }[] {
  if (side !== "marketing" || (mapping && mapping.pair !== "contact")) return [];
  return removals.filter((r) => r.kind === "merged" && r.mergedInto).map((r) => ({ from: r.id, to: r.mergedInto! }));
}

/** A CRM merge's move of a link to the master, with the link write that makes it. */
export interface SurvivorMove extends RecordMove {
  linkId: number;
  mapping: ObjectMapping;
  write: LinkWrite;
}

/**
 * What the outbox still owed a merged-away CRM record goes to its master, in the commit that follows the
 * merge (the loser is deleted, and its own writes are dropped: deletions.ts):
 * - the fields a field-sync write owed it, through the moved link's snapshots (owed-fields.ts, as a
 *   converted Lead's go to its Contact): the master's merge writes them, against what the master holds.
 *   The master is read in the same run or the next: merge() updates it ("Triggers and Merge Statements",
 *   Apex Developer Guide: a single update event for the winning record), so the CRM change read lists it;
 * - the funnel's pending writes (a score, a status, an owner; the handoff's tasks, whose WhoId named the
 *   loser: Salesforce refuses them, ENTITY_IS_DELETED), re-aimed at the master under their own keys: the
 *   person's record is the master now, and a phase deciding for her again replaces them by key, so none
 *   is written twice;
 * - her funnel writes the CRM refused, which wait in the error queue, re-aimed the same way and kept
 *   refused, their entries open and naming the master (`movedErrors`), so `errors retry` sends them there:
 *   before, the deletion of the loser dropped them and resolved their entries, and the status or task the
 *   rep was owed was lost.
 * Returned for the commit; the deletion's `resolvedErrors` leave the moved entries open (`unlessMoved`).
 */
export async function owedToSurvivors(ctx: RunContext, merges: MergesFollowed): Promise<OwedToSurvivors> {
  const moves = merges.crmMoves;
  if (moves.length === 0) return { outbox: [], outboxRefused: [], movedErrors: [] };
  const held = await ctx.store.getSnapshots(moves.map((m) => m.linkId));
  const owed = await owedSnapshots(
    ctx,
    moves.map((m) => ({ linkId: m.linkId, from: { object: m.from.type, id: m.from.id }, mapping: m.mapping, target: m.mapping, held: held.get(m.linkId) ?? {} })),
    ctx.until,
  );
  for (const m of moves) {
    const patch = owed.get(m.linkId);
    if (patch) m.write.snapshots = { ...patch, ...m.write.snapshots };
  }
  const system = port(ctx, "crm").system;
  const master = new Map(moves.map((m) => [m.from.id, m.to.id]));
  const pending = [
    ...(await ctx.store.heldOutboxEntries(
      Number.MAX_SAFE_INTEGER,
      moves.map((m) => ({ system, object: m.from.type, recordId: m.from.id })),
    )),
    ...(await ctx.store.outboxAbout(system, [...new Set(moves.map((m) => m.personId))])),
  ];
  const refused = await refusedToSurvivors(ctx, system, [...new Set(moves.map((m) => m.personId))], master);
  return {
    outbox: [...pending.flatMap((e) => (e.phase === FIELD_SYNC_PHASE ? [] : [reaimed(writeOf(e), master)])), ...refused.outbox],
    outboxRefused: refused.outboxRefused,
    movedErrors: refused.movedErrors,
  };
}

export type OwedToSurvivors = Required<Pick<BatchCommit, "outbox" | "outboxRefused" | "movedErrors">>;

/** The entries a deletion settles, but for those whose write went to a master (they stay open there). */
export function unlessMoved(resolved: readonly number[], owed: OwedToSurvivors): number[] {
  const moved = new Set(owed.movedErrors.map((m) => m.id));
  return resolved.filter((id) => !moved.has(id));
}

/**
 * The refused funnel writes of these people that named a merged-away record (its own, or a task's lookup),
 * found by their open entries (the field sync's are owed through the link's snapshots instead), re-aimed at
 * the master and kept refused, each entry naming what its write names now, as the drain names a refusal.
 */
async function refusedToSurvivors(
  ctx: RunContext,
  system: string,
  personIds: readonly string[],
  master: ReadonlyMap<string, string>,
): Promise<OwedToSurvivors> {
  const entries = new Map(
    (await ctx.store.listErrors({ status: "open", system, personIds })).flatMap((e) => {
      const key = e.operation === FIELD_SYNC_PHASE ? null : outboxKeyOf(e);
      return key === null ? [] : [[key, e] as const];
    }),
  );
  const out: OwedToSurvivors = { outbox: [], outboxRefused: [], movedErrors: [] };
  if (entries.size === 0) return out;
  for (const entry of await ctx.store.listOutbox({ keys: [...entries.keys()], refused: true })) {
    const before = writeOf(entry);
    const write = reaimed(before, master);
    if (JSON.stringify(write) === JSON.stringify(before)) continue;
    const e = entries.get(entry.key)!;
    out.outbox.push(write);
    out.outboxRefused.push(write.key);
    const fields = Object.fromEntries(write.fields.map((f) => [f.field, f.after]));
    out.movedErrors.push({ id: e.id, recordId: write.recordId ?? write.key, payload: { ...(e.payload as object), fields } });
  }
  return out;
}

/** A write re-aimed from merged-away records at their masters: its record, and a task's lookups (WhoId). */
function reaimed(write: OutboxWrite, master: ReadonlyMap<string, string>): OutboxWrite {
  const to = (id: string | null) => (id !== null && master.get(id)) || id;
  return {
    ...write,
    recordId: to(write.recordId),
    fields: write.fields.map((f) => ({ ...f, after: to(f.after) })),
    associations: write.associations.map((a) => ({ ...a, id: to(a.id)! })),
  };
}

/** A person's CRM record that became another: a merge's master, a converted Lead's Contact. */
export interface RecordMove {
  personId: string;
  from: { type: string; id: string };
  to: { type: string; id: string };
}

/**
 * The follow-up clocks on CRM records that became others, moved with the person's link: Salesforce moves
 * a merge's losing record's activities to the master ("merge()", SOAP API Developer Guide), and a
 * converted Lead's to its Contact (the calls a rep logged before converting among them), so the SLA phase
 * finds a touch, a reassignment or the record for a reroute's task on the clock's record. The one way a
 * clock follows its record (converted-leads.ts too).
 */
export async function clocksMoved(ctx: RunContext, moves: readonly RecordMove[]): Promise<SlaClock[]> {
  if (moves.length === 0) return [];
  const byRecord = new Map(moves.map((m) => [`${m.from.type}\u0000${m.from.id}`, m]));
  const clocks = await ctx.store.listSlaClocks({ crmIds: moves.map((m) => m.from.id) });
  return clocks.flatMap((c) => {
    const m = byRecord.get(`${c.crmType}\u0000${c.crmId}`);
    return m && m.personId === c.personId ? [{ ...c, crmType: m.to.type, crmId: m.to.id }] : [];
  });
}
