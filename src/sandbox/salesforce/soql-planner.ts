// Chooses the rows a query reads: when the WHERE clause has a conjunct an index answers (`=` or `IN` on an
// indexed field, a range on an audit dateTime), only the rows that index names are read; otherwise the
// whole table is, as before. Salesforce's own optimiser works the same way on its indexed fields (SOQL
// and SOSL Reference, "Working with Very Large SOQL Queries": selective filters on indexed fields). The
// evaluator still checks every candidate against the whole clause, so a plan changes speed, not answers.
import type { RecordStore } from "./record-store.js";
import type { FieldDescribe } from "./schema.js";
import type { Condition, Literal } from "./soql-parser.js";
import { type SObjectRecord, toSecond } from "./values.js";

export interface PlanContext {
  store: RecordStore;
  type: string;
  /** The field a condition names on the queried object itself; undefined through a relationship. */
  directField(condition: Extract<Condition, { field: unknown }>): FieldDescribe | undefined;
  /** The [start, end) instants a date literal covers. */
  dateRange(literal: Extract<Literal, { kind: "dateLiteral" }>): [number, number];
}

/** The rows to check, in creation order (the order a scan gives), or undefined to scan the table. */
export function plannedRows(context: PlanContext, where: Condition | undefined): SObjectRecord[] | undefined {
  if (!where) return undefined;
  const ids = candidates(context, where);
  if (!ids) return undefined;
  return context.store.inCreationOrder(context.type, ids);
}

/** Ids that may match `condition` (a superset of those that do), or undefined when no index applies. */
function candidates(context: PlanContext, condition: Condition): Set<string> | undefined {
  switch (condition.kind) {
    case "and": {
      const left = candidates(context, condition.left);
      const right = candidates(context, condition.right);
      if (!left || !right) return left ?? right;
      const [small, large] = left.size <= right.size ? [left, right] : [right, left];
      return new Set([...small].filter((id) => large.has(id)));
    }
    case "or": {
      const left = candidates(context, condition.left);
      const right = left && candidates(context, condition.right);
      if (!left || !right) return undefined;
      for (const id of right) left.add(id);
      return left;
    }
    case "compare":
      return compareCandidates(context, condition);
    case "in": {
      const field = context.directField(condition);
      if (condition.negated || !field || !context.store.indexedForEquality(field)) return undefined;
      if (condition.values.some((v) => v.kind === "null" || v.kind === "dateLiteral")) return undefined;
      const out = new Set<string>();
      for (const literal of condition.values) {
        for (const id of context.store.equalIds(context.type, field, literalText(literal)) ?? []) out.add(id);
      }
      return out;
    }
    default:
      return undefined;
  }
}

function compareCandidates(
  context: PlanContext,
  condition: Extract<Condition, { kind: "compare" }>,
): Set<string> | undefined {
  const field = context.directField(condition);
  const literal = condition.value;
  if (!field || literal.kind === "null" || condition.op === "!=") return undefined;
  if (context.store.indexedForRange(field)) {
    const bounds = secondBounds(context, condition.op, literal);
    return bounds ? new Set(context.store.rangeIds(context.type, field, ...bounds)) : undefined;
  }
  if (condition.op === "=" && literal.kind !== "dateLiteral" && context.store.indexedForEquality(field)) {
    return new Set(context.store.equalIds(context.type, field, literalText(literal)) ?? []);
  }
  return undefined;
}

/**
 * The [low, high] seconds a dateTime comparison can match. Stored dateTimes are whole seconds and the
 * evaluator compares to the second, so `> s` starts one second later and `< s` ends one earlier.
 */
function secondBounds(
  context: PlanContext,
  op: Exclude<Extract<Condition, { kind: "compare" }>["op"], "!=">,
  literal: Literal,
): [number | undefined, number | undefined] | undefined {
  let start: number;
  let end: number;
  if (literal.kind === "datetime") {
    start = toSecond(literal.value);
    end = start + 1000;
  } else if (literal.kind === "dateLiteral") {
    [start, end] = context.dateRange(literal).map(toSecond) as [number, number];
  } else {
    return undefined;
  }
  switch (op) {
    case "=":
      return [start, end - 1];
    case "<":
      return [undefined, start - 1];
    case "<=":
      return [undefined, end - 1];
    case ">":
      return [end, undefined];
    case ">=":
      return [start, undefined];
  }
}

function literalText(literal: Literal): unknown {
  return "value" in literal ? literal.value : null;
}
