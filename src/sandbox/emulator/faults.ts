// Fault injection shared by both emulators: tests and the control endpoint switch faults on, and each
// request consumes the first rule that matches it. Per-record faults are data the emulators apply in
// their own write paths, since each system reports record errors in its own shape.
import { z } from "zod";

export const requestFaultSchema = z.strictObject({
  /**
   * status: answer with `status`; rate_limit: the system's own 429; slow: delay; drop: close the socket;
   * cut: carry the request out and break the connection half-way through its answer's body (a network or
   * gateway dropping an answer under way; the headers, and the status, arrived); stall: carry it out and
   * send half its answer's body, then nothing more, the connection left open (a server or proxy that
   * hangs mid-answer).
   */
  kind: z.enum(["status", "rate_limit", "slow", "drop", "cut", "stall"]),
  /** How many matching requests the rule applies to; absent means until cleared. */
  times: z.number().int().positive().optional(),
  /** Substring the request path must contain (absent: every path). */
  path: z.string().optional(),
  method: z.string().optional(),
  status: z.number().int().min(400).max(599).optional(),
  retryAfterSeconds: z.number().nonnegative().optional(),
  /**
   * A Salesforce `rate_limit` fault naming one of the org's limits on requests running at once: answered
   * as the org answers it, 403 REQUEST_LIMIT_EXCEEDED "ConcurrentPerOrgLongTxn Limit exceeded." (or
   * "ConcurrentRequests (Concurrent API Requests) Limit exceeded."), no Retry-After, where a bare
   * `rate_limit` is a 429 no Salesforce reference documents.
   */
  concurrencyLimit: z.enum(["ConcurrentPerOrgLongTxn", "ConcurrentRequests"]).optional(),
  delayMs: z.number().int().nonnegative().optional(),
  /**
   * A `drop` or `status` fault that comes only after the request was carried out: the write is made and
   * its answer lost, as when a gateway answers 502 or 504, or the connection breaks, after the system
   * applied the request (the caller cannot tell this from a request that never arrived).
   */
  applied: z.boolean().optional(),
  /**
   * A `status` fault answered with an HTML page, as a gateway, load balancer or proxy before the system
   * sends for a 502, 503 or 504 (nginx's "502 Bad Gateway" page, `text/html`), not the system's own body.
   */
  page: z.boolean().optional(),
});
export type RequestFault = z.infer<typeof requestFaultSchema>;

export const recordFaultSchema = z.strictObject({
  /** Object type as the system names it (`contacts`, `Lead`); absent: every object. */
  object: z.string().optional(),
  field: z.string(),
  /** The value that triggers the error, compared case-insensitively; absent: any value of the field. */
  equals: z.string().optional(),
  message: z.string().default("Injected validation error"),
  /**
   * The message goes on to quote the request's Authorization header, as a system or a gateway in front of
   * it that echoes the request into a record's error does (HubSpot's emulator; call-retry.ts `secrets`).
   */
  echoAuthorization: z.boolean().default(false),
  /**
   * A refusal in passing, not of the record's values: the system's own code for it (HubSpot's error
   * category, `RATE_LIMITS`, `INTERNAL_ERROR`; Salesforce's statusCode, `UNABLE_TO_LOCK_ROW`). The record
   * alone is refused, as one input's error of a batch that succeeds (HubSpot's 207, Salesforce's save
   * result), never the whole batch as an invalid value is; absent: a validation error.
   */
  category: z.string().optional(),
  /** How many writes of a matching record a refusal in passing applies to; absent means until cleared. */
  times: z.number().int().positive().optional(),
});
export type RecordFault = z.infer<typeof recordFaultSchema>;

/**
 * A batch read that answers 207 with an error entry for these ids rather than their records, while they
 * exist (HubSpot's batch read: its `errors` beside `results`). No reference says which refusals a batch
 * read gives besides records not found; a server may give any, so the category is the test's to choose.
 */
export const readRefusalSchema = z.strictObject({
  /** Object type as the system names it (`contacts`); absent: every object. */
  object: z.string().optional(),
  ids: z.array(z.string()).min(1),
  category: z.string().default("INTERNAL_ERROR"),
  message: z.string().default("Some objects could not be read, please try again."),
  /** How many batch reads naming one of the ids it applies to; absent means until cleared. */
  times: z.number().int().positive().optional(),
});
export type ReadRefusal = z.infer<typeof readRefusalSchema>;

/**
 * A Salesforce Bulk API 2.0 ingest job that stops part-way (salesforce/bulk-ingest.ts): its first `afterRows`
 * rows are processed, each saved or refused as usual, and the job ends `state` with `errorMessage`; the rest
 * are its unprocessed records, in neither results file ("Understanding Bulk API 2.0 Ingest": a batch not
 * processed after Salesforce's own retries, or the day's records spent, fails the job and "remaining job
 * data isn't processed"). Aborted is an admin's abort in Setup while the job ran.
 */
