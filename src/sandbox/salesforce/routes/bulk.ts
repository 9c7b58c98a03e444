// Bulk API 2.0 ingest resources (Bulk API 2.0 Developer Guide, "Create a Job", "Upload Job Data",
// "Upload Complete", "Get Job Info", "Get Job Successful Record Results", "Get Job Failed Record
// Results", "Get Job Unprocessed Record Results", "Delete a Job"): /services/data/vXX.X/jobs/ingest, CSV job
// data in, CSV results out.
import { z } from "zod";
import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler, EmulatorRequest, EmulatorResponse } from "../../emulator/server.js";
import { type IngestJob, processJob } from "../bulk-ingest.js";
import { formatCsv, parseCsv } from "../csv.js";
import { notFound, SalesforceApiError } from "../errors.js";
import type { SObjectSchema } from "../schema.js";
import { formatDateTime } from "../values.js";
import { apiVersion, DATA, handle, json, type SalesforceContext } from "./context.js";
import { externalIdField } from "./sobjects.js";

/** Bulk API 2.0 job Ids start 750 (the AsyncApexJob/Job key prefix). */
const JOB_PREFIX = "750";

const createJobBody = z.object({
  object: z.string().min(1),
  operation: z.enum(["insert", "update", "upsert"]),
  externalIdFieldName: z.string().optional(),
  contentType: z.literal("CSV").default("CSV"),
  columnDelimiter: z.literal("COMMA").default("COMMA"),
  lineEnding: z.enum(["LF", "CRLF"]).default("LF"),
});
const patchJobBody = z.object({ state: z.enum(["UploadComplete", "Aborted"]) });

/** Job request errors are request-level errors (Bulk API 2.0 Developer Guide, "Errors"). */
function invalidJob(message: string): SalesforceApiError {
  return new SalesforceApiError(400, "INVALIDJOB", message);
}
function invalidState(job: IngestJob, wanted: string): SalesforceApiError {
  return new SalesforceApiError(400, "INVALIDJOBSTATE", `Job state is ${job.state}; ${wanted}`);
}

/** One upload's bytes at most by default (emulator.ts `bulkUploadMaxBytes`). */
export const BULK_UPLOAD_MAX_BYTES = 100_000_000;

/**
 * `polls`: Get Job Info calls that find a closed job InProgress before its rows are saved (emulator.ts
 * `bulkJobPolls`); `uploadMaxBytes`: the most one upload may hold (`bulkUploadMaxBytes`).
 */
