// fieldChanges and fieldValues for Salesforce: when each field's current value was set, and the values a
// tracked field held. A field the org tracks has a row
// in the object's history (LeadHistory, ContactHistory, AccountHistory, OpportunityFieldHistory, a
// custom object's X__History) for every change: Field, CreatedDate, the parent's id (LeadId, ContactId,
// AccountId, OpportunityId, ParentId), OldValue, NewValue (Object Reference, "LeadHistory",
// https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_leadhistory.htm).
// A field not tracked has no rows; its best time is then the record's LastModifiedDate — the last edit by
// a user or the API, unlike SystemModstamp, which system processes move too. Both are asked in one
// composite call for a group's records (queries-together.ts).
//
// An address part (Street, City, MailingCity, BillingCountry, …) is tracked as its compound field: Set
// History Tracking offers `Address`, `MailingAddress`, `BillingAddress`, not the parts, and the history
// objects' Field is only "The name of the field that was changed" (Object Reference, "ContactHistory":
// https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_contacthistory.htm),
// so a row may name the compound rather than the part. Both are asked for; a compound's row stands for
// each of its parts: the part changed then or before, which is nearer than the record's last edit.
//
// A standard lookup's change is recorded under its relationship's name (`Owner` for OwnerId, `Account`
// for AccountId), in two rows of one second, ids and names (DataType `EntityId` and `Text`); a custom
// lookup keeps its own name. Both names are asked for, and only a row's time is read, never its values:
// the name row is no id, and a long text area's or multi-select picklist's rows carry no values at all
// (Object Reference, "EntityHistory": "the old and new values are not recorded"), which is no clearing.
// The `created` row names no field, so it is never asked for: a record's creation is not a field change.
import type { FieldChange } from "../../core/records.js";
import type { FieldValueSet } from "../../sync/system-port.js";
import { SystemError } from "../../sync/system-error.js";
import type { SalesforceClient } from "./connection.js";
import { QUERY_URI_BUDGET_BYTES } from "./limits.js";
import type { QueryRow } from "./query-pages.js";
import { queryRowsTogether } from "./queries-together.js";
import { inList, inListsWithin, select } from "./soql.js";
import { toCanonical } from "./values.js";

/** The history object of `object` and the field naming the record a row belongs to. */
export function historyOf(object: string): { object: string; parentField: string } {
  if (object.endsWith("__c")) return { object: `${object.slice(0, -3)}__History`, parentField: "ParentId" };
  if (object === "Opportunity") return { object: "OpportunityFieldHistory", parentField: "OpportunityId" };
  return { object: `${object}History`, parentField: `${object}Id` };
}

export async function fieldChanges(
  client: SalesforceClient,
  object: string,
  ids: readonly string[],
  fields: readonly string[],
): Promise<Map<string, Record<string, FieldChange>>> {
  const out = new Map<string, Record<string, FieldChange>>();
  const asked = [...new Set(ids)];
  const names = [...new Set(fields)];
  if (asked.length === 0 || names.length === 0) return out;
  const history = historyOf(object);
  // By the lower-cased name a row may carry: the asked fields it stands for.
  const standsFor = new Map<string, string[]>();
  for (const n of names) {
    for (const key of [n, addressCompoundOf(object, n), lookupRelationshipOf(object, n)]) {
      if (key) standsFor.set(key.toLowerCase(), [...(standsFor.get(key.toLowerCase()) ?? []), n]);
    }
  }
  const rowNames = [...new Set(names.flatMap((n) => [n, addressCompoundOf(object, n), lookupRelationshipOf(object, n)].filter((k) => k !== undefined)))];
  const { rows, edits } = await historyAndEdits(client, object, asked, rowNames);
  for (const row of rows) {
    const id = toCanonical(row[history.parentField]);
    const fields = typeof row.Field === "string" ? (standsFor.get(row.Field.toLowerCase()) ?? []) : [];
    const at = toCanonical(row.CreatedDate);
    if (!id || fields.length === 0 || !at) continue;
    const changes = out.get(id) ?? {};
    // Rows come newest first: the first row of a field (or of its address) is its last change.
    for (const field of fields) changes[field] ??= { at, basis: "field history" };
    out.set(id, changes);
  }
  // A field the history left without a row takes its record's last edit.
  for (const row of edits) {
    const id = toCanonical(row.Id);
    const at = toCanonical(row.LastModifiedDate);
    if (!id || !at) continue;
    const changes = out.get(id) ?? {};
    for (const n of names) changes[n] ??= { at, basis: "last edit" };
    out.set(id, changes);
  }
  return out;
}

/**
 * The history rows of these records' fields and the records' last edits, asked together (one composite
 * call for a group's few hundred records, where the edits once waited for the history to say which
 * records had a field without a row, a call more per group). An object without history (INVALID_TYPE)
 * has no rows, and its edits are asked again alone.
 */
async function historyAndEdits(
  client: SalesforceClient,
  object: string,
  ids: readonly string[],
  fields: readonly string[],
): Promise<{ rows: QueryRow[]; edits: QueryRow[] }> {
  const history = historyQueries(object, ids, fields);
  const edits = queriesByIds(object, ["Id", "LastModifiedDate"], "Id", ids, "");
  try {
    const answers = await queryRowsTogether(client, [...history, ...edits]);
    return { rows: answers.slice(0, history.length).flat(), edits: answers.slice(history.length).flat() };
  } catch (err) {
    if (!noHistoryObject(err)) throw err;
    return { rows: [], edits: (await queryRowsTogether(client, edits)).flat() };
  }
}

