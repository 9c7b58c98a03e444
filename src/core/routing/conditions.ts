// Checks one rule's conditions against a person and says, for each, why it held or not: the words end
// up in `leadloop route --explain`, so they quote the person's value and the rule's list.
import { isBlank } from "../records.js";
import { resolveCountry } from "../transforms/country-iso.js";
import type { EmployeeRange, RoutablePerson, RuleConditions } from "./definition.js";
import { regionKey } from "./regions.js";
import { textKey } from "./text-key.js";

export interface ConditionCheck {
  condition: keyof RuleConditions;
  holds: boolean;
  detail: string;
}

export function checkConditions(when: RuleConditions, person: RoutablePerson): ConditionCheck[] {
  const checks: ConditionCheck[] = [];
  if (when.country) checks.push(checkCountry(when.country, person.country));
  if (when.state) checks.push(checkListed("state", when.state, person.state, regionKey));
  if (when.employees) checks.push(checkEmployees(when.employees, person.employees));
  if (when.industry) checks.push(checkListed("industry", when.industry, person.industry, textKey));
  return checks;
}

function checkCountry(codes: readonly string[], value: string | null): ConditionCheck {
  const list = `[${codes.join(", ")}]`;
  if (isBlank(value)) return { condition: "country", holds: false, detail: "country is blank" };
  const code = resolveCountry(value!);
  if (!code) {
    return { condition: "country", holds: false, detail: `country "${value}" is not a known country` };
  }
  const holds = codes.includes(code);
  return {
    condition: "country",
    holds,
    detail: `country "${value}" (${code}) is ${holds ? "" : "not "}in ${list}`,
  };
}

function checkListed(
  condition: "state" | "industry",
  allowed: readonly string[],
  value: string | null,
  key: (text: string) => string,
): ConditionCheck {
  if (isBlank(value)) return { condition, holds: false, detail: `${condition} is blank` };
  const wanted = key(value!);
  const holds = allowed.some((a) => key(a) === wanted);
  return {
    condition,
    holds,
    detail: `${condition} "${value}" is ${holds ? "" : "not "}in [${allowed.join(", ")}]`,
  };
}

function checkEmployees(range: EmployeeRange, value: string | null): ConditionCheck {
  const bounds = describeRange(range);
  if (isBlank(value)) return { condition: "employees", holds: false, detail: "employees is blank" };
  // CRMs store counts as numbers, but forms send "1,200"; a band like "51-200" is not a count.
  const count = Number(value!.trim().replace(/[,_\s]/g, ""));
  if (!Number.isFinite(count)) {
    return { condition: "employees", holds: false, detail: `employees "${value}" is not a number` };
  }
  const holds =
    (range.min === undefined || count >= range.min) && (range.max === undefined || count <= range.max);
  return {
    condition: "employees",
    holds,
    detail: `employees ${count} is ${holds ? "" : "not "}${bounds}`,
  };
}

function describeRange(range: EmployeeRange): string {
  if (range.min !== undefined && range.max !== undefined) return `within ${range.min}–${range.max}`;
  if (range.min !== undefined) return `at least ${range.min}`;
  if (range.max !== undefined) return `at most ${range.max}`;
  return "any number";
}
