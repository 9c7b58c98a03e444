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
  externalId?: boolean;
  unique?: boolean;
}

export interface ObjectDescription {
  system: string;
  object: string;
  fields: FieldDescription[];
}
