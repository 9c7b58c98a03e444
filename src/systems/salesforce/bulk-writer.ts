// write via Bulk API 2.0 ingest (Bulk API 2.0 Developer Guide, "Bulk API 2.0 Ingest"): create a job
// (POST jobs/ingest), upload the rows as CSV (PUT jobs/ingest/{id}/batches), close it (PATCH state
// UploadComplete), poll Get Job Info until JobComplete, then read successfulResults and give one outcome
// per input in input order; a complete job's rows it did not save go again outside a job (outside-job.ts).
//
// Plain REST calls through SalesforceClient rather than jsforce's `conn.bulk2`: bulk2 makes its own
// requests, so they would bypass leadloop's one retry layer (ARCHITECTURE.md "Errors"), session refresh,
// API budget and call count, and it parses result CSV with csv-parse on any of six delimiters, which
// misreads values holding `;`, `|` or tabs.
//
// Results come in no guaranteed order ("Get Job Successful Record Results", Usage Notes): each result row
// echoes the row sent, and is matched back by its key column (the external id for upserts, Id for updates)
// or, for inserts, by the whole row.
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { Logger } from "../../log/logger.js";
import { StoppedBeforeCall, SystemError } from "../../sync/system-error.js";
import type { RecordFailure, RecordWrite, WriteOutcome } from "../../sync/system-port.js";
import { externalIdField } from "./collections-writer.js";
import type { SalesforceClient } from "./connection.js";
import { formatCsv, parseCsv } from "./csv.js";
import type { DescribedObject } from "./describe.js";
import { recordFailure, type RefusedWrite, SYSTEM } from "./errors.js";
import { BULK_MAX_UPLOAD_BYTES, BULK_POLL_MAX_MS, BULK_POLL_MIN_MS, BULK_POLL_TIMEOUT_MS } from "./limits.js";
import { prepareBody, type SalesforceFields } from "./record-body.js";
import { failed, invalidValue, missingResult } from "./write-outcomes.js";

export type BulkOperation =
  | { operation: "insert" }
  | { operation: "update" }
  | { operation: "upsert"; field: string };

export interface BulkTiming {
  pollMinMs: number;
  pollMaxMs: number;
  timeoutMs: number;
  /**
   * The run's stop (SIGTERM, Ctrl-C): a wait between polls ends on it and the job is left to finish on
   * Salesforce, no call made after the stop (StoppedBeforeCall); its records stay in the outbox, whose next
   * drain sends them again as the upserts and updates they are (ARCHITECTURE.md "One write path").
   */
  stop?: AbortSignal | undefined;
  /** Called before each wait between polls: the run lock's renewal, so a long job keeps the run's lease. */
  waiting?: (() => Promise<void>) | undefined;
}

export const BULK_TIMING: BulkTiming = {
  pollMinMs: BULK_POLL_MIN_MS,
  pollMaxMs: BULK_POLL_MAX_MS,
  timeoutMs: BULK_POLL_TIMEOUT_MS,
};

/** "Upload Job Data": an empty field leaves a value unchanged; `#N/A` sets it to null. */
const NULL_MARKER = "#N/A";

const jobInfo = z
  .object({
    id: z.string(),
    state: z.string(),
    numberRecordsProcessed: z.number().optional(),
    numberRecordsFailed: z.number().optional(),
    errorMessage: z.string().optional(),
  })
  .loose();
type JobInfo = z.infer<typeof jobInfo>;

interface Row {
  index: number;
  ref: string;
  values: string[];
}

/** The one Bulk API 2.0 operation every write shares, or undefined when they mix kinds. */
export function bulkOperationOf(
  described: DescribedObject,
  writes: readonly RecordWrite[],
): BulkOperation | undefined {
  if (writes.every((w) => w.id)) return { operation: "update" };
  if (writes.every((w) => !w.id && !w.upsertOn)) return { operation: "insert" };
  if (!writes.every((w) => !w.id && w.upsertOn)) return undefined;
  const fields = new Set(writes.map((w) => externalIdField(described, w.upsertOn ?? "")));
  const [field] = fields;
  return fields.size === 1 && field ? { operation: "upsert", field } : undefined;
}

