// describe over the properties API (https://developers.hubspot.com/docs/api/crm/properties): HubSpot
// property types and field types reduced to the core's FieldDescription. Making properties: ensure-properties.ts.
import type { FieldDescription, FieldType, ObjectDescription } from "../../core/object-schema.js";
import { SYSTEM } from "./fault-table.js";
import { canonicalObject } from "./object-names.js";
import type { PropertyCatalog } from "./property-catalog.js";
import type { PropertyDefinition } from "./schemas.js";

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

/** A custom property to create when it is missing (ensure-properties.ts). */
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
