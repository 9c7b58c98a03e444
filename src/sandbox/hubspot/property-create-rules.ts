// The rules a property create over the API answers to, one input at a time: the single create
// (POST /crm/v3/properties/{objectType}) and each input of the batch create, which "uses the same rules as
// when creating an individual property" (properties API reference, "Create a batch of properties").
import { HubspotApiError } from "./errors.js";
import type { HubspotData, NewPropertyDefinition } from "./hubspot-data.js";
import { singularOf, type ObjectType } from "./object-types.js";
import type { PropertyType } from "./property-definitions.js";
import { parseBody, propertyCreate } from "./request-schemas.js";

/**
 * The `fieldType` values each `type` takes ("Valid values for type field and compatible fieldType values",
 * properties guide, "Property type and fieldType values"); `phone_number` with `phonenumber` is the
 * emulator's reading (the guide lists that field type under string).
 */
const VALID_FIELD_TYPES: Readonly<Record<PropertyType, readonly string[]>> = {
  bool: ["booleancheckbox", "calculation_equation"],
  enumeration: ["booleancheckbox", "checkbox", "radio", "select", "calculation_equation"],
  date: ["date"],
  datetime: ["date"],
  string: ["text", "textarea", "file", "html", "phonenumber", "calculation_equation"],
  number: ["number", "calculation_equation"],
  phone_number: ["phonenumber"],
};

/**
 * `body` as a property `type` may be given, or the 400 VALIDATION_ERROR HubSpot answers for it. Whether
 * the name is free is the data's check (hubspot-data.ts `createProperty`, 409 OBJECT_ALREADY_EXISTS).
 */
export function checkedPropertyCreate(
  data: HubspotData,
  propertyGroups: "checked" | "unchecked",
  type: ObjectType,
  body: unknown,
): NewPropertyDefinition {
  const definition = parseBody(propertyCreate, body);
  // A property goes in one of the object's property groups: `groupName` is required, "the name of the
  // property group the property belongs to" (properties API reference), and integrations that make
  // properties in a group of their own create the group first. Whether HubSpot refuses a group that
  // does not exist is not said, so the emulator does (its wording), unless told `propertyGroups: "unchecked"`.
  if (propertyGroups === "checked" && !data.listProperties(type).some((p) => p.groupName === definition.groupName)) {
    throw new HubspotApiError(
      400,
      "VALIDATION_ERROR",
      `Property group '${definition.groupName}' does not exist on object type '${singularOf(type)}'`,
      { groupName: [definition.groupName] },
    );
  }
  const fieldTypes = VALID_FIELD_TYPES[definition.type];
  if (!fieldTypes.includes(definition.fieldType)) {
    // The wording is the emulator's: the guide lists the valid pairs, not the refusal's body.
    throw new HubspotApiError(
      400,
      "VALIDATION_ERROR",
      `Invalid fieldType '${definition.fieldType}' for a property of type '${definition.type}'; valid: ${fieldTypes.join(", ")}`,
      { fieldType: [definition.fieldType] },
    );
  }
  if (definition.type === "enumeration" && !definition.options?.length) {
    throw new HubspotApiError(400, "VALIDATION_ERROR", "Enumeration properties must have options", {
      options: [],
    });
  }
  return definition;
}
