// The CRM search engine: filter groups (OR of groups, AND inside), typed comparisons, one sort, free-text
// query, offset paging and the 10,000-result cap, per https://developers.hubspot.com/docs/api/crm/search.
import { HubspotApiError, validationError } from "./errors.js";
import type { StoredObject } from "./hubspot-data.js";
import type { ObjectType } from "./object-types.js";
import type { PropertyDefinition } from "./property-definitions.js";
import { parseInstant } from "./property-values.js";
import type { SearchFilter, SearchRequest } from "./request-schemas.js";
import { canonicalId, compareIds } from "./record-ids.js";

/** Documented limits (changelog "Expanded filtering capabilities", August 2024, and the search guide). */
export const SEARCH_LIMITS = {
  filterGroups: 5,
  filtersPerGroup: 10,
  filtersTotal: 25,
  pageSize: 200,
  defaultPageSize: 10,
  totalResults: 10_000,
  sorts: 1,
  /**
   * Values in one `IN` or `NOT_IN` filter's `values` list: 100 (search guide, "Filter search results",
   * https://developers.hubspot.com/docs/api/crm/search; the adapter's SEARCH_IN_VALUES cites the same page).
   */
  valuesPerFilter: 100,
} as const;

/** Properties a free-text `query` looks in, per object type (search guide, "search by default properties"). */
const QUERY_PROPERTIES: Record<ObjectType, readonly string[]> = {
  contacts: ["firstname", "lastname", "email", "hs_additional_emails", "phone", "mobilephone", "company"],
  companies: ["name", "domain", "website", "phone"],
  deals: ["dealname", "pipeline", "dealstage", "description", "dealtype"],
  tasks: ["hs_task_subject", "hs_task_body"],
  notes: ["hs_note_body"],
  calls: ["hs_call_title", "hs_call_body"],
  emails: ["hs_email_subject", "hs_email_text"],
  meetings: ["hs_meeting_title", "hs_meeting_body"],
};

export interface SearchPage {
  total: number;
  records: StoredObject[];
  nextAfter?: string;
}

/**
 * The order of records whose sort values are equal. HubSpot's search reference promises none (a sort
 * names one property and a direction, nothing breaks a tie), so by default ties come by id from the
 * highest, the reverse of the order a reader may take for granted; `"id"` is the lenient option.
 */
export type SearchTieOrder = "reversed" | "id";

/** Compares two records' ids as a tie on the sort is broken. */
export function tieBreak(ties: SearchTieOrder): (a: { id: string }, b: { id: string }) => number {
  return ties === "id" ? (a, b) => compareIds(a.id, b.id) : (a, b) => compareIds(b.id, a.id);
}

export function runSearch(
  type: ObjectType,
  records: StoredObject[],
  definitions: ReadonlyMap<string, PropertyDefinition>,
  request: SearchRequest,
  ties: SearchTieOrder,
): SearchPage {
  const { offset, limit } = searchPaging(request);
  const matching = records.filter(
    (r) => matchesGroups(r, request.filterGroups, definitions) && matchesQuery(type, r, request.query),
  );
  const sorted = sortRecords(matching, request.sorts[0], definitions, ties);
  return pageOf(sorted, sorted.length, offset, limit);
}

/** The page at `offset` of results whose first records (at least up to offset + limit) are `sorted`. */
export function pageOf(sorted: StoredObject[], total: number, offset: number, limit: number): SearchPage {
  const end = Math.min(offset + limit, total, SEARCH_LIMITS.totalResults);
  const page: SearchPage = { total, records: sorted.slice(offset, end) };
  // More results than answered: a next page, even at the cap, where asking for it is the 400 (clients that
  // follow `paging.next` past 10,000 results get it: activepieces/activepieces #10160).
  if (end < total) page.nextAfter = String(end);
  return page;
}

