// write: updates through batch/update, creates keyed by a unique property through batch/upsert, plain
// creates (with associations) through batch/create, 100 inputs a call; keyed activities, which cannot be
// upserted, are first looked up on their associated record (keyed-activities.ts); an update that names
// associations adds them after its properties through the v4 batch associate
// (https://developers.hubspot.com/docs/api/crm/contacts, "Batch"). A 207 Multi-Status names the inputs
// that failed; a whole batch refused (400 on one invalid value, 409 on one duplicate) is bisected until
// the bad records are alone, so the good ones are still written. One outcome per input, in input order;
// results are paired with their inputs by name or values, never by position (result-placement.ts).
import type { Logger } from "../../log/logger.js";
import type { ErrorClass } from "../../store/port.js";
import { SystemError } from "../../sync/system-error.js";
import type { RecordFailure, RecordWrite, WriteOutcome } from "../../sync/system-port.js";
import { associateExisting, associationInput } from "./associations.js";
import { httpErrorOf, httpStatusOf } from "./fault-table.js";
import { findKeyedActivities, isActivityObject } from "./keyed-activities.js";
import type { HubspotErrorBody } from "./http-error.js";
import { BATCH_SIZE } from "./limits.js";
import { canonicalObject } from "./object-names.js";
import { placeResults } from "./result-placement.js";
import { type BatchErrorEntry, type BatchResult, batchResult } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";
import { toHubspotProperties } from "./values.js";

export interface BatchWriterDeps {
  transport: HubspotTransport;
  log: Logger;
}

type Kind = "update" | "upsert" | "create";

interface Pending {
  /** Position in the caller's writes: the outcome's slot. */
  index: number;
  /** The input's objectWriteTraceId, which the answer's errors and results may name it by. */
  traceId: string;
  write: RecordWrite;
  input: Record<string, unknown>;
  /** What identifies the record in an error: the record id (update) or the idProperty value (upsert). */
  key: string | undefined;
  /** The property whose value names the result (upsert's idProperty, a keyed activity's key); undefined: the id. */
  keyProperty?: string;
}

/** Statuses with which HubSpot refuses a whole batch for what one input holds. */
const WHOLE_BATCH_REFUSALS = new Set([400, 404, 409]);

export async function writeRecords(
  deps: BatchWriterDeps,
  object: string,
  writes: readonly RecordWrite[],
): Promise<WriteOutcome[]> {
  const outcomes: Array<WriteOutcome | undefined> = new Array(writes.length);
  const groups = new Map<string, { kind: Kind; items: Pending[] }>();
  const activitiesWritten = await findKeyedActivities(deps.transport, object, writes);
  writes.forEach((write, index) => {
    // Associations alone on an existing record: nothing to update, only the associate calls below.
    if (write.id && Object.keys(write.fields).length === 0 && write.associations?.length) {
      outcomes[index] = { ref: write.ref, ok: true, id: write.id, created: false };
      return;
    }
    const planned = plan(object, write, index, activitiesWritten.get(index));
    if ("failure" in planned) {
      outcomes[index] = { ref: write.ref, ok: false, error: planned.failure };
      return;
    }
    const groupKey = `${planned.kind}:${write.upsertOn ?? ""}`;
    let group = groups.get(groupKey);
    if (!group) {
      group = { kind: planned.kind, items: [] };
      groups.set(groupKey, group);
    }
    group.items.push(planned.pending);
  });
  for (const group of groups.values()) {
    for (let i = 0; i < group.items.length; i += BATCH_SIZE) {
      const chunk = group.items.slice(i, i + BATCH_SIZE);
      await writeChunk(deps, object, group.kind, chunk, outcomes);
    }
  }
  await associateUpdated(deps, object, writes, outcomes);
  return outcomes.map(
    (o, i) => o ?? failed(writes[i]!.ref, "bug", "NO_RESULT", "HubSpot returned no result for this record"),
  );
}

/** The associations of updates whose properties were accepted; a refused pair fails its write. */
async function associateUpdated(
  deps: BatchWriterDeps,
  object: string,
  writes: readonly RecordWrite[],
  outcomes: Array<WriteOutcome | undefined>,
): Promise<void> {
  const byTarget = new Map<string, { index: number; fromId: string; toId: string }[]>();
  writes.forEach((write, index) => {
    if (!write.id || !outcomes[index]?.ok) return;
    for (const link of write.associations ?? []) {
      const target = canonicalObject(link.object);
      const pairs = byTarget.get(target);
      if (pairs) pairs.push({ index, fromId: write.id, toId: link.id });
      else byTarget.set(target, [{ index, fromId: write.id, toId: link.id }]);
    }
  });
  for (const [target, pairs] of byTarget) {
    const refused = await associateExisting(deps.transport, object, target, pairs);
    for (const p of pairs) {
      const message = refused.get(p.fromId);
      if (message) outcomes[p.index] = failed(writes[p.index]!.ref, "data", "ASSOCIATION_REFUSED", message);
    }
  }
}

