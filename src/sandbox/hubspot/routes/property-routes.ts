// CRM v3 properties: list, read one and create a custom property
// (https://developers.hubspot.com/docs/api/crm/properties).

import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler } from "../../emulator/server.js";
import { HubspotApiError } from "../errors.js";
import { singularOf } from "../object-types.js";
import type { PropertyType } from "../property-definitions.js";
import { parseBody, propertyCreate } from "../request-schemas.js";
import { type HubspotContext, objectTypeParam, route } from "./route-helpers.js";

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

export function addPropertyRoutes(api: Router<EmulatorHandler>, ctx: HubspotContext): void {
  const { data } = ctx;

  api.add(
    "GET",
    "/crm/v3/properties/:objectType",
    route((req) => {
      // A property made within the lag is not listed yet (emulator.ts `propertyListLagMs`), though a create
      // of its name already answers 409.
      const shownBefore = data.now().getTime() - ctx.propertyListLagMs;
      const results = data.listProperties(objectTypeParam(req)).filter((p) => Date.parse(p.createdAt) <= shownBefore);
      return { status: 200, body: { results } };
    }),
  );

  api.add(
    "GET",
    "/crm/v3/properties/:objectType/:propertyName",
    route((req) => {
      const type = objectTypeParam(req);
      const name = req.params.propertyName ?? "";
      const property = data.getProperty(type, name);
      if (!property) {
        throw new HubspotApiError(
          404,
          "OBJECT_NOT_FOUND",
          `Unable to find property named '${name}' on object type '${singularOf(type)}'`,
          { propertyName: [name] },
        );
      }
      return { status: 200, body: property };
    }),
  );

  api.add(
    "POST",
    "/crm/v3/properties/:objectType",
    route((req) => {
      const type = objectTypeParam(req);
      const definition = parseBody(propertyCreate, req.body);
      // A property goes in one of the object's property groups: `groupName` is required, "the name of the
      // property group the property belongs to" (properties API reference), and integrations that make
      // properties in a group of their own create the group first. Whether HubSpot refuses a group that
      // does not exist is not said, so the emulator does (its wording), unless told `propertyGroups: "unchecked"`.
      if (ctx.propertyGroups === "checked" && !data.listProperties(type).some((p) => p.groupName === definition.groupName)) {
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
      return { status: 201, body: data.createProperty(type, definition) };
    }),
  );
}
