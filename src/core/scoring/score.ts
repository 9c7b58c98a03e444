// Scores one person at a point in time: fit from attributes (or, for a customer, the cross-sell rules),
// negative rules, decayed behaviour (a customer's since they became one), and from them the MQL,
// near-qualified and upsell verdicts. Pure and deterministic: the same input and definition give the same
// score, reasons in the same order.

import type { FieldValue } from "../records.js";
import { isBlank } from "../records.js";
import { type BehaviourResult, type CountedFrom, scoreBehaviour } from "./behaviour.js";
import { asCompiled, type CompiledDefinition, toTenths } from "./compile.js";
import type { QualificationDefinition, ScoredActivity } from "./definition.js";
import { byPointsDesc, type ScoreReason } from "./reason.js";

export interface ScoreInput {
  person: Readonly<Record<string, FieldValue>>;
  company?: Readonly<Record<string, FieldValue>>;
  activities: readonly ScoredActivity[];
  /** The person's company is already a customer (won opportunity or account type). */
  isCustomer?: boolean;
  /**
   * When a customer became one (ISO time): their behaviour before it led to the purchase and shows no new
   * interest, so the customer score counts behaviour from then on. Null or absent: not known, all counts.
   */
  customerSince?: string | null;
  now: Date;
}

export interface PersonScore {
  total: number;
  /** Fit rules plus negative rules. */
  fit: number;
  behaviour: number;
  /** Every point in `total` comes from one of these; most points first. */
  reasons: ScoreReason[];
  /** An MQL. */
  qualified: boolean;
  /** Id of the first disqualifying negative rule that holds. */
  disqualifiedBy: string | null;
  /** Over the behaviour threshold but held back by exactly one missing required field or fit rule. */
  nearQualified: null | { missing: string };
  /** A customer showing cross-sell interest: raised instead of an MQL. */
  upsell: boolean;
  lastActivityAt: string | null;
}

export function scorePerson(
  input: ScoreInput,
  definition: QualificationDefinition | CompiledDefinition,
): PersonScore {
  const compiled = asCompiled(definition);
  const def = compiled.definition;
  const { person, company } = input;
  const isCustomer = input.isCustomer === true;
  const reasons: ScoreReason[] = [];

  // Customers are judged by the cross-sell rules when there are any; their prospect fit means little.
  const fitRules = isCustomer && def.customers ? compiled.customer : compiled.fit;
  let fitTenths = 0;
  let fitMatched = 0;
  const missing: string[] = def.requiredForHandoff.filter((field) => isBlank(person[field]));
  // Indexed loops and no spread: a for-of or a push(...) made an iterator result per rule and reason
  // where V8 had not optimised the scoring, which runs per person scored.
  for (let r = 0; r < fitRules.length; r++) {
    const { rule, test } = fitRules[r]!;
    const evidence = test(person, company);
    if (evidence === null) {
      if (rule.required) missing.push(rule.id);
      continue;
    }
    fitMatched++;
    const tenths = toTenths(rule.points);
    fitTenths += tenths;
    if (tenths !== 0) {
      reasons.push({
        ruleId: rule.id,
        kind: "fit",
        points: tenths / 10,
        detail: `${rule.description} (${evidence})`,
      });
    }
  }

  let disqualifiedBy: string | null = null;
  for (let r = 0; r < compiled.negative.length; r++) {
    const { rule, test } = compiled.negative[r]!;
    const evidence = test(person, company);
    if (evidence === null) continue;
    const tenths = toTenths(rule.points);
    fitTenths += tenths;
    if (rule.disqualify && disqualifiedBy === null) disqualifiedBy = rule.id;
    // A disqualifying rule is a reason even at zero points: it explains why there is no MQL.
    if (tenths !== 0 || rule.disqualify) {
      const suffix = rule.disqualify ? "; disqualifies" : "";
      reasons.push({
        ruleId: rule.id,
        kind: "negative",
        points: tenths / 10,
        detail: `${rule.description} (${evidence})${suffix}`,
      });
    }
  }

  const behaviour = scoreBehaviour(input.activities, compiled, input.now.getTime(), customerWindow(input, isCustomer));
  for (let r = 0; r < behaviour.reasons.length; r++) reasons.push(behaviour.reasons[r]!);
  reasons.sort(byPointsDesc);

  const fit = fitTenths / 10;
  const behaviourPoints = behaviour.tenths / 10;
  const total = (fitTenths + behaviour.tenths) / 10;
  const { thresholds } = def;
  const open = !isCustomer && disqualifiedBy === null;
  const qualified =
    open &&
    total >= thresholds.mql &&
    (thresholds.fitMinimum === null || fit >= thresholds.fitMinimum) &&
    missing.length === 0;
  // One item short of an MQL: the one missing field or rule is all that keeps them out, so their score
  // and fit already make the thresholds; someone it would not qualify is not near.
  const nearQualified =
    open &&
    !qualified &&
    behaviourPoints >= thresholds.behaviour &&
    missing.length === 1 &&
    total >= thresholds.mql &&
    (thresholds.fitMinimum === null || fit >= thresholds.fitMinimum)
      ? { missing: missing[0]! }
      : null;
  const upsell =
    isCustomer &&
    disqualifiedBy === null &&
    def.customers !== null &&
    fitMatched > 0 &&
    total >= def.customers.threshold;

  return {
    total,
    fit,
    behaviour: behaviourPoints,
    reasons,
    qualified,
    disqualifiedBy,
    nearQualified,
    upsell,
    lastActivityAt: behaviour.lastActivityAt,
  };
}

/**
 * The behaviour part of `scorePerson(input)` as it would be at `nowMs` with these `activities`: its points
 * and reasons. The fit and negative rules test the person's and company's values alone, so only this part
 * of a score moves with time.
 */
export function behaviourAt(
  input: ScoreInput,
  definition: QualificationDefinition | CompiledDefinition,
  activities: readonly ScoredActivity[],
  nowMs: number,
): BehaviourResult {
  return scoreBehaviour(activities, asCompiled(definition), nowMs, customerWindow(input, input.isCustomer === true));
}

/** A customer's behaviour counts from the day they became one, and their reasons say so. */
function customerWindow(input: ScoreInput, isCustomer: boolean): CountedFrom | null {
  const ms = isCustomer && input.customerSince ? Date.parse(input.customerSince) : NaN;
  if (Number.isNaN(ms)) return null;
  return { ms, words: `since becoming a customer on ${new Date(ms).toISOString().slice(0, 10)}` };
}
