// A handed-off lead's follow-up task is done when the follow-up is: the decision that stops the person's
// follow-up clock (the rep's first touch, or a verdict, conversion or closed deal that moves them on)
// completes leadloop's open follow-up tasks for it in the same commit, through the outbox, so a crash
// between the stop and the drain neither loses the completion nor decides it twice (ARCHITECTURE.md
// "The follow-up SLA").
import type { OutboxEntry, OutboxWrite, SlaClock } from "../../store/port.js";
import type { Decision } from "../outbox/decide.js";
import { handoffRecordKey } from "../outbox/drain.js";
import { funnelWrite } from "../outbox/funnel-write.js";
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";
import { clockFollowUps, type FollowUpTask, openTasks, openTasksByKey } from "./follow-up-tasks.js";
import { followedUp } from "./sla-list.js";

/** A CRM record a clock's record became in this decision (a converted Lead's Contact), by the clock's record id. */
export type MovedRecords = ReadonlyMap<string, { crmType: string; crmId: string }>;

/**
 * `decision` with the completion of the follow-up tasks whose clock it stops. A clock stops once: at its
 * first touch, or at the person's first funnel move since the handoff, whichever comes first; a clock
 * already touched or decided had its tasks completed then, and one whose record was deleted is decided
 * already, so neither is read again; a clock this decision brings back after a lost store stops here, the
 * once leadloop sees its decision. Only tasks still at the status leadloop gave them are completed: a
 * rep who completed, deferred or otherwise moved the task made it theirs. The write is keyed by the task,
 * so deciding the same stop again (a run stopped before its commit) is the same entry.
 */
export async function withFollowUpsDone(
  ctx: RunContext,
  setup: FunnelSetup,
  decision: Decision,
  moved: MovedRecords = new Map(),
): Promise<Decision> {
  const why = new Map<string, string>();
  for (const e of decision.funnelEvents ?? []) why.set(e.personId, `${e.toStage}: ${e.cause}`);
  for (const t of decision.slaTouches ?? []) if (!why.has(t.personId)) why.set(t.personId, `touch ${t.key}`);
  // The clocks this decision sets itself (restored after a lost store) stand in for the store's. They come
  // back decided already (restored-clocks.ts): the rep decided while the store that would have stopped
  // them was lost or not yet written, so no task was completed then, and their stop is now.
  const decided = new Map((decision.slaClocks ?? []).map((c) => [c.personId, c]));
  for (const personId of decided.keys()) if (!why.has(personId)) why.set(personId, "decided before the store was lost");
  if (why.size === 0) return decision;
  const stored = await ctx.store.listSlaClocks({ personIds: [...why.keys()] });
  // A handoff an earlier run decided whose record write is still to be accepted (a run stopped after the
  // rep's task, the write refused: the rep deactivated) has started no clock, though its "New MQL" task
  // may be in the CRM: the clock it waits to start stands in, and stops here, as one this decision brings
  // back does (README, the follow-up SLA).
  const clocked = new Set([...stored.map((c) => c.personId), ...decided.keys()]);
  for (const clock of await waitingHandoffClocks(ctx, [...why.keys()].filter((p) => !clocked.has(p)))) decided.set(clock.personId, clock);
  const clocks = [...new Map([...stored, ...decided.values()].map((c) => [c.personId, c])).values()]
    .filter((c) => c.firstTouchAt === null && why.has(c.personId))
    .map((c): SlaClock => ({ ...c, ...moved.get(c.crmId) }));
  const owed = new Set(await followedUp(ctx.store, clocks));
  const stopping = clocks.filter((c) => owed.has(c) || decided.has(c.personId));
  const writes = await followUpsDone(ctx, setup, stopping, why);
  return writes.length === 0 ? decision : { ...decision, outbox: [...(decision.outbox ?? []), ...writes] };
}

/**
 * The clocks the handoffs of these people wait to start: an earlier run decided the handoff and its record
 * write is still in the outbox, pending (the run stopped after the rep's task) or refused (her rep
 * deactivated), so its group's effect is not applied yet (drain.ts). A handoff this run decided is not
 * one: its writes are still to be sent.
 */
export async function waitingHandoffClocks(ctx: RunContext, personIds: readonly string[]): Promise<SlaClock[]> {
  if (personIds.length === 0) return [];
  const waiting = await handoffRecordWrites(ctx, personIds);
  const groups = waiting.flatMap((e) => (e.runId !== ctx.runId && e.group !== null ? [e.group] : []));
  if (groups.length === 0) return [];
  return [...(await ctx.store.outboxGroupEffects(groups)).values()].flatMap((e) => (e.slaClock ? [e.slaClock] : []));
}

