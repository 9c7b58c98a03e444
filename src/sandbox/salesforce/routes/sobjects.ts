// The sObject resources (REST API Developer Guide: "Versions", "Resources by Version", "Limits",
// "Describe Global", "sObject Basic Information", "sObject Describe", "sObject Rows", "sObject Rows by
// External ID", "sObject Get Updated", "sObject Get Deleted").
import { z } from "zod";
import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler, EmulatorRequest } from "../../emulator/server.js";
import { basicInfo, describeGlobal, describeSObject, recordBody } from "../describe.js";
import { notFound, SalesforceApiError } from "../errors.js";
import { normaliseId } from "../ids.js";
import { RECYCLE_BIN_DAYS } from "../record-writer.js";
import { findField, type SObjectSchema } from "../schema.js";
import { formatDateTime, parseDateTime } from "../values.js";
import {
  allowDuplicateSave,
  apiVersion,
  DATA,
  handle,
  json,
  MAX_VERSION,
  MIN_VERSION,
  type SalesforceContext,
} from "./context.js";

const recordBodySchema = z.record(z.string(), z.unknown());
const DAY_MS = 86_400_000;
/** How far back getDeleted's start may be. */
const GET_DELETED_REACH_DAYS = 30;

export function addSObjectRoutes(router: Router<EmulatorHandler>, ctx: SalesforceContext): void {
  const schemaOf = (req: EmulatorRequest): SObjectSchema => {
    const schema = ctx.data.store.schema(req.params.type ?? "");
    if (!schema) throw notFound();
    return schema;
  };

  const liveRecord = (schema: SObjectSchema, rawId: string) => {
    const id = normaliseId(rawId);
    const record = id ? ctx.data.store.get(schema.name, id) : undefined;
    if (!record) throw notFound();
    if (record.IsDeleted === true)
      throw new SalesforceApiError(404, "ENTITY_IS_DELETED", "entity is deleted");
    return record;
  };

  const fieldList = (schema: SObjectSchema, req: EmulatorRequest): string[] | undefined => {
    const raw = req.query.get("fields");
    if (!raw) return undefined;
    const names = raw
      .split(",")
      .map((n) => n.trim())
      .filter((n) => n.length > 0);
    for (const name of names) {
      if (!findField(schema, name)) {
        throw new SalesforceApiError(
          400,
          "INVALID_FIELD",
          `No such column '${name}' on entity '${schema.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
        );
      }
    }
    return names;
  };

  const replicationWindow = (req: EmulatorRequest): [number, number] => {
    const start = parseDateTime(req.query.get("start") ?? "");
    const end = parseDateTime(req.query.get("end") ?? "");
    if (Number.isNaN(start) || Number.isNaN(end)) {
      throw new SalesforceApiError(
        400,
        "INVALID_REPLICATION_DATE",
        "start and end must be valid dateTime values",
      );
    }
    // Seconds are ignored (the window runs from minute to minute), and a window must span more than a
    // minute (REST API Developer Guide, "sObject Get Updated" / "sObject Get Deleted").
    const [from, to] = [start, end].map((t) => Math.floor(t / 60_000) * 60_000) as [number, number];
    if (to - from <= 60_000) {
      throw new SalesforceApiError(
        400,
        "INVALID_REPLICATION_DATE",
        "startDate must chronologically precede endDate by more than one minute",
      );
    }
    return [from, to];
  };

  // A window listing more ids than the limit is refused whole: "You can correct the error by choosing start
  // and end dates that are closer together" ("sObject Get Updated", "sObject Get Deleted").
  const withinIdLimit = <T>(ids: readonly T[]): readonly T[] => {
    const limit = ctx.data.replicationIdLimit;
    if (ids.length <= limit) return ids;
    throw new SalesforceApiError(
      400,
      "EXCEEDED_ID_LIMIT",
      `More than ${limit} ids were found; choose start and end dates that are closer together`,
    );
  };

  // Salesforce reports replication coverage to the minute, never past now nor an open transaction's start.
  const latestCovered = (end: number) => formatDateTime(Math.floor(ctx.data.coveredUntil(end) / 60_000) * 60_000);

  router
    .add(
      "GET",
      "/services/data",
      handle(() => {
        const versions = [];
        for (let v = MIN_VERSION; v <= MAX_VERSION; v++) {
          versions.push({ label: `Release ${v}`, url: `/services/data/v${v}.0`, version: `${v}.0` });
        }
        return json(200, versions);
      }),
    )
    .add(
      "GET",
      DATA,
      handle((req) => {
        const base = `/services/data/v${apiVersion(req)}`;
        const names = ["sobjects", "query", "queryAll", "limits", "composite"];
        return json(200, Object.fromEntries(names.map((n) => [n, `${base}/${n}`])));
      }),
    )
    .add(
      "GET",
      `${DATA}/limits`,
      handle((req) => {
        apiVersion(req);
        const { used, max } = ctx.usage;
        return json(200, {
          DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) },
          DailyBulkV2QueryFileStorageMB: { Max: 976562, Remaining: 976562 },
          DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
          DataStorageMB: { Max: 5, Remaining: 5 },
        });
      }),
    )
    .add(
      "GET",
      `${DATA}/sobjects`,
      handle((req) => json(200, describeGlobal(ctx.data.store.schemas.values(), apiVersion(req)))),
    )
    .add(
      "GET",
      `${DATA}/sobjects/:type`,
      handle((req) => json(200, basicInfo(schemaOf(req), apiVersion(req)))),
    )
    .add(
      "GET",
      `${DATA}/sobjects/:type/describe`,
      handle((req) => json(200, describeSObject(schemaOf(req), apiVersion(req)))),
    )
    .add(
      "GET",
      `${DATA}/sobjects/:type/updated`,
      handle((req) => {
        apiVersion(req);
        const schema = schemaOf(req);
        const [start, end] = replicationWindow(req);
        const modstamp = findField(schema, "SystemModstamp");
        const ids = modstamp
          ? ctx.data.store
              .inCreationOrder(schema.name, ctx.data.store.rangeIds(schema.name, modstamp, start, end - 1))
              .filter((r) => r.IsDeleted !== true)
              .map((r) => String(r.Id))
          : [];
        return json(200, { ids: withinIdLimit(ids), latestDateCovered: latestCovered(end) });
      }),
    )
    .add(
      "GET",
      `${DATA}/sobjects/:type/deleted`,
      handle((req) => {
        apiVersion(req);
        const schema = schemaOf(req);
        const [start, end] = replicationWindow(req);
        const now = ctx.data.writer.now().getTime();
        // The start may reach back 30 days at most; deletions are answered for 15 days before the day
        // of the call (SOAP API Developer Guide, "getDeleted()", Rules and Guidelines; REST API
        // Developer Guide, "sObject Get Deleted").
        if (start < now - GET_DELETED_REACH_DAYS * DAY_MS) {
          throw new SalesforceApiError(
            400,
            "INVALID_REPLICATION_DATE",
            `startDate cannot be more than ${GET_DELETED_REACH_DAYS} days ago`,
          );
        }
        const kept = Math.floor(now / DAY_MS) * DAY_MS - RECYCLE_BIN_DAYS * DAY_MS;
        const all = ctx.data.store.deletions.filter((d) => d.type === schema.name);
        // Fewer "if an administrator has purged the Recycle Bin" ("sObject Get Deleted"): by default an
        // emptied record is no longer listed.
        const listed = ctx.data.emptiedDeletions === "listed" ? all : all.filter((d) => !d.emptied);
        const inWindow = listed.filter((d) => d.deletedDate >= Math.max(start, kept) && d.deletedDate < end);
        const earliest = Math.min(ctx.data.writer.now().getTime(), ...all.map((d) => d.deletedDate));
        return json(200, {
          deletedRecords: withinIdLimit(inWindow).map((d) => ({ id: d.id, deletedDate: formatDateTime(d.deletedDate) })),
          earliestDateAvailable: formatDateTime(Math.floor(earliest / 60_000) * 60_000),
          latestDateCovered: latestCovered(end),
        });
      }),
    )
    .add(
      "POST",
      `${DATA}/sobjects/:type`,
      handle((req) => {
        apiVersion(req);
        const schema = schemaOf(req);
        const fields = recordBodySchema.parse(req.body ?? {});
        const id = ctx.data.writer.create(schema.name, fields, {
          allowDuplicateSave: allowDuplicateSave(req),
        });
        return json(201, { id, success: true, errors: [] });
      }),
    )
    .add(
      "GET",
      `${DATA}/sobjects/:type/:id`,
      handle((req) => {
        const version = apiVersion(req);
        const schema = schemaOf(req);
        const fields = fieldList(schema, req);
        return json(200, recordBody(schema, liveRecord(schema, req.params.id ?? ""), version, fields));
      }),
    )
    .add(
      "PATCH",
      `${DATA}/sobjects/:type/:id`,
      handle((req) => {
        apiVersion(req);
        const schema = schemaOf(req);
        const record = liveRecord(schema, req.params.id ?? "");
        const fields = recordBodySchema.parse(req.body ?? {});
        ctx.data.writer.update(schema.name, String(record.Id), fields, {
          allowDuplicateSave: allowDuplicateSave(req),
        });
        return { status: 204 };
      }),
    )
    .add(
      "DELETE",
      `${DATA}/sobjects/:type/:id`,
      handle((req) => {
        apiVersion(req);
        const schema = schemaOf(req);
        const record = liveRecord(schema, req.params.id ?? "");
        ctx.data.writer.delete(schema.name, String(record.Id));
        return { status: 204 };
      }),
    )
    .add(
      "GET",
      `${DATA}/sobjects/:type/:field/:value`,
      handle((req) => {
        const version = apiVersion(req);
        const schema = schemaOf(req);
        const idField = externalIdField(schema, req.params.field ?? "");
        const matches = ctx.data.store.findBy(schema.name, idField, req.params.value);
        if (matches.length === 0) throw notFound();
        return json(200, recordBody(schema, matches[0]!, version, fieldList(schema, req)));
      }),
    )
    .add(
      "PATCH",
      `${DATA}/sobjects/:type/:field/:value`,
      handle((req) => {
        apiVersion(req);
        const schema = schemaOf(req);
        const idField = externalIdField(schema, req.params.field ?? "");
        const value = req.params.value ?? "";
        const fields = recordBodySchema.parse(req.body ?? {});
        const options = { allowDuplicateSave: allowDuplicateSave(req) };
        const matches = ctx.data.store.findBy(schema.name, idField, value);
        if (matches.length > 1) {
          return json(
            300,
            matches.map((m) => `/services/data/v${apiVersion(req)}/sobjects/${schema.name}/${String(m.Id)}`),
          );
        }
        const match = matches[0];
        if (match) {
          ctx.data.writer.update(schema.name, String(match.Id), fields, options);
          // API 46.0 and later answer an update by upsert with 200 and a body saying created:false.
          return json(200, { id: String(match.Id), success: true, errors: [], created: false });
        }
        if (req.query.get("updateOnly") === "true") throw notFound();
        const id = ctx.data.writer.create(schema.name, { ...fields, [idField]: value }, options);
        return json(201, { id, success: true, errors: [], created: true });
      }),
    );
}

/** The external id field an upsert names; any other field is refused as Salesforce does. */
export function externalIdField(schema: SObjectSchema, name: string): string {
  const f = findField(schema, name);
  if (!f || (!f.externalId && !f.idLookup)) {
    throw new SalesforceApiError(
      404,
      "NOT_FOUND",
      `Provided external ID field does not exist or is not accessible: ${name}`,
    );
  }
  return f.name;
}