/**
 * The relationship name a standard lookup's history rows carry (`OwnerId` → `Owner`), if `field` reads
 * as one: a standard field named `…Id`. A field that is no lookup only adds a name no row carries.
 */
export function lookupRelationshipOf(object: string, field: string): string | undefined {
  if (object.endsWith("__c") || !/^[A-Za-z]+Id$/.test(field)) return undefined;
  return field.slice(0, -2);
}

/**
 * By record id, then field: the values tracked fields held, newest first, each with when it was set and
 * the value it replaced (the history row's NewValue, CreatedDate and OldValue, "the latest value of the
 * field before it was changed": Object Reference, "LeadHistory"; blank as null), and whether the API's own
 * user made it (the row's CreatedById, "Created By ID": Field Reference, "StandardObjectNameHistory"). A record without a row
 * for a field (the org does not track it, or it never changed) is left out for that field: the record
 * alone does not say when its value was set. A standard lookup's values are its `EntityId` rows under the
 * relationship's name (`Owner` for OwnerId: the module's note), not the rows of its records' names
 * (`DataType`, "Data type of the field that was changed": Object Reference, "StandardObjectNameHistory").
 * One query per ~300 ids (the query URI's budget). Throws SystemError.
 */
export async function fieldValues(
  client: SalesforceClient,
  object: string,
  ids: readonly string[],
  fields: readonly string[],
  /** The user the API runs as (running-user.ts), asked only when a row is found: whose rows are leadloop's. */
  apiUserId: () => Promise<string>,
): Promise<Map<string, Record<string, FieldValueSet[]>>> {
  const out = new Map<string, Record<string, FieldValueSet[]>>();
  const history = historyOf(object);
  // By the lower-cased name a row may carry: the asked field, and whether the row is a lookup's.
  const named = new Map<string, { field: string; lookup: boolean }>();
  for (const f of new Set(fields)) {
    named.set(f.toLowerCase(), { field: f, lookup: false });
    const relationship = lookupRelationshipOf(object, f);
    if (relationship) named.set(relationship.toLowerCase(), { field: f, lookup: true });
  }
  const names = [...new Set(fields)].flatMap((f) => [f, lookupRelationshipOf(object, f) ?? []].flat());
  const rows = await historyRows(client, object, [...new Set(ids)], names, ["NewValue", "OldValue", "DataType", "CreatedById"]);
  const own = rows.length > 0 ? await apiUserId() : null;
  for (const row of rows) {
    const id = toCanonical(row[history.parentField]);
    const at = toCanonical(row.CreatedDate);
    const asked = named.get(String(row.Field ?? "").toLowerCase());
    if (!id || !at || asked === undefined || (asked.lookup && row.DataType !== "EntityId")) continue;
    const field = asked.field;
    const value = toCanonical(row.NewValue);
    const replaced = toCanonical(row.OldValue);
    const record = out.get(id) ?? {};
    const setting = { value: value ? value : null, at, replaced: replaced ? replaced : null, byOwnWrite: toCanonical(row.CreatedById) === own };
    record[field] = [...(record[field] ?? []), setting];
    out.set(id, record);
  }
  return out;
}

const ADDRESS_PART = /^(Billing|Shipping|Mailing|Other)?(Street|City|State|StateCode|PostalCode|Country|CountryCode|Latitude|Longitude|GeocodeAccuracy)$/i;

/** The compound address field a standard object's field is part of (`City` → `Address`), if any. */
export function addressCompoundOf(object: string, field: string): string | undefined {
  if (object.endsWith("__c")) return undefined;
  const part = ADDRESS_PART.exec(field);
  if (!part) return undefined;
  const prefix = part[1] ? `${part[1][0]!.toUpperCase()}${part[1].slice(1).toLowerCase()}` : "";
  return `${prefix}Address`;
}

/** The history rows of these records' fields, newest first; none when the object keeps no history. */
async function historyRows(
  client: SalesforceClient,
  object: string,
  ids: readonly string[],
  fields: readonly string[],
  /** Columns besides the parent, Field and CreatedDate (NewValue for the values). */
  more: readonly string[] = [],
): Promise<QueryRow[]> {
  try {
    return (await queryRowsTogether(client, historyQueries(object, ids, fields, more))).flat();
  } catch (err) {
    if (noHistoryObject(err)) return [];
    throw err;
  }
}

/** A custom object without history tracking has no history object at all: every field is untracked. */
function noHistoryObject(err: unknown): boolean {
  return err instanceof SystemError && err.code === "INVALID_TYPE";
}

/** The queries of `historyRows`, newest row first. */
function historyQueries(object: string, ids: readonly string[], fields: readonly string[], more: readonly string[] = []): string[] {
  const history = historyOf(object);
  const columns = [history.parentField, "Field", "CreatedDate", ...more];
  return queriesByIds(history.object, columns, history.parentField, ids, ` AND ${inList("Field", fields)}`, "CreatedDate DESC");
}

/** Queries of `columns` of these records, an `IN` list of ids each, as long as the URI's budget takes. */
function queriesByIds(
  object: string,
  columns: readonly string[],
  idField: string,
  ids: readonly string[],
  andWhere: string,
  orderBy?: string,
): string[] {
  const fixed = 40 + encodeURIComponent(select(object, columns, `${inList(idField, [])}${andWhere}`, orderBy)).length;
  return inListsWithin(ids, fixed, QUERY_URI_BUDGET_BYTES).map((part) => select(object, columns, `${inList(idField, part)}${andWhere}`, orderBy));
}