/** `writtenId`: a keyed activity this write already created (before a crash), to update instead. */
function plan(
  object: string,
  write: RecordWrite,
  index: number,
  writtenId: string | undefined,
): { kind: Kind; pending: Pending } | { failure: RecordFailure } {
  const properties = toHubspotProperties(write.fields);
  const objectWriteTraceId = String(index);
  const id = write.id ?? writtenId;
  if (id) {
    return {
      kind: "update",
      pending: { index, traceId: objectWriteTraceId, write, key: id, input: { id, properties, objectWriteTraceId } },
    };
  }
  // An activity's key is no unique property: it is created with its associations, found next time by them.
  if (write.upsertOn && !isActivityObject(object)) {
    const value = write.fields[write.upsertOn];
    if (!value || value.trim() === "") {
      return {
        failure: {
          errorClass: "data",
          code: "MISSING_UPSERT_VALUE",
          message: `cannot upsert on ${write.upsertOn}: the record has no ${write.upsertOn} value`,
          fields: [write.upsertOn],
        },
      };
    }
    return {
      kind: "upsert",
      pending: {
        index,
        traceId: objectWriteTraceId,
        write,
        key: value,
        keyProperty: write.upsertOn,
        input: { id: value, idProperty: write.upsertOn, properties, objectWriteTraceId },
      },
    };
  }
  const associations = [];
  for (const link of write.associations ?? []) {
    const input = associationInput(object, link.object, link.id);
    if (!input) {
      return {
        failure: {
          errorClass: "data",
          code: "NO_ASSOCIATION_TYPE",
          message: `HubSpot defines no default association from ${canonicalObject(object)} to ${canonicalObject(link.object)}`,
        },
      };
    }
    associations.push(input);
  }
  const input: Record<string, unknown> = { properties, objectWriteTraceId };
  if (associations.length > 0) input.associations = associations;
  // A keyed activity's key property names its result; the key is no id an error could name.
  const keyProperty = write.upsertOn && write.fields[write.upsertOn] ? write.upsertOn : undefined;
  return {
    kind: "create",
    pending: { index, traceId: objectWriteTraceId, write, key: undefined, ...(keyProperty ? { keyProperty } : {}), input },
  };
}

async function writeChunk(
  deps: BatchWriterDeps,
  object: string,
  kind: Kind,
  chunk: Pending[],
  outcomes: Array<WriteOutcome | undefined>,
): Promise<void> {
  let answer: BatchResult;
  try {
    const sent = await deps.transport.send(
      {
        method: "POST",
        path: `/crm/v3/objects/${canonicalObject(object)}/batch/${kind}`,
        body: { inputs: chunk.map((p) => p.input) },
        // A create's inputs name no record HubSpot could find them by: sent twice, they are made twice.
        idempotent: kind !== "create",
      },
      batchResult,
    );
    answer = sent.body;
  } catch (err) {
    const status = err instanceof SystemError ? httpStatusOf(err) : undefined;
    if (!(err instanceof SystemError) || status === undefined || !WHOLE_BATCH_REFUSALS.has(status)) throw err;
    if (chunk.length === 1) {
      const only = chunk[0]!;
      outcomes[only.index] = { ref: only.write.ref, ok: false, error: refusalFailure(err) };
      return;
    }
    deps.log.info("hubspot.batch.split", { object, kind, size: chunk.length, status });
    const half = Math.ceil(chunk.length / 2);
    await writeChunk(deps, object, kind, chunk.slice(0, half), outcomes);
    await writeChunk(deps, object, kind, chunk.slice(half), outcomes);
    return;
  }
  applyAnswer(kind, chunk, answer, outcomes);
}

