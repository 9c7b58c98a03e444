// Bulk API 2.0 ingest jobs (Bulk API 2.0 Developer Guide, "Bulk API 2.0 Ingest"): a job is created Open,
// takes CSV job data, and on UploadComplete its rows are saved one by one through the same RecordWriter the
// REST API uses (so required fields, picklists, duplicate rules and injected record faults apply), leaving
// per-row successful and failed results. Real Salesforce processes asynchronously; here processing runs at
// UploadComplete, so the next Get Job Info already sees JobComplete. An injected stop (faults.ts `jobs`) ends
// a job part-way, Failed or Aborted, the rows after it unprocessed.
import type { JobStop } from "../emulator/faults.js";
import { parseCsv } from "./csv.js";
import { RecordSaveError, SalesforceApiError } from "./errors.js";
import type { RecordStore } from "./record-store.js";
import type { RecordWriter } from "./record-writer.js";
import { findField, type SObjectSchema } from "./schema.js";

export type IngestOperation = "insert" | "update" | "upsert";
export type JobState = "Open" | "UploadComplete" | "InProgress" | "JobComplete" | "Failed" | "Aborted";

export interface IngestJob {
  id: string;
  object: string;
  operation: IngestOperation;
  externalIdFieldName?: string;
  lineEnding: "LF" | "CRLF";
  state: JobState;
  createdDate: string;
  systemModstamp: string;
  createdById: string;
  apiVersion: number;
  /** The uploaded CSV (one upload per job; a second PUT is refused). */
  data?: string;
  errorMessage?: string;
  processed: number;
  failed: number;
  /** Header of the uploaded data: the "original columns" echoed in results. */
  columns: string[];
  successes: { id: string; created: boolean; row: string[] }[];
  failures: { id: string; error: string; row: string[] }[];
  /** Rows a job that stopped part-way never reached: in neither results file ("Get Job Unprocessed Record Results"). */
  unprocessed: string[][];
}

/**
 * A failed job's errorMessage when the stop names none: a batch Salesforce could not process after its own
 * retries. The emulator's wording, after "Bulk API 2.0 Limits and Allocations" ("If you receive a message
 * that the API retried more than 10 times, use a smaller upload file") and the `Code : message` form of the
 * errorMessage an org gives ("InvalidBatch : Field name not found : Name"), with the Errors list's code for
 * a batch that took too long (Timeout).
 */
export const GAVE_UP_MESSAGE = "Timeout : Retried more than 10 times";

/** "Upload Job Data": an empty field leaves the value as it is; `#N/A` sets it to null. */
const NULL_MARKER = "#N/A";

/**
 * Saves every row of a job's data. A header naming a field the object lacks fails the whole job
 * ("InvalidBatch : Field name not found"), as Salesforce does; anything about one row fails only that row.
 */
