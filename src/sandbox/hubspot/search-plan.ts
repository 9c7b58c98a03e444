// The records a search has to look at: when every filter group has a filter an index answers
// (`hs_object_id` EQ/IN, a contact `email` EQ/IN, `hs_merged_object_ids` HAS_PROPERTY, a range on the
// modified date), only the records those
// indexes name; otherwise every live record. runSearch still applies every filter to every candidate,
// so the plan changes how fast a search answers, never what it answers. Two kinds of page are answered
// by walking an index instead: a change window on the modified date, and a keyset page by id.
import type { HubspotData, StoredObject } from "./hubspot-data.js";
import type { ObjectType } from "./object-types.js";
import { parseInstant } from "./property-values.js";
import { canonicalId, compareIds, idAfter } from "./record-ids.js";
import type { SearchFilter, SearchRequest } from "./request-schemas.js";
import { pageOf, SEARCH_LIMITS, type SearchPage, searchPaging, type SearchTieOrder, tieBreak } from "./search.js";

/** Candidates in id order (the order a scan gives), or every live record when no index applies. */
export function searchCandidates(data: HubspotData, type: ObjectType, request: SearchRequest): StoredObject[] {
  const groups = request.filterGroups;
  if (groups.length === 0) return data.records(type, false);
  const ids = new Set<string>();
  for (const group of groups) {
    const planned = groupCandidates(data, type, group.filters);
    if (!planned) return data.records(type, false);
    for (const id of planned) ids.add(id);
  }
  return data.recordsById(type, ids);
}

/**
 * The smallest set one indexed filter of an AND group allows, or undefined when none is indexed; the
 * group's bounds on the modified date are merged into one range first (a window is `GTE` and `LTE`).
 */
function groupCandidates(
  data: HubspotData,
  type: ObjectType,
  filters: readonly SearchFilter[],
): string[] | undefined {
  let best: string[] | undefined;
  let low = Number.NEGATIVE_INFINITY;
  let high = Number.POSITIVE_INFINITY;
  let ranged = false;
  for (const filter of filters) {
    const bounds = isModifiedDate(type, filter.propertyName) ? modifiedBounds(filter) : undefined;
    if (bounds) {
      ranged = true;
      low = Math.max(low, bounds[0]);
      high = Math.min(high, bounds[1]);
      continue;
    }
    const ids = filterCandidates(data, type, filter);
    if (ids && (!best || ids.length < best.length)) best = ids;
  }
  if (ranged && (!best || data.modifiedCount(type, low, high) < best.length)) {
    return data.modifiedBetween(type, low, high);
  }
  return best;
}

function filterCandidates(data: HubspotData, type: ObjectType, filter: SearchFilter): string[] | undefined {
  const values =
    filter.operator === "EQ" && filter.value !== undefined
      ? [filter.value]
      : filter.operator === "IN"
        ? filter.values
        : undefined;
  if (filter.propertyName === "hs_object_id" && values) {
    // Ids compare as numbers ("010001" finds 10001).
    return values.map((v) => canonicalId(v) ?? v.trim());
  }
  // A connector's merge search: the few records merges made, not every record a first load modified.
  if (filter.propertyName === "hs_merged_object_ids" && filter.operator === "HAS_PROPERTY") return data.mergedRecordIds(type);
  if (filter.propertyName === "email" && type === "contacts" && values) {
    // Text compares ignoring case (search guide); only plain-ASCII values, whose lower-cased form is the
    // one comparison that can equal them, are looked up rather than scanned for.
    if (!values.every((v) => /^[\x20-\x7e]*$/.test(v))) return undefined;
    return values.flatMap((v) => data.contactIdsWithEmail(v.toLowerCase()));
  }
  return undefined;
}

/** The modified-date properties, both stamped from one instant on every write. */
function isModifiedDate(type: ObjectType, name: string): boolean {
  return name === "hs_lastmodifieddate" || (type === "contacts" && name === "lastmodifieddate");
}

/** The [low, high] ms a filter on the modified date allows, or undefined when it is not a range. */
function modifiedBounds(filter: SearchFilter): [number, number] | undefined {
  const at = (text: string | undefined) => (text === undefined ? undefined : parseInstant(text)?.getTime());
  const value = at(filter.value);
  if (value === undefined || Number.isNaN(value)) return undefined;
  const none = Number.NEGATIVE_INFINITY;
  const all = Number.POSITIVE_INFINITY;
  switch (filter.operator) {
    case "EQ":
      return [value, value];
    case "GT":
      return [value + 1, all];
    case "GTE":
      return [value, all];
    case "LT":
      return [none, value - 1];
    case "LTE":
      return [none, value];
    case "BETWEEN": {
      const highValue = at(filter.highValue);
      return highValue === undefined || Number.isNaN(highValue) ? undefined : [value, highValue];
    }
    default:
      return undefined;
  }
}

