// CRM v3 batch endpoints: read, create, update, upsert and archive, at most 100 inputs each. A batch where
// some inputs fail answers 207 Multi-Status with the good results, one error per failed input and
// `numErrors` (https://developers.hubspot.com/docs/api/crm/contacts, batch operations).

import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler } from "../../emulator/server.js";
import { HubspotApiError, notFound } from "../errors.js";
import { type ObjectType, singularOf } from "../object-types.js";
import { type ObjectView, objectView } from "../object-views.js";
import {
  batchArchive,
  batchCreate,
  batchRead,
  batchUpdate,
  batchUpsert,
  parseBody,
} from "../request-schemas.js";
import { createWithAssociations } from "./object-routes.js";
import {
  batchResponse,
  checkBatchSize,
  checkRecordFault,
  type HubspotContext,
  objectTypeParam,
  route,
} from "./route-helpers.js";

interface BatchError {
  status: "error";
  category: string;
  message: string;
  context: Record<string, string[]>;
  errors: Array<{ message: string; code?: string; in?: string; context?: Record<string, string[]> }>;
  links: Record<string, string>;
  id?: string;
}

/** The error for one failed input, naming it by index (`in`), trace id and record id where there is one. */
function inputError(
  err: unknown,
  index: number,
  naming: { id?: string; traceId?: string | undefined },
): BatchError {
  if (!(err instanceof HubspotApiError)) throw err;
  const context: Record<string, string[]> = { ...err.context };
  if (naming.traceId) context.objectWriteTraceId = [naming.traceId];
  if (naming.id) context.ids = [naming.id];
  const details = err.errors?.length ? err.errors : [{ message: err.message }];
  const out: BatchError = {
    status: "error",
    category: err.category,
    message: err.message,
    context,
    errors: details.map((d) => ({ ...d, in: `inputs[${index}]` })),
    links: {},
  };
  if (naming.id) out.id = naming.id;
  return out;
}

export function addBatchRoutes(api: Router<EmulatorHandler>, ctx: HubspotContext): void {
  const { data } = ctx;

  api.add(
    "POST",
    "/crm/v3/objects/:objectType/batch/read",
    route((req) => {
      const startedAt = new Date();
      const type = objectTypeParam(req);
      const body = parseBody(batchRead, req.body);
      checkBatchSize(body.inputs);
      const results: ObjectView[] = [];
      const missing: string[] = [];
      for (const { id } of body.inputs) {
        const found = data.findObject(type, id, body.idProperty);
        if (found) results.push(objectView(data, found, body.properties));
        else missing.push(id);
      }
      // HubSpot reports all missing ids of a batch read in one error.
      const errors: BatchError[] =
        missing.length > 0
          ? [
              {
                status: "error",
                category: "OBJECT_NOT_FOUND",
                message: `Could not get some ${singularOf(type).toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
                context: { ids: missing },
                errors: [],
                links: {},
              },
            ]
          : [];
      return batchResponse(200, startedAt, results, errors);
    }),
  );

  api.add(
    "POST",
    "/crm/v3/objects/:objectType/batch/create",
    route((req) => {
      const startedAt = new Date();
      const type = objectTypeParam(req);
      const body = parseBody(batchCreate, req.body);
      checkBatchSize(body.inputs);
      const results: ObjectView[] = [];
      const errors: BatchError[] = [];
      body.inputs.forEach((input, i) => {
        try {
          results.push(
            objectView(data, createWithAssociations(ctx, type, input), Object.keys(input.properties)),
          );
        } catch (err) {
          errors.push(inputError(err, i, { traceId: input.objectWriteTraceId }));
        }
      });
      return batchResponse(201, startedAt, results, errors);
    }),
  );

  api.add(
    "POST",
    "/crm/v3/objects/:objectType/batch/update",
    route((req) => {
      const startedAt = new Date();
      const type = objectTypeParam(req);
      const body = parseBody(batchUpdate, req.body);
      checkBatchSize(body.inputs);
      const results: ObjectView[] = [];
      const errors: BatchError[] = [];
      body.inputs.forEach((input, i) => {
        try {
          const record = data.findObject(type, input.id, input.idProperty);
          if (!record) throw notFound(`No ${singularOf(type)} with id ${input.id}`);
          checkRecordFault(ctx, type, input.properties);
          const updated = data.updateFromApi(type, record.id, input.properties);
          results.push(objectView(data, updated, Object.keys(input.properties)));
        } catch (err) {
          errors.push(inputError(err, i, { id: input.id, traceId: input.objectWriteTraceId }));
        }
      });
      return batchResponse(200, startedAt, results, errors);
    }),
  );

  api.add(
    "POST",
    "/crm/v3/objects/:objectType/batch/upsert",
    route((req) => {
      const startedAt = new Date();
      const type = objectTypeParam(req);
      const body = parseBody(batchUpsert, req.body);
      checkBatchSize(body.inputs);
      const results: Array<ObjectView & { new: boolean }> = [];
      const errors: BatchError[] = [];
      body.inputs.forEach((input, i) => {
        try {
          results.push(upsertOne(ctx, type, input));
        } catch (err) {
          errors.push(inputError(err, i, { id: input.id, traceId: input.objectWriteTraceId }));
        }
      });
      return batchResponse(200, startedAt, results, errors);
    }),
  );

  api.add(
    "POST",
    "/crm/v3/objects/:objectType/batch/archive",
    route((req) => {
      const type = objectTypeParam(req);
      const body = parseBody(batchArchive, req.body);
      checkBatchSize(body.inputs);
      for (const { id } of body.inputs) if (data.getObject(type, id)) data.archiveObject(type, id);
      return { status: 204 };
    }),
  );
}

/** Updates the record whose `idProperty` has the input id, or creates it with that value. */
function upsertOne(
  ctx: HubspotContext,
  type: ObjectType,
  input: {
    id: string;
    idProperty?: string | undefined;
    properties: Record<string, string | number | boolean | null>;
  },
): ObjectView & { new: boolean } {
  const idProperty = input.idProperty ?? "hs_object_id";
  const existing = ctx.data.findObject(type, input.id, idProperty);
  checkRecordFault(ctx, type, input.properties);
  // The result carries the written properties and the idProperty the record was matched on.
  const names = [...Object.keys(input.properties), idProperty];
  if (existing) {
    const updated = ctx.data.updateFromApi(type, existing.id, input.properties);
    return { ...objectView(ctx.data, updated, names), new: false };
  }
  if (idProperty === "hs_object_id") throw notFound(`No ${singularOf(type)} with id ${input.id}`);
  const created = ctx.data.createFromApi(type, { ...input.properties, [idProperty]: input.id });
  return { ...objectView(ctx.data, created, names), new: true };
}
