// Associations v4: create a default association, list a record's associations, and the batch read and
// batch default-associate endpoints (https://developers.hubspot.com/docs/api/crm/associations/associations-v4).

import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler } from "../../emulator/server.js";
import type { AssociationTypeSpec } from "../association-types.js";
import { HubspotApiError } from "../errors.js";
import type { AssociationLink } from "../hubspot-data.js";
import { singularOf } from "../object-types.js";
import { associationBatchDefault, associationBatchRead, parseBody } from "../request-schemas.js";
import {
  ASSOCIATION_READ_LIMIT,
  batchResponse,
  checkBatchSize,
  type HubspotContext,
  intParam,
  objectTypeParam,
  route,
} from "./route-helpers.js";

const LIST_PAGE_MAX = 500;
/**
 * A batch read answers each input's associations a page at a time: "The 'after' field in a returned paging
 * object can be added alongside the 'id' to retrieve the next page of associations from that objectId ...
 * The 'paging' field will only be present if there are more pages" (associations v4 reference, batch read:
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/associations/associate-records/batch/get-associations).
 * The page size is not documented; the v3 batch read was seen answering 100 a record with a paging cursor
 * (HubSpot/hubspot-api-python #135), the stricter of the sizes reported, so 100 it is.
 */
export const ASSOCIATION_BATCH_PAGE = 100;

function typeView(spec: AssociationTypeSpec): Record<string, unknown> {
  return { category: "HUBSPOT_DEFINED", typeId: spec.typeId, label: spec.primary ? "Primary" : null };
}

function linkView(link: AssociationLink): Record<string, unknown> {
  // An int64 JSON number: past 2^53 a bigint, which the server writes as its exact digits (server.ts).
  const id = Number(link.toId);
  return { toObjectId: Number.isSafeInteger(id) ? id : BigInt(link.toId), associationTypes: link.types.map(typeView) };
}

function specView(spec: AssociationTypeSpec): Record<string, unknown> {
  return { associationCategory: "HUBSPOT_DEFINED", associationTypeId: spec.typeId };
}

export function addAssociationRoutes(api: Router<EmulatorHandler>, ctx: HubspotContext): void {
  const { data } = ctx;

  api.add(
    "PUT",
    "/crm/v4/objects/:fromObjectType/:fromObjectId/associations/default/:toObjectType/:toObjectId",
    route((req) => {
      const startedAt = new Date();
      const fromType = objectTypeParam(req, "fromObjectType");
      const toType = objectTypeParam(req, "toObjectType");
      const fromId = req.params.fromObjectId ?? "";
      const toId = req.params.toObjectId ?? "";
      const spec = data.associate(fromType, fromId, toType, toId);
      return batchResponse(
        200,
        startedAt,
        [{ from: { id: fromId }, to: { id: toId }, associationSpec: specView(spec) }],
        [],
      );
    }),
  );

  api.add(
    "GET",
    "/crm/v4/objects/:fromObjectType/:objectId/associations/:toObjectType",
    route((req) => {
      const fromType = objectTypeParam(req, "fromObjectType");
      const toType = objectTypeParam(req, "toObjectType");
      const limit = Math.min(intParam(req.query, "limit", LIST_PAGE_MAX), LIST_PAGE_MAX);
      const offset = intParam(req.query, "after", 0);
      const links = data.associationsOf(fromType, req.params.objectId ?? "", toType);
      const body: Record<string, unknown> = { results: links.slice(offset, offset + limit).map(linkView) };
      if (offset + limit < links.length) body.paging = { next: { after: String(offset + limit) } };
      return { status: 200, body };
    }),
  );

  api.add(
    "POST",
    "/crm/v4/associations/:fromObjectType/:toObjectType/batch/read",
    route((req) => {
      const startedAt = new Date();
      const fromType = objectTypeParam(req, "fromObjectType");
      const toType = objectTypeParam(req, "toObjectType");
      const body = parseBody(associationBatchRead, req.body);
      checkBatchSize(body.inputs, ASSOCIATION_READ_LIMIT);
      const results: unknown[] = [];
      const errors: unknown[] = [];
      for (const { id, after } of body.inputs) {
        const offset = after === undefined ? 0 : Number(after);
        if (!Number.isInteger(offset) || offset < 0) {
          throw new HubspotApiError(400, "VALIDATION_ERROR", `Invalid after for ${id}: ${after}`, { after: [String(after)] });
        }
        const links = data.associationsOf(fromType, id, toType);
        if (links.length > offset) {
          const result: Record<string, unknown> = { from: { id }, to: links.slice(offset, offset + ASSOCIATION_BATCH_PAGE).map(linkView) };
          if (offset + ASSOCIATION_BATCH_PAGE < links.length) result.paging = { next: { after: String(offset + ASSOCIATION_BATCH_PAGE) } };
          results.push(result);
        } else {
          // HubSpot reports an input without associations as an error of the batch.
          errors.push({
            status: "error",
            category: "OBJECT_NOT_FOUND",
            subCategory: "crm.associations.NO_ASSOCIATIONS_FOUND",
            message: `No ${singularOf(toType)} is associated with ${singularOf(fromType)} ${id}.`,
            context: { fromObjectId: [id] },
            errors: [],
            links: {},
          });
        }
      }
      return batchResponse(200, startedAt, results, errors);
    }),
  );

  api.add(
    "POST",
    "/crm/v4/associations/:fromObjectType/:toObjectType/batch/associate/default",
    route((req) => {
      const startedAt = new Date();
      const fromType = objectTypeParam(req, "fromObjectType");
      const toType = objectTypeParam(req, "toObjectType");
      const body = parseBody(associationBatchDefault, req.body);
      checkBatchSize(body.inputs);
      const results: unknown[] = [];
      const errors: unknown[] = [];
      for (const input of body.inputs) {
        try {
          const spec = data.associate(fromType, input.from.id, toType, input.to.id);
          results.push({ from: input.from, to: input.to, associationSpec: specView(spec) });
        } catch (err) {
          if (!(err instanceof HubspotApiError)) throw err;
          errors.push({
            status: "error",
            category: err.category,
            message: err.message,
            context: { fromObjectId: [input.from.id], toObjectId: [input.to.id] },
            errors: [],
            links: {},
          });
        }
      }
      return batchResponse(200, startedAt, results, errors);
    }),
  );
}
