// The one walk through the routing definition that both planRoute and explainRoute use, so what
// `--explain` prints is exactly what routing did: account owner first, then rules in order, then the
// fallback. A matched rule whose rep is inactive, or whose queue has no active member, falls through.
import { normalizeEmail } from "../records.js";
import { type ConditionCheck, checkConditions } from "./conditions.js";
import type { RoutablePerson, RouteContext, RoutingDefinition, RoutingRule } from "./definition.js";

/** Step ids that are not rule ids; the loader keeps rules from using them. */
export const ACCOUNT_OWNER_STEP = "account-owner";
export const FALLBACK_STEP = "fallback";

export type RouteDecision =
  | { kind: "rep"; rep: string; ruleId: string; explanation: string }
  | {
      kind: "queue";
      queue: string;
      /** Active members only, in definition order: the round-robin turn indexes this list. */
      members: string[];
      ruleId: string;
      explanation: string;
    }
  | { kind: "unroutable"; message: string; explanation: string };

export type StepOutcome =
  /** This step decided the route. */
  | "chosen"
  /** The conditions did not hold (or the account has no owner). */
  | "no-match"
  /** It matched, but its rep is not an active rep, so routing went on. */
  | "rep-inactive"
  /** It matched, but its queue has no active member, so routing went on. */
  | "queue-empty"
  /** An earlier step decided; the conditions are still checked to show what would have happened. */
  | "not-reached"
  /** Turned off in the definition (keepAccountOwner: false). */
  | "off";

export interface RouteStep {
  ruleId: string;
  description: string;
  conditions: ConditionCheck[];
  outcome: StepOutcome;
  detail: string;
}

export interface RouteWalk {
  steps: RouteStep[];
  decision: RouteDecision;
}

/** What one step found: its report, and what it would assign when it is the deciding step. */
interface StepResult {
  step: RouteStep;
  assign?: (explanation: string) => RouteDecision;
}

/** Walks the definition; `full` goes on past the deciding step so every rule is reported. */
export function walkRoute(
  person: RoutablePerson,
  context: RouteContext,
  definition: RoutingDefinition,
  full: boolean,
): RouteWalk {
  const isActive = (email: string) => context.activeReps.has(email.toLowerCase());
  const steps: RouteStep[] = [];
  let decision: RouteDecision | undefined;
  // Why earlier matches were passed over: part of the final explanation, not only of --explain.
  const notes: string[] = [];
  const take = ({ step, assign }: StepResult) => {
    steps.push(step);
    if (decision) {
      step.outcome = "not-reached";
      step.detail = `not reached (${assign ? "would apply" : "would not apply"}): ${step.detail}`;
    } else if (assign) {
      step.outcome = "chosen";
      decision = assign([...notes, step.detail].join("; "));
    } else if (step.outcome === "rep-inactive" || step.outcome === "queue-empty") {
      notes.push(step.detail);
    }
  };

  take(accountOwnerStep(definition, context, isActive));
  for (const rule of definition.rules) {
    if (decision && !full) return { steps, decision };
    take(ruleStep(rule, person, definition, isActive));
  }
  if (decision && !full) return { steps, decision };
  const fallback = fallbackStep(definition.fallback, isActive);
  take(fallback);
  if (!decision) {
    // The fallback is the last resort: an inactive one leaves the lead without an owner.
    const message = fallback.step.detail;
    decision = { kind: "unroutable", message, explanation: [...notes.slice(0, -1), message].join("; ") };
  }
  return { steps, decision };
}

function accountOwnerStep(
  definition: RoutingDefinition,
  context: RouteContext,
  isActive: (email: string) => boolean,
): StepResult {
  const step: RouteStep = {
    ruleId: ACCOUNT_OWNER_STEP,
    description: "accounts already owned keep their owner",
    conditions: [],
    outcome: "no-match",
    detail: "no account found for this person",
  };
  if (!definition.keepAccountOwner) {
    step.outcome = "off";
    step.detail = "keepAccountOwner is off";
    return { step };
  }
  const account = context.account ?? null;
  const owner = normalizeEmail(account ? account.ownerEmail : (context.accountOwnerEmail ?? null));
  // "the account Acme GmbH (company domain acme.com)": which account, and how it was found.
  const which = account
    ? `the account ${account.name ? `${account.name} ` : ""}(${account.matchedBy})`
    : "the account";
  const recordOwner = normalizeEmail(context.recordOwnerEmail ?? null);
  const keep = (rep: string): StepResult => ({
    step,
    assign: (explanation) => ({ kind: "rep", rep, ruleId: ACCOUNT_OWNER_STEP, explanation }),
  });
  if (owner && isActive(owner)) {
    step.detail = `${which} is owned by ${owner} → rep ${owner}`;
    return keep(owner);
  }
  const accountDetail = !owner
    ? account
      ? `${which} has no owner`
      : step.detail
    : `${which} is owned by ${owner}, who is not an active rep`;
  // Without an active account owner, a rep's own record stays theirs (it was theirs before marketing).
  if (recordOwner && isActive(recordOwner)) {
    step.detail = `${accountDetail}; the record is already owned by rep ${recordOwner} → rep ${recordOwner}`;
    return keep(recordOwner);
  }
  step.detail = accountDetail;
  if (owner) step.outcome = "rep-inactive";
  return { step };
}

function ruleStep(
  rule: RoutingRule,
  person: RoutablePerson,
  definition: RoutingDefinition,
  isActive: (email: string) => boolean,
): StepResult {
  const conditions = checkConditions(rule.when, person);
  const failed = conditions.filter((c) => !c.holds);
  const why =
    conditions.length === 0
      ? "no conditions (matches everyone)"
      : (failed.length > 0 ? failed : conditions).map((c) => c.detail).join(", ");
  const step: RouteStep = {
    ruleId: rule.id,
    description: rule.description,
    conditions,
    outcome: "no-match",
    detail: `rule ${rule.id}: ${why}`,
  };
  if (failed.length > 0) return { step };

  if ("rep" in rule.assign) {
    const rep = rule.assign.rep;
    if (!isActive(rep)) {
      step.outcome = "rep-inactive";
      step.detail = `rule ${rule.id} matched but rep ${rep} is not an active rep`;
      return { step };
    }
    step.detail = `rule ${rule.id}: ${why} → rep ${rep}`;
    return { step, assign: (explanation) => ({ kind: "rep", rep, ruleId: rule.id, explanation }) };
  }
  const queue = rule.assign.queue;
  const all = definition.queues[queue] ?? [];
  const members = all.filter(isActive);
  if (members.length === 0) {
    step.outcome = "queue-empty";
    step.detail = `rule ${rule.id} matched but queue ${queue} has no active member (of ${all.length})`;
    return { step };
  }
  step.detail = `rule ${rule.id}: ${why} → queue ${queue}`;
  return {
    step,
    assign: (explanation) => ({ kind: "queue", queue, members, ruleId: rule.id, explanation }),
  };
}

function fallbackStep(fallback: string, isActive: (email: string) => boolean): StepResult {
  const step: RouteStep = {
    ruleId: FALLBACK_STEP,
    description: "single point of contact when no rule matches",
    conditions: [],
    outcome: "rep-inactive",
    detail: `no rule matched and the fallback rep ${fallback} is not an active rep`,
  };
  if (!isActive(fallback)) return { step };
  step.detail = `no rule matched → fallback rep ${fallback}`;
  return {
    step,
    assign: (explanation) => ({ kind: "rep", rep: fallback, ruleId: FALLBACK_STEP, explanation }),
  };
}