/**
 * A change window (only bounds on the modified date, sorted by it ascending, as a change reader asks) is
 * answered by walking the modified-date index up to the page asked for, instead of filtering and sorting
 * every record in the window for each page. Same answer as runSearch: the total counts every record in
 * the window that search can see, ties on the instant in the `ties` order. Undefined when the request is any other.
 */
export function modifiedWindowPage(
  data: HubspotData,
  type: ObjectType,
  request: SearchRequest,
  indexedBefore: number,
  ties: SearchTieOrder,
): SearchPage | undefined {
  const group = ascendingGroup(request, (name) => isModifiedDate(type, name));
  if (!group) return undefined;
  let low = Number.NEGATIVE_INFINITY;
  let high = Number.POSITIVE_INFINITY;
  for (const filter of group.filters) {
    const bounds = isModifiedDate(type, filter.propertyName) ? modifiedBounds(filter) : undefined;
    if (!bounds) return undefined;
    low = Math.max(low, bounds[0]);
    high = Math.min(high, bounds[1]);
  }
  const { offset, limit } = searchPaging(request);
  const visible = (r: StoredObject) => r.writtenAt <= indexedBefore;
  // A record modified by indexedBefore reached the portal by then too (writtenAt ≤ its modified date):
  // those are counted from the index; later ones one by one.
  let total = data.modifiedCount(type, low, Math.min(high, indexedBefore));
  data.walkModified(type, Math.max(low, indexedBefore + 1), high, (r) => {
    if (visible(r)) total++;
    return true;
  });
  const wanted = Math.min(offset + limit, SEARCH_LIMITS.totalResults);
  const first: { r: StoredObject; at: number }[] = [];
  data.walkModified(type, low, high, (r, at) => {
    // Past the page, the rest of the last instant's ties still come in: they sort among it (`ties`).
    if (first.length >= wanted && (first.length === 0 || at !== first[first.length - 1]!.at)) return false;
    if (visible(r)) first.push({ r, at });
    return true;
  });
  const byId = tieBreak(ties);
  first.sort((a, b) => a.at - b.at || byId(a.r, b.r));
  return pageOf(
    first.map((f) => f.r),
    total,
    offset,
    limit,
  );
}

/**
 * A keyset page by id (one filter, `hs_object_id` GT or GTE a whole number, sorted by it ascending, as a
 * first load asks) is answered from the id order from its bound, instead of filtering and sorting every
 * record for each page. Same answer as runSearch: the total counts the live records past the bound that
 * search can see. Undefined when the request is any other.
 */
export function idKeysetPage(
  data: HubspotData,
  type: ObjectType,
  request: SearchRequest,
  indexedBefore: number,
): SearchPage | undefined {
  const group = ascendingGroup(request, (name) => name === "hs_object_id");
  const filter = group?.filters[0];
  if (!filter || group.filters.length !== 1) return undefined;
  if (filter.propertyName !== "hs_object_id" || (filter.operator !== "GT" && filter.operator !== "GTE")) return undefined;
  const bound = canonicalId(filter.value ?? "");
  if (bound === undefined) return undefined;
  const fromId = filter.operator === "GT" ? idAfter(bound) : bound;
  const { offset, limit } = searchPaging(request);
  const visible = (r: StoredObject) => r.writtenAt <= indexedBefore;
  // A record search cannot see yet was written after indexedBefore, so modified after it too (writtenAt
  // is at most its modified date): those are few, and walked.
  let total = data.liveCountFrom(type, fromId);
  data.walkModified(type, indexedBefore + 1, Number.POSITIVE_INFINITY, (r) => {
    if (compareIds(r.id, fromId) >= 0 && !visible(r)) total--;
    return true;
  });
  const wanted = Math.min(offset + limit, SEARCH_LIMITS.totalResults);
  const first: StoredObject[] = [];
  for (let from = fromId; first.length < wanted; ) {
    const chunk = data.recordPage(type, false, from, wanted - first.length);
    if (chunk.length === 0) break;
    for (const r of chunk) if (visible(r)) first.push(r);
    from = idAfter(chunk[chunk.length - 1]!.id);
  }
  return pageOf(first, total, offset, limit);
}

/** The one filter group of a request with no free-text query, sorted ascending by a property `sortedBy` takes. */
function ascendingGroup(
  request: SearchRequest,
  sortedBy: (name: string) => boolean,
): SearchRequest["filterGroups"][number] | undefined {
  const sort = request.sorts[0];
  const group = request.filterGroups[0];
  if (request.filterGroups.length !== 1 || !group || (request.query ?? "").trim() !== "") return undefined;
  if (!sort || !sortedBy(sort.propertyName) || sort.direction === "DESCENDING") return undefined;
  return group;
}
