// Where a breached lead goes when sla.yaml's onBreach.reroute routes it again. Leaving out only the owner
// who just missed it sent a lead with two eligible reps back and forth between them on each breach (and
// the write path then held the owner field as a loop), so every rep who already held one of the lead's
// clocks is left out. When nobody is left, the lead stays with its owner and the breach is only alerted.
import { normalizeEmail } from "../records.js";
import { planRoute, type RoutablePerson, type RouteDecision, type RoutingDefinition } from "../routing/index.js";

export interface RerouteContext {
  /** Lower-cased emails of the reps who can take a lead now. */
  activeReps: ReadonlySet<string>;
  /**
   * Emails of the reps who held the lead's clocks, in any letter case: the owner who missed this one and
   * the owners of the clocks it replaced (earlier reroutes and handoffs).
   */
  heldBy: readonly string[];
}

export type RerouteDecision =
  | RouteDecision
  /**
   * Every rep the routing would give the lead to has held it already: the owner keeps it, and
   * `explanation` says so (the alert task and the log carry it).
   */
  | { kind: "all-held"; explanation: string };

export function planReroute(
  person: RoutablePerson,
  context: RerouteContext,
  definition: RoutingDefinition,
): RerouteDecision {
  const held = new Set(context.heldBy.map((email) => normalizeEmail(email)).filter((e): e is string => e !== null));
  const unused = new Set([...context.activeReps].filter((email) => !held.has(email)));
  // The account step is passed over: the account owner is the one who missed it, or a rep the rules
  // would not pick; the rules and the fallback decide among the reps left.
  const decision = planRoute(person, { accountOwnerEmail: null, activeReps: unused }, definition);
  if (decision.kind !== "unroutable" || held.size === 0) return decision;
  // Unroutable even with the reps who held it: the routing itself has no one (an inactive fallback),
  // which is not what leaving them out did.
  const withHeld = planRoute(person, { accountOwnerEmail: null, activeReps: context.activeReps }, definition);
  if (withHeld.kind === "unroutable") return decision;
  return {
    kind: "all-held",
    explanation: `every rep the routing gives this lead to has held it already (${[...held].sort().join(", ")})`,
  };
}
