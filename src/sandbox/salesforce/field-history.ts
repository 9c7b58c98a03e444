// Field history tracking, as an admin sets it up per object (Setup → Fields → Set History Tracking, at
// most 20 fields an object): every save that changes a tracked field adds a row to the object's history
// (LeadHistory, ContactHistory, AccountHistory, OpportunityFieldHistory) with Field, OldValue, NewValue,
// CreatedDate and CreatedById, and a record's creation adds one row whose Field is `created`. Rows are
// read-only and queryable by SOQL like any object (Object Reference, "LeadHistory":
// https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_leadhistory.htm;
// Salesforce Help, "Field History Tracking"). A field not tracked leaves no row.
//
// An address is tracked as its compound field (Lead `Address`, Contact `MailingAddress`, Account
// `BillingAddress`): Set History Tracking offers the compound, not Street or City, and a change of any of
// its parts adds one row naming the compound, without values. Whether a real org also names the parts is
// not documented (the history objects' Field is only "The name of the field that was changed":
// https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_contacthistory.htm),
// so the emulator gives the reader the least: a reader asking when City changed must look for Address.
// The values are left out as for the other fields whose values history does not keep ("These fields
// appear in this object to indicate that the field was changed, but the old and new values are not
// recorded": Object Reference, "EntityHistory"): long text areas (a textarea longer than 255), one of
// the kinds that sentence names (the other, multi-select picklists, the emulated org does not have).
//
// A lookup's change is kept twice, in two rows of the same second and Field: one with the records' ids
// (DataType `EntityId`), one with their names (DataType `Text`), so a history list can show names. A
// standard lookup's row names its relationship, not the id field (`Owner` for OwnerId, `Account` for
// AccountId); a custom lookup's keeps its own name. DataType is the history objects' "Data type of the
// field that was changed" (Object Reference, "StandardObjectNameHistory"); the emulator gives it for every
// row, with names of its own for types other than a lookup's, and none for the `created` row. A reader
// that takes every row of a lookup for an id, or a row without values for a cleared field, is wrong
// against a real org as here.
import type { RecordStore } from "./record-store.js";
import { field, type FieldDescribe, findField, findRelationship, type SObjectSchema } from "./schema.js";
import { formatDateTime, type SObjectRecord } from "./values.js";

/** Salesforce Help, "Field History Tracking": "You can select a combination of up to 20 standard and custom fields per object." */
export const MAX_TRACKED_FIELDS = 20;

/** The Field value of the row a record's creation adds. */
export const CREATED_FIELD = "created";

/** What the emulated org tracks unless told otherwise: the contact details reps edit, and stages. */
export const DEFAULT_TRACKED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Lead: ["Title", "Phone", "MobilePhone", "Email", "Status"],
  Contact: ["Title", "Phone", "MobilePhone", "Email"],
  Account: ["Name", "Phone", "Website", "Industry"],
  Opportunity: ["StageName", "Amount", "CloseDate"],
};

/** The compound address fields of the objects with history, each with its parts as the schema names them. */
const ADDRESS_COMPOUNDS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  Lead: { Address: ["Street", "City", "State", "PostalCode", "Country"] },
  Contact: { MailingAddress: ["MailingStreet", "MailingCity", "MailingState", "MailingPostalCode", "MailingCountry"] },
  Account: { BillingAddress: ["BillingStreet", "BillingCity", "BillingState", "BillingPostalCode", "BillingCountry"] },
};

/** The compound `name` is part of on `object`, if it is part of one. */
function compoundOf(object: string, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [compound, parts] of Object.entries(ADDRESS_COMPOUNDS[object] ?? {})) {
    if (parts.some((p) => p.toLowerCase() === lower)) return compound;
  }
  return undefined;
}

