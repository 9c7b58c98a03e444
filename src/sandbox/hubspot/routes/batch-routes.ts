// CRM v3 batch endpoints: read (with property histories: at most 50 inputs), create, update, upsert and
// archive, at most 100 inputs each
// (https://developers.hubspot.com/docs/api/crm/contacts, batch operations). One invalid input refuses
// a whole create or upsert (400, or 409 for a contact whose email exists) and nothing is written, unless
// every input carries an `objectWriteTraceId`: then the good ones are written and the answer is 207
// Multi-Status with one error per failed input, named by its trace id (HubSpot's batch create reference,
// "objectWriteTraceId", and the developer changelog on partial success). An update refuses the whole
// batch for an invalid value or an id given twice, and answers 207 for ids that do not exist.

import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler, EmulatorRequest } from "../../emulator/server.js";
import { HubspotApiError, notFound } from "../errors.js";
import { type ObjectType, singularOf } from "../object-types.js";
import { type ObjectView, objectView, withHistory } from "../object-views.js";
import {
  batchArchive,
  batchCreate,
  batchRead,
  batchUpdate,
  batchUpsert,
  parseBody,
} from "../request-schemas.js";
import { createWithAssociations, planAssociations } from "./object-routes.js";
import {
  batchResponse,
  checkBatchSize,
  checkPassingRefusal,
  checkRecordFault,
  type HubspotContext,
  objectTypeParam,
  route,
} from "./route-helpers.js";

/**
 * A batch read asking for `propertiesWithHistory` takes at most 50 inputs; HubSpot refuses more with the
 * message below (its error answer; the batch read reference documents the field, not the limit).
 */
const HISTORY_BATCH_LIMIT = 50;

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
export function inputError(
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
      const history = body.propertiesWithHistory ?? [];
      if (history.length > 0 && body.inputs.length > HISTORY_BATCH_LIMIT) {
        throw new HubspotApiError(
          400,
          "VALIDATION_ERROR",
          `The maximum number of inputs supported in a batch request for property histories is ${HISTORY_BATCH_LIMIT}. Please reduce the number of items and try again.`,
        );
      }
      // `archived=true` reads only the recycle bin's records (90 days), as the GET by id does ("Whether to
      // return only results that have been archived": the batch read's query parameter); a live id is missing.
      const archived = req.query.get("archived") === "true";
      const results: ObjectView[] = [];
      const missing: string[] = [];
      const refusals = ctx.faults()?.refusedReads(type, body.inputs.map((i) => i.id)) ?? [];
      const refused = new Set(refusals.flatMap((r) => r.ids));
      for (const { id } of body.inputs) {
        if (refused.has(id)) continue;
        const found = data.findStoredObject(type, id, body.idProperty, archived);
        if (!found) missing.push(id);
        else if (history.length > 0) results.push(withHistory(data, found, objectView(data, found, body.properties), history));
        else results.push(objectView(data, found, body.properties));
      }
      // HubSpot reports all missing ids of a batch read in one error.
      const errors: BatchError[] = [
        ...(missing.length > 0
          ? [
              {
                status: "error" as const,
                category: "OBJECT_NOT_FOUND",
                message: `Could not get some ${singularOf(type).toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
                context: { ids: missing },
                errors: [],
                links: {},
              },
            ]
          : []),
        ...refusals.map((r) => ({ status: "error" as const, category: r.category, message: r.message, context: { ids: r.ids }, errors: [], links: {} })),
      ];
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
      if (!body.inputs.every((i) => i.objectWriteTraceId)) {
        refuseUnlessAllValid(body.inputs, (input) => {
          planAssociations(ctx, type, input.associations ?? []);
          checkRecordFault(ctx, req, type, input.properties);
          data.checkWriteFromApi(type, input.properties);
        });
        checkDistinctEmails(type, body.inputs.map((i) => i.properties));
      }
      const results: ObjectView[] = [];
      const errors: BatchError[] = [];
      body.inputs.forEach((input, i) => {
        try {
          checkPassingRefusal(ctx, type, input.properties);
          results.push(
            objectView(data, createWithAssociations(ctx, req, type, input), Object.keys(input.properties)),
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
      checkDistinctIds(body.inputs.map((i) => i.id));
      // Ids that do not exist are errors of their own input (207); an invalid value refuses the batch.
      refuseUnlessAllValid(body.inputs, (input) => {
        const record = data.findStoredObject(type, input.id, input.idProperty);
        if (!record) return;
        checkRecordFault(ctx, req, type, input.properties);
        data.checkWriteFromApi(type, input.properties, record.id);
      });
      const results: ObjectView[] = [];
      const errors: BatchError[] = [];
      body.inputs.forEach((input, i) => {
        try {
          const record = data.findStoredObject(type, input.id, input.idProperty);
          if (!record) throw notFound(`No ${singularOf(type)} with id ${input.id}`);
          checkPassingRefusal(ctx, type, input.properties);
          checkRecordFault(ctx, req, type, input.properties);
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
      checkDistinctIds(body.inputs.map((i) => `${i.idProperty ?? ""}:${i.id}`));
      if (!body.inputs.every((i) => i.objectWriteTraceId)) {
        refuseUnlessAllValid(body.inputs, (input) => {
          const existing = data.findStoredObject(type, input.id, input.idProperty ?? "hs_object_id");
          checkRecordFault(ctx, req, type, input.properties);
          data.checkWriteFromApi(type, input.properties, existing?.id);
        });
      }
      const results: Array<ObjectView & { new: boolean }> = [];
      const errors: BatchError[] = [];
      body.inputs.forEach((input, i) => {
        try {
          checkPassingRefusal(ctx, type, input.properties);
          results.push(upsertOne(ctx, req, type, input));
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

/** Runs `check` on every input and throws the first refusal, so the batch is refused before any write. */
function refuseUnlessAllValid<T>(inputs: readonly T[], check: (input: T) => void): void {
  for (const input of inputs) check(input);
}

function checkDistinctIds(ids: readonly string[]): void {
  const seen = new Set<string>();
  const twice = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
  if (twice.length > 0) {
    throw new HubspotApiError(400, "VALIDATION_ERROR", `Duplicate IDs found in batch input: [${twice.join(", ")}]. IDs must be unique`, {
      ids: twice,
    });
  }
}

/** Two new contacts with one email in one batch: HubSpot would have to make a duplicate, so it refuses. */
function checkDistinctEmails(type: ObjectType, properties: readonly Record<string, unknown>[]): void {
  if (type !== "contacts") return;
  const emails = properties.map((p) => (typeof p.email === "string" ? p.email.trim().toLowerCase() : "")).filter(Boolean);
  const seen = new Set<string>();
  const twice = emails.filter((e) => (seen.has(e) ? true : (seen.add(e), false)));
  if (twice.length > 0) {
    throw new HubspotApiError(409, "CONFLICT", `Contact already exists. Duplicate email in batch input: ${twice[0]}`, {
      email: twice,
    });
  }
}

/** Updates the record whose `idProperty` has the input id, or creates it with that value. */
function upsertOne(
  ctx: HubspotContext,
  req: EmulatorRequest,
  type: ObjectType,
  input: {
    id: string;
    idProperty?: string | undefined;
    properties: Record<string, string | number | boolean | null>;
  },
): ObjectView & { new: boolean } {
  const idProperty = input.idProperty ?? "hs_object_id";
  const existing = ctx.data.findStoredObject(type, input.id, idProperty);
  checkRecordFault(ctx, req, type, input.properties);
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
