// The records a search has to look at: when every filter group has a filter an index answers
// (`hs_object_id` EQ/IN, a contact `email` EQ/IN, a range on the modified date), only the records those
// indexes name; otherwise every live record. runSearch still applies every filter to every candidate,
// so the plan changes how fast a search answers, never what it answers.
import type { HubspotData, StoredObject } from "./hubspot-data.js";
import type { ObjectType } from "./object-types.js";
import { parseInstant } from "./property-values.js";
import type { SearchFilter, SearchRequest } from "./request-schemas.js";

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

/** The smallest set one indexed filter of an AND group allows, or undefined when none is indexed. */
function groupCandidates(
  data: HubspotData,
  type: ObjectType,
  filters: readonly SearchFilter[],
): string[] | undefined {
  let best: string[] | undefined;
  for (const filter of filters) {
    const ids = filterCandidates(data, type, filter);
    if (ids && (!best || ids.length < best.length)) best = ids;
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
  if (filter.propertyName === "hs_object_id" && values) return values.map((v) => v.trim());
  if (filter.propertyName === "email" && type === "contacts" && values) {
    // Text compares ignoring case (search guide); only plain-ASCII values, whose lower-cased form is the
    // one comparison that can equal them, are looked up rather than scanned for.
    if (!values.every((v) => /^[\x20-\x7e]*$/.test(v))) return undefined;
    return values.flatMap((v) => data.contactIdsWithEmail(v.toLowerCase()));
  }
  if (isModifiedDate(type, filter.propertyName)) return modifiedCandidates(data, type, filter);
  return undefined;
}

/** The modified-date properties, both stamped from one instant on every write. */
function isModifiedDate(type: ObjectType, name: string): boolean {
  return name === "hs_lastmodifieddate" || (type === "contacts" && name === "lastmodifieddate");
}

function modifiedCandidates(data: HubspotData, type: ObjectType, filter: SearchFilter): string[] | undefined {
  const at = (text: string | undefined) => (text === undefined ? undefined : parseInstant(text)?.getTime());
  const value = at(filter.value);
  if (value === undefined || Number.isNaN(value)) return undefined;
  switch (filter.operator) {
    case "EQ":
      return data.modifiedBetween(type, value, value);
    case "GT":
      return data.modifiedBetween(type, value + 1, undefined);
    case "GTE":
      return data.modifiedBetween(type, value, undefined);
    case "LT":
      return data.modifiedBetween(type, undefined, value - 1);
    case "LTE":
      return data.modifiedBetween(type, undefined, value);
    case "BETWEEN": {
      const high = at(filter.highValue);
      return high === undefined || Number.isNaN(high) ? undefined : data.modifiedBetween(type, value, high);
    }
    default:
      return undefined;
  }
}
