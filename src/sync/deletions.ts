// What following a deletion commits, whoever finds it: the removals read (removals.ts) or a page's read by
// id that finds a linked record gone (page-sync.ts). One way, so a deletion found either way leaves nothing
// owed (ARCHITECTURE.md "One write path", a record deleted before its writes went out).
import { personIdOf } from "../core/text/error-problems.js";
import type { BatchCommit, DeletedRecord, QueuedError } from "../store/port.js";
import type { OpenErrors } from "./open-errors.js";
import type { RunContext } from "./run-context.js";
import type { Removal } from "./system-port.js";

/** A record a read by id no longer finds, though no system listed its removal: deleted, as far as anyone can tell. */
export function notFound(object: string, id: string, at: string): Removal {
  return { object, id, kind: "deleted", mergedInto: null, at, takesWrites: false };
}

/**
 * For removed records of one system and object: the writes the outbox keeps for each record that takes no
 * more writes, and for the person whose record it was (`personOf`: a deleted Lead's or Contact's linked
 * contact, or a merged record's whose master is another person's; else the record itself), are dropped
 * and their open entries resolved; a follow-up clock on a deleted record stops, so no breach is raised
 * for a person who no longer exists, and so does one on a merge's losing record whose person is in
 * `personOf` (its master is another person's), and those of `peopleGone` (people whose own contact was
 * deleted, their Leads alive), with their open follow-up tasks completed; another merge's clock moves
 * with the link (merges.ts). Committed with the batch that retires the records' links. `open`: the open
 * error-queue entries about the removed records (open-errors.ts), read by the caller with its others.
 */
export async function deletionsFollowed(
  ctx: RunContext,
  system: string,
  removals: readonly Removal[],
  personOf: ReadonlyMap<string, string>,
  peopleGone: readonly string[],
  open: OpenErrors,
): Promise<Required<Pick<BatchCommit, "outboxDroppedFor" | "slaClocksStoppedOn" | "resolvedErrors" | "outbox">>> {
  // A merge into another person's record ends the person's as a deletion does (merges.ts `crmEnded`).
  const ended = (r: Removal) => r.kind === "deleted" || (r.kind === "merged" && personOf.has(r.id));
  const slaClocksStoppedOn: NonNullable<BatchCommit["slaClocksStoppedOn"]> = removals
    .filter(ended)
    .map((r) => ({ object: r.object, recordId: r.id }));
  const outboxDroppedFor: DeletedRecord[] = removals
    .filter((r) => !r.takesWrites)
    .map((r) => ({ system, object: r.object, recordId: r.id, ...(personOf.has(r.id) ? { personId: personOf.get(r.id)! } : {}) }));
  // A person whose own contact was deleted (a GDPR delete, an archive) is gone, though her Lead lives on:
  // her follow-up ends with her, or the rep would be chased (breaches, reroutes) for someone leadloop no
  // longer follows. Only with the funnel, which completes her open follow-up tasks in this commit too.
  const gone = peopleGone.length > 0 && ctx.followUpsEnded ? await ctx.followUpsEnded(peopleGone, `${system} contact deleted`) : null;
  for (const c of gone?.clocks ?? []) slaClocksStoppedOn.push({ object: c.crmType, recordId: c.crmId, personId: c.personId });
  return { outboxDroppedFor, slaClocksStoppedOn, resolvedErrors: await mootErrors(ctx, outboxDroppedFor, open), outbox: gone?.outbox ?? [] };
}

/**
 * The open error-queue entries about records now deleted: a write to them was refused (it went out after
 * the deletion, in an earlier run or this run's first drain), and retrying it can only be refused again.
 * So are the entries of writes of the same system about the person whose record it was (the handoff's
 * tasks: their entries name the task's key, and the person in their payload): the contact itself with
 * HubSpot as the CRM, the Lead's or Contact's linked contact with Salesforce. The entries about the
 * records are in `open` (the caller's one read of the queue for them); the people's are read here.
 */
async function mootErrors(ctx: RunContext, deleted: readonly DeletedRecord[], open: OpenErrors): Promise<number[]> {
  if (deleted.length === 0) return [];
  const ids = new Set<number>();
  const resolve = (e: QueuedError, d: DeletedRecord) => {
    if (ids.has(e.id)) return;
    ids.add(e.id);
    ctx.log.debug("error.resolved_deleted", { runId: ctx.runId, errorId: e.id, system: d.system, object: e.object, recordId: d.recordId });
  };
  for (const d of deleted)
    for (const e of open.get(d.recordId) ?? []) if (e.system === d.system && e.object === d.object) resolve(e, d);
  // One system per call: every record a removal follows is of one system.
  const system = deleted[0]!.system;
  const byPerson = new Map(deleted.map((d) => [d.personId ?? d.recordId, d]));
  for (const e of await ctx.store.listErrors({ status: "open", system, personIds: [...byPerson.keys()] })) {
    const personId = personIdOf(e);
    const d = personId !== null ? byPerson.get(personId) : undefined;
    if (d) resolve(e, d);
  }
  return [...ids];
}
