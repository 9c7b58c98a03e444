// Compiles a qualification definition once, so scoring many people does no regex building, no list
// folding and no rule lookup per activity: conditions become test functions, patterns become RegExps,
// and behaviour rules are grouped by the activity kind they score.
import { type ConditionTest, compileCondition } from "./condition.js";
import { withoutAccents } from "./values.js";
import { type DefinitionFields, definitionFields } from "./definition-fields.js";
import type {
  ActivityKind,
  BehaviourRule,
  FitRule,
  MatchKey,
  NegativeRule,
  QualificationDefinition,
  ScoredActivity,
} from "./definition.js";

export const DAY_MS = 86_400_000;

export interface CompiledAttributeRule<R extends FitRule | NegativeRule = FitRule> {
  rule: R;
  test: ConditionTest;
}

export interface CompiledBehaviourRule {
  rule: BehaviourRule;
  /** Position in `behaviour`, for per-person accumulators indexed by rule. */
  index: number;
  matches: (activity: ScoredActivity) => boolean;
  withinMs: number | null;
  countWindowMs: number | null;
}

export interface CompiledDefinition {
  readonly compiled: true;
  readonly definition: QualificationDefinition;
  readonly fit: readonly CompiledAttributeRule[];
  readonly customer: readonly CompiledAttributeRule[];
  readonly negative: readonly CompiledAttributeRule<NegativeRule>[];
  readonly behaviour: readonly CompiledBehaviourRule[];
  readonly behaviourByKind: ReadonlyMap<ActivityKind, readonly CompiledBehaviourRule[]>;
  /** Null: no decay. */
  readonly halfLifeMs: number | null;
  /** The person and company fields the definition's conditions and required fields name. */
  readonly fields: DefinitionFields;
}

const cache = new WeakMap<QualificationDefinition, CompiledDefinition>();

/** Compiles `definition` (once per definition object; later calls return the same result). */
export function compileDefinition(definition: QualificationDefinition): CompiledDefinition {
  const known = cache.get(definition);
  if (known) return known;
  const attribute = <R extends FitRule | NegativeRule>(rule: R): CompiledAttributeRule<R> => ({
    rule,
    test: compileCondition(rule.when),
  });
  const behaviour = definition.behaviour.map((rule, index) => compileBehaviour(rule, index, definition));
  const byKind = new Map<ActivityKind, CompiledBehaviourRule[]>();
  for (const compiled of behaviour) {
    const list = byKind.get(compiled.rule.activity) ?? [];
    list.push(compiled);
    byKind.set(compiled.rule.activity, list);
  }
  const result: CompiledDefinition = {
    compiled: true,
    definition,
    fit: definition.fit.map(attribute),
    customer: (definition.customers?.rules ?? []).map(attribute),
    negative: definition.negative.map(attribute),
    behaviour,
    behaviourByKind: byKind,
    halfLifeMs: definition.halfLifeDays === null ? null : definition.halfLifeDays * DAY_MS,
    fields: definitionFields(definition),
  };
  cache.set(definition, result);
  return result;
}

/** Accepts either form, so callers scoring one person need not compile by hand. */
export function asCompiled(definition: QualificationDefinition | CompiledDefinition): CompiledDefinition {
  return "compiled" in definition ? definition : compileDefinition(definition);
}

function compileBehaviour(
  rule: BehaviourRule,
  index: number,
  definition: QualificationDefinition,
): CompiledBehaviourRule {
  // Each check: a pattern and the event properties it may be found in (any one of them will do).
  const checks: { pattern: RegExp; names: readonly string[] }[] = [];
  for (const [key, pattern] of Object.entries(rule.match) as [MatchKey, string | undefined][]) {
    if (pattern !== undefined) {
      checks.push({ pattern: new RegExp(pattern, "i"), names: definition.activityProperties[key] });
    }
  }
  for (const [name, pattern] of Object.entries(rule.matchProperties)) {
    checks.push({ pattern: new RegExp(pattern, "i"), names: [name] });
  }
  const matches = (activity: ScoredActivity): boolean => {
    for (const check of checks) {
      let found = false;
      for (const name of check.names) {
        const value = activity.properties[name];
        // Tried without accents too, as field conditions are (condition.ts): "Request a Démo" is a demo.
        if (value !== undefined && (check.pattern.test(value) || unaccentedMatch(check.pattern, value))) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  };
  return {
    rule,
    index,
    matches,
    withinMs: rule.withinDays === null ? null : rule.withinDays * DAY_MS,
    countWindowMs: rule.count === null ? null : rule.count.inDays * DAY_MS,
  };
}

/** Weight of a behaviour point earned `ageMs` ago: 1 now, ½ one half-life ago. */
export function decayFactor(ageMs: number, halfLifeMs: number | null): number {
  if (halfLifeMs === null || ageMs <= 0) return 1;
  return 0.5 ** (ageMs / halfLifeMs);
}

/** Points in tenths, the unit scores are rounded to: 7.25 → 73 (half away from zero). */
export function toTenths(points: number): number {
  const scaled = Math.abs(points) * 10;
  // A little slack so 0.15 * 10 = 1.4999999999999998 still rounds to 2.
  const rounded = Math.floor(scaled + 0.5 + 1e-9);
  return points < 0 ? -rounded : rounded;
}

/** Whether `pattern` finds the text once its accents are gone; plain ASCII (most values) is not tried twice. */
function unaccentedMatch(pattern: RegExp, value: string): boolean {
  const plain = withoutAccents(value);
  return plain !== value && pattern.test(plain);
}
