// The person and company fields a qualification definition reads: every field its fit, customer and
// negative conditions name (on the person, or `of: company`), and the fields a handoff requires. The
// edge reads exactly these, so a rule on any property scores without a list to keep in step by hand.
import type { Condition, QualificationDefinition } from "./definition.js";

export interface DefinitionFields {
  /** Contact properties, in first-mention order. */
  person: readonly string[];
  /** Company properties (conditions `of: company`), in first-mention order. */
  company: readonly string[];
}

export function definitionFields(definition: QualificationDefinition): DefinitionFields {
  const person = new Set<string>();
  const company = new Set<string>();
  const visit = (condition: Condition): void => {
    switch (condition.kind) {
      case "field":
        (condition.of === "company" ? company : person).add(condition.field);
        return;
      case "all":
      case "any":
        for (const c of condition.conditions) visit(c);
        return;
      case "not":
        visit(condition.condition);
        return;
    }
  };
  for (const rule of definition.fit) visit(rule.when);
  for (const rule of definition.customers?.rules ?? []) visit(rule.when);
  for (const rule of definition.negative) visit(rule.when);
  for (const field of definition.requiredForHandoff) person.add(field);
  return { person: [...person], company: [...company] };
}
