// Routing in two pure steps, so round-robin state lives in the store and stays fair across restarts:
// planRoute says where a lead goes (a rep, or a queue of active members); when it is a queue, the
// caller takes the queue's turn (sync/funnel/round-robin.ts `QueueTurns`, kept by the commit of the
// decisions that use it) and passes it to pickFromQueue.
import type { RoutablePerson, RouteContext, RoutingDefinition } from "./definition.js";
import { type RouteDecision, walkRoute } from "./walk.js";

export type QueueDecision = Extract<RouteDecision, { kind: "queue" }>;

/** The rep a lead is assigned to, the step that decided it, and why. */
export interface RouteAssignment {
  rep: string;
  ruleId: string;
  explanation: string;
}

export function planRoute(
  person: RoutablePerson,
  context: RouteContext,
  definition: RoutingDefinition,
): RouteDecision {
  return walkRoute(person, context, definition, false).decision;
}

/** How an explanation names a queue's turn, after the queue (walk.ts `→ queue <name>`): routed-by.ts reads it back. */
export const roundRobinTurnText = "round-robin turn ";

/** The queue member whose turn it is; a turn beyond the list (members changed since) wraps round. */
export function pickFromQueue(decision: QueueDecision, turn: number): RouteAssignment {
  const size = decision.members.length;
  if (size === 0) throw new Error(`queue ${decision.queue} has no member to pick`);
  const index = ((Math.trunc(turn) % size) + size) % size;
  const rep = decision.members[index]!;
  return {
    rep,
    ruleId: decision.ruleId,
    explanation: `${decision.explanation} (${roundRobinTurnText}${index + 1} of ${size} → rep ${rep})`,
  };
}
