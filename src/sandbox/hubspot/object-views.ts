// How a record reads over HTTP: the `SimplePublicObject` shape of the CRM objects API, with the default
// or requested properties (unset ones as null) and, when asked, v3-style associations.
import { associationTypeName } from "./association-types.js";
import { CREATED_PROPERTY, DEFAULT_READ_PROPERTIES } from "./default-properties.js";
import type { HubspotData, HubspotObject } from "./hubspot-data.js";
import { type ObjectType, parseObjectType } from "./object-types.js";
import type { PropertyHistoryEntry } from "./property-history.js";

/** A history entry as it reads: its timestamp a number where the emulator answers `"epoch-ms"`. */
type HistoryEntryView = Omit<PropertyHistoryEntry, "timestamp"> & { timestamp: string | number };

export interface ObjectView {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string | number;
  updatedAt: string | number;
  archived: boolean;
  archivedAt?: string | number;
  associations?: Record<string, { results: Array<{ id: string; type: string }> }>;
  /** Asked for by name: each property's values, newest first (property-history.ts). */
  propertiesWithHistory?: Record<string, HistoryEntryView[]>;
}

/** The record's own times among its properties, which `"epoch-ms"` answers as digits. */
const TIME_PROPERTIES = new Set(["createdate", "hs_createdate", "lastmodifieddate", "hs_lastmodifieddate"]);

/** Properties always returned alongside the requested ones. */
function alwaysReturned(type: ObjectType): string[] {
  const modified = type === "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate";
  return [CREATED_PROPERTY[type], modified, "hs_object_id"];
}

export function objectView(
  data: HubspotData,
  record: HubspotObject,
  requested?: readonly string[],
  associations?: readonly ObjectType[],
): ObjectView {
  const defs = data.definitions(record.type);
  const names =
    requested && requested.length > 0
      ? [...new Set([...requested.filter((n) => defs.has(n)), ...alwaysReturned(record.type)])]
      : [...DEFAULT_READ_PROPERTIES[record.type]];
  const epochMs = data.objectTimestamps === "epoch-ms";
  const time = (at: Date): string | number => (epochMs ? at.getTime() : at.toISOString());
  const properties: Record<string, string | null> = {};
  for (const name of names.sort()) {
    const value = record.properties[name] ?? null;
    properties[name] = epochMs && value !== null && TIME_PROPERTIES.has(name) ? String(Date.parse(value)) : value;
  }
  const view: ObjectView = {
    id: record.id,
    properties,
    createdAt: time(record.createdAt),
    updatedAt: time(record.updatedAt),
    archived: record.archived,
  };
  if (record.archivedAt) view.archivedAt = time(record.archivedAt);
  if (associations && associations.length > 0) {
    const out: NonNullable<ObjectView["associations"]> = {};
    for (const toType of associations) {
      const results = data
        .associationsOf(record.type, record.id, toType)
        .flatMap((link) => link.types.map((spec) => ({ id: link.toId, type: associationTypeName(spec) })));
      if (results.length > 0) out[toType] = { results };
    }
    if (Object.keys(out).length > 0) view.associations = out;
  }
  return view;
}

/**
 * The view with the history of each named property the type defines (names it does not define are left
 * out, as `properties` leaves them out).
 */
export function withHistory(data: HubspotData, record: HubspotObject, view: ObjectView, names: readonly string[]): ObjectView {
  const defs = data.definitions(record.type);
  const history: Record<string, HistoryEntryView[]> = {};
  for (const name of names) {
    if (!defs.has(name)) continue;
    const entries = data.propertyHistory(record, name);
    history[name] = data.objectTimestamps === "epoch-ms" ? entries.map((e) => ({ ...e, timestamp: Date.parse(e.timestamp) })) : entries;
  }
  return { ...view, propertiesWithHistory: history };
}

/** A list query parameter given repeated or comma-separated, as the client sends either. */
export function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

export function associationTypesParam(query: URLSearchParams): ObjectType[] {
  return listParam(query, "associations")
    .map(parseObjectType)
    .filter((t): t is ObjectType => t !== undefined);
}
