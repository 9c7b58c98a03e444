// write via sObject Collections: updates (PATCH composite/sobjects), upserts on an external id (PATCH
// composite/sobjects/{type}/{field}, API 46.0+) and plain creates (POST composite/sobjects), 200 records a
// call with allOrNone false, one outcome per input in input order. A record Salesforce refuses is a failed
// outcome; a call refused as a whole for a data reason is split in halves to find the bad record.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
import { z } from "zod";
import type { Logger } from "../../log/logger.js";
import { SystemError } from "../../sync/system-error.js";
import type { RecordWrite, WriteOutcome } from "../../sync/system-port.js";
import type { SalesforceClient } from "./connection.js";
import type { DescribedObject } from "./describe.js";
import { recordFailure, SYSTEM } from "./errors.js";
import { COLLECTION_MAX_RECORDS } from "./limits.js";
import { apiFieldName, prepareBody, type SalesforceFields } from "./record-body.js";
import { chunk, soqlName } from "./soql.js";
import { failed, invalidValue, missingResult } from "./write-outcomes.js";

const saveResult = z
  .object({
    id: z.string().nullable().optional(),
    success: z.boolean(),
    created: z.boolean().optional(),
    errors: z
      .array(
        z
          .object({
            statusCode: z.string(),
            message: z.string(),
            fields: z.array(z.string()).optional(),
            // Salesforce spells it this way in DUPLICATES_DETECTED answers.
            duplicateResut: z
              .object({
                duplicateRule: z.string().optional(),
                matchResults: z
                  .array(
                    z
                      .object({
                        entityType: z.string().optional(),
                        matchRecords: z.array(
                          z.object({ record: z.object({ Id: z.string() }).loose() }).loose(),
                        ),
                      })
                      .loose(),
                  )
                  .default([]),
              })
              .loose()
              .optional(),
          })
          .loose(),
      )
      .default([]),
  })
  .loose();
const saveResults = z.array(saveResult);
type SaveResult = z.infer<typeof saveResult>;

type Operation = { kind: "update" } | { kind: "create" } | { kind: "upsert"; field: string };

interface Pending {
  index: number;
  ref: string;
  body: Record<string, unknown>;
}

export async function writeCollections(
  client: SalesforceClient,
  described: DescribedObject,
  writes: readonly RecordWrite[],
  log: Logger,
): Promise<WriteOutcome[]> {
  const outcomes: (WriteOutcome | undefined)[] = new Array(writes.length);
  const groups = new Map<string, { op: Operation; items: Pending[] }>();
  writes.forEach((write, index) => {
    const prepared = prepareBody(described, write);
    if (!prepared.ok) {
      outcomes[index] = invalidValue(write.ref, prepared);
      return;
    }
    const op = operationOf(described, write);
    const key = op.kind === "upsert" ? `upsert:${op.field}` : op.kind;
    const group = groups.get(key) ?? { op, items: [] };
    group.items.push({ index, ref: write.ref, body: bodyOf(described.name, write, prepared.fields) });
    groups.set(key, group);
  });

  for (const { op, items } of groups.values()) {
    for (const part of chunk(items, COLLECTION_MAX_RECORDS)) {
      for (const [i, outcome] of await sendSplitting(client, described.name, op, part)) outcomes[i] = outcome;
    }
  }
  const failures = outcomes.filter((o) => o && !o.ok).length;
  log.debug("salesforce.written", { object: described.name, records: writes.length, failures });
  return outcomes.map((o, i) => o ?? failed(writes[i]!.ref, missingResult("save")));
}

function operationOf(described: DescribedObject, write: RecordWrite): Operation {
  if (write.id) return { kind: "update" };
  if (write.upsertOn) return { kind: "upsert", field: externalIdField(described, write.upsertOn) };
  return { kind: "create" };
}

/** Upserts match on Id or a field marked External ID; any other field is a mapping mistake. */
export function externalIdField(described: DescribedObject, name: string): string {
  const apiName = apiFieldName(described, name);
  const field = described.description.fields.find((f) => f.name === apiName);
  if (apiName === "Id" || field?.externalId) return apiName;
  throw new SystemError({
    system: SYSTEM,
    errorClass: "config",
    code: "INVALID_FIELD",
    message: `upsertOn names ${described.name}.${apiName}, which is not an External ID field in Salesforce`,
    retriable: false,
  });
}

