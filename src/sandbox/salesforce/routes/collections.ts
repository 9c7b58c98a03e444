// sObject Collections (REST API Developer Guide, "sObject Collections" create/update/upsert/delete/
// retrieve): up to 200 records a call, one save result per record in request order, and `allOrNone`,
// under which one failure rolls back the call and the other records report ALL_OR_NONE_OPERATION_ROLLED_BACK.
import { z } from "zod";
import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler, EmulatorRequest } from "../../emulator/server.js";
import { recordBody } from "../describe.js";
import { type RecordError, RecordSaveError, recordError, SalesforceApiError } from "../errors.js";
import { normaliseId } from "../ids.js";
import { findField, type SObjectSchema } from "../schema.js";
import { allowDuplicateSave, apiVersion, DATA, handle, json, type SalesforceContext } from "./context.js";
import { externalIdField } from "./sobjects.js";

const MAX_RECORDS = 200;

const collectionRecord = z
  .object({ attributes: z.object({ type: z.string() }).loose().optional() })
  .catchall(z.unknown());
const collectionBody = z.object({
  allOrNone: z.boolean().default(false),
  records: z.array(collectionRecord),
});
const retrieveBody = z.object({ ids: z.array(z.string()), fields: z.array(z.string()) });

interface SaveResult {
  id: string | null;
  success: boolean;
  errors: RecordError[];
  created?: boolean;
}

const ROLLED_BACK = recordError(
  "ALL_OR_NONE_OPERATION_ROLLED_BACK",
  "Record rolled back because not all records were valid and the request was using AllOrNone header",
  [],
);

