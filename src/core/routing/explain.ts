// `leadloop route --explain <email>`: every step routing considered, matched or not and why, and the
// decision. The same walk as planRoute, carried on past the deciding step.
import type { RoutablePerson, RouteContext, RoutingDefinition } from "./definition.js";
import { type RouteDecision, type RouteStep, walkRoute } from "./walk.js";

export interface RouteExplanation {
  steps: RouteStep[];
  decision: RouteDecision;
}

export function explainRoute(
  person: RoutablePerson,
  context: RouteContext,
  definition: RoutingDefinition,
): RouteExplanation {
  return walkRoute(person, context, definition, true);
}

const MARK: Record<RouteStep["outcome"], string> = {
  chosen: "✔",
  "no-match": "✘",
  "rep-inactive": "↷",
  "queue-empty": "↷",
  "not-reached": "·",
  off: "-",
};

/** Plain-text lines for a terminal, one per step, then the decision. */
export function formatRouteExplanation(explanation: RouteExplanation): string[] {
  const lines = explanation.steps.map(
    (s) => `${MARK[s.outcome]} ${s.ruleId} — ${s.description}: ${s.detail}`,
  );
  const d = explanation.decision;
  if (d.kind === "rep") lines.push(`→ rep ${d.rep} (by ${d.ruleId})`);
  else if (d.kind === "queue") lines.push(`→ queue ${d.queue}, round-robin among ${d.members.join(", ")}`);
  else lines.push(`→ unroutable: ${d.message}`);
  return lines;
}
