// A routing decision made concrete: a queue's next rep by the round-robin turn the store keeps (fair
// across restarts and runs), or the rep the decision names. The turns a commit's decisions take are kept
// by that commit (`BatchCommit.roundRobinTurns`). A queue the store keeps no turn for (a lost store,
// ARCHITECTURE.md "Links") resumes after the rep the CRM shows was handed the latest lead.
import {
  pickFromQueue,
  type QueueDecision,
  queueTurnShown,
  type RouteAssignment,
  type RouteDecision,
} from "../../core/routing/index.js";
import { byHandoffOrder } from "../../core/funnel/handoff-order.js";
import type { RoundRobinTurns } from "../../store/port.js";
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";
import { carriesHandoff } from "./handoff-phase.js";
import { type FollowUpTask, followUpsOf } from "./follow-up-tasks.js";

/** How far back the handoffs a queue resumes from are looked for. */
const RESUME_WINDOW_DAYS = 365;
/** The latest MQLs whose records are read for their owner: enough to pass the handoffs of other queues. */
const RESUME_RECORDS = 200;
/** Leads whose tasks are read at once, from the last: the first read finds the queue's turn but where others' rules gave many. */
const TASKS_READ = 20;

/**
 * The round-robin turns one commit's decisions take (a page of handoffs, a breach's reroute): each queue's
 * turn read from the store once and advanced here, then kept by the commit that keeps the decisions
 * (`kept()` into `BatchCommit.roundRobinTurns`). Taken in a commit of their own, a run stopped between
 * the two gave a rep's turn away: the next run handed the same lead to the rep after.
 */
export class QueueTurns {
  private readonly queues = new Map<string, { next: number; taken: number }>();

  async assign(
    ctx: RunContext,
    setup: FunnelSetup,
    decision: Exclude<RouteDecision, { kind: "unroutable" }>,
    /** The routing's reps: lower-cased email → CRM owner id. */
    reps: ReadonlyMap<string, string>,
  ): Promise<RouteAssignment> {
    if (decision.kind !== "queue") return decision;
    const size = decision.members.length;
    if (size === 0) return pickFromQueue(decision, 0); // refused there: a queue with no member
    let held = this.queues.get(decision.queue);
    if (!held) {
      const kept = await ctx.store.roundRobinNext(decision.queue);
      held = { next: kept ?? (await turnAfterLatestHandoff(ctx, setup, decision, reps)), taken: 0 };
      this.queues.set(decision.queue, held);
    }
    // A queue that shrank since its last turn wraps instead of pointing past its end.
    const turn = held.next % size;
    held.next = (turn + 1) % size;
    held.taken++;
    return pickFromQueue(decision, turn);
  }

  /** Each queue that gave a turn: where its next one is, and how many it gave. */
  kept(): RoundRobinTurns[] {
    return [...this.queues].filter(([, q]) => q.taken > 0).map(([queue, q]) => ({ queue, next: q.next, taken: q.taken }));
  }
}

/**
 * The turn after the member who was given the queue's latest turn, as the CRM shows it: of the latest MQLs
 * the store knows (a lost store's restore brings them back from the contacts' MQL dates), in the handoff's
 * own order (core/funnel/handoff-order.ts) from the last, the first whose record carries its handoff (the
 * MQL date to the second, an owner) to a member of the queue, and whose follow-up task does not say
 * another rule routed it. 0 when none does. Not exact: a lead moved by hand to a member looks like the
 * queue's turn, and a reroute's turn counts where its lead's MQL is, not when it was rerouted.
 */
async function turnAfterLatestHandoff(
  ctx: RunContext,
  setup: FunnelSetup,
  decision: QueueDecision,
  reps: ReadonlyMap<string, string>,
): Promise<number> {
  const members = new Map(decision.members.map((email, i) => [reps.get(email.toLowerCase()), i] as const));
  members.delete(undefined);
  const v = setup.vocabulary;
  if (members.size === 0 || !v.fields.mqlDate) return 0;
  const since = new Date(ctx.now().getTime() - RESUME_WINDOW_DAYS * 86_400_000).toISOString();
  // The last handed off first: the reverse of the order the handoff takes them in. Only MQLs from before
  // this run can have been handed off: a new store's first load reads no record for them.
  const latest = (await ctx.store.mqlsSince(since))
    .filter((m) => m.mqlAt < ctx.until)
    .sort((a, b) => byHandoffOrder(b, a))
    .slice(0, RESUME_RECORDS);
  if (latest.length === 0) return 0;
  // The person's record: the contact itself with HubSpot as the CRM, else the record it is linked to.
  const where = setup.crmIsMarketing
    ? new Map(latest.map((m) => [m.personId, { object: v.status.object, id: m.personId }]))
    : new Map(
        [...(await ctx.store.findLinksByMarketingIds("contact", latest.map((m) => m.personId))).values()].map((l) => [
          l.marketingId,
          { object: l.crmType, id: l.crmId },
        ]),
      );
  const records = new Map<string, Awaited<ReturnType<typeof ctx.crm.readByIds>>[number]>();
  for (const object of new Set([...where.values()].map((w) => w.object))) {
    const ids = [...where.values()].filter((w) => w.object === object).map((w) => w.id);
    for (const r of await ctx.crm.readByIds(object, ids, [v.ownerField, v.fields.mqlDate])) records.set(`${object}:${r.id}`, r);
  }
  // Handed to a member, from the last: the leads the queue may have given.
  const handed: { personId: string; record: { object: string; id: string }; index: number }[] = [];
  for (const m of latest) {
    const at = where.get(m.personId);
    const record = at && records.get(`${at.object}:${at.id}`);
    if (!record || !carriesHandoff(setup, record, m.mqlAt)) continue;
    const index = members.get(record.fields[v.ownerField] ?? undefined);
    if (index !== undefined) handed.push({ personId: m.personId, record: at, index });
  }
  // A member's lead another rule gave (the account's owner, a rep a rule names) took no turn: its
  // follow-up task's routing line says so. One that says nothing (a rep rewrote it) counts as a turn.
  for (let i = 0; i < handed.length; i += TASKS_READ) {
    const some = handed.slice(i, i + TASKS_READ);
    const shown = await routingShown(ctx, setup, decision.queue, some);
    const turn = some.find((h) => shown.get(h.personId) !== "other");
    if (turn === undefined) continue;
    ctx.log.debug("routing.turn_resumed", { queue: decision.queue, after: decision.members[turn.index], personId: turn.personId });
    return turn.index + 1;
  }
  return 0;
}

/** What each lead's latest follow-up task (its handoff's, or a reroute's since) says of its routing. */
async function routingShown(
  ctx: RunContext,
  setup: FunnelSetup,
  queue: string,
  leads: readonly { personId: string; record: { object: string; id: string } }[],
): Promise<Map<string, "turn" | "other" | null>> {
  const personOf = new Map(leads.map((l) => [l.record.id, l.personId]));
  const latestTask = new Map<string, FollowUpTask>();
  const tasks = await setup.vocabulary.task.keyed(leads.map((l) => l.record), ctx.crm, { closedToo: true, bodies: true });
  for (const task of await followUpsOf(ctx, tasks, personOf)) {
    const personId = task.personId;
    if (personOf.get(task.personCrmId) !== personId) continue;
    const kept = latestTask.get(personId);
    if (!kept || task.at > kept.at) latestTask.set(personId, task);
  }
  return new Map([...latestTask].map(([personId, task]) => [personId, queueTurnShown(task.body ?? "", queue)]));
}
