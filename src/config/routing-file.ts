// Loads config/routing.yaml into a RoutingDefinition: the schema check (routing-schema.ts, via the
// shared YAML loader), then the checks a schema cannot express: rules naming a queue that is not
// defined, countries that are not countries, duplicate rule ids or queue members, rules that can never
// be reached. Every problem carries the file, line and key.
import { z } from "zod";
import type { Assignment, RoutingDefinition, RuleConditions } from "../core/routing/definition.js";
import { ACCOUNT_OWNER_STEP, FALLBACK_STEP } from "../core/routing/walk.js";
import { resolveCountry } from "../core/transforms/country-iso.js";
import { ConfigError } from "./config-error.js";
import { suggestKey } from "./key-suggestion.js";
import { type RoutingFile, routingFileSchema } from "./routing-schema.js";
import { type Check, type Finding, locatedProblems, parseWithChecks } from "./refused-file-checks.js";
import { readConfigText } from "./yaml-file.js";

type Path = (string | number)[];

export function loadRouting(file: string): RoutingDefinition {
  const text = readConfigText(file);
  return parseRouting(text, file);
}

/** Parses routing YAML text; `file` names it in problems. */
export function parseRouting(text: string, file: string): RoutingDefinition {
  const parsed = parseWithChecks(text, file, routingFileSchema, checks);
  const findings = fileFindings(parsed);
  if (findings.length > 0) {
    const problems = locatedProblems(findings, text, file);
    throw new ConfigError(problems.sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return toDefinition(parsed);
}

/**
 * What is wrong with the schema-checked file that a schema cannot say, one check per key of a rule it
 * reads, so a rule the schema refused for one key is checked for the others.
 */
const checks: readonly Check<typeof routingFileSchema>[] = [countryProblems, idProblems, reachProblems, queueRefProblems, queueProblems];

function fileFindings(parsed: RoutingFile): Finding[] {
  return checks.flatMap((check) => check(parsed));
}

function countryProblems(parsed: RoutingFile): Finding[] {
  const findings: Finding[] = [];
  parsed.rules.forEach((rule, i) => {
    if (rule.when.country) countryCodes(rule.when.country, ["rules", i], findings);
  });
  return findings;
}

/** The definition of a file fileFindings found nothing wrong with. */
function toDefinition(parsed: RoutingFile): RoutingDefinition {
  return {
    queues: parsed.queues,
    rules: parsed.rules.map((rule, i) => {
      const when: RuleConditions = {
        ...(rule.when.country ? { country: countryCodes(rule.when.country, ["rules", i], []) } : {}),
        ...(rule.when.state ? { state: rule.when.state } : {}),
        ...(rule.when.employees ? { employees: rule.when.employees } : {}),
        ...(rule.when.industry ? { industry: rule.when.industry } : {}),
      };
      const assign: Assignment = rule.assign.rep ? { rep: rule.assign.rep } : { queue: rule.assign.queue! };
      return { id: rule.id, description: rule.description, when, assign };
    }),
    fallback: parsed.fallback,
    keepAccountOwner: parsed.keepAccountOwner,
  };
}

/** Country names and codes as ISO alpha-2, so the engine compares codes only. */
function countryCodes(values: readonly string[], rulePath: Path, findings: Finding[]): string[] {
  const codes: string[] = [];
  values.forEach((value, j) => {
    const code = resolveCountry(value);
    if (code) {
      if (!codes.includes(code)) codes.push(code);
    } else {
      findings.push({
        path: [...rulePath, "when", "country", j],
        message: `"${value}" is not a country name or ISO 3166 code`,
      });
    }
  });
  return codes;
}

function idProblems(parsed: RoutingFile): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, number>();
  parsed.rules.forEach((rule, i) => {
    if (rule.id === ACCOUNT_OWNER_STEP || rule.id === FALLBACK_STEP) {
      findings.push({ path: ["rules", i, "id"], message: `"${rule.id}" is reserved for a routing step` });
    }
    const earlier = seen.get(rule.id);
    if (earlier !== undefined) {
      findings.push({
        path: ["rules", i, "id"],
        message: `rule id ${rule.id} is already used by rules[${earlier}]`,
      });
    } else seen.set(rule.id, i);
  });
  return findings;
}

function reachProblems(parsed: RoutingFile): Finding[] {
  const findings: Finding[] = [];
  let catchAll: string | undefined;
  parsed.rules.forEach((rule, i) => {
    if (catchAll !== undefined) {
      findings.push({
        path: ["rules", i],
        message: `never reached: rule ${catchAll} above has no conditions and matches everyone`,
      });
    } else if (Object.keys(rule.when).length === 0) catchAll = rule.id;
  });
  return findings;
}

function queueRefProblems(parsed: RoutingFile): Finding[] {
  const findings: Finding[] = [];
  parsed.rules.forEach((rule, i) => {
    const queue = rule.assign.queue;
    if (queue !== undefined && !Object.hasOwn(parsed.queues, queue)) {
      const hint = nearestName(Object.keys(parsed.queues), queue);
      findings.push({
        path: ["rules", i, "assign", "queue"],
        message: `queue ${queue} is not defined under queues${hint ? ` (did you mean "${hint}"?)` : ""}`,
      });
    }
  });
  return findings;
}

function queueProblems(parsed: RoutingFile): Finding[] {
  const findings: Finding[] = [];
  for (const [name, members] of Object.entries(parsed.queues)) {
    members.forEach((email, j) => {
      const first = members.indexOf(email);
      // A member listed twice would get two turns per round.
      if (first !== j) {
        findings.push({
          path: ["queues", name, j],
          message: `${email} is already listed at queues.${name}[${first}]`,
        });
      }
    });
  }
  return findings;
}

/** The closest of `names` to a misspelt one, by the same rule as key suggestions. */
function nearestName(names: readonly string[], typo: string): string | undefined {
  const shape = Object.fromEntries(names.map((n) => [n, z.unknown()]));
  return suggestKey(z.object(shape), [], typo);
}