/** Places a 200/201/207 answer's errors and results on the inputs they belong to. */
function applyAnswer(
  kind: Kind,
  chunk: Pending[],
  answer: BatchResult,
  outcomes: Array<WriteOutcome | undefined>,
): void {
  const failedAt = new Map<number, BatchErrorEntry>();
  const unplaced: BatchErrorEntry[] = [];
  for (const entry of answer.errors ?? []) {
    const positions = locateError(entry, chunk);
    if (positions.length === 0) unplaced.push(entry);
    for (const p of positions) failedAt.set(p, entry);
  }
  const open = new Set(chunk.map((_, p) => p).filter((p) => !failedAt.has(p)));
  const placed = placeResults(
    chunk.map((item) => ({
      traceId: item.traceId,
      key: item.keyProperty ? (item.write.fields[item.keyProperty] ?? undefined) : item.key,
      keyProperty: item.keyProperty,
      properties: item.input.properties as Record<string, string>,
      associations: JSON.stringify(item.input.associations ?? []),
    })),
    open,
    answer.results,
  );
  for (const p of placed.keys()) open.delete(p);
  for (const [p, result] of placed) {
    const item = chunk[p]!;
    const created = kind === "create" || (kind === "upsert" && result.new === true);
    outcomes[item.index] = { ref: item.write.ref, ok: true, id: result.id, created };
  }
  for (const [p, entry] of failedAt) {
    const item = chunk[p]!;
    outcomes[item.index] = { ref: item.write.ref, ok: false, error: entryFailure(entry) };
  }
  // An error HubSpot did not tie to an input belongs to the inputs left without a result.
  for (const p of open) {
    const entry = unplaced[0];
    if (!entry) continue;
    const item = chunk[p]!;
    outcomes[item.index] = { ref: item.write.ref, ok: false, error: entryFailure(entry) };
  }
}

/** Chunk positions an error names: by objectWriteTraceId, by `in: inputs[i]`, or by record id. */
function locateError(entry: BatchErrorEntry, chunk: Pending[]): number[] {
  const found = new Set<number>();
  const traceIds = entry.context?.objectWriteTraceId ?? [];
  for (const trace of traceIds) {
    const p = chunk.findIndex((item) => item.traceId === trace);
    if (p >= 0) found.add(p);
  }
  if (found.size > 0) return [...found];
  for (const detail of entry.errors ?? []) {
    const match = /^inputs\[(\d+)\]/.exec(detail.in ?? "");
    if (match && Number(match[1]) < chunk.length) found.add(Number(match[1]));
  }
  if (found.size > 0) return [...found];
  const ids = [...(entry.context?.ids ?? []), ...(entry.id ? [entry.id] : [])].map((v) => v.toLowerCase());
  chunk.forEach((item, p) => {
    if (item.key !== undefined && ids.includes(item.key.toLowerCase())) found.add(p);
  });
  return [...found];
}

function entryFailure(entry: BatchErrorEntry): RecordFailure {
  const code = entry.errors?.find((e) => e.code)?.code ?? entry.category ?? "ERROR";
  const errorClass = classOfCategory(entry.category, codesOf(entry));
  const said = entry.message || entry.errors?.[0]?.message || "HubSpot refused this record";
  const failure: RecordFailure = {
    errorClass,
    code,
    // A category of no known kind is said, so the person reading the entry knows what HubSpot named.
    message: unknownCategory(entry.category, errorClass) ? `${said} (HubSpot's category ${entry.category})` : said,
  };
  const fields = fieldsOf(entry);
  if (fields.length > 0) failure.fields = fields;
  return failure;
}

function refusalFailure(err: SystemError): RecordFailure {
  // The answer as HubSpot gave it: a credential it quotes is blanked with the rest of the write's
  // refusals (adapter.ts `write`, call-retry.ts refusalsWithoutSecrets).
  const body: HubspotErrorBody = httpErrorOf(err)?.body ?? {};
  const failure: RecordFailure = {
    // Refused with a 400, 404 or 409: the status says it is the record's, whatever its category.
    errorClass: err.errorClass === "conflict" ? "conflict" : recordClass(body.category, codesOf(body)),
    code: body.errors?.find((e) => e.code)?.code ?? body.category ?? err.code,
    message: body.message || err.message,
  };
  const fields = fieldsOf(body);
  if (fields.length > 0) failure.fields = fields;
  return failure;
}

/**
 * The categories of a refusal about the record itself: its values (VALIDATION_ERROR, BAD_REQUEST), its
 * absence (OBJECT_NOT_FOUND), or, conflicts, another record (CONFLICT, OBJECT_ALREADY_EXISTS).
 */
const RECORD_CATEGORIES = new Set(["VALIDATION_ERROR", "BAD_REQUEST", "OBJECT_NOT_FOUND", "CONFLICT", "OBJECT_ALREADY_EXISTS"]);

/**
 * The categories of a refusal of leadloop's access, not of the record: the token's scopes or the token
 * itself (the categories HubSpot's 403 and 401 answers name: MISSING_SCOPES, INVALID_AUTHENTICATION,
 * EXPIRED_AUTHENTICATION; error-handling reference). Sending the record again is refused the same until
 * someone gives the private app the scope or a new token.
 */
