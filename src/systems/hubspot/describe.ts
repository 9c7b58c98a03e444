// describe and ensureProperty over the properties API (https://developers.hubspot.com/docs/api/crm/properties):
// HubSpot property types and field types reduced to the core's FieldDescription.
import type { FieldDescription, FieldType, ObjectDescription } from "../../core/object-schema.js";
import { SystemError } from "../../sync/system-error.js";
import { httpStatusOf, SYSTEM } from "./fault-table.js";
import { canonicalObject } from "./object-names.js";
import type { PropertyCatalog } from "./property-catalog.js";
import { type PropertyDefinition, propertyDefinition } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";

/** Single-line and multi-line text properties hold up to 65,536 characters (Properties API, "Property type and fieldType values"). */
export const TEXT_MAX_LENGTH = 65_536;

/**
 * The API requires no property on create for contacts, companies and deals (the guides say a create
 * "should" include email/firstname/lastname, name/domain, dealname/dealstage); tasks and notes require
 * `hs_timestamp` (https://developers.hubspot.com/docs/api/crm/tasks, .../crm/notes).
 */
const REQUIRED_ON_CREATE: Record<string, readonly string[]> = {
  tasks: ["hs_timestamp"],
  notes: ["hs_timestamp"],
};

/**
 * Every property of `object`, hidden ones too: `hidden` keeps a property out of HubSpot's app, not out of
 * the API (properties API reference, property create: "If true, the property won't be visible and can't be
 * used in HubSpot"; GET /crm/v3/properties/{objectType} lists it and the objects APIs read and write it),
 * so a mapping may name one. The one list `validate --live` and a run's check of mapped properties use.
 */
export async function describeObject(catalog: PropertyCatalog, object: string): Promise<ObjectDescription> {
  const required = new Set(REQUIRED_ON_CREATE[canonicalObject(object)] ?? []);
  const fields = [...(await catalog.all(object)).values()].map((p) => toFieldDescription(p, required.has(p.name)));
  return { system: SYSTEM, object, fields };
}

export function toFieldDescription(p: PropertyDefinition, required: boolean): FieldDescription {
  const writable = !(p.modificationMetadata?.readOnlyValue ?? false) && !(p.calculated ?? false);
  const type = fieldType(p);
  const field: FieldDescription = {
    name: p.name,
    label: p.label,
    type,
    required,
    createable: writable,
    updateable: writable,
  };
  if (type === "picklist" || type === "multipicklist") field.picklistValues = p.options.map((o) => o.value);
  if (type === "string" || type === "textarea" || type === "email" || type === "phone")
    field.length = TEXT_MAX_LENGTH;
  if (p.hasUniqueValue) {
    field.unique = true;
    // A writable unique property can key an upsert (batch/upsert `idProperty`).
    field.externalId = writable;
  }
  return field;
}

function fieldType(p: PropertyDefinition): FieldType {
  if (p.name === "hs_object_id") return "id";
  switch (p.type) {
    case "number":
      return "number";
    case "bool":
      return "boolean";
    case "date":
      return "date";
    case "datetime":
      return "datetime";
    case "phone_number":
      return "phone";
    case "enumeration":
      // Owner-like properties take ids from another list (externalOptions) rather than fixed options.
      if (p.externalOptions) return "reference";
      if (p.fieldType === "booleancheckbox") return "boolean";
      return p.fieldType === "checkbox" ? "multipicklist" : "picklist";
    default:
      if (p.fieldType === "textarea" || p.fieldType === "html") return "textarea";
      if (p.fieldType === "phonenumber") return "phone";
      if (p.name === "email") return "email";
      return "string";
  }
}

/** A custom property to create when it is missing (POST /crm/v3/properties/{objectType}). */
export interface HubspotPropertyDefinition {
  name: string;
  label: string;
  type: "string" | "number" | "date" | "datetime" | "enumeration" | "bool";
  /** text, textarea, number, date, select, radio, checkbox, booleancheckbox ... */
  fieldType: string;
  /** contactinformation, companyinformation, dealinformation ... */
  groupName: string;
  description?: string;
  options?: { label: string; value: string }[];
  hasUniqueValue?: boolean;
}

export async function ensureProperty(
  transport: HubspotTransport,
  catalog: PropertyCatalog,
  object: string,
  definition: HubspotPropertyDefinition,
): Promise<{ created: boolean; field: FieldDescription }> {
  const existing = await catalog.get(object, definition.name);
  if (existing) return { created: false, field: toFieldDescription(existing, false) };
  const body = {
    ...definition,
    options: (definition.options ?? []).map((o, i) => ({ ...o, displayOrder: i, hidden: false })),
  };
  try {
    const answer = await transport.send(
      { method: "POST", path: `/crm/v3/properties/${canonicalObject(object)}`, body },
      propertyDefinition,
    );
    catalog.add(object, answer.body);
    return { created: true, field: toFieldDescription(answer.body, false) };
  } catch (err) {
    // A refused or lost create may still have made the property (an answer lost after HubSpot made it):
    // the list is read again when next asked.
    catalog.invalidate(object);
    // Another process created it in between (409 OBJECT_ALREADY_EXISTS): use theirs.
    if (!(err instanceof SystemError) || httpStatusOf(err) !== 409) throw err;
    const created = await listedAfterConflict(transport, catalog, object, definition.name, err);
    return { created: false, field: toFieldDescription(created, false) };
  }
}

/**
 * The property a create was refused as existing, once the properties list holds it: the list may trail
 * the create's check (eventual consistency), so it is read again, with the retry layer's waits, until it
 * does or the call's patience is spent. A property archived under that name never shows in the list.
 */
async function listedAfterConflict(
  transport: HubspotTransport,
  catalog: PropertyCatalog,
  object: string,
  name: string,
  conflict: SystemError,
): Promise<PropertyDefinition> {
  const path = `/crm/v3/properties/${canonicalObject(object)}`;
  return transport.readUntil(`GET ${path}`, async () => {
    catalog.invalidate(object);
    const listed = await catalog.get(object, name);
    if (listed) return listed;
    throw new SystemError({
      system: SYSTEM,
      errorClass: "transient",
      code: "PROPERTY_NOT_LISTED",
      message:
        `HubSpot refused POST ${path} for '${name}' as existing (409) while GET ${path} does not list it; ` +
        "if it never appears, a property of that name may be archived: restore or delete it in HubSpot's property settings",
      retriable: true,
      cause: conflict,
    });
  });
}