function bodyOf(type: string, write: RecordWrite, fields: SalesforceFields): Record<string, unknown> {
  const body: Record<string, unknown> = { attributes: { type }, ...fields };
  if (write.id) body.id = write.id;
  return body;
}

/** One call; a whole-call data refusal is split in halves until the records it is about fail alone. */
async function sendSplitting(
  client: SalesforceClient,
  type: string,
  op: Operation,
  items: Pending[],
): Promise<[number, WriteOutcome][]> {
  try {
    const results = await send(client, type, op, items);
    return items.map((item, i) => [item.index, toOutcome(item, type, op, results[i])]);
  } catch (err) {
    // A whole call refused for a data reason (JSON_PARSER_ERROR …) is about one of its records; NOT_FOUND is not.
    if (!(err instanceof SystemError) || err.errorClass !== "data" || err.code === "NOT_FOUND") throw err;
    if (items.length === 1) {
      const only = items[0]!;
      return [[only.index, failed(only.ref, { errorClass: "data", code: err.code, message: err.message })]];
    }
    const half = Math.ceil(items.length / 2);
    return [
      ...(await sendSplitting(client, type, op, items.slice(0, half))),
      ...(await sendSplitting(client, type, op, items.slice(half))),
    ];
  }
}

async function send(
  client: SalesforceClient,
  type: string,
  op: Operation,
  items: Pending[],
): Promise<SaveResult[]> {
  const body = { allOrNone: false, records: items.map((i) => i.body) };
  const request =
    op.kind === "update"
      ? {
          method: "PATCH" as const,
          path: "/composite/sobjects",
          idempotent: true,
          purpose: "collections.update",
          // An update makes no new duplicate: a rep's two Leads for one person must not stop leadloop
          // from writing to the one it linked, where the org's duplicate rule only alerts (REST API
          // Developer Guide, "Duplicate Rule Header"). Creates go without it: a duplicate alert on a
          // create means leadloop's match missed a record, and the refusal goes to the error queue.
          headers: { "Sforce-Duplicate-Rule-Header": "allowSave=true" },
        }
      : op.kind === "upsert"
        ? {
            method: "PATCH" as const,
            path: `/composite/sobjects/${soqlName(type)}/${soqlName(op.field)}`,
            idempotent: true,
            purpose: "collections.upsert",
          }
        : {
            method: "POST" as const,
            path: "/composite/sobjects",
            idempotent: false,
            purpose: "collections.create",
          };
  const raw = await client.call<unknown>({ ...request, body });
  const parsed = saveResults.safeParse(raw);
  if (!parsed.success || parsed.data.length !== items.length) {
    throw new SystemError({
      system: SYSTEM,
      errorClass: "bug",
      code: "UNEXPECTED_SAVE_RESULTS",
      message: `Salesforce's ${request.purpose} answer did not have one save result per record`,
      retriable: false,
    });
  }
  return parsed.data;
}

function toOutcome(item: Pending, object: string, op: Operation, result: SaveResult | undefined): WriteOutcome {
  const ref = item.ref;
  if (!result) return failed(ref, missingResult("save"));
  if (result.success && result.id) {
    const created = op.kind === "create" ? true : op.kind === "update" ? false : result.created === true;
    return { ref, ok: true, id: result.id, created };
  }
  const first = result.errors[0];
  if (!first)
    return failed(ref, { errorClass: "data", code: "UNKNOWN", message: "Salesforce refused the record" });
  const upsertOn = op.kind === "upsert" ? { field: op.field, value: item.body[op.field] } : undefined;
  const failure = recordFailure(first.statusCode, duplicateDetail(first) ?? first.message, {
    object,
    ...(upsertOn ? { upsertOn } : {}),
  });
  if (first.fields && first.fields.length > 0) failure.fields = first.fields;
  return failed(ref, failure);
}



/** What a duplicate rule's refusal matched, which an admin looks up: the rule and the records, by object. */
function duplicateDetail(error: SaveResult["errors"][number]): string | undefined {
  const result = error.duplicateResut;
  const matched = (result?.matchResults ?? [])
    .filter((m) => m.matchRecords.length > 0)
    .map((m) => `${m.entityType ?? "record"} ${m.matchRecords.map((r) => r.record.Id).join(", ")}`);
  if (!result || matched.length === 0) return undefined;
  return `${result.duplicateRule ?? "the org's rule"} matched ${matched.join("; ")} ("${error.message}")`;
}