export async function writeBulk(
  client: SalesforceClient,
  described: DescribedObject,
  writes: readonly RecordWrite[],
  op: BulkOperation,
  log: Logger,
  timing: BulkTiming = BULK_TIMING,
): Promise<WriteOutcome[]> {
  const outcomes: (WriteOutcome | undefined)[] = new Array(writes.length);
  const bodies: { index: number; ref: string; fields: SalesforceFields }[] = [];
  writes.forEach((write, index) => {
    const prepared = prepareBody(described, write);
    if (!prepared.ok) {
      outcomes[index] = invalidValue(write.ref, prepared);
      return;
    }
    const fields: SalesforceFields = { ...prepared.fields };
    if (op.operation === "update") fields.Id = write.id ?? null;
    bodies.push({ index, ref: write.ref, fields });
  });
  if (bodies.length === 0) return outcomes.map((o, i) => o ?? failed(writes[i]!.ref, missingResult("Bulk API 2.0")));

  const keyField = op.operation === "update" ? "Id" : op.operation === "upsert" ? op.field : undefined;
  const columns = columnsOf(bodies.map((b) => b.fields), keyField);
  const rows: Row[] = bodies.map((b) => ({
    index: b.index,
    ref: b.ref,
    values: columns.map((c) => cell(b.fields[c])),
  }));
  let first = true;
  for (const part of uploads(columns, rows)) {
    let results: [number, WriteOutcome][];
    try {
      results = await runJob(client, described.name, op, columns, part, keyField, log, timing);
    } catch (err) {
      // A later job refused for its data (refuseInvalidJob) keeps the earlier jobs' outcomes, which wrote
      // records: its own rows are refused alike instead.
      if (first || !(err instanceof SystemError) || err.errorClass !== "config") throw err;
      results = part.map((r) => [r.index, failed(r.ref, { errorClass: "config", code: err.code, message: err.message })]);
    }
    first = false;
    for (const [i, outcome] of results) outcomes[i] = outcome;
  }
  const failures = outcomes.filter((o) => o && !o.ok).length;
  log.debug("salesforce.written", { object: described.name, records: writes.length, failures, bulk: true });
  return outcomes.map((o, i) => o ?? failed(writes[i]!.ref, missingResult("Bulk API 2.0")));
}

/** The key column first (Id or the external id), then every other field in first-seen order. */
function columnsOf(bodies: SalesforceFields[], keyField: string | undefined): string[] {
  const seen = new Set<string>(keyField ? [keyField] : []);
  for (const body of bodies) for (const name of Object.keys(body)) seen.add(name);
  return [...seen];
}

function cell(value: SalesforceFields[string] | undefined): string {
  if (value === undefined) return "";
  if (value === null || value === "") return NULL_MARKER;
  return typeof value === "string" ? value : String(value);
}

