// Runs a parsed SOQL query over the record store: checks names and filter values against the schema the
// way Salesforce reports INVALID_FIELD, filters, sorts and projects records into the REST query shape
// (SOQL and SOSL Reference: comparison operators, LIKE, date literals, ORDER BY; REST API Developer Guide:
// "Query" for `attributes` and nested relationship objects).
import { normaliseId } from "./ids.js";
import { equalityKey, type RecordStore } from "./record-store.js";
import { type FieldDescribe, findField, findRelationship, type SObjectSchema } from "./schema.js";
import { queryError, type SoqlDateTimes } from "./soql-lexer.js";
import {
  type Condition,
  type FieldRef,
  type Literal,
  type OrderItem,
  parseSoql,
  type SoqlQuery,
} from "./soql-parser.js";
import { plannedRows } from "./soql-planner.js";
import { parseDateTime, type SObjectRecord, toSecond } from "./values.js";

interface RelationshipStep {
  field: FieldDescribe;
  targets: SObjectSchema[];
}

interface ResolvedField {
  ref: FieldRef;
  steps: RelationshipStep[];
  leaf: FieldDescribe;
}

export interface QueryOutcome {
  sobject: string;
  totalSize: number;
  records: SObjectRecord[];
}

const TEXT = new Set(["string", "textarea", "email", "phone", "url", "picklist"]);
const NUMERIC = new Set(["int", "double", "currency", "percent"]);
const DAY = 86_400_000;

/**
 * The order of a query without ORDER BY, which Salesforce does not guarantee ("SOQL and SOSL Reference",
 * ORDER BY: without it, the order of results is not guaranteed): `reversed` answers against the order
 * the records were stored in, so a client that relies on an order it did not ask for shows; `stored`
 * answers in that order.
 */
export type UnorderedRows = "reversed" | "stored";

