// The shape of a property definition as the CRM properties API returns it
// (https://developers.hubspot.com/docs/api/crm/properties), and small builders for the default catalogue.

export const PROPERTY_TYPES = [
  "string",
  "number",
  "date",
  "datetime",
  "enumeration",
  "bool",
  "phone_number",
] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
  description?: string;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  groupName: string;
  description: string;
  options: PropertyOption[];
  displayOrder: number;
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hidden: boolean;
  hubspotDefined?: boolean;
  formField: boolean;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean };
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

// HubSpot-defined properties predate any portal; one fixed date keeps dumps stable.
const DEFINED_AT = "2019-08-06T02:41:52.000Z";

interface Extra {
  readOnly?: boolean;
  unique?: boolean;
  calculated?: boolean;
  external?: boolean;
  description?: string;
}

function base(
  name: string,
  label: string,
  type: PropertyType,
  fieldType: string,
  groupName: string,
  extra: Extra = {},
  options: PropertyOption[] = [],
): PropertyDefinition {
  return {
    name,
    label,
    type,
    fieldType,
    groupName,
    description: extra.description ?? "",
    options,
    displayOrder: -1,
    calculated: extra.calculated ?? false,
    externalOptions: extra.external ?? false,
    hasUniqueValue: extra.unique ?? false,
    hidden: false,
    hubspotDefined: true,
    formField: !extra.readOnly,
    modificationMetadata: {
      archivable: false,
      readOnlyDefinition: true,
      readOnlyValue: extra.readOnly ?? false,
    },
    createdAt: DEFINED_AT,
    updatedAt: DEFINED_AT,
    archived: false,
  };
}

export const text = (name: string, label: string, group: string, extra?: Extra): PropertyDefinition =>
  base(name, label, "string", "text", group, extra);
/** A rich-text property: its value is HTML the app renders (a task's notes). */
export const richText = (name: string, label: string, group: string, extra?: Extra): PropertyDefinition =>
  base(name, label, "string", "html", group, extra);
export const phone = (name: string, label: string, group: string): PropertyDefinition =>
  base(name, label, "string", "phonenumber", group);
export const num = (name: string, label: string, group: string, extra?: Extra): PropertyDefinition =>
  base(name, label, "number", "number", group, extra);
export const datetime = (name: string, label: string, group: string, extra?: Extra): PropertyDefinition =>
  base(name, label, "datetime", "date", group, extra);
export const bool = (name: string, label: string, group: string, extra?: Extra): PropertyDefinition =>
  base(name, label, "bool", "booleancheckbox", group, extra, [
    { label: "Yes", value: "true", displayOrder: 0, hidden: false },
    { label: "No", value: "false", displayOrder: 1, hidden: false },
  ]);

/** An enumeration from `[value, label]` pairs. */
export function choice(
  name: string,
  label: string,
  group: string,
  options: ReadonlyArray<readonly [string, string]>,
  extra?: Extra,
): PropertyDefinition {
  return base(
    name,
    label,
    "enumeration",
    "select",
    group,
    extra,
    options.map(([value, optionLabel], displayOrder) => ({
      value,
      label: optionLabel,
      displayOrder,
      hidden: false,
    })),
  );
}

/** The owner picker: an enumeration whose options are the portal's owners, not a fixed list. */
export const ownerProperty = (): PropertyDefinition =>
  base("hubspot_owner_id", "Owner", "enumeration", "select", "sales_properties", { external: true });