/** The history object of each object that has one, and its field naming the record a row is about. */
const HISTORY_OBJECTS: Readonly<Record<string, { name: string; keyPrefix: string }>> = {
  Lead: { name: "LeadHistory", keyPrefix: "017" },
  Contact: { name: "ContactHistory", keyPrefix: "017" },
  Account: { name: "AccountHistory", keyPrefix: "017" },
  Opportunity: { name: "OpportunityFieldHistory", keyPrefix: "008" },
};

export class FieldHistory {
  /** Object name → the tracked fields' names as the schema spells them. */
  private readonly tracked = new Map<string, Set<string>>();

  constructor(
    private readonly store: RecordStore,
    tracked: Readonly<Record<string, readonly string[]>> = DEFAULT_TRACKED_FIELDS,
  ) {
    for (const parent of Object.keys(HISTORY_OBJECTS)) {
      const schema = store.schema(parent);
      if (schema) store.schemas.set(HISTORY_OBJECTS[parent]!.name.toLowerCase(), historySchema(schema));
    }
    for (const [object, fields] of Object.entries(tracked)) this.track(object, fields);
  }

  /**
   * Sets the fields tracked on `object` (replacing its earlier set); an empty list turns tracking off. A
   * lookup may be named by its field or its relationship (`OwnerId` or `Owner`).
   */
  track(object: string, fields: readonly string[]): void {
    const schema = this.store.schema(object);
    if (!schema || !HISTORY_OBJECTS[schema.name]) throw new Error(`${object} has no field history in this org`);
    if (fields.length > MAX_TRACKED_FIELDS)
      throw new Error(`at most ${MAX_TRACKED_FIELDS} fields of ${schema.name} can be tracked, not ${fields.length}`);
    const names = fields.map((name) => {
      const compound = Object.keys(ADDRESS_COMPOUNDS[schema.name] ?? {}).find((c) => c.toLowerCase() === name.toLowerCase());
      if (compound) return compound;
      const part = compoundOf(schema.name, name);
      if (part) throw new Error(`${schema.name}.${name} is tracked as part of its address: track ${part}`);
      const f = findField(schema, name) ?? findRelationship(schema, name);
      if (!f) throw new Error(`${schema.name} has no field ${name}`);
      return f.name;
    });
    this.tracked.set(schema.name, new Set(names));
  }

  /** The row a creation adds, on an object whose history is tracked. */
  created(schema: SObjectSchema, id: string, at: number, userId: string | null): void {
    if (!this.tracked.get(schema.name)?.size) return;
    this.add(schema, id, { field: CREATED_FIELD, dataType: null, old: null, now: null }, at, userId);
  }

  /**
   * A row for each tracked field whose value the save changed: one without values for a changed address
   * or long text area; two for a lookup, its ids and its records' names.
   */
  changed(schema: SObjectSchema, before: SObjectRecord, after: SObjectRecord, at: number, userId: string | null): void {
    const fields = this.tracked.get(schema.name);
    if (!fields) return;
    const id = String(after.Id);
    for (const name of fields) {
      const parts = ADDRESS_COMPOUNDS[schema.name]?.[name];
      if (parts) {
        if (parts.some((p) => (before[p] ?? null) !== (after[p] ?? null)))
          this.add(schema, id, { field: name, dataType: "Address", old: null, now: null }, at, userId);
        continue;
      }
      const old = before[name] ?? null;
      const now = after[name] ?? null;
      if (old === now) continue;
      for (const row of historyRows(findField(schema, name)!, old, now, (ref) => this.nameOf(ref))) this.add(schema, id, row, at, userId);
    }
  }

  /** A referenced record's name, as a lookup's name row shows it; null for none. */
  private nameOf(id: unknown): string | null {
    if (typeof id !== "string" || id === "") return null;
    const name = this.store.find(id)?.record.Name;
    return typeof name === "string" ? name : null;
  }