/** Checks a request against the documented limits and reads its page: `after` is an offset. */
export function searchPaging(request: SearchRequest): { offset: number; limit: number } {
  checkLimits(request);
  const limit = request.limit ?? SEARCH_LIMITS.defaultPageSize;
  const offset = request.after === undefined || request.after === "" ? 0 : Number(request.after);
  if (!Number.isInteger(offset) || offset < 0) throw validationError(`Invalid after value: ${request.after}`);
  if (offset >= SEARCH_LIMITS.totalResults) {
    throw new HubspotApiError(
      400,
      "VALIDATION_ERROR",
      `Paging past ${SEARCH_LIMITS.totalResults} results is not allowed: after must be less than ${SEARCH_LIMITS.totalResults}.`,
      { after: [String(request.after)] },
    );
  }
  return { offset, limit };
}

function checkLimits(request: SearchRequest): void {
  const groups = request.filterGroups;
  if (groups.length > SEARCH_LIMITS.filterGroups) {
    throw validationError(
      `Too many filter groups: ${groups.length}. The maximum is ${SEARCH_LIMITS.filterGroups}.`,
    );
  }
  const tooBig = groups.find((g) => g.filters.length > SEARCH_LIMITS.filtersPerGroup);
  if (tooBig) {
    throw validationError(
      `Too many filters in a filter group: ${tooBig.filters.length}. The maximum is ${SEARCH_LIMITS.filtersPerGroup}.`,
    );
  }
  const total = groups.reduce((n, g) => n + g.filters.length, 0);
  if (total > SEARCH_LIMITS.filtersTotal) {
    throw validationError(`Too many filters: ${total}. The maximum is ${SEARCH_LIMITS.filtersTotal}.`);
  }
  if (request.sorts.length > SEARCH_LIMITS.sorts) {
    throw validationError(`Only ${SEARCH_LIMITS.sorts} sort is allowed, got ${request.sorts.length}.`);
  }
  if (request.limit !== undefined && request.limit > SEARCH_LIMITS.pageSize) {
    throw validationError(
      `limit must be less than or equal to ${SEARCH_LIMITS.pageSize}, got ${request.limit}.`,
    );
  }
  for (const filter of groups.flatMap((g) => g.filters)) {
    const needsValue = !["HAS_PROPERTY", "NOT_HAS_PROPERTY", "IN", "NOT_IN"].includes(filter.operator);
    if (needsValue && filter.value === undefined) {
      throw validationError(
        `Filter on ${filter.propertyName} with operator ${filter.operator} needs a value.`,
      );
    }
    if (filter.operator === "BETWEEN" && filter.highValue === undefined) {
      throw validationError(`BETWEEN filter on ${filter.propertyName} needs a highValue.`);
    }
    if ((filter.operator === "IN" || filter.operator === "NOT_IN") && !filter.values?.length) {
      throw validationError(`${filter.operator} filter on ${filter.propertyName} needs values.`);
    }
    if ((filter.values?.length ?? 0) > SEARCH_LIMITS.valuesPerFilter) {
      throw validationError(
        `Too many values in the ${filter.operator} filter on ${filter.propertyName}: ${filter.values?.length}. The maximum is ${SEARCH_LIMITS.valuesPerFilter}.`,
      );
    }
  }
}

function matchesGroups(
  record: StoredObject,
  groups: SearchRequest["filterGroups"],
  definitions: ReadonlyMap<string, PropertyDefinition>,
): boolean {
  if (groups.length === 0) return true;
  return groups.some((g) =>
    g.filters.every((f) => matchesFilter(record, f, definitions.get(f.propertyName))),
  );
}

