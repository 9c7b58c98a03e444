// CRM v3 properties: list, read one and create a custom property
// (https://developers.hubspot.com/docs/api/crm/properties); the batch create is property-batch-routes.ts.

import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler } from "../../emulator/server.js";
import { HubspotApiError } from "../errors.js";
import { singularOf } from "../object-types.js";
import { checkedPropertyCreate } from "../property-create-rules.js";
import { type HubspotContext, objectTypeParam, route } from "./route-helpers.js";

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
      const definition = checkedPropertyCreate(data, ctx.propertyGroups, type, req.body);
      return { status: 201, body: data.createProperty(type, definition) };
    }),
  );
}
