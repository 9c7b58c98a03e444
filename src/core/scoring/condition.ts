// Compiles an attribute condition once into a test function. The test returns the evidence that made it
// hold (`jobtitle "VP Marketing"`), which becomes the reason's detail, or null when it does not hold.
import { isBlank } from "../records.js";
import { resolveCountry } from "../transforms/country-names.js";
import type { Condition, FieldTest } from "./definition.js";
import { cut, domainInSet, domainOf, fold, listDomain, numberOf, withoutAccents } from "./values.js";

export type Fields = Readonly<Record<string, string | null | undefined>>;
export type ConditionTest = (person: Fields, company: Fields | undefined) => string | null;

const EVIDENCE_LENGTH = 60;

export function compileCondition(condition: Condition): ConditionTest {
  switch (condition.kind) {
    case "field": {
      const check = compileTest(condition.test);
      const label = condition.of === "company" ? `company.${condition.field}` : condition.field;
      const { field } = condition;
      const fromCompany = condition.of === "company";
      return (person, company) => {
        const raw = fromCompany ? company?.[field] : person[field];
        const value = isBlank(raw) ? null : raw!;
        const shown = check(value);
        return shown === null ? null : `${label} ${shown}`;
      };
    }
    case "all": {
      const parts = condition.conditions.map(compileCondition);
      return (person, company) => {
        const evidence: string[] = [];
        for (const part of parts) {
          const found = part(person, company);
          if (found === null) return null;
          evidence.push(found);
        }
        return evidence.join(", ");
      };
    }
    case "any": {
      const parts = condition.conditions.map(compileCondition);
      return (person, company) => {
        for (const part of parts) {
          const found = part(person, company);
          if (found !== null) return found;
        }
        return null;
      };
    }
    case "not": {
      const inner = compileCondition(condition.condition);
      const shown = `not (${describeCondition(condition.condition)})`;
      return (person, company) => (inner(person, company) === null ? shown : null);
    }
  }
}

/** A test on a field's value (null when blank), returning how to show the value when it holds. */
function compileTest(test: FieldTest): (value: string | null) => string | null {
  const quoted = (value: string) => `"${cut(value, EVIDENCE_LENGTH)}"`;
  switch (test.op) {
    case "matches": {
      const pattern = new RegExp(test.pattern, "i");
      return (value) => {
        if (value === null) return null;
        // Try the accent-free form too, so `president` finds "Président" without every rule spelling both.
        return pattern.test(value) || pattern.test(withoutAccents(value)) ? quoted(value) : null;
      };
    }
    case "in": {
      const values = new Set(test.values.map(fold));
      return (value) => (value !== null && values.has(fold(value)) ? quoted(value) : null);
    }
    case "equals": {
      const wanted = fold(test.value);
      return (value) => (value !== null && fold(value) === wanted ? quoted(value) : null);
    }
    case "range": {
      const min = test.min ?? Number.NEGATIVE_INFINITY;
      const max = test.max ?? Number.POSITIVE_INFINITY;
      return (value) => {
        const n = value === null ? null : numberOf(value);
        return n !== null && n >= min && n <= max ? quoted(value!) : null;
      };
    }
    case "greaterThan": {
      const bound = test.value;
      return (value) => {
        const n = value === null ? null : numberOf(value);
        return n !== null && n > bound ? quoted(value!) : null;
      };
    }
    case "present": {
      const wanted = test.value;
      return (value) => ((value !== null) === wanted ? (value === null ? "is blank" : quoted(value)) : null);
    }
    case "domainIn": {
      const domains = new Set(test.domains.map(listDomain));
      return (value) => {
        const domain = value === null ? null : domainOf(value);
        return domain !== null && domainInSet(domain, domains) ? `domain ${domain}` : null;
      };
    }
    case "countryIn": {
      const countries = new Set(test.countries);
      return (value) => {
        if (value === null) return null;
        const code = resolveCountry(value);
        if (code === undefined || !countries.has(code)) return null;
        return code === value ? quoted(value) : `${quoted(value)} → ${code}`;
      };
    }
  }
}

/** A condition in words, for `not` evidence: `email domain in gmail.com, yahoo.com, …`. */
export function describeCondition(condition: Condition): string {
  switch (condition.kind) {
    case "all":
      return condition.conditions.map(describeCondition).join(" and ");
    case "any":
      return condition.conditions.map(describeCondition).join(" or ");
    case "not":
      return `not (${describeCondition(condition.condition)})`;
    case "field": {
      const label = condition.of === "company" ? `company.${condition.field}` : condition.field;
      const t = condition.test;
      const list = (values: readonly string[]) =>
        values.length > 3 ? `${values.slice(0, 3).join(", ")}, …` : values.join(", ");
      switch (t.op) {
        case "matches":
          return `${label} matches /${cut(t.pattern, 40)}/`;
        case "in":
          return `${label} in ${list(t.values)}`;
        case "equals":
          return `${label} is "${t.value}"`;
        case "range":
          return `${label} ${t.min ?? "…"}–${t.max ?? "…"}`;
        case "greaterThan":
          return `${label} > ${t.value}`;
        case "present":
          return t.value ? `${label} is filled in` : `${label} is blank`;
        case "domainIn":
          return `${label} domain in ${list(t.domains)}`;
        case "countryIn":
          return `${label} country in ${list(t.countries)}`;
      }
    }
  }
}
