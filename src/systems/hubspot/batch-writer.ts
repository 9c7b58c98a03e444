// write: updates through batch/update, creates keyed by a unique property through batch/upsert, plain
// creates (with associations) through batch/create, 100 inputs a call; keyed activities, which cannot be
// upserted, are first looked up on their associated record (keyed-activities.ts)
// (https://developers.hubspot.com/docs/api/crm/contacts, "Batch"). A 207 Multi-Status names the inputs
// that failed; a whole batch refused (400 on one invalid value, 409 on one duplicate) is bisected until
// the bad records are alone, so the good ones are still written. One outcome per input, in input order.
import type { Logger } from "../../log/logger.js";
import type { ErrorClass } from "../../store/port.js";
import { SystemError } from "../../sync/system-error.js";
import type { RecordFailure, RecordWrite, WriteOutcome } from "../../sync/system-port.js";
import { associationInput } from "./associations.js";
import { httpStatusOf } from "./fault-table.js";
import { findKeyedActivities, isActivityObject } from "./keyed-activities.js";
import type { HubspotErrorBody } from "./http-error.js";
import { HubspotHttpError } from "./http-error.js";
import { BATCH_SIZE } from "./limits.js";
import { canonicalObject } from "./object-names.js";
import { type BatchErrorEntry, type BatchResult, batchResult, type SimpleObject } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";
import { toHubspotProperties } from "./values.js";

export interface BatchWriterDeps {
  transport: HubspotTransport;
  log: Logger;
}

type Kind = "update" | "upsert" | "create";

interface Pending {
  /** Position in the caller's writes: the outcome's slot, and the input's objectWriteTraceId. */
  index: number;
  write: RecordWrite;
  input: Record<string, unknown>;
  /** What identifies the result: the record id (update) or the idProperty value (upsert). */
  key: string | undefined;
}

/** Statuses with which HubSpot refuses a whole batch for what one input holds. */
const WHOLE_BATCH_REFUSALS = new Set([400, 404, 409]);

export async function writeRecords(
  deps: BatchWriterDeps,
  object: string,
  writes: readonly RecordWrite[],
): Promise<WriteOutcome[]> {
  const outcomes: Array<WriteOutcome | undefined> = new Array(writes.length);
  const groups = new Map<string, { kind: Kind; idProperty?: string; items: Pending[] }>();
  const activitiesWritten = await findKeyedActivities(deps.transport, object, writes);
  writes.forEach((write, index) => {
    const planned = plan(object, write, index, activitiesWritten.get(index));
    if ("failure" in planned) {
      outcomes[index] = { ref: write.ref, ok: false, error: planned.failure };
      return;
    }
    const groupKey = `${planned.kind}:${write.upsertOn ?? ""}`;
    let group = groups.get(groupKey);
    if (!group) {
      group = { kind: planned.kind, items: [] };
      if (planned.kind === "upsert") group.idProperty = write.upsertOn!;
      groups.set(groupKey, group);
    }
    group.items.push(planned.pending);
  });
  for (const group of groups.values()) {
    for (let i = 0; i < group.items.length; i += BATCH_SIZE) {
      const chunk = group.items.slice(i, i + BATCH_SIZE);
      await writeChunk(deps, object, group.kind, group.idProperty, chunk, outcomes);
    }
  }
  return outcomes.map(
    (o, i) => o ?? failed(writes[i]!.ref, "bug", "NO_RESULT", "HubSpot returned no result for this record"),
  );
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
      pending: { index, write, key: id, input: { id, properties, objectWriteTraceId } },
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
        write,
        key: value,
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
  return { kind: "create", pending: { index, write, key: undefined, input } };
}

async function writeChunk(
  deps: BatchWriterDeps,
  object: string,
  kind: Kind,
  idProperty: string | undefined,
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
    await writeChunk(deps, object, kind, idProperty, chunk.slice(0, half), outcomes);
    await writeChunk(deps, object, kind, idProperty, chunk.slice(half), outcomes);
    return;
  }
  applyAnswer(kind, idProperty, chunk, answer, outcomes);
}

/** Places a 200/201/207 answer's errors and results on the inputs they belong to. */
function applyAnswer(
  kind: Kind,
  idProperty: string | undefined,
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
  const placed = new Map<number, SimpleObject>();
  const leftover: SimpleObject[] = [];
  for (const result of answer.results) {
    const p = locateResult(kind, idProperty, result, chunk, open);
    if (p === undefined) leftover.push(result);
    else {
      placed.set(p, result);
      open.delete(p);
    }
  }
  // Results HubSpot did not label (no trace id, or a merged contact answering under its primary's id)
  // follow input order, as HubSpot returns them.
  for (const p of [...open]) {
    const result = leftover.shift();
    if (!result) break;
    placed.set(p, result);
    open.delete(p);
  }
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
    const p = chunk.findIndex((item) => String(item.index) === trace);
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

function locateResult(
  kind: Kind,
  idProperty: string | undefined,
  result: SimpleObject,
  chunk: Pending[],
  open: ReadonlySet<number>,
): number | undefined {
  if (result.objectWriteTraceId !== undefined) {
    const p = chunk.findIndex((item) => String(item.index) === result.objectWriteTraceId);
    if (p >= 0 && open.has(p)) return p;
  }
  const key =
    kind === "update"
      ? result.id
      : kind === "upsert" && idProperty
        ? result.properties[idProperty]
        : undefined;
  if (key === undefined || key === null) return undefined;
  const wanted = String(key).trim().toLowerCase();
  return [...open].find((p) => chunk[p]!.key?.trim().toLowerCase() === wanted);
}

function entryFailure(entry: BatchErrorEntry): RecordFailure {
  const code = entry.errors?.find((e) => e.code)?.code ?? entry.category ?? "ERROR";
  const failure: RecordFailure = {
    errorClass: classOfCategory(entry.category, entry.errors?.map((e) => e.code ?? "") ?? []),
    code,
    message: entry.message || entry.errors?.[0]?.message || "HubSpot refused this record",
  };
  const fields = fieldsOf(entry);
  if (fields.length > 0) failure.fields = fields;
  return failure;
}

function refusalFailure(err: SystemError): RecordFailure {
  const body: HubspotErrorBody = err.cause instanceof HubspotHttpError ? err.cause.body : {};
  const failure: RecordFailure = {
    errorClass: err.errorClass === "conflict" ? "conflict" : classOfCategory(body.category, []),
    code: body.errors?.find((e) => e.code)?.code ?? body.category ?? err.code,
    message: body.message || err.message,
  };
  const fields = fieldsOf(body);
  if (fields.length > 0) failure.fields = fields;
  return failure;
}

/** VALIDATION_ERROR and a missing record are the record's data; an existing duplicate is a conflict. */
function classOfCategory(category: string | undefined, codes: string[]): ErrorClass {
  if (category === "CONFLICT" || category === "OBJECT_ALREADY_EXISTS") return "conflict";
  if (codes.some((c) => /DUPLICATE|ALREADY_EXISTS|CONFLICT/.test(c))) return "conflict";
  return "data";
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