function matchesFilter(
  record: StoredObject,
  filter: SearchFilter,
  def: PropertyDefinition | undefined,
): boolean {
  const byId = filter.propertyName === "hs_object_id";
  const actual = byId ? record.id : record.properties[filter.propertyName];
  const has = actual !== undefined && actual !== "";
  const cmp = (wanted: string): number | undefined => {
    if (!has) return undefined;
    // An id filter compares digit for digit: as doubles, ids past 2^53 would round onto their neighbours.
    const id = byId ? canonicalId(wanted) : undefined;
    return id === undefined ? compareValues(actual, wanted, def) : Math.sign(compareIds(actual, id));
  };
  switch (filter.operator) {
    case "HAS_PROPERTY":
      return has;
    case "NOT_HAS_PROPERTY":
      return !has;
    case "EQ":
      return cmp(filter.value!) === 0;
    case "NEQ":
      return cmp(filter.value!) !== 0;
    case "LT":
      return (cmp(filter.value!) ?? 0) < 0;
    case "LTE":
      return has && (cmp(filter.value!) ?? 1) <= 0;
    case "GT":
      return (cmp(filter.value!) ?? 0) > 0;
    case "GTE":
      return has && (cmp(filter.value!) ?? -1) >= 0;
    case "BETWEEN":
      return has && (cmp(filter.value!) ?? -1) >= 0 && (cmp(filter.highValue!) ?? 1) <= 0;
    case "IN":
      return has && filter.values!.some((v) => cmp(v) === 0);
    case "NOT_IN":
      return !has || filter.values!.every((v) => cmp(v) !== 0);
    case "CONTAINS_TOKEN":
      return has && containsToken(actual, filter.value!);
    case "NOT_CONTAINS_TOKEN":
      return !has || !containsToken(actual, filter.value!);
  }
}

/** Numbers compare numerically and dates as instants (ms epoch or ISO); text case-insensitively. */
function compareValues(actual: string, wanted: string, def: PropertyDefinition | undefined): number {
  const type = def?.type ?? "string";
  if (type === "number") {
    const a = Number(actual);
    const b = Number(wanted);
    if (Number.isFinite(a) && Number.isFinite(b)) return Math.sign(a - b);
  }
  if (type === "datetime" || type === "date") {
    const a = parseInstant(actual);
    const b = parseInstant(wanted);
    if (a && b) return Math.sign(a.getTime() - b.getTime());
  }
  return Math.sign(actual.toLowerCase().localeCompare(wanted.toLowerCase(), "en"));
}

function containsToken(actual: string, token: string): boolean {
  const pattern = new RegExp(
    `^${token
      .toLowerCase()
      .split("*")
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  const lower = actual.toLowerCase();
  return pattern.test(lower) || lower.split(/[\s,;.@_\-/]+/).some((t) => pattern.test(t));
}

function matchesQuery(type: ObjectType, record: StoredObject, query: string | undefined): boolean {
  if (!query || query.trim() === "") return true;
  const wanted = query.trim().toLowerCase();
  return QUERY_PROPERTIES[type].some((name) =>
    (record.properties[name] ?? "").toLowerCase().includes(wanted),
  );
}

function sortRecords(
  records: StoredObject[],
  sort: SearchRequest["sorts"][number] | undefined,
  definitions: ReadonlyMap<string, PropertyDefinition>,
  ties: SearchTieOrder,
): StoredObject[] {
  if (!sort) return [...records].sort((a, b) => compareIds(a.id, b.id));
  const byId = tieBreak(ties);
  const def = definitions.get(sort.propertyName);
  const sign = sort.direction === "DESCENDING" ? -1 : 1;
  if (sort.propertyName === "hs_object_id") return [...records].sort((a, b) => sign * compareIds(a.id, b.id));
  // Each record's value is read and parsed once, compared as compareValues compares two values.
  const keyed = records.map((r) => {
    const value = r.properties[sort.propertyName];
    return { r, value, parsed: value === undefined ? undefined : parsedValue(value, def) };
  });
  keyed.sort((a, b) => {
    // Records without the property come last whichever the direction.
    if (a.value === undefined || b.value === undefined) {
      if (a.value === b.value) return byId(a.r, b.r);
      return a.value === undefined ? 1 : -1;
    }
    const c =
      a.parsed !== undefined && b.parsed !== undefined
        ? Math.sign(a.parsed - b.parsed)
        : Math.sign(a.value.toLowerCase().localeCompare(b.value.toLowerCase(), "en"));
    return sign * c || byId(a.r, b.r);
  });
  return keyed.map((k) => k.r);
}

/** The number a value compares as (numbers, instants), or undefined where compareValues falls back to text. */
function parsedValue(value: string, def: PropertyDefinition | undefined): number | undefined {
  const type = def?.type ?? "string";
  if (type === "number") {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  if (type === "datetime" || type === "date") return parseInstant(value)?.getTime();
  return undefined;
}
