// Checks the properties a qualification definition names (its fit, negative and cross-sell conditions,
// and requiredForHandoff) against the portal's contact and company properties, for `validate --live`.
// HubSpot answers a read of a property it does not have without it, so a misspelt name would otherwise
// score as blank on everyone: a rule that never matches, or a required field no one ever has, which
// stops every handoff without a word (README "Qualification, routing and SLA").
import type { MappingProblem } from "../mapping-check.js";
import type { ObjectDescription } from "../object-schema.js";
import { nearestName } from "../text/edit-distance.js";
import type { Condition, QualificationDefinition } from "./definition.js";

type Path = (string | number)[];

export interface DescribedSources {
  /** The portal's contact properties (conditions on the person, requiredForHandoff). */
  person: ObjectDescription;
  /** The portal's company properties (conditions `of: company`). */
  company: ObjectDescription;
}

/** A problem for each property the definition names that the portal does not have; `source` is the file. */
export function checkDefinitionFields(
  definition: QualificationDefinition,
  described: DescribedSources,
  source: string,
): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const names = {
    person: new Set(described.person.fields.map((f) => f.name)),
    company: new Set(described.company.fields.map((f) => f.name)),
  };
  const unknown = (of: "person" | "company", field: string): string | null => {
    if (names[of].has(field)) return null;
    const hint = nearestName(names[of], field);
    return `${of === "person" ? "contact" : "company"} property ${field}, which the portal's ${described[of].object} do not have${hint ? ` (did you mean ${hint}?)` : ""}`;
  };
  const report = (path: Path, message: string) =>
    problems.push({ mapping: "qualification", source, field: keyPath(path), side: "marketing", message, severity: "error" });

  const visit = (condition: Condition, path: Path, rule: string): void => {
    switch (condition.kind) {
      case "field": {
        const missing = unknown(condition.of, condition.field);
        if (missing) report([...path, "field"], `${rule} reads ${missing}: it never matches anyone; fix the name`);
        return;
      }
      case "all":
      case "any":
        condition.conditions.forEach((c, i) => visit(c, [...path, condition.kind, i], rule));
        return;
      case "not":
        visit(condition.condition, [...path, "not"], rule);
        return;
    }
  };
  const sets = [
    ["fit", definition.fit, "fit rule"],
    ["negative", definition.negative, "negative rule"],
    ["customers.rules", definition.customers?.rules ?? [], "cross-sell rule"],
  ] as const;
  for (const [at, rules, kind] of sets) {
    rules.forEach((rule, i) => visit(rule.when, [at, i, "when"], `${kind} ${rule.id}`));
  }
  definition.requiredForHandoff.forEach((field, i) => {
    const missing = unknown("person", field);
    if (missing) {
      report(
        ["requiredForHandoff", i],
        `requiredForHandoff names ${missing}: every MQL would lack it and no one would be handed off; fix the name`,
      );
    }
  });
  return problems;
}

/** `fit[2].when.any[0].field`, as the configuration's other problems name keys. */
function keyPath(path: Path): string {
  return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${part}` : part), "");
}
