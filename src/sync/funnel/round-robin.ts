// A routing decision made concrete: a queue's next rep by the round-robin turn the store keeps (fair
// across restarts and runs), or the rep the decision names. A queue the store keeps no turn for (a lost
// store, ARCHITECTURE.md "Links") resumes after the rep the CRM shows was handed the latest lead.
import { pickFromQueue, type QueueDecision, type RouteAssignment, type RouteDecision } from "../../core/routing/index.js";
import { byHandoffOrder } from "../../core/funnel/handoff-order.js";
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";
import { carriesHandoff } from "./handoff-phase.js";

/** How far back the handoffs a queue resumes from are looked for. */
const RESUME_WINDOW_DAYS = 365;
/** The latest MQLs whose records are read for their owner: enough to pass the handoffs of other queues. */
const RESUME_RECORDS = 200;

export async function takeAssignment(
  ctx: RunContext,
  setup: FunnelSetup,
  decision: Exclude<RouteDecision, { kind: "unroutable" }>,
  /** The routing's reps: lower-cased email → CRM owner id. */
  reps: ReadonlyMap<string, string>,
): Promise<RouteAssignment> {
  if (decision.kind !== "queue") return decision;
  const first = (await ctx.store.keepsRoundRobinTurn(decision.queue)) ? 0 : await turnAfterLatestHandoff(ctx, setup, decision, reps);
  return pickFromQueue(decision, await ctx.store.takeRoundRobinTurn(decision.queue, decision.members.length, first));
}

/**
 * The turn after the member who was handed the latest lead, as the CRM shows it: of the latest MQLs the
 * store knows (a lost store's restore brings them back from the contacts' MQL dates), in the handoff's
 * own order (core/funnel/handoff-order.ts) from the last, the first whose record carries its handoff (the
 * MQL date to the second, an owner) to a member of the queue. 0 when none does. Not exact: a lead handed
 * to a member by another rule (the account's owner, a rep the rule names) or moved by hand looks like the
 * queue's turn, and a reroute's turn is not shown at all.
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
  for (const m of latest) {
    const at = where.get(m.personId);
    const record = at && records.get(`${at.object}:${at.id}`);
    if (!record || !carriesHandoff(setup, record, m.mqlAt)) continue;
    const index = members.get(record.fields[v.ownerField] ?? undefined);
    if (index === undefined) continue;
    ctx.log.debug("routing.turn_resumed", { queue: decision.queue, after: decision.members[index], personId: m.personId });
    return index + 1;
  }
  return 0;
}
