// A routing decision made concrete: a queue's next rep by the round-robin turn the store keeps (fair
// across restarts and runs), or the rep the decision names.
import { pickFromQueue, type RouteAssignment, type RouteDecision } from "../../core/routing/index.js";
import type { RunContext } from "../run-context.js";

export async function takeAssignment(
  ctx: RunContext,
  decision: Exclude<RouteDecision, { kind: "unroutable" }>,
): Promise<RouteAssignment> {
  if (decision.kind !== "queue") return decision;
  return pickFromQueue(decision, await ctx.store.takeRoundRobinTurn(decision.queue, decision.members.length));
}
