// The line a rep's follow-up task gives its lead's routing, and what a queue's resume after a lost store
// reads back from it (sync/funnel/round-robin.ts): whether the lead was that queue's turn or another rule's.
import { type RouteAssignment, roundRobinTurnText } from "./plan.js";

const ROUTED_BY = "Routed by ";

export function routedByText(route: Pick<RouteAssignment, "ruleId" | "explanation">): string {
  return `${ROUTED_BY}${route.ruleId}: ${route.explanation}`;
}

/**
 * What a follow-up task's text (plain, or HubSpot's rich text) says of its lead's routing: "turn" when the
 * lead was a turn of `queue`, "other" when another rule or queue gave it, null when the text says nothing
 * of leadloop's routing (a rep rewrote it).
 */
export function queueTurnShown(text: string, queue: string): "turn" | "other" | null {
  const plain = text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => UNESCAPES[name]!);
  if (!plain.includes(ROUTED_BY)) return null;
  return plain.includes(`→ queue ${queue} (${roundRobinTurnText}`) ? "turn" : "other";
}

const UNESCAPES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" };