export function addCollectionRoutes(router: Router<EmulatorHandler>, ctx: SalesforceContext): void {
  const schemaNamed = (type: string | undefined): SObjectSchema => {
    const schema = type ? ctx.data.store.schema(type) : undefined;
    if (!schema) {
      throw new SalesforceApiError(400, "INVALID_TYPE", `sObject type '${type ?? ""}' is not supported.`);
    }
    return schema;
  };

  /** Runs one save per record; under allOrNone a failure restores the store as it was before the call. */
  const saveAll = (
    allOrNone: boolean,
    count: number,
    save: (index: number) => Omit<SaveResult, "errors" | "success">,
  ): SaveResult[] => {
    if (count > MAX_RECORDS) {
      throw new SalesforceApiError(
        400,
        "EXCEEDED_ID_LIMIT",
        `record limit reached. cannot submit more than ${MAX_RECORDS} records into this call`,
      );
    }
    const restore = allOrNone ? ctx.data.store.snapshot() : undefined;
    const results: SaveResult[] = [];
    for (let i = 0; i < count; i++) {
      try {
        results.push({ ...save(i), success: true, errors: [] });
      } catch (err) {
        if (!(err instanceof RecordSaveError)) {
          restore?.();
          throw err;
        }
        results.push({ id: null, success: false, errors: err.errors });
      }
    }
    if (restore && results.some((r) => !r.success)) {
      restore();
      return results.map((r) => (r.success ? { id: null, success: false, errors: [ROLLED_BACK] } : r));
    }
    if (restore) ctx.data.store.commit();
    return results;
  };

  const parseCollection = (req: EmulatorRequest) => {
    apiVersion(req);
    const body = collectionBody.parse(req.body ?? {});
    return { ...body, options: { allowDuplicateSave: allowDuplicateSave(req) } };
  };

  const typeOf = (record: z.infer<typeof collectionRecord>, fallback?: string): string => {
    const type = record.attributes?.type ?? fallback;
    if (!type)
      throw new SalesforceApiError(
        400,
        "INVALID_TYPE",
        "sObject type is missing from the record's attributes",
      );
    return type;
  };

  const fieldsOf = (record: z.infer<typeof collectionRecord>): Record<string, unknown> => {
    const { attributes: _attributes, ...fields } = record;
    return fields;
  };

  const retrieve = (req: EmulatorRequest, ids: string[], fields: string[], max: number) => {
    const version = apiVersion(req);
    const schema = schemaNamed(req.params.type);
    if (ids.length > max) {
      throw new SalesforceApiError(
        400,
        "EXCEEDED_ID_LIMIT",
        `record limit reached. cannot submit more than ${max} records into this call`,
      );
    }
    for (const name of fields) {
      if (!findField(schema, name)) {
        throw new SalesforceApiError(
          400,
          "INVALID_FIELD",
          `No such column '${name}' on entity '${schema.name}'.`,
        );
      }
    }
    // Ids that do not name a live record come back as null in their place.
    return json(
      200,
      ids.map((raw) => {
        const id = normaliseId(raw);
        const record = id ? ctx.data.store.get(schema.name, id) : undefined;
        return record && record.IsDeleted !== true ? recordBody(schema, record, version, fields) : null;
      }),
    );
  };

  router
    .add(
      "POST",
      `${DATA}/composite/sobjects`,
      handle((req) => {
        const { allOrNone, records, options } = parseCollection(req);
        for (const r of records) {
          if ("Id" in r && r.Id)
            throw new SalesforceApiError(400, "INVALID_FIELD", "cannot specify Id in an insert call");
          schemaNamed(typeOf(r));
        }
        const results = saveAll(allOrNone, records.length, (i) => {
          const r = records[i]!;
          return { id: ctx.data.writer.create(typeOf(r), fieldsOf(r), options) };
        });
        return json(200, results);
      }),
    )
    .add(
      "PATCH",
      `${DATA}/composite/sobjects`,
      handle((req) => {
        const { allOrNone, records, options } = parseCollection(req);
        for (const r of records) schemaNamed(typeOf(r));
        const results = saveAll(allOrNone, records.length, (i) => {
          const r = records[i]!;
          const schema = schemaNamed(typeOf(r));
          const id = typeof r.id === "string" ? r.id : typeof r.Id === "string" ? r.Id : "";
          const { id: _lower, Id: _upper, ...fields } = fieldsOf(r);
          const existing = ctx.data.writer.existing(schema, id);
          ctx.data.writer.update(schema.name, String(existing.Id), fields, options);
          return { id: String(existing.Id) };
        });
        return json(200, results);
      }),
    )
    .add(
      "DELETE",
      `${DATA}/composite/sobjects`,
      handle((req) => {
        apiVersion(req);
        const ids = (req.query.get("ids") ?? "").split(",").filter((s) => s.length > 0);
        const allOrNone = req.query.get("allOrNone") === "true";
        const results = saveAll(allOrNone, ids.length, (i) => {
          const raw = ids[i]!;
          const id = normaliseId(raw);
          const found = id ? ctx.data.store.find(id) : undefined;
          if (!found)
            throw new RecordSaveError([
              recordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", []),
            ]);
          if (found.record.IsDeleted === true)
            throw new RecordSaveError([recordError("ENTITY_IS_DELETED", "entity is deleted", [])]);
          ctx.data.writer.delete(found.schema.name, String(found.record.Id));
          return { id: String(found.record.Id) };
        });
        return json(200, results);
      }),
    )
    .add(
      "GET",
      `${DATA}/composite/sobjects/:type`,
      handle((req) => {
        const ids = (req.query.get("ids") ?? "").split(",").filter((s) => s.length > 0);
        const fields = (req.query.get("fields") ?? "").split(",").filter((s) => s.length > 0);
        if (fields.length === 0)
          throw new SalesforceApiError(400, "MALFORMED_QUERY", "fields parameter is required");
        return retrieve(req, ids, fields, 800);
      }),
    )
    .add(
      "POST",
      `${DATA}/composite/sobjects/:type`,
      handle((req) => {
        const { ids, fields } = retrieveBody.parse(req.body ?? {});
        return retrieve(req, ids, fields, 2000);
      }),
    )
    .add(
      "PATCH",
      `${DATA}/composite/sobjects/:type/:field`,
      handle((req) => {
        const { allOrNone, records, options } = parseCollection(req);
        const schema = schemaNamed(req.params.type);
        const idField = externalIdField(schema, req.params.field ?? "");
        // "Each object in the request body must contain an attributes map. The map must contain a value
        // for type", and "The list can contain objects only of the type indicated in the request URI"; a
        // request that is not well formed is a 400 (Upsert Records Using sObject Collections:
        // https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-upsert.html).
        for (const r of records) {
          if (schemaNamed(typeOf(r)).name !== schema.name) {
            throw new SalesforceApiError(
              400,
              "INVALID_TYPE",
              `The records of an upsert on ${schema.name} must all be of type ${schema.name}, not ${typeOf(r)}`,
            );
          }
        }
        const results = saveAll(allOrNone, records.length, (i) => {
          const r = records[i]!;
          const fields = fieldsOf(r);
          const key = Object.entries(fields).find(([k]) => k.toLowerCase() === idField.toLowerCase())?.[1];
          if (key === undefined || key === null || key === "") {
            throw new RecordSaveError([
              recordError("MISSING_ARGUMENT", `${idField} not specified`, [idField]),
            ]);
          }
          const match = ctx.data.store.findBy(schema.name, idField, key)[0];
          if (match) {
            ctx.data.writer.update(schema.name, String(match.Id), fields, options);
            return { id: String(match.Id), created: false };
          }
          return { id: ctx.data.writer.create(schema.name, fields, options), created: true };
        });
        // Upsert results carry `created`; a failed record has none to report.
        return json(
          200,
          results.map((r) => (r.success ? r : { id: r.id, success: r.success, errors: r.errors })),
        );
      }),
    );
}