const ACCESS_CATEGORIES = new Set(["MISSING_SCOPES", "INVALID_AUTHENTICATION", "EXPIRED_AUTHENTICATION"]);

/**
 * The categories of a refusal in passing: a rate limit, or HubSpot's own failure, timeout or
 * unavailability (the categories of its 429 and 5xx answers), which another try may get past.
 */
const PASSING_CATEGORY = /^(RATE_LIMITS|INTERNAL_ERROR|[A-Z_]*(TIMEOUT|UNAVAILABLE)[A-Z_]*)$/;

/**
 * VALIDATION_ERROR and a missing record are the record's data; an existing duplicate is a conflict; a
 * refusal of access is `auth`; a refusal in passing (PASSING_CATEGORY) is written again
 * (passing-refusals.ts): RATE_LIMITS `rate_limited`, the rest `transient`. Any other category (the
 * reference's categories are open) is kept as the record's data, its category in the message: a refusal
 * leadloop cannot tell will pass is shown to a person, not sent again at every run for ever. An entry
 * naming no category is the record's too.
 */
function classOfCategory(category: string | undefined, codes: string[]): ErrorClass {
  const own = recordClass(category, codes);
  if (own !== "data" || category === undefined || category === "" || RECORD_CATEGORIES.has(category)) return own;
  if (ACCESS_CATEGORIES.has(category)) return "auth";
  if (!PASSING_CATEGORY.test(category)) return "data";
  return category === "RATE_LIMITS" ? "rate_limited" : "transient";
}

/** Whether a data refusal's category is none of the known ones (RECORD_CATEGORIES and the rest above). */
function unknownCategory(category: string | undefined, errorClass: ErrorClass): boolean {
  return errorClass === "data" && category !== undefined && category !== "" && !RECORD_CATEGORIES.has(category);
}

/** A refusal of the record: an existing duplicate is a conflict, a property the portal lacks config, the rest data. */
function recordClass(category: string | undefined, codes: string[]): ErrorClass {
  if (category === "CONFLICT" || category === "OBJECT_ALREADY_EXISTS") return "conflict";
  if (codes.some((c) => /DUPLICATE|ALREADY_EXISTS|CONFLICT/.test(c))) return "conflict";
  // A property the portal lacks (a mapping naming one by its label, or one not created yet) is the
  // mapping's or the portal's to fix, as Salesforce's INVALID_FIELD is: no record's value will pass.
  if (codes.includes("PROPERTY_DOESNT_EXIST")) return "config";
  return "data";
}

/**
 * Whether a record's refusal doubts the property list its write was made from (property-catalog.ts): a
 * property HubSpot does not have, or any validation error naming properties (an option the list showed, a
 * type it said, a value it let be written), so the next run reads the list again (ARCHITECTURE.md "Kept
 * descriptions"). A data error naming a property is a read the next run spends for nothing, never a wrong list kept.
 */
export function doubtsPropertyList(failure: RecordFailure): boolean {
  return failure.errorClass === "config" || failure.code === "PROPERTY_DOESNT_EXIST" || (failure.fields?.length ?? 0) > 0;
}

/**
 * The error codes of an answer: its `errors` entries' codes, and those of the property problems its
 * message lists as JSON (`"error":"PROPERTY_DOESNT_EXIST"`), which is all a VALIDATION_ERROR may carry.
 */
function codesOf(entry: { message?: string | undefined; errors?: Array<{ code?: string | undefined }> | undefined }): string[] {
  const codes = (entry.errors ?? []).map((e) => e.code ?? "");
  for (const match of (entry.message ?? "").matchAll(/"error":"([^"]+)"/g)) codes.push(match[1]!);
  return codes;
}

/** Property names an error is about: from `context.propertyName`, or the JSON list in the message. */
function fieldsOf(entry: {
  message?: string | undefined;
  context?: Record<string, string[]> | undefined;
  errors?: Array<{ context?: Record<string, string[]> | undefined }> | undefined;
}): string[] {
  const names = new Set<string>();
  for (const context of [entry.context, ...(entry.errors ?? []).map((e) => e.context)]) {
    for (const name of context?.propertyName ?? []) names.add(name);
  }
  if (names.size === 0 && entry.message) {
    for (const match of entry.message.matchAll(/"name":"([^"]+)"/g)) names.add(match[1]!);
  }
  return [...names];
}

function failed(ref: string, errorClass: ErrorClass, code: string, message: string): WriteOutcome {
  return { ref, ok: false, error: { errorClass, code, message } };
}