export function runSoql(
  store: RecordStore,
  text: string,
  options: { includeDeleted: boolean; version: string; now?: Date; unordered?: UnorderedRows; dateTimes?: SoqlDateTimes },
): QueryOutcome {
  const query = parseSoql(text, options.dateTimes);
  const schema = store.schema(query.from.name);
  if (!schema) {
    throw queryError(
      "INVALID_TYPE",
      text,
      query.from.pos,
      `sObject type '${query.from.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  const context = new Evaluation(store, query, schema, options.now ?? new Date());
  const selected = query.fields.map((f) => context.resolve(f));
  if (query.where) context.check(query.where);
  const order = query.orderBy.map((o) => ({ ...o, resolved: context.resolve(o.field, "sorted") }));
  if ((query.offset ?? 0) > 2000) {
    throw queryError("NUMBER_OUTSIDE_VALID_RANGE", text, 0, "Maximum SOQL offset allowed is 2000");
  }

  const where = query.where;
  const planned = plannedRows(
    {
      store,
      type: schema.name,
      directField: (c) => {
        const resolved = context.resolve(c.field);
        return resolved.steps.length === 0 ? resolved.leaf : undefined;
      },
      dateRange: (lit) => context.range(lit),
    },
    where,
  );
  let rows = planned
    ? planned.filter((r) => options.includeDeleted || r.IsDeleted !== true)
    : store.all(schema.name, options.includeDeleted);
  if (where) rows = rows.filter((r) => context.matches(r, where));
  if (order.length > 0) rows = sortRows(rows, order, context);
  else if (options.unordered === "reversed") rows = [...rows].reverse();
  const offset = query.offset ?? 0;
  rows = rows.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
  if (query.count) return { sobject: schema.name, totalSize: rows.length, records: [] };
  return {
    sobject: schema.name,
    totalSize: rows.length,
    records: rows.map((r) => context.project(r, schema, selected, options.version)),
  };
}

class Evaluation {
  constructor(
    private readonly store: RecordStore,
    private readonly query: SoqlQuery,
    private readonly schema: SObjectSchema,
    private readonly now: Date,
  ) {}

  private readonly resolved = new WeakMap<FieldRef, ResolvedField>();

  resolve(ref: FieldRef, use?: "filtered" | "sorted"): ResolvedField {
    const cached = this.resolved.get(ref);
    if (cached && use === undefined) return cached;
    let current = [this.schema];
    const steps: RelationshipStep[] = [];
    for (const name of ref.path.slice(0, -1)) {
      const rel = current.map((s) => findRelationship(s, name)).find((f) => f !== undefined);
      if (!rel) {
        throw queryError(
          "INVALID_FIELD",
          this.query.text,
          ref.pos,
          `Didn't understand relationship '${name}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        );
      }
      const targets = rel.referenceTo
        .map((t) => this.store.schema(t))
        .filter((s): s is SObjectSchema => s !== undefined);
      steps.push({ field: rel, targets });
      current = targets;
    }
    const leafName = ref.path[ref.path.length - 1]!;
    const leaf = current.map((s) => findField(s, leafName)).find((f) => f !== undefined);
    if (!leaf) {
      const entity = current.length === 1 ? current[0]!.name : "Name";
      throw queryError(
        "INVALID_FIELD",
        this.query.text,
        ref.pos,
        `No such column '${leafName}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    if (use === "filtered" && !leaf.filterable) {
      throw queryError(
        "INVALID_FIELD",
        this.query.text,
        ref.pos,
        `field '${leaf.name}' can not be filtered in a query call`,
      );
    }
    if (use === "sorted" && !leaf.sortable) {
      throw queryError(
        "INVALID_FIELD",
        this.query.text,
        ref.pos,
        `field '${leaf.name}' can not be sorted in a query call`,
      );
    }
    const result = { ref, steps, leaf };
    this.resolved.set(ref, result);
    return result;
  }

  /** Checks every filter's field and value types before any record is read, as Salesforce does. */
  check(condition: Condition): void {
    switch (condition.kind) {
      case "and":
      case "or":
        this.check(condition.left);
        this.check(condition.right);
        return;
      case "not":
        this.check(condition.inner);
        return;
      case "compare":
        this.checkLiteral(this.resolve(condition.field, "filtered"), condition.value, condition.pos);
        return;
      case "in": {
        const resolved = this.resolve(condition.field, "filtered");
        for (const v of condition.values) this.checkLiteral(resolved, v, condition.pos);
        return;
      }
      case "like": {
        const resolved = this.resolve(condition.field, "filtered");
        if (!TEXT.has(resolved.leaf.type)) {
          throw queryError(
            "INVALID_FIELD",
            this.query.text,
            condition.pos,
            `invalid operator on ${resolved.leaf.type} field: LIKE`,
          );
        }
      }
    }
  }

  private checkLiteral(resolved: ResolvedField, literal: Literal, pos: number): void {
    if (literal.kind === "null") return;
    const { leaf } = resolved;
    const fail = (expected: string, quoted: boolean) =>
      queryError(
        "INVALID_FIELD",
        this.query.text,
        pos,
        `value of filter criterion for field '${leaf.name}' must be of type ${expected} and should ${quoted ? "" : "not "}be enclosed in quotes`,
      );
    if (TEXT.has(leaf.type) || leaf.type === "id" || leaf.type === "reference") {
      if (literal.kind !== "string")
        throw fail(leaf.type === "id" || leaf.type === "reference" ? "id" : "string", true);
      // A value that is no record id (15 or 18 letters and digits) fails the whole query, not just finds
      // nothing: INVALID_QUERY_FILTER_OPERATOR "invalid ID field" (what orgs answer, jsforce/jsforce #684,
      // restforce/restforce #557: "triggered by trying to query records with a malformed Id").
      if ((leaf.type === "id" || leaf.type === "reference") && normaliseId(literal.value) === undefined) {
        throw queryError("INVALID_QUERY_FILTER_OPERATOR", this.query.text, pos, `invalid ID field: ${literal.value}`);
      }
    } else if (NUMERIC.has(leaf.type)) {
      if (literal.kind !== "number") throw fail("double", false);
    } else if (leaf.type === "boolean") {
      if (literal.kind !== "boolean") throw fail("boolean", false);
    } else if (leaf.type === "date") {
      if (literal.kind !== "date" && literal.kind !== "dateLiteral") throw fail("date", false);
    } else if (leaf.type === "datetime") {
      if (literal.kind !== "datetime" && literal.kind !== "dateLiteral") throw fail("dateTime", false);
    }
  }

  value(record: SObjectRecord, resolved: ResolvedField): unknown {
    let current: SObjectRecord | undefined = record;
    for (const step of resolved.steps) {
      const id: unknown = current[step.field.name];
      if (typeof id !== "string") return null;
      current = this.store.find(id)?.record;
      if (!current) return null;
    }
    return current[resolved.leaf.name] ?? null;
  }

  matches(record: SObjectRecord, condition: Condition): boolean {
    switch (condition.kind) {
      case "and":
        return this.matches(record, condition.left) && this.matches(record, condition.right);
      case "or":
        return this.matches(record, condition.left) || this.matches(record, condition.right);
      case "not":
        return !this.matches(record, condition.inner);
      case "like": {
        const v = this.value(record, this.resolve(condition.field));
        return typeof v === "string" && likePattern(condition.pattern).test(v);
      }
      case "in": {
        const resolved = this.resolve(condition.field);
        const v = this.value(record, resolved);
        const keys = this.inKeys(condition, resolved.leaf);
        const found = keys
          ? v !== null && v !== undefined && keys.has(equalityKey(resolved.leaf, v)!)
          : condition.values.some((lit) => this.equals(v, lit, resolved.leaf));
        return condition.negated ? !found : found;
      }
      case "compare": {
        const resolved = this.resolve(condition.field);
        const v = this.value(record, resolved);
        const lit = condition.value;
        if (condition.op === "=") return this.equals(v, lit, resolved.leaf);
        if (condition.op === "!=") return !this.equals(v, lit, resolved.leaf);
        if (v === null || v === undefined || lit.kind === "null") return false;
        if (lit.kind === "dateLiteral") {
          const [start, end] = this.range(lit);
          const t = toMillis(v, resolved.leaf);
          if (condition.op === "<") return t < start;
          if (condition.op === "<=") return t < end;
          if (condition.op === ">") return t >= end;
          return t >= start;
        }
        const c = compare(v, literalValue(lit), resolved.leaf);
        if (condition.op === "<") return c < 0;
        if (condition.op === "<=") return c <= 0;
        if (condition.op === ">") return c > 0;
        return c >= 0;
      }
    }
  }

  private readonly inKeySets = new WeakMap<Condition, Set<string> | null>();

  /**
   * The folded values of an `IN` list on a text or id field, looked up once per query instead of comparing
   * every row with every value; null when the list holds values the fold does not cover (null, numbers).
   */
  private inKeys(condition: Extract<Condition, { kind: "in" }>, leaf: FieldDescribe): Set<string> | null {
    const cached = this.inKeySets.get(condition);
    if (cached !== undefined) return cached;
    const foldable =
      (TEXT.has(leaf.type) || leaf.type === "id" || leaf.type === "reference") &&
      condition.values.every((l) => l.kind === "string");
    const keys = foldable
      ? new Set(condition.values.map((l) => equalityKey(leaf, (l as { value: string }).value)!))
      : null;
    this.inKeySets.set(condition, keys);
    return keys;
  }

  private equals(v: unknown, lit: Literal, leaf: FieldDescribe): boolean {
    if (lit.kind === "null") return v === null || v === undefined;
    if (v === null || v === undefined) return false;
    if (lit.kind === "dateLiteral") {
      const [start, end] = this.range(lit);
      const t = toMillis(v, leaf);
      return t >= start && t < end;
    }
    return compare(v, literalValue(lit), leaf) === 0;
  }

  /** The [start, end) instants a date literal covers, in the org's time zone (UTC here). */
  range(lit: Extract<Literal, { kind: "dateLiteral" }>): [number, number] {
    const today = Math.floor(this.now.getTime() / DAY) * DAY;
    const n = lit.n ?? 0;
    const d = new Date(today);
    switch (lit.name) {
      case "TODAY":
        return [today, today + DAY];
      case "YESTERDAY":
        return [today - DAY, today];
      case "TOMORROW":
        return [today + DAY, today + 2 * DAY];
      case "LAST_N_DAYS":
        return [today - n * DAY, today + DAY];
      case "NEXT_N_DAYS":
        return [today + DAY, today + (n + 1) * DAY];
      case "THIS_WEEK":
      case "LAST_WEEK": {
        const start = today - d.getUTCDay() * DAY - (lit.name === "LAST_WEEK" ? 7 * DAY : 0);
        return [start, start + 7 * DAY];
      }
      default: {
        const back = lit.name === "LAST_MONTH" ? 1 : 0;
        const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1);
        return [start, Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back + 1, 1)];
      }
    }
  }

  project(
    record: SObjectRecord,
    schema: SObjectSchema,
    fields: ResolvedField[],
    version: string,
  ): SObjectRecord {
    const out: SObjectRecord = { attributes: attributes(schema.name, String(record.Id), version) };
    for (const f of fields) {
      let target = out;
      let current: SObjectRecord | undefined = record;
      let skip = false;
      for (const step of f.steps) {
        const relName = step.field.relationshipName!;
        const id: unknown = current?.[step.field.name];
        const related: { schema: SObjectSchema; record: SObjectRecord } | undefined =
          typeof id === "string" ? this.store.find(id) : undefined;
        if (!related) {
          if (!(relName in target)) target[relName] = null;
          skip = true;
          break;
        }
        let nested = target[relName] as SObjectRecord | null | undefined;
        if (!nested) {
          nested = { attributes: attributes(related.schema.name, String(related.record.Id), version) };
          target[relName] = nested;
        }
        target = nested;
        current = related.record;
      }
      if (skip || !current) continue;
      target[f.leaf.name] = current[f.leaf.name] ?? null;
    }
    return out;
  }
}

export function attributes(type: string, id: string, version: string): { type: string; url: string } {
  return { type, url: `/services/data/v${version}/sobjects/${type}/${id}` };
}

function literalValue(lit: Literal): unknown {
  switch (lit.kind) {
    case "null":
    case "dateLiteral":
      return null;
    case "datetime":
      return lit.value;
    default:
      return lit.value;
  }
}

function toMillis(v: unknown, leaf: FieldDescribe): number {
  if (typeof v === "number") return v;
  const text = String(v);
  return leaf.type === "date" ? Date.parse(text) : parseDateTime(text);
}

/**
 * Orders two non-null values by the field's type; text compares case-insensitively, as in Salesforce.
 * dateTimes compare to the second: SOQL ignores a literal's milliseconds (`SystemModstamp >= …:05.900Z`
 * matches a record stamped `…:05.000`).
 */
function compare(a: unknown, b: unknown, leaf: FieldDescribe): number {
  if (leaf.type === "datetime") return Math.sign(toSecond(toMillis(a, leaf)) - toSecond(toMillis(b, leaf)));
  if (leaf.type === "date") return Math.sign(toMillis(a, leaf) - toMillis(b, leaf));
  if (NUMERIC.has(leaf.type)) return Math.sign(Number(a) - Number(b));
  if (leaf.type === "boolean") return a === b ? 0 : a ? 1 : -1;
  let x = String(a);
  let y = String(b);
  if (leaf.type === "id" || leaf.type === "reference") {
    x = normaliseId(x) ?? x;
    y = normaliseId(y) ?? y;
  }
  x = x.toUpperCase();
  y = y.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * ORDER BY with each row's sort values read and folded once (the same order `compare` gives: text and ids
 * ignoring case, dateTimes to the second), nulls first unless NULLS LAST, ties kept in scan order.
 */
function sortRows(
  rows: SObjectRecord[],
  order: Array<OrderItem & { resolved: ResolvedField }>,
  context: Evaluation,
): SObjectRecord[] {
  const keyed = rows.map((row, index) => ({
    row,
    index,
    keys: order.map((o) => sortKey(context.value(row, o.resolved), o.resolved.leaf)),
  }));
  keyed.sort((a, b) => {
    for (let i = 0; i < order.length; i++) {
      const o = order[i]!;
      const va = a.keys[i];
      const vb = b.keys[i];
      const aNull = va === null;
      const bNull = vb === null;
      if (aNull || bNull) {
        if (aNull && bNull) continue;
        return (aNull ? -1 : 1) * (o.nullsLast ? -1 : 1);
      }
      const c = va! < vb! ? -1 : va! > vb! ? 1 : 0;
      if (c !== 0) return o.descending ? -c : c;
    }
    return a.index - b.index;
  });
  return keyed.map((k) => k.row);
}

/** A value folded so that `<` on folded values orders as `compare` does; null for a missing value. */
function sortKey(v: unknown, leaf: FieldDescribe): number | string | null {
  if (v === null || v === undefined) return null;
  if (leaf.type === "datetime") return toSecond(toMillis(v, leaf));
  if (leaf.type === "date") return toMillis(v, leaf);
  if (NUMERIC.has(leaf.type)) return Number(v);
  if (leaf.type === "boolean") return v ? 1 : 0;
  return equalityKey(leaf, v)!;
}

function likePattern(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === "\\" && (pattern.charAt(i + 1) === "%" || pattern.charAt(i + 1) === "_")) {
      source += `\\${pattern.charAt(i + 1)}`;
      i++;
    } else if (c === "%") source += "[\\s\\S]*";
    else if (c === "_") source += "[\\s\\S]";
    else source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "i");
}