export function addBulkRoutes(
  router: Router<EmulatorHandler>,
  ctx: SalesforceContext,
  { polls, uploadMaxBytes }: { polls: number; uploadMaxBytes: number },
): void {
  const jobs = new Map<string, IngestJob>();
  /** Closed jobs Salesforce is still working on, by id: the Get Job Info calls left before their rows are saved. */
  const working = new Map<string, number>();

  /** Saves a closed job's rows once it has been polled enough; any access of the job after that sees them. */
  const progress = (job: IngestJob, polled: boolean): void => {
    const left = working.get(job.id);
    if (left === undefined) return;
    if (left > 0) {
      if (polled) working.set(job.id, left - 1);
      return;
    }
    working.delete(job.id);
    processJob(job, schemaOf(job), ctx.data.store, ctx.data.writer, ctx.data.writer.jobStop(job.object, job.operation));
    touch(job);
  };

  const jobOf = (req: EmulatorRequest, polled = false): IngestJob => {
    apiVersion(req);
    const job = jobs.get(req.params.id ?? "");
    if (!job) throw notFound();
    progress(job, polled);
    return job;
  };

  const schemaOf = (job: IngestJob): SObjectSchema => {
    const schema = ctx.data.store.schema(job.object);
    if (!schema) throw invalidJob(`InvalidJob : Invalid object: ${job.object}`);
    return schema;
  };

  const info = (job: IngestJob): Record<string, unknown> => {
    const out: Record<string, unknown> = {
      id: job.id,
      operation: job.operation,
      object: job.object,
      createdById: job.createdById,
      createdDate: job.createdDate,
      systemModstamp: job.systemModstamp,
      state: job.state,
      concurrencyMode: "Parallel",
      contentType: "CSV",
      apiVersion: job.apiVersion,
      jobType: "V2Ingest",
      contentUrl: `services/data/v${job.apiVersion.toFixed(1)}/jobs/ingest/${job.id}/batches`,
      lineEnding: job.lineEnding,
      columnDelimiter: "COMMA",
      numberRecordsProcessed: job.processed,
      numberRecordsFailed: job.failed,
      retries: 0,
      totalProcessingTime: 0,
      apiActiveProcessingTime: 0,
      apexProcessingTime: 0,
    };
    if (job.externalIdFieldName) out.externalIdFieldName = job.externalIdFieldName;
    if (job.errorMessage) out.errorMessage = job.errorMessage;
    return out;
  };

  const touch = (job: IngestJob) => {
    job.systemModstamp = formatDateTime(ctx.data.writer.now().getTime());
  };

  const csv = (rows: string[][]): EmulatorResponse => ({
    status: 200,
    headers: { "content-type": "text/csv" },
    text: formatCsv(rows),
  });

  /** Results exist once the job is JobComplete or Failed ("Get Job Successful Record Results"). */
  const finished = (job: IngestJob) => {
    if (job.state !== "JobComplete" && job.state !== "Failed") {
      throw invalidState(job, "results are available once the job is JobComplete or Failed");
    }
  };

  router
    .add(
      "POST",
      `${DATA}/jobs/ingest`,
      handle((req) => {
        const version = Number(apiVersion(req));
        const body = createJobBody.parse(req.body ?? {});
        const schema = ctx.data.store.schema(body.object);
        if (!schema) throw invalidJob(`InvalidJob : Invalid object: ${body.object}`);
        let externalIdFieldName: string | undefined;
        if (body.operation === "upsert") {
          if (!body.externalIdFieldName) {
            throw invalidJob("InvalidJob : External ID was blank for upsert. Please specify one.");
          }
          try {
            externalIdFieldName = externalIdField(schema, body.externalIdFieldName);
          } catch {
            throw invalidJob(
              `InvalidJob : Field name provided, ${body.externalIdFieldName} is not an External ID or indexed field for ${schema.name}`,
            );
          }
        }
        const now = formatDateTime(ctx.data.writer.now().getTime());
        const job: IngestJob = {
          id: ctx.data.store.ids.next(JOB_PREFIX),
          object: schema.name,
          operation: body.operation,
          lineEnding: body.lineEnding,
          state: "Open",
          createdDate: now,
          systemModstamp: now,
          createdById: ctx.data.writer.integrationUserId() ?? "",
          apiVersion: version,
          processed: 0,
          failed: 0,
          columns: [],
          successes: [],
          failures: [],
          unprocessed: [],
        };
        if (externalIdFieldName) job.externalIdFieldName = externalIdFieldName;
        jobs.set(job.id, job);
        return json(200, info(job));
      }),
    )
    .add(
      "GET",
      `${DATA}/jobs/ingest/:id`,
      handle((req) => json(200, info(jobOf(req, true)))),
    )
    .add(
      "PUT",
      `${DATA}/jobs/ingest/:id/batches`,
      handle((req) => {
        const job = jobOf(req);
        if (job.state !== "Open") throw invalidState(job, "data can be uploaded only to an Open job");
        const type = String(req.headers["content-type"] ?? "");
        if (!type.includes("text/csv")) {
          throw new SalesforceApiError(400, "INVALIDJOB", "InvalidJob : Content-Type must be text/csv");
        }
        // Bulk API 2.0 takes one upload per job (Bulk API 2.0 Developer Guide, "Upload Job Data"); a
        // second PUT is refused with this message, whatever the first one held.
        if (job.data !== undefined) {
          throw new SalesforceApiError(
            400,
            "BULK_API_ERROR",
            `Found multiple contents for job: <${job.id}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.`,
          );
        }
        // The job data's size limit ("Maximum file size", Limits and Allocations); the wording is the emulator's own.
        const bytes = Buffer.byteLength(req.rawBody);
        if (bytes > uploadMaxBytes) {
          throw new SalesforceApiError(400, "BULK_API_ERROR", `Job data of ${bytes} bytes exceeds the ${uploadMaxBytes} bytes one upload may hold`);
        }
        job.data = req.rawBody;
        touch(job);
        return { status: 201 };
      }),
    )
    .add(
      "PATCH",
      `${DATA}/jobs/ingest/:id`,
      handle((req) => {
        const job = jobOf(req);
        const { state } = patchJobBody.parse(req.body ?? {});
        if (state === "Aborted") {
          if (job.state !== "Open" && job.state !== "UploadComplete") {
            throw invalidState(job, "only an Open or UploadComplete job can be aborted");
          }
          job.state = "Aborted";
          touch(job);
          return json(200, info(job));
        }
        if (job.state !== "Open") throw invalidState(job, "only an Open job can be closed");
        job.state = "UploadComplete";
        touch(job);
        // The answer is the job as closed; processing then moves it on: at once, or InProgress for the
        // Get Job Info calls `polls` names, its rows saved at the next access after them.
        const answer = info(job);
        if (polls > 0) {
          job.state = "InProgress";
          working.set(job.id, polls);
          return json(200, answer);
        }
        processJob(job, schemaOf(job), ctx.data.store, ctx.data.writer, ctx.data.writer.jobStop(job.object, job.operation));
        touch(job);
        return json(200, answer);
      }),
    )
    .add(
      "DELETE",
      `${DATA}/jobs/ingest/:id`,
      handle((req) => {
        const job = jobOf(req);
        if (job.state === "Open" || job.state === "InProgress") {
          throw invalidState(
            job,
            "a job can be deleted once it is UploadComplete, JobComplete, Aborted or Failed",
          );
        }
        jobs.delete(job.id);
        return { status: 204 };
      }),
    )
    .add(
      "GET",
      `${DATA}/jobs/ingest/:id/successfulResults`,
      handle((req) => {
        const job = jobOf(req);
        finished(job);
        return csv([
          ["sf__Id", "sf__Created", ...job.columns],
          ...job.successes.map((s) => [s.id, String(s.created), ...s.row]),
        ]);
      }),
    )
    .add(
      "GET",
      `${DATA}/jobs/ingest/:id/failedResults`,
      handle((req) => {
        const job = jobOf(req);
        finished(job);
        return csv([
          ["sf__Id", "sf__Error", ...job.columns],
          ...job.failures.map((f) => [f.id, f.error, ...f.row]),
        ]);
      }),
    )
    .add(
      "GET",
      `${DATA}/jobs/ingest/:id/unprocessedrecords`,
      handle((req) => {
        const job = jobOf(req);
        // "Retrieves a list of unprocessed records for failed or aborted jobs": the rows as uploaded, under the
        // upload's header. A job aborted before it was processed never reached any of its rows.
        if (job.state !== "Failed" && job.state !== "Aborted") {
          throw invalidState(job, "unprocessed records are available once the job is Failed or Aborted");
        }
        const rows = job.columns.length > 0 ? [job.columns, ...job.unprocessed] : parseCsv(job.data ?? "");
        return csv(rows.length > 0 ? rows : [[]]);
      }),
    );
}
