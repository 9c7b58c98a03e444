// What a system says about one of its objects (HubSpot properties, Salesforce describe), reduced to what
// mapping checks need. Adapters build it; the core checks mappings against it.

export const FIELD_TYPES = [
  "string",
  "textarea",
  "email",
  "phone",
  "url",
  "number",
  "boolean",
  "date",
  "datetime",
  "picklist",
  "multipicklist",
  "id",
  "reference",
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldDescription {
  name: string;
  label: string;
  type: FieldType;
  /** Must be given on create (Salesforce: not nillable, not defaulted on create, createable). */
  required: boolean;
  createable: boolean;
  updateable: boolean;
  /** Maximum length for text fields. */
  length?: number;
  /** Allowed values of a picklist / enumeration, when the system restricts them. */
  picklistValues?: string[];
  /** What the system sets on create when a write leaves the field out (a Lead's default Status). */
  defaultValue?: string;
  externalId?: boolean;
  unique?: boolean;
}

export interface ObjectDescription {
  system: string;
  object: string;
  fields: FieldDescription[];
}

/** What the system fills in on create when a write leaves a field out, as its describe says. */
export function describedDefaults(description: ObjectDescription): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of description.fields) if (f.defaultValue !== undefined) out[f.name] = f.defaultValue;
  return out;
}