export const jobStopSchema = z.strictObject({
  /** The job's object as Salesforce names it (`Lead`, `Task`); absent: every object. */
  object: z.string().optional(),
  operation: z.enum(["insert", "update", "upsert"]).optional(),
  /** Rows processed before the job stops (0: none). */
  afterRows: z.number().int().nonnegative(),
  state: z.enum(["Failed", "Aborted"]).default("Failed"),
  /** The job's `errorMessage`; absent: the emulator's wording for a batch Salesforce gave up on (bulk-ingest.ts). */
  errorMessage: z.string().optional(),
  /** How many matching jobs it stops; absent means until cleared. */
  times: z.number().int().positive().optional(),
});
export type JobStop = z.infer<typeof jobStopSchema>;

export const faultsSchema = z.strictObject({
  requests: z.array(requestFaultSchema).default([]),
  records: z.array(recordFaultSchema).default([]),
  reads: z.array(readRefusalSchema).default([]),
  jobs: z.array(jobStopSchema).default([]),
});

export class FaultInjector {
  private requestFaults: RequestFault[] = [];
  private recordFaults: RecordFault[] = [];
  private readRefusals: ReadRefusal[] = [];
  private jobStops: JobStop[] = [];

  add(input: unknown): void {
    const parsed = faultsSchema.parse(input);
    this.requestFaults.push(...parsed.requests);
    this.recordFaults.push(...parsed.records);
    this.readRefusals.push(...parsed.reads);
    this.jobStops.push(...parsed.jobs);
  }

  clear(): void {
    this.requestFaults = [];
    this.recordFaults = [];
    this.readRefusals = [];
    this.jobStops = [];
  }

  /** Takes (and uses up one application of) the first stop matching a Bulk API 2.0 job about to be processed. */
  jobStop(object: string, operation: string): JobStop | undefined {
    const index = this.jobStops.findIndex(
      (f) => (!f.object || f.object.toLowerCase() === object.toLowerCase()) && (!f.operation || f.operation === operation),
    );
    if (index < 0) return undefined;
    const stop = this.jobStops[index]!;
    this.jobStops.splice(index, 1, ...spentOnce(stop));
    return stop;
  }

  /**
   * The refusals a batch read of `ids` meets, each with the ids of this read it names; each refusal that
   * names one is used up once (`times`).
   */
  refusedReads(object: string, ids: readonly string[]): Array<{ ids: string[]; category: string; message: string }> {
    const out: Array<{ ids: string[]; category: string; message: string }> = [];
    this.readRefusals = this.readRefusals.flatMap((r) => {
      if (r.object && r.object.toLowerCase() !== object.toLowerCase()) return [r];
      const named = ids.filter((id) => r.ids.includes(id));
      if (named.length === 0) return [r];
      out.push({ ids: named, category: r.category, message: r.message });
      return spentOnce(r);
    });
    return out;
  }

  /** Takes (and uses up one application of) the first request fault matching this request. */
  take(method: string, path: string): RequestFault | undefined {
    const index = this.requestFaults.findIndex(
      (f) => (!f.path || path.includes(f.path)) && (!f.method || f.method.toUpperCase() === method),
    );
    if (index < 0) return undefined;
    const fault = this.requestFaults[index]!;
    this.requestFaults.splice(index, 1, ...spentOnce(fault));
    return fault;
  }

  /** The record fault this write trips, if any: a field whose value matches an injected rule. */
  recordFault(object: string, fields: Record<string, unknown>): RecordFault | undefined {
    return this.recordFaults.find((f) => f.category === undefined && faultMatches(f, object, fields));
  }

  /** The refusal in passing this record write meets, if any, using up one of its `times`. */
  passingRefusal(object: string, fields: Record<string, unknown>): RecordFault | undefined {
    const index = this.recordFaults.findIndex((f) => f.category !== undefined && faultMatches(f, object, fields));
    if (index < 0) return undefined;
    const fault = this.recordFaults[index]!;
    this.recordFaults.splice(index, 1, ...spentOnce(fault));
    return fault;
  }
}

/** A rule after one application: gone after its last of `times`, one fewer left, or as it was without `times`. */
function spentOnce<T extends { times?: number | undefined }>(rule: T): T[] {
  if (rule.times === undefined) return [rule];
  return rule.times <= 1 ? [] : [{ ...rule, times: rule.times - 1 }];
}

function faultMatches(f: RecordFault, object: string, fields: Record<string, unknown>): boolean {
  if (f.object && f.object.toLowerCase() !== object.toLowerCase()) return false;
  if (!(f.field in fields)) return false;
  if (f.equals === undefined) return true;
  return String(fields[f.field] ?? "").toLowerCase() === f.equals.toLowerCase();
}