/** The handoff record writes of these people still in the outbox, pending or refused. */
export async function handoffRecordWrites(ctx: RunContext, personIds: readonly string[]): Promise<OutboxEntry[]> {
  const keys = personIds.map(handoffRecordKey);
  return [...(await ctx.store.listOutbox({ keys })), ...(await ctx.store.listOutbox({ keys, refused: true }))];
}

/**
 * The completion of the open follow-up tasks of the clocks `stopping` (`why`, by person: what stopped
 * each), for the commit that stops them: a decision's (above) or a deletion's of the person's contact
 * (deletions.ts `peopleGone`, through RunContext.followUpsEnded).
 */
export async function followUpsDone(
  ctx: RunContext,
  setup: FunnelSetup,
  stopping: readonly SlaClock[],
  why: ReadonlyMap<string, string>,
  /** How the tasks are found: through the clocks' records, or by their keys when the person's record is gone. */
  find: typeof openTasks = openTasks,
): Promise<OutboxWrite[]> {
  if (stopping.length === 0) return [];
  const tasks = await find(ctx, setup, stopping);
  const { status } = setup.vocabulary.task;
  const stranded = await strandedHolders(setup, tasks, stopping);
  const writes: OutboxWrite[] = [];
  for (const clock of stopping)
    for (const task of clockFollowUps(tasks, clock).filter((t) => t.status === status.open && (t.ownerId === clock.ownerId || stranded.has(t.ownerId ?? ""))))
      writes.push(taskStatusWrite(ctx, setup, task, { key: "follow-up-done", to: status.done, rule: `SLA: follow-up done (${why.get(clock.personId)})` }));
  return writes;
}

/**
 * The holders of these clocks' follow-up tasks, other than the clocks' owners, that the CRM no longer has as
 * active users. A task the rep gave to a colleague is the colleague's (README: left as they set it); one held
 * by a deactivated user is stranded, not given: the record changed hands after the clock stopped (nothing is
 * handed on then), or a lost store's restore gave the clock the record's new owner. Its follow-up ended with
 * the clock's, and a close Salesforce refuses for that user's sake is in the error queue, after a lost store too.
 */
async function strandedHolders(setup: FunnelSetup, tasks: ReadonlyMap<string, FollowUpTask[]>, clocks: readonly SlaClock[]): Promise<Set<string>> {
  const others = new Set<string>();
  for (const clock of clocks)
    for (const t of clockFollowUps(tasks, clock)) if (t.ownerId !== null && t.ownerId !== clock.ownerId) others.add(t.ownerId);
  if (others.size === 0) return new Set();
  const active = await setup.vocabulary.activeOwners([...others]);
  return new Set([...others].filter((id) => !active.has(id)));
}

/**
 * The outbox write that moves one of leadloop's follow-up tasks to status `to` (the vocabulary's done
 * or open), keyed `<key>:<task id>`: a decision made again is the same entry.
 */
export function taskStatusWrite(
  ctx: RunContext,
  setup: FunnelSetup,
  task: FollowUpTask,
  change: { key: string; to: string; rule: string },
): OutboxWrite {
  const { object, status } = setup.vocabulary.task;
  return funnelWrite(ctx, {
    key: `${change.key}:${task.id}`,
    phase: "sla",
    rule: change.rule,
    side: "crm",
    object,
    recordId: task.id,
    fields: { [status.field]: change.to },
    before: { [status.field]: task.status },
    personId: task.personId,
  });
}

/**
 * What a deletion of these people's own contacts (a GDPR delete, an archive) ends of their follow-up:
 * their clocks, which the deletion's commit stops, and the completion of leadloop's open follow-up tasks
 * in the same commit, so no rep is chased, and no breach raised, for a person who is gone (ARCHITECTURE.md
 * "The follow-up SLA"). The tasks are found by their keys: with HubSpot as the CRM they were on the
 * contact now deleted, which HubSpot keeps them without (`openTasksByKey`); on a Salesforce Lead the
 * same keys find them.
 */
export async function followUpsEndedBy(
  ctx: RunContext,
  setup: FunnelSetup,
  personIds: readonly string[],
  reason: string,
): Promise<{ clocks: SlaClock[]; outbox: OutboxWrite[] }> {
  if (personIds.length === 0) return { clocks: [], outbox: [] };
  const clocks = await ctx.store.listSlaClocks({ personIds, gone: false });
  // A clock touched or decided had its tasks completed then (withFollowUpsDone).
  const owed = await followedUp(ctx.store, clocks.filter((c) => c.firstTouchAt === null));
  return { clocks, outbox: await followUpsDone(ctx, setup, owed, new Map(owed.map((c) => [c.personId, reason])), openTasksByKey) };
}