  private add(schema: SObjectSchema, parentId: string, row: HistoryRow, at: number, userId: string | null): void {
    const history = HISTORY_OBJECTS[schema.name]!;
    this.store.put(history.name, {
      Id: this.store.ids.next(history.keyPrefix),
      IsDeleted: false,
      [`${schema.name}Id`]: parentId,
      Field: row.field,
      DataType: row.dataType,
      OldValue: row.old,
      NewValue: row.now,
      CreatedDate: formatDateTime(at),
      CreatedById: userId,
    });
  }
}

interface HistoryRow {
  field: string;
  dataType: string | null;
  old: unknown;
  now: unknown;
}

/** The longest text area whose values history keeps: a longer one is a long text area (EntityHistory). */
const KEPT_TEXT_LENGTH = 255;

/** The Field a change of `f` is recorded under: a standard lookup's relationship, else the field's name. */
export function historyFieldName(f: FieldDescribe): string {
  return f.type === "reference" && f.relationshipName && !f.custom ? f.relationshipName : f.name;
}

/** The rows one tracked field's change adds. */
function historyRows(f: FieldDescribe, old: unknown, now: unknown, nameOf: (id: unknown) => string | null): HistoryRow[] {
  const field = historyFieldName(f);
  if (f.type === "reference")
    return [
      { field, dataType: "EntityId", old, now },
      { field, dataType: "Text", old: nameOf(old), now: nameOf(now) },
    ];
  if (f.type === "textarea" && (f.length ?? 0) > KEPT_TEXT_LENGTH) return [{ field, dataType: "TextArea", old: null, now: null }];
  return [{ field, dataType: DATA_TYPES[f.type] ?? "Text", old, now }];
}

/** The emulator's DataType per field type, a lookup's aside (not a documented list: see the module's note). */
const DATA_TYPES: Partial<Record<FieldDescribe["type"], string>> = {
  string: "Text",
  textarea: "TextArea",
  email: "Email",
  phone: "Phone",
  url: "Url",
  picklist: "DynamicEnum",
  boolean: "Boolean",
  double: "Double",
  int: "Double",
  currency: "Currency",
  percent: "Percent",
  date: "Date",
  datetime: "DateTime",
};

/** The describe of `parent`'s history object: read-only fields, Field a picklist of the parent's fields. */
function historySchema(parent: SObjectSchema): SObjectSchema {
  const history = HISTORY_OBJECTS[parent.name]!;
  const readOnly = { createable: false, updateable: false };
  const fields: FieldDescribe[] = [
    field("Id", "id", { label: `${parent.label} History ID`, nillable: false }),
    field("IsDeleted", "boolean", { label: "Deleted", system: true }),
    field(`${parent.name}Id`, "reference", {
      ...readOnly,
      label: `${parent.label} ID`,
      referenceTo: [parent.name],
      relationshipName: parent.name,
    }),
    field("Field", "picklist", {
      ...readOnly,
      label: "Changed Field",
      restrictedPicklist: true,
      picklist: [
        CREATED_FIELD,
        ...new Set([...parent.fields.map((f) => f.name), ...parent.fields.map(historyFieldName)]),
        ...Object.keys(ADDRESS_COMPOUNDS[parent.name] ?? {}),
      ],
    }),
    field("DataType", "picklist", {
      ...readOnly,
      label: "Data Type",
      nillable: true,
      restrictedPicklist: true,
      picklist: ["Address", "EntityId", ...new Set(Object.values(DATA_TYPES))],
    }),
    // anyType in Salesforce: each row's value in its field's own type; kept here as stored.
    field("OldValue", "string", { ...readOnly, label: "Old Value", filterable: false }),
    field("NewValue", "string", { ...readOnly, label: "New Value", filterable: false }),
    field("CreatedDate", "datetime", { label: "Created Date", system: true }),
    field("CreatedById", "reference", {
      label: "Created By ID",
      system: true,
      referenceTo: ["User"],
      relationshipName: "CreatedBy",
    }),
  ];
  return {
    name: history.name,
    label: `${parent.label} History`,
    labelPlural: `${parent.label} History`,
    keyPrefix: history.keyPrefix,
    fields,
  };
}