export function processJob(
  job: IngestJob,
  schema: SObjectSchema,
  store: RecordStore,
  writer: RecordWriter,
  stop?: JobStop,
): void {
  const data = job.data ?? "";
  // The job's lineEnding must be the data's: a CRLF row end in an LF job (or a bare LF one in a CRLF job)
  // fails the job before any row ("Line Ending Header": "specify a line ending that matches the line ending
  // used to create the CSV file"; the answer an org gives, as developers quote it: "ClientInputError :
  // LineEnding is invalid on user data. Current LineEnding setting is LF").
  if (rowEnds(data).some((end) => end !== job.lineEnding)) {
    return failJob(job, `ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is ${job.lineEnding}`);
  }
  let rows: string[][];
  try {
    rows = parseCsv(data);
  } catch (err) {
    return failJob(job, `InvalidBatch : ${err instanceof Error ? err.message : String(err)}`);
  }
  const header = rows.shift() ?? [];
  job.columns = header;
  for (const name of header) {
    if (!findField(schema, name)) return failJob(job, `InvalidBatch : Field name not found : ${name}`);
  }
  const keyField = job.operation === "update" ? "Id" : job.externalIdFieldName;
  const keyColumn = keyField ? header.findIndex((h) => h.toLowerCase() === keyField.toLowerCase()) : -1;
  if (keyField && keyColumn < 0) {
    return failJob(job, `InvalidBatch : Field name not found : ${keyField}`);
  }
  job.state = "InProgress";
  for (const raw of rows) {
    // Blank lines carry no record.
    if (raw.length === 1 && raw[0] === "") continue;
    const row = header.map((_, i) => raw[i] ?? "");
    // A stopped job processes nothing after its stop: the row is sent back as uploaded, fields as they were.
    if (stop && job.processed >= stop.afterRows) {
      job.unprocessed.push(raw);
      continue;
    }
    const fields: Record<string, unknown> = {};
    header.forEach((name, i) => {
      const value = row[i]!;
      if (value === NULL_MARKER) fields[name] = null;
      else if (value !== "") fields[name] = value;
    });
    const key = keyColumn >= 0 ? row[keyColumn]! : "";
    job.processed += 1;
    try {
      if (raw.length > header.length) {
        throw new RecordSaveError([
          { statusCode: "TOO_MANY_FIELDS", message: "Row has more fields than the header", fields: [] },
        ]);
      }
      const saved = saveRow(job, schema, store, writer, fields, keyField, key);
      job.successes.push({ ...saved, row });
    } catch (err) {
      job.failed += 1;
      const id = job.operation === "update" ? key : "";
      job.failures.push({ id, error: errorText(err), row });
    }
  }
  if (stop && job.processed >= stop.afterRows && job.unprocessed.length > 0) {
    job.state = stop.state;
    if (stop.state === "Failed") job.errorMessage = stop.errorMessage ?? GAVE_UP_MESSAGE;
    else if (stop.errorMessage) job.errorMessage = stop.errorMessage;
    return;
  }
  job.state = "JobComplete";
}

function saveRow(
  job: IngestJob,
  schema: SObjectSchema,
  store: RecordStore,
  writer: RecordWriter,
  fields: Record<string, unknown>,
  keyField: string | undefined,
  key: string,
): { id: string; created: boolean } {
  if (job.operation === "insert") {
    if ("Id" in fields) {
      throw new SalesforceApiError(400, "INVALID_FIELD", "cannot specify Id in an insert call", ["Id"]);
    }
    return { id: writer.create(schema.name, fields), created: true };
  }
  if (!keyField || key === "" || key === NULL_MARKER) {
    throw new RecordSaveError([
      { statusCode: "MISSING_ARGUMENT", message: `${keyField ?? "Id"} not specified`, fields: [] },
    ]);
  }
  if (job.operation === "update") {
    const existing = writer.existing(schema, key);
    const { Id: _id, ...rest } = fields;
    writer.update(schema.name, String(existing.Id), rest);
    return { id: String(existing.Id), created: false };
  }
  const matches =
    keyField.toLowerCase() === "id"
      ? [writer.existing(schema, key)]
      : store.findBy(schema.name, keyField, key).filter((r) => r.IsDeleted !== true);
  if (matches.length > 1) {
    const ids = matches.map((m) => String(m.Id)).join(", ");
    throw new RecordSaveError([
      {
        statusCode: "DUPLICATE_EXTERNAL_ID",
        message: `${keyField}: more than one record found for external id field: ${ids}`,
        fields: [keyField],
      },
    ]);
  }
  const match = matches[0];
  if (match) {
    writer.update(schema.name, String(match.Id), fields);
    return { id: String(match.Id), created: false };
  }
  return { id: writer.create(schema.name, fields), created: true };
}

/** The `sf__Error` text: `STATUS_CODE:message:field,field --` for each error of the save. */
function errorText(err: unknown): string {
  if (err instanceof RecordSaveError) {
    return err.errors.map((e) => `${e.statusCode}:${e.message}:${e.fields.join(",")} --`).join(" ");
  }
  if (err instanceof SalesforceApiError) {
    return `${err.errorCode}:${err.message}:${(err.fields ?? []).join(",")} --`;
  }
  return `UNKNOWN_EXCEPTION:${err instanceof Error ? err.message : String(err)}: --`;
}

/** How each row of the CSV text ends (LF or CRLF); a line break inside a quoted field ends no row. */
function rowEnds(text: string): ("LF" | "CRLF")[] {
  const ends: ("LF" | "CRLF")[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === "\n" && !quoted) ends.push(text[i - 1] === "\r" ? "CRLF" : "LF");
  }
  return ends;
}

function failJob(job: IngestJob, message: string): void {
  job.state = "Failed";
  job.errorMessage = message;
}
