// Loads config/qualification.yaml into the core's QualificationDefinition: the schema check (via the
// shared YAML loader, so every problem has its file, line and key) and then the checks a schema cannot
// make (a rule id used twice, a rule id that reads like a required field).

import type { DispositionEntry, DispositionMaps } from "../core/funnel/dispositions.js";
import type { RecyclePolicy } from "../core/funnel/recycle.js";
import { z } from "zod";
import type {
  BehaviourRule,
  Condition,
  FieldTest,
  FitRule,
  NegativeRule,
  QualificationDefinition,
} from "../core/scoring/definition.js";
import { listDomain } from "../core/scoring/values.js";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import {
  type ConditionInput,
  FIELD_TESTS,
  type QualificationFile,
  qualificationFileSchema,
  recycleSchema,
} from "./qualification-schema.js";
import { type Finding, locatedProblems, parseWithChecks } from "./refused-file-checks.js";
import { parseYamlText, readConfigText } from "./yaml-file.js";

type Path = (string | number)[];

export function loadQualification(file: string): QualificationDefinition {
  const text = readConfigText(file);
  return parseQualification(text, file);
}

/**
 * The recycle cool-down alone, for a command that needs nothing else of the file (`leadloop hot`): a
 * problem elsewhere in the file is returned, for the command to warn of, since the sync refuses the file
 * anyway and a rep's list does not depend on it. Throws ConfigError, naming file, line and key, when the
 * YAML or the `recycle` section itself cannot be read: then who the cool-down holds is unknown.
 */
export function loadRecyclePolicy(file: string): { recycle: RecyclePolicy; problems: readonly ConfigProblem[] } {
  const text = readConfigText(file);
  try {
    return { recycle: parseQualification(text, file).recycle, problems: [] };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const { recycle } = parseYamlText(text, file, z.looseObject({ recycle: recycleSchema }));
    return { recycle: { coolDownDays: recycle.coolDownDays }, problems: err.problems };
  }
}

/** Parses a qualification file's text; `file` names it in problems. */
export function parseQualification(text: string, file: string): QualificationDefinition {
  return toDefinition(parseWithChecks(text, file, qualificationFileSchema, [semanticProblems]), text, file);
}

function toDefinition(parsed: QualificationFile, text: string, file: string): QualificationDefinition {
  const problems = locatedProblems(semanticProblems(parsed), text, file);
  if (problems.length > 0) throw new ConfigError(problems);
  const fitRule = (r: QualificationFile["fit"][number]): FitRule => ({
    id: r.id,
    description: r.description,
    points: r.points,
    when: toCondition(r.when),
    required: r.required,
  });
  return {
    fit: parsed.fit.map(fitRule),
    behaviour: parsed.behaviour.map(
      (r): BehaviourRule => ({
        id: r.id,
        description: r.description,
        points: r.points,
        activity: r.activity,
        match: {
          ...(r.match?.url ? { url: r.match.url } : {}),
          ...(r.match?.title ? { title: r.match.title } : {}),
          ...(r.match?.form ? { form: r.match.form } : {}),
          ...(r.match?.email ? { email: r.match.email } : {}),
          ...(r.match?.cta ? { cta: r.match.cta } : {}),
        },
        matchProperties: r.match?.properties ?? {},
        cap: r.cap ?? null,
        withinDays: r.withinDays ?? null,
        count:
          r.countAtLeast !== undefined && r.inDays !== undefined
            ? { atLeast: r.countAtLeast, inDays: r.inDays }
            : null,
      }),
    ),
    negative: parsed.negative.map(
      (r): NegativeRule => ({
        id: r.id,
        description: r.description,
        points: r.points,
        disqualify: r.disqualify,
        when: toCondition(r.when),
      }),
    ),
    halfLifeDays: parsed.decay?.halfLifeDays ?? null,
    requiredForHandoff: parsed.requiredForHandoff,
    thresholds: {
      mql: parsed.thresholds.mql,
      behaviour: parsed.thresholds.behaviour,
      fitMinimum: parsed.thresholds.fitMinimum ?? null,
    },
    customers: parsed.customers
      ? { threshold: parsed.customers.threshold, rules: parsed.customers.rules.map(fitRule) }
      : null,
    activityProperties: parsed.activityProperties,
    dispositions: toDispositions(parsed.dispositions),
    recycle: { coolDownDays: parsed.recycle.coolDownDays },
  };
}

type FieldTestInput = Omit<ConditionInput, "all" | "any" | "not">;

function toCondition(c: ConditionInput): Condition {
  if (c.all) return { kind: "all", conditions: c.all.map(toFieldCondition) };
  if (c.any) return { kind: "any", conditions: c.any.map(toFieldCondition) };
  if (c.not) return { kind: "not", condition: toFieldCondition(c.not) };
  return toFieldCondition(c);
}

/** The schema has checked there is a field and exactly one test. */
function toFieldCondition(c: FieldTestInput): Condition {
  return { kind: "field", of: c.of, field: c.field!, test: toTest(c) };
}

function toTest(c: FieldTestInput): FieldTest {
  const op = FIELD_TESTS.find((t) => c[t] !== undefined)!;
  switch (op) {
    case "matches":
      return { op, pattern: c.matches! };
    case "in":
      return { op, values: c.in! };
    case "equals":
      return { op, value: c.equals! };
    case "range":
      return { op, min: c.range!.min ?? null, max: c.range!.max ?? null };
    case "greaterThan":
      return { op, value: c.greaterThan! };
    case "present":
      return { op, value: c.present! };
    case "domainIn":
      return { op, domains: c.domainIn!.map(listDomain) };
    case "countryIn":
      return { op, countries: [...new Set(c.countryIn!)] };
  }
}

function toDispositions(maps: QualificationFile["dispositions"]): DispositionMaps {
  const out: Record<string, DispositionEntry[]> = {};
  for (const [crm, map] of Object.entries(maps)) {
    if (!map) continue;
    out[crm] = Object.entries(map).map(([status, e]) => ({
      status,
      disposition: e.disposition,
      reason: e.reason ?? "",
    }));
  }
  return out;
}

function semanticProblems(q: QualificationFile): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, string>();
  const required = new Set(q.requiredForHandoff);
  const sets = [
    ["fit", q.fit],
    ["behaviour", q.behaviour],
    ["negative", q.negative],
    ["customers.rules", q.customers?.rules ?? []],
  ] as const;
  for (const [name, rules] of sets) {
    const base: Path = name === "customers.rules" ? ["customers", "rules"] : [name];
    rules.forEach((rule, i) => {
      const where = `${name}[${i}]`;
      const earlier = seen.get(rule.id);
      if (earlier) {
        findings.push({
          path: [...base, i, "id"],
          message: `rule id ${rule.id} is already used by ${earlier}`,
        });
      } else seen.set(rule.id, where);
      // Near-qualified names what is missing by field or rule id: the two must not be confused.
      if (required.has(rule.id)) {
        findings.push({
          path: [...base, i, "id"],
          message: `rule id ${rule.id} is also a required field; rename the rule`,
        });
      }
    });
  }
  return findings;
}

