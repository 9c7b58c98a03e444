// Single-record CRM v3 endpoints: list, read (by id or idProperty), create, update, archive, contact
// merge and a contact's permanent (GDPR) delete, after https://developers.hubspot.com/docs/api/crm/contacts (same shape for every object type).

import type { z } from "zod";
import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler, EmulatorRequest } from "../../emulator/server.js";
import { associationType } from "../association-types.js";
import { HubspotApiError, notFound } from "../errors.js";
import type { HubspotObject } from "../hubspot-data.js";
import type { ObjectType } from "../object-types.js";
import { associationTypesParam, listParam, objectView } from "../object-views.js";
import { canonicalId } from "../record-ids.js";
import {
  type createAssociations,
  createInput,
  gdprDeleteRequest,
  mergeRequest,
  parseBody,
  updateInput,
} from "../request-schemas.js";
import { checkRecordFault, type HubspotContext, intParam, objectTypeParam, route } from "./route-helpers.js";

const LIST_PAGE_MAX = 100;

export function addObjectRoutes(api: Router<EmulatorHandler>, ctx: HubspotContext): void {
  const { data } = ctx;

  for (const type of ["contacts", "companies"] as const) {
    api.add(
      "POST",
      `/crm/v3/objects/${type}/merge`,
      route((req) => {
        const body = parseBody(mergeRequest, req.body);
        const merged =
          type === "contacts"
            ? data.mergeContacts(body.primaryObjectId, body.objectIdToMerge)
            : data.mergeCompanies(body.primaryObjectId, body.objectIdToMerge);
        return { status: 200, body: objectView(data, merged) };
      }),
    );
  }

  api.add(
    "POST",
    "/crm/v3/objects/contacts/gdpr-delete",
    route((req) => {
      const body = parseBody(gdprDeleteRequest, req.body);
      if (!data.gdprDeleteContact(body.objectId, body.idProperty)) throw notFound();
      return { status: 204 };
    }),
  );

  api.add(
    "GET",
    "/crm/v3/objects/:objectType",
    route((req) => {
      const type = objectTypeParam(req);
      // HubSpot caps list pages at 100 rather than refusing a bigger limit.
      const limit = Math.min(intParam(req.query, "limit", 10), LIST_PAGE_MAX);
      const after = req.query.get("after");
      const archived = req.query.get("archived") === "true";
      // `after` is the id of the first record of the next page, so paging is stable under inserts.
      const from = after ? canonicalId(after) : undefined;
      const start = after && from === undefined ? [] : data.recordPage(type, archived, from, limit + 1);
      const page = start.slice(0, limit);
      const properties = listParam(req.query, "properties");
      const associations = associationTypesParam(req.query);
      const body: Record<string, unknown> = {
        results: page.map((r) => objectView(data, r, properties, associations)),
      };
      const next = start[limit];
      if (next) {
        body.paging = {
          next: { after: next.id, link: `/crm/v3/objects/${type}?after=${next.id}&limit=${limit}` },
        };
      }
      return { status: 200, body };
    }),
  );

  api.add(
    "GET",
    "/crm/v3/objects/:objectType/:objectId",
    route((req) => {
      const type = objectTypeParam(req);
      const record = data.findStoredObject(
        type,
        req.params.objectId ?? "",
        req.query.get("idProperty") ?? undefined,
        req.query.get("archived") === "true",
      );
      if (!record) throw notFound();
      return {
        status: 200,
        body: objectView(data, record, listParam(req.query, "properties"), associationTypesParam(req.query)),
      };
    }),
  );

  api.add(
    "POST",
    "/crm/v3/objects/:objectType",
    route((req) => {
      const type = objectTypeParam(req);
      const input = parseBody(createInput, req.body);
      const created = createWithAssociations(ctx, req, type, input);
      return { status: 201, body: objectView(data, created) };
    }),
  );

  api.add(
    "PATCH",
    "/crm/v3/objects/:objectType/:objectId",
    route((req) => {
      const type = objectTypeParam(req);
      const input = parseBody(updateInput, req.body);
      const record = data.findObject(
        type,
        req.params.objectId ?? "",
        req.query.get("idProperty") ?? undefined,
      );
      if (!record) throw notFound("resource not found");
      checkRecordFault(ctx, req, type, input.properties);
      const updated = data.updateFromApi(type, record.id, input.properties);
      return { status: 200, body: objectView(data, updated, Object.keys(input.properties)) };
    }),
  );

  api.add(
    "DELETE",
    "/crm/v3/objects/:objectType/:objectId",
    route((req) => {
      const type = objectTypeParam(req);
      // Archiving a record that is already gone still answers 204, as HubSpot does.
      if (data.getObject(type, req.params.objectId ?? ""))
        data.archiveObject(type, req.params.objectId ?? "");
      return { status: 204 };
    }),
  );
}

/**
 * Creates one record and the associations given with it (v3 `associations` on create). Associations are
 * checked before the record is written so a bad one fails the create without leaving a record behind.
 */
export function createWithAssociations(
  ctx: HubspotContext,
  req: EmulatorRequest,
  type: ObjectType,
  input: z.infer<typeof createInput>,
): HubspotObject {
  const links = planAssociations(ctx, type, input.associations ?? []);
  checkRecordFault(ctx, req, type, input.properties);
  const created = ctx.data.createFromApi(type, input.properties);
  for (const link of links) ctx.data.associateWithType(type, created.id, link.toType, link.toId, link.typeId);
  return created;
}

export function planAssociations(
  ctx: HubspotContext,
  type: ObjectType,
  associations: z.infer<typeof createAssociations>,
): Array<{ toType: ObjectType; toId: string; typeId: number }> {
  return associations.flatMap((a) =>
    a.types.map((t) => {
      const spec = associationType(t.associationTypeId);
      if (!spec || spec.from !== type) {
        throw new HubspotApiError(
          400,
          "VALIDATION_ERROR",
          `${t.associationTypeId} is not a valid association type id from ${type}`,
          { associationTypeId: [String(t.associationTypeId)] },
        );
      }
      if (!ctx.data.getObject(spec.to, a.to.id)) {
        throw new HubspotApiError(400, "VALIDATION_ERROR", `No ${spec.to} with id ${a.to.id} to associate`, {
          toObjectId: [a.to.id],
        });
      }
      return { toType: spec.to, toId: a.to.id, typeId: spec.typeId };
    }),
  );
}