/** Splits rows so each job's CSV stays under the upload limit. */
function uploads(columns: string[], rows: Row[]): Row[][] {
  const headerBytes = Buffer.byteLength(formatCsv([columns]));
  const parts: Row[][] = [];
  let current: Row[] = [];
  let bytes = headerBytes;
  for (const row of rows) {
    const size = Buffer.byteLength(formatCsv([row.values]));
    if (current.length > 0 && bytes + size > BULK_MAX_UPLOAD_BYTES) {
      parts.push(current);
      current = [];
      bytes = headerBytes;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

async function runJob(
  client: SalesforceClient,
  object: string,
  op: BulkOperation,
  columns: string[],
  rows: Row[],
  keyField: string | undefined,
  log: Logger,
  timing: BulkTiming,
): Promise<[number, WriteOutcome][]> {
  // "Create a Job". A resent create at worst leaves an empty Open job behind, which writes nothing.
  const created = await jobCall(client, {
    method: "POST",
    path: "/jobs/ingest",
    body: {
      object,
      operation: op.operation,
      ...(op.operation === "upsert" ? { externalIdFieldName: op.field } : {}),
      contentType: "CSV",
      columnDelimiter: "COMMA",
      lineEnding: "LF",
    },
    idempotent: true,
    purpose: "bulk.create_job",
  });
  const jobPath = `/jobs/ingest/${encodeURIComponent(created.id)}`;
  // "Upload Job Data": the job's one upload, replaced (not appended) if the call is resent.
  await client.call<unknown>({
    method: "PUT",
    path: `${jobPath}/batches`,
    body: formatCsv([columns, ...rows.map((r) => r.values)]),
    contentType: "text/csv",
    idempotent: true,
    purpose: "bulk.upload",
  });
  // "Upload Complete": processing starts only after this.
  await jobCall(client, {
    method: "PATCH",
    path: jobPath,
    body: { state: "UploadComplete" },
    idempotent: true,
    purpose: "bulk.close_job",
  });
  const done = await waitForJob(client, jobPath, timing);
  // A job Salesforce failed or an admin aborted is an ops admin's to see, with Salesforce's own reason (its
  // unprocessed rows are sent again: in passing by this write, then by the next run; outbox/drain.ts).
  const jobLine = {
    object,
    job: done.id,
    state: done.state,
    records: rows.length,
    processed: done.numberRecordsProcessed ?? 0,
    failed: done.numberRecordsFailed ?? 0,
    ...(done.errorMessage ? { errorMessage: done.errorMessage } : {}),
  };
  if (done.state === "JobComplete") log.info("salesforce.bulk_job", jobLine);
  else log.warn("salesforce.bulk_job", jobLine);
  refuseInvalidJob(object, done);
  const pending = new Pending(rows, columns, keyField);
  const results: [number, WriteOutcome][] = [];
  // A results file known to be empty (Get Job Info's counts) is not read: a load's jobs mostly have no
  // failed records, and the call saved is one of a job's five.
  const processed = done.numberRecordsProcessed;
  const failedCount = done.numberRecordsFailed;
  const complete = done.state === "JobComplete";
  const finished = complete || done.state === "Failed";
  if (finished && !(processed !== undefined && failedCount !== undefined && processed - failedCount === 0)) {
    const [header, ...okRows] = await resultRows(
      client,
      `${jobPath}/successfulResults`,
      "bulk.successful_results",
    );
    for (const row of okRows) {
      const rec = byName(header, row);
      const match = pending.take(rec);
      if (!match) continue;
      const id = rec.sf__Id ?? "";
      results.push([
        match.index,
        id
          ? { ref: match.ref, ok: true, id, created: rec.sf__Created === "true" }
          : failed(match.ref, missingResult("Bulk API 2.0")),
      ]);
    }
  }
  // A complete job's failed results are not read: every row it did not save goes again outside a job,
  // where it gets its own answer (outside-job.ts), so reading why the job refused it would be a call more
  // per job. A Failed job's are: its rows in neither file were never reached, and are left pending.
  if (done.state === "Failed" && failedCount !== 0) {
    const [failHeader, ...failRows] = await resultRows(
      client,
      `${jobPath}/failedResults`,
      "bulk.failed_results",
    );
    for (const row of failRows) {
      const rec = byName(failHeader, row);
      const match = pending.take(rec);
      if (!match) continue;
      const upsertOn = op.operation === "upsert" ? { field: op.field, value: rec[op.field] } : undefined;
      const refused = { object, ...(upsertOn ? { upsertOn } : {}) };
      results.push([match.index, failed(match.ref, parseError(rec.sf__Error ?? "", refused))]);
    }
  }
  // Rows a Failed or Aborted job never reached (its unprocessed records: those in neither results file)
  // were not written: the drain leaves them pending for its next run, anyone else may send them again.
  const reason = done.errorMessage ? `: ${done.errorMessage}` : "";
  for (const row of pending.rest()) {
    if (complete) {
      results.push([row.index, notSavedByJob(row.ref, done.id)]);
      continue;
    }
    results.push([
      row.index,
      failed(row.ref, {
        errorClass: "transient",
        code: `BULK_JOB_${done.state.toUpperCase()}`,
        message: `Bulk API 2.0 job ${done.id} ended ${done.state} before this record was processed${reason}`,
        unprocessed: true,
      }),
    ]);
  }
  return results;
}

/**
 * A complete job's row it did not save: in its failed results, unread. Nothing was written; sent again
 * outside a job it gets its own answer (outside-job.ts).
 */
function notSavedByJob(ref: string, job: string): WriteOutcome {
  return failed(ref, {
    errorClass: "transient",
    code: "BULK_ROW_NOT_SAVED",
    message: `Bulk API 2.0 job ${job} did not save this record`,
    outsideJob: true,
  });
}

/**
 * A job Salesforce failed for its data as a whole before it saved a row ("ClientInputError : LineEnding is
 * invalid on user data", CSV it cannot read, which every send of it meets alike): "InvalidBatch : Field name not
 * found : Seniority__c" names a column the object lacks (a field deleted since the describe leadloop
 * wrote from). Every row of it is refused alike however often it is sent, so it fails the write as a
 * Collections call naming the field does (INVALID_FIELD, `config`): the run names the mapping entry and the
 * next describes the object again, where each row was a refusal in passing, sent again at every run.
 * A job that failed otherwise (a batch not processed in time after Salesforce's own 20 retries, the day's
 * records spent: Bulk API 2.0 Developer Guide, "Understanding Bulk API 2.0 Ingest") leaves its rows to be
 * sent again.
 */
function refuseInvalidJob(object: string, done: JobInfo): void {
  const said = done.errorMessage ?? "";
  if (done.state !== "Failed" || (done.numberRecordsProcessed ?? 0) > 0 || !/^\s*(InvalidBatch|ClientInputError)\b/.test(said)) return;
  const field = /Field name not found\s*:\s*(\S+)/.exec(said)?.[1];
  throw new SystemError({
    system: SYSTEM,
    errorClass: "config",
    code: field ? "INVALID_FIELD" : "INVALID_BATCH",
    message: field
      ? `the mapping names a field Salesforce does not have: ${object}.${field} (Bulk API 2.0 job ${done.id}: ${said})`
      : `Salesforce refused the data of Bulk API 2.0 job ${done.id} for ${object}: ${said}`,
    retriable: false,
  });
}

async function jobCall(
  client: SalesforceClient,
  req: {
    method: "POST" | "PATCH" | "GET";
    path: string;
    body?: unknown;
    idempotent: boolean;
    purpose: string;
  },
): Promise<JobInfo> {
  const raw = await client.call<unknown>(req);
  const parsed = jobInfo.safeParse(raw);
  if (!parsed.success) {
    throw new SystemError({
      system: SYSTEM,
      errorClass: "bug",
      code: "UNEXPECTED_JOB_INFO",
      message: `Salesforce's ${req.purpose} answer was not a Bulk API 2.0 job info`,
      retriable: false,
    });
  }
  return parsed.data;
}

/** "Get Job Info" until the job is JobComplete, Failed or Aborted, waiting longer between polls. */
async function waitForJob(client: SalesforceClient, jobPath: string, timing: BulkTiming): Promise<JobInfo> {
  const deadline = Date.now() + timing.timeoutMs;
  let wait = timing.pollMinMs;
  for (;;) {
    if (timing.stop?.aborted) throw new StoppedBeforeCall(`polling Bulk API 2.0 job ${jobPath.split("/").at(-1)}`);
    const info = await jobCall(client, {
      method: "GET",
      path: jobPath,
      idempotent: true,
      purpose: "bulk.job_info",
    });
    if (info.state === "JobComplete" || info.state === "Failed" || info.state === "Aborted") return info;
    if (Date.now() + wait > deadline) {
      throw new SystemError({
        system: SYSTEM,
        errorClass: "transient",
        code: "BULK_JOB_TIMEOUT",
        message:
          `Bulk API 2.0 job ${info.id} was still ${info.state} after ${Math.round(timing.timeoutMs / 1000)}s; ` +
          "it may yet finish (check it in Setup > Bulk Data Load Jobs)",
        retriable: false,
      });
    }
    await timing.waiting?.();
    // A stop ends the wait at once; the check above then leaves the job to Salesforce.
    await sleep(wait, undefined, timing.stop ? { signal: timing.stop } : undefined).catch((err: unknown) => {
      if (!timing.stop?.aborted) throw err;
    });
    wait = Math.min(wait * 2, timing.pollMaxMs);
  }
}

/** A results CSV as rows, header first; read as text so the CSV is parsed here, comma-delimited only. */
async function resultRows(client: SalesforceClient, path: string, purpose: string): Promise<string[][]> {
  const raw = await client.call<unknown>({
    method: "GET",
    path,
    idempotent: true,
    purpose,
    responseType: "text/plain",
  });
  if (typeof raw !== "string") {
    throw new SystemError({
      system: SYSTEM,
      errorClass: "bug",
      code: "UNEXPECTED_RESULTS",
      message: `Salesforce's ${purpose} answer was not CSV text`,
      retriable: false,
    });
  }
  const rows = parseCsv(raw);
  return rows.length > 0 ? rows : [[]];
}

function byName(header: string[] | undefined, row: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  (header ?? []).forEach((name, i) => {
    out[name] = row[i] ?? "";
  });
  return out;
}

/** Rows waiting for their result, looked up by key value (upsert, update) or by the whole row (insert). */
class Pending {
  private readonly queues = new Map<string, Row[]>();

  constructor(
    rows: Row[],
    private readonly columns: string[],
    private readonly keyField: string | undefined,
  ) {
    for (const row of rows) {
      const key = this.keyOf((c) => row.values[columns.indexOf(c)] ?? "");
      const queue = this.queues.get(key) ?? [];
      queue.push(row);
      this.queues.set(key, queue);
    }
  }

  take(result: Record<string, string>): Row | undefined {
    const key = this.keyOf((c) => result[c] ?? "");
    const queue = this.queues.get(key);
    const row = queue?.shift();
    if (queue && queue.length === 0) this.queues.delete(key);
    return row;
  }

  rest(): Row[] {
    return [...this.queues.values()].flat();
  }

  private keyOf(value: (column: string) => string): string {
    return this.keyField ? value(this.keyField) : JSON.stringify(this.columns.map(value));
  }
}

/** `sf__Error` reads `STATUS_CODE:message:field,field --`; only the first error is kept. */
export function parseError(text: string, write?: RefusedWrite): RecordFailure {
  const first = text.split(" --")[0]?.trim() ?? "";
  const colon = first.indexOf(":");
  if (colon < 0) {
    return { errorClass: "data", code: "UNKNOWN", message: text || "Salesforce refused the record" };
  }
  const code = first.slice(0, colon);
  let message = first.slice(colon + 1);
  let fields: string[] = [];
  const last = message.lastIndexOf(":");
  if (last >= 0 && /^[\w.,]*$/.test(message.slice(last + 1))) {
    fields = message
      .slice(last + 1)
      .split(",")
      .filter((f) => f.length > 0);
    message = message.slice(0, last);
  }
  const failure = recordFailure(code, message, write);
  if (fields.length > 0) failure.fields = fields;
  return failure;
}


