// The one fault table for Salesforce (ARCHITECTURE.md "Errors"): an errorCode or HTTP status → what the
// caller does next, with a message a person can act on. Codes: REST API Developer Guide, "Status Codes
// and Error Responses"
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
import { STATUS_CODES } from "node:http";
import type { z } from "zod";
import type { ErrorClass } from "../../store/port.js";
import { RESUME_NOTE, reworded, SystemError } from "../../sync/system-error.js";
import type { RecordFailure } from "../../sync/system-port.js";
import { CallTimeoutError } from "../call-timeout.js";
import { retryAfterMs } from "../retry-wait.js";

export const SYSTEM = "salesforce";

/**
 * Failures of Salesforce as a whole, not of one request (unreachable after sync.retryPatience, the daily
 * limit, the login refused): a caller that could do without an answer stops on them all the same.
 */
export const SYSTEM_DOWN: ReadonlySet<ErrorClass> = new Set(["transient", "rate_limited", "auth"]);

/** What a refused record write was: its object, and the external id it upserted on and that id's value. */
export interface RefusedWrite {
  object: string;
  upsertOn?: { field: string; value: unknown };
}

interface Fault {
  errorClass: ErrorClass;
  retriable: boolean;
  /** What a person reads; `detail` is Salesforce's own message, `write` the record write it refused. */
  explain: (detail: string, write?: RefusedWrite) => string;
  /** What it means for a sync run it stops (SystemErrorInit.runNote). */
  runNote?: string;
  /** A record's refusal whatever values the write carries (RecordFailure.ofRecord). */
  ofRecord?: true;
  /** A lock that ends by itself, hours or days later (RecordFailure.lastingLock). */
  lastingLock?: true;
}

/** What a stopped sync run adds to a spent allocation's message: when its work goes on. */
export const DAILY_LIMIT_RUN_NOTE = "The next run after that resumes from the saved cursors.";

export const DAILY_LIMIT_MESSAGE =
  "stopped: the org's Salesforce API allocation for the last 24 hours is spent (REQUEST_LIMIT_EXCEEDED); calls " +
  "free up as earlier ones age past 24 hours.";

const missingField = (detail: string) =>
  `the mapping names a field or object Salesforce does not have: ${detail}`;

/**
 * A company's new Account the standard Account duplicate rule took for an existing one (same name, same
 * billing city: Salesforce Help, "Standard Account Duplicate Rule"). Every Account leadloop links is some
 * HubSpot company's, so the same company is two HubSpot companies: merged in HubSpot, the one left keeps
 * the link. Another company's Account made by hand with the company's id in the field leadloop upserts on
 * is the one the retry writes to: an edit, which the standard rule only reports.
 */
function duplicateAccount(detail: string, write: RefusedWrite): string {
  const field = write.upsertOn?.field;
  const linkedBy = field ? `the Account's ${field}` : "the Account's link";
  const stamp = write.upsertOn
    ? `${write.upsertOn.field} ${JSON.stringify(String(write.upsertOn.value))}`
    : "the company's domain as its Website";
  return (
    `Salesforce's duplicate rule took the company's new Account for an existing one: ${detail}. The same ` +
    `company: merge it in HubSpot into the company ${linkedBy} names, and once a run has followed the ` +
    "merge, `leadloop errors retry` resolves this. Another company (a subsidiary, a namesake): create its " +
    "Account in Salesforce by hand (past the rule's alert; a blocking rule must first let it save) with " +
    `${stamp}, and \`leadloop errors retry\` links it. Its people's Leads sync meanwhile, with no Account`
  );
}

/**
 * Keyed by Salesforce errorCode/statusCode first, then by `HTTP <status>` (and `HTTP 5xx`). Retriable
 * messages name what keeps happening; call-retry.ts says where and that leadloop stopped.
 */
const FAULT_TABLE: Readonly<Record<string, Fault>> = {
  INVALID_SESSION_ID: {
    errorClass: "auth",
    retriable: false,
    explain: (d) => `Salesforce refused the session (${d}); check salesforce.accessToken or salesforce.oauth`,
  },
  REQUEST_LIMIT_EXCEEDED: {
    errorClass: "rate_limited",
    retriable: false,
    explain: () => DAILY_LIMIT_MESSAGE,
    runNote: DAILY_LIMIT_RUN_NOTE,
  },
  UNABLE_TO_LOCK_ROW: {
    errorClass: "transient",
    retriable: true,
    explain: (d) => `record locks in Salesforce (UNABLE_TO_LOCK_ROW: ${d})`,
  },
  SERVER_UNAVAILABLE: {
    errorClass: "transient",
    retriable: true,
    explain: (d) => `SERVER_UNAVAILABLE from Salesforce (${d})`,
  },
  // Salesforce's own failures of one save or call, not of what it carried (Core Data Types, StatusCode:
  // "An unknown exception occurred", a request "running too long" cancelled, a query timed out): another
  // try may pass. A record refused so is written again (passing-refusals.ts); a whole call is retried.
  UNKNOWN_EXCEPTION: {
    errorClass: "transient",
    retriable: true,
    explain: (d) => `UNKNOWN_EXCEPTION from Salesforce (${d})`,
  },
  REQUEST_RUNNING_TOO_LONG: {
    errorClass: "transient",
    retriable: true,
    explain: (d) => `requests cancelled by Salesforce as running too long (REQUEST_RUNNING_TOO_LONG: ${d})`,
  },
  QUERY_TIMEOUT: {
    errorClass: "transient",
    retriable: true,
    explain: (d) => `queries timed out in Salesforce (QUERY_TIMEOUT: ${d})`,
  },
  // A query's next page asked by a locator Salesforce no longer keeps: "Use a given queryLocator value only
  // one time", and one "expire[s] automatically after 15 minutes of inactivity", at most 10 open per user
  // (SOAP API Developer Guide, "QueryLocator"; Salesforce Help 000004410). Asked again it answers the same,
  // so it is not retried; the read resumes from the last page synced, in the next run.
  INVALID_QUERY_LOCATOR: {
    errorClass: "transient",
    retriable: false,
    runNote: RESUME_NOTE,
    explain: (d) =>
      `Salesforce no longer answers this query's next page (INVALID_QUERY_LOCATOR: ${d}): a page's locator ` +
      "answers once, for 15 minutes without use, 10 open per user, so a lost answer sent again, a page that " +
      "took longer to sync, or other queries of the same Salesforce user dropped it",
  },
  MALFORMED_QUERY: { errorClass: "config", retriable: false, explain: missingField },
  INVALID_FIELD: { errorClass: "config", retriable: false, explain: missingField },
  INVALID_TYPE: { errorClass: "config", retriable: false, explain: missingField },
  NOT_FOUND: { errorClass: "data", retriable: false, explain: (d) => `not found in Salesforce: ${d}` },
  DUPLICATES_DETECTED: {
    errorClass: "conflict",
    retriable: false,
    explain: (d, write) =>
      write?.object === "Account"
        ? duplicateAccount(d, write)
        : `a Salesforce duplicate rule matched an existing record: ${d}; if it is the same person, merge the two, ` +
          "if another person, create their record in Salesforce by hand (past the rule's alert; a blocking rule " +
          "must first let it save) " +
          "and `leadloop errors retry` links it by email",
  },
  // An update of a record whose owner left (Salesforce Help, "Deactivate Users": their records stay theirs).
  INACTIVE_OWNER_OR_USER: {
    errorClass: "conflict",
    retriable: false,
    ofRecord: true,
    explain: (d) =>
      `the record's owner is a deactivated Salesforce user (${d}): reassign their records to an active user, ` +
      'or give leadloop\'s integration user the "Update Records with Inactive Owners" permission, then ' +
      "`leadloop errors retry`",
  },
  // An approval process locks a record against every edit until it ends: "ENTITY_IS_LOCKED, the entity is
  // locked for editing", as an org answers (Salesforce Developer Forums, "ENTITY IS LOCKED message when
  // unlocking through approval"). The approval ends by itself, with an approver's answer or a recall hours
  // or days later (Metadata API, ApprovalProcess: the actions "when a record is approved, rejected,
  // recalled"; Apex Approval class: approval-process locks and unlocks), so the runs send the write again
  // with their backoff rather than a call within its half minute.
  ENTITY_IS_LOCKED: {
    errorClass: "conflict",
    retriable: false,
    ofRecord: true,
    lastingLock: true,
    explain: (d) =>
      `the record is locked in Salesforce, by an approval process (${d}): the runs send the write again by ` +
      "themselves once the approval ends (finished or recalled, or the record unlocked by an admin), or " +
      "`leadloop errors retry` at once",
  },
  "HTTP 401": {
    errorClass: "auth",
    retriable: false,
    explain: (d) =>
      `Salesforce refused the credentials (${d}); check salesforce.accessToken or salesforce.oauth`,
  },
  "HTTP 403": {
    errorClass: "config",
    retriable: false,
    explain: (d) =>
      `the Salesforce integration user may not do this (${d}); check its profile and permission sets`,
  },
  "HTTP 404": { errorClass: "data", retriable: false, explain: (d) => `not found in Salesforce: ${d}` },
  "HTTP 429": {
    errorClass: "rate_limited",
    retriable: true,
    explain: (d) => `429 Too Many Requests from Salesforce (${d})`,
  },
  // Not Implemented (and HTTP Version Not Supported) do not pass: the server is not Salesforce's API.
  "HTTP 501": {
    errorClass: "config",
    retriable: false,
    explain: (d) =>
      `the server does not offer this call (${d}); check that salesforce.instanceUrl and salesforce.oauth.loginUrl are your org's`,
  },
  "HTTP 5xx": { errorClass: "transient", retriable: true, explain: (d) => `server errors from Salesforce (${d})` },
  NETWORK: {
    errorClass: "transient",
    retriable: true,
    explain: (d) => `network failures talking to Salesforce (${d})`,
  },
};

/**
 * A Transaction Security policy of the org blocked the call or the save: TXN_SECURITY_NO_ACCESS ("The
 * operation you requested isn't allowed due to a security policy in your organization. Contact your
 * administrator"), TXN_SECURITY_END_A_SESSION, TXN_SECURITY_TWO_FA_REQUIRED (SOAP API Developer Guide,
 * StatusCode; Salesforce Help, "Transaction Security": a policy's action blocks the operation, ends the
 * session or asks for two-factor authentication, which an integration cannot give). The same policy
 * blocks the same write again, so it is no refusal in passing; nor is it the record's data: an admin
 * exempts leadloop's user from the policy or changes it, whatever the record holds.
 */
const TXN_SECURITY: Fault = {
  errorClass: "config",
  retriable: false,
  explain: (d) =>
    `a Transaction Security policy in the Salesforce org blocked this (${d}): have an admin exempt ` +
    "leadloop's integration user from the policy, or change it (Setup > Transaction Security Policies), " +
    "then `leadloop errors retry`",
};

/**
 * REQUEST_LIMIT_EXCEEDED names several limits by its message, not only the rolling 24-hour allocation
 * ("TotalRequests Limit exceeded."): "ConcurrentPerOrgLongTxn Limit exceeded." (too many requests of
 * more than 20 seconds running at once in the org) and "ConcurrentRequests (Concurrent API Requests)
 * Limit exceeded." refuse a request while others run, and pass once they end (Salesforce Developer
 * Limits and Allocations Quick Reference, "API Request Limits and Allocations": concurrent long-running
 * requests; answers quoted in mautic/mautic #5006 and SalesforceLabs/OrgCheck #432). Refused before it was
 * carried out (`rate_limited` is surely unprocessed), so even a create is sent again, after a wait.
 */
const CONCURRENT_LIMIT: Fault = {
  errorClass: "rate_limited",
  retriable: true,
  explain: (d) => `Salesforce's limit on requests running at once in the org (REQUEST_LIMIT_EXCEEDED: ${d})`,
};

/**
 * The fault of a Salesforce errorCode or statusCode and its message (`detail`): the TXN_SECURITY_ family by
 * its prefix, a concurrency limit by REQUEST_LIMIT_EXCEEDED's message.
 */
function faultOf(code: string, detail: string): Fault | undefined {
  if (code === "REQUEST_LIMIT_EXCEEDED" && /\bConcurrent/i.test(detail)) return CONCURRENT_LIMIT;
  return FAULT_TABLE[code] ?? (code.startsWith("TXN_SECURITY_") ? TXN_SECURITY : undefined);
}

/** Node and node-fetch codes of a connection that failed or was cut: worth another try. */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
]);

/** What the HTTP exchange showed besides the thrown error (jsforce's errors carry neither status nor headers). */
export interface ResponseFacts {
  status: number;
  headers: Record<string, string>;
}

/**
 * A per-record failure from its statusCode and Salesforce's message: duplicates are conflicts, locks and
 * Salesforce's own failures transient (written again: passing-refusals.ts), the rest data; the message
 * the table's explanation where it has one, else Salesforce's own.
 */
export function recordFailure(statusCode: string, detail: string, write?: RefusedWrite): RecordFailure {
  const fault = faultOf(statusCode, detail);
  if (!fault) return { errorClass: "data", code: statusCode, message: detail };
  return {
    errorClass: fault.errorClass,
    code: statusCode,
    message: fault.explain(detail, write),
    ...(fault.ofRecord ? { ofRecord: true as const } : {}),
    ...(fault.lastingLock ? { lastingLock: true as const } : {}),
  };
}

/**
 * The refusals that doubt the describe a write was made from (describe.ts): a field it lists that the org
 * no longer has, or cannot write, a type it gave (a value leadloop could not convert to it), a picklist's
 * values (REST API Developer Guide, "Status Codes and Error Responses"; SOAP API "StatusCode"), so the next
 * run describes the object again (ARCHITECTURE.md "Kept descriptions").
 */
const DESCRIBE_DOUBTED = new Set([
  "INVALID_FIELD",
  "INVALID_FIELD_FOR_INSERT_UPDATE",
  "INVALID_TYPE",
  "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
  "LEADLOOP_INVALID_VALUE",
]);

export function doubtsDescribe(failure: Pick<RecordFailure, "errorClass" | "code">): boolean {
  return failure.errorClass === "config" || DESCRIBE_DOUBTED.has(failure.code);
}

/**
 * A query or a write refused for a column a kept describe listed (INVALID_FIELD, "No such column 'X' on
 * entity 'Lead'"; a write's "… on sobject of type Lead"): leadloop queries and writes only the fields a
 * describe listed (soql.ts; reason-field.ts leaves the reason out of a write where the describe lacks it),
 * so the org no longer has the field (an admin deleted it, or hid it from leadloop's user, since). No
 * mapping need name it: leadloop's own optional fields (README: Leadloop_Disposition_Reason__c, which a
 * `requalify` blanks on the Lead) are read and written where the describe had them. The describe is
 * doubted (connection.ts `onColumnRefused`, adapter.ts's write), so the next run reads it again and goes
 * on without the field, or names the mapping entry that needs it (sync/mapping-refusal.ts).
 */
export function columnGone(failure: SystemError): SystemError {
  const detail = describeThrown(failure.cause).detail;
  return reworded(failure, `Salesforce no longer has a field the describe leadloop kept listed (deleted or hidden since): ${detail}.`, {
    runNote:
      "The next run describes the object again and goes on without the field, or names the mapping entry that needs it.",
  });
}

/** Turns whatever jsforce or the network threw into a classified SystemError. */
export function classifySalesforceError(err: unknown, response?: ResponseFacts): SystemError {
  if (err instanceof SystemError) return err;
  // Whatever the headers said, the answer never arrived whole: another try may get it.
  if (err instanceof CallTimeoutError) {
    return new SystemError({
      system: SYSTEM,
      errorClass: "transient",
      code: err.stalled ? "ANSWER_STALLED" : "TIMEOUT",
      message: err.stalled
        ? `answers from Salesforce that stopped under way (no byte for ${err.timeoutMs} ms after the headers)`
        : `timeouts from Salesforce (no whole answer within ${err.timeoutMs} ms)`,
      retriable: true,
      cause: err,
    });
  }
  const { code, detail: said, page } = describeThrown(err);
  const status = response?.status;
  const detail = page ? pageDetail(status) : said;
  const statusKey =
    status === undefined ? undefined : status === 501 || status === 505 ? "HTTP 501" : status >= 500 ? "HTTP 5xx" : `HTTP ${status}`;
  const network = status === undefined && isNetworkFailure(err, code);
  const fault =
    faultOf(code, detail) ??
    (statusKey ? FAULT_TABLE[statusKey] : undefined) ??
    (network ? FAULT_TABLE.NETWORK : undefined);
  if (!fault) {
    const errorClass: ErrorClass = status !== undefined && status < 500 ? "data" : "bug";
    return new SystemError({
      system: SYSTEM,
      errorClass,
      code: code || (status ? String(status) : "UNKNOWN"),
      message: `Salesforce call failed: ${detail}`,
      retriable: false,
      cause: err,
    });
  }
  return new SystemError({
    system: SYSTEM,
    errorClass: fault.errorClass,
    code: code || (status ? String(status) : "NETWORK"),
    message: fault.explain(detail),
    ...(fault.runNote ? { runNote: fault.runNote } : {}),
    retriable: fault.retriable,
    retryAfterMs: fault.retriable ? retryAfterMs(response?.headers["retry-after"]) : undefined,
    cause: err,
  });
}

/**
 * What an HTML page where an API answer should be says. A 5xx one is a gateway's, load balancer's or
 * proxy's before the API (nginx's "502 Bad Gateway"), retried as any 5xx: its status is what a person can
 * act on, not jsforce's "See `error.data` for the full html response" (jsforce http-api.js getError) nor
 * the page. Any other is some web server the URL leads to instead of the API.
 */
function pageDetail(status: number | undefined): string {
  if (status !== undefined && status >= 500 && status !== 501 && status !== 505)
    return `HTTP ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ""} as an HTML page, a gateway's before Salesforce's API, not an answer of the API`;
  return "an HTML page, not an answer of Salesforce's API: check salesforce.instanceUrl and salesforce.oauth.loginUrl";
}

function describeThrown(err: unknown): { code: string; detail: string; page: boolean } {
  if (typeof err !== "object" || err === null) return { code: "", detail: String(err), page: false };
  const e = err as { errorCode?: unknown; code?: unknown; message?: unknown; data?: unknown; name?: unknown };
  let code = typeof e.errorCode === "string" ? e.errorCode : "";
  let detail = typeof e.message === "string" ? e.message : String(err);
  // jsforce folds several request-level errors into MULTIPLE_API_ERRORS with the list in `data`.
  if (code === "MULTIPLE_API_ERRORS" && Array.isArray(e.data)) {
    const first = e.data[0] as { errorCode?: unknown; message?: unknown } | undefined;
    if (typeof first?.errorCode === "string") code = first.errorCode;
    if (typeof first?.message === "string") detail = first.message;
  }
  // A web page where an API answer should be (jsforce says so itself when it is declared `text/html`):
  // the page says nothing useful, the status says whose it is (pageDetail).
  const page = /<(!doctype|html|head|body)\b/i.test(detail) || detail.startsWith("HTTP response contains html content");
  if (page) detail = "";
  // MALFORMED_QUERY repeats the whole SOQL (values included) before its last line, which names the problem.
  else if (detail.includes("\n"))
    detail =
      detail
        .split("\n")
        .filter((l) => l.trim() !== "")
        .at(-1) ?? detail;
  if (!code && typeof e.code === "string") code = e.code;
  if (!code && e.name === "AbortError") code = "ETIMEDOUT";
  // Salesforce messages are short; anything longer is an unexpected body and is cut rather than logged whole.
  return { code, detail: detail.length > 300 ? `${detail.slice(0, 300)}…` : detail, page };
}

function isNetworkFailure(err: unknown, code: string): boolean {
  if (NETWORK_CODES.has(code)) return true;
  const name = typeof err === "object" && err !== null ? (err as { name?: unknown }).name : undefined;
  return name === "FetchError" || name === "AbortError";
}

/** Whether resending a request that may have reached Salesforce is safe: only when it surely was not processed. */
export function surelyUnprocessed(err: SystemError): boolean {
  return (
    err.code === "ECONNREFUSED" || err.errorClass === "rate_limited" || err.code === "SERVER_UNAVAILABLE"
  );
}

/**
 * An answer read by its schema, or a `bug` error naming what answered (`what`: "the query answer", "the
 * describe of Lead") and the first thing its schema refused: Salesforce answered outside its reference,
 * which no retry mends.
 */
export function documentedAnswer<S extends z.ZodType>(schema: S, raw: unknown, code: string, what: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new SystemError({
    system: SYSTEM,
    errorClass: "bug",
    code,
    message: `Salesforce's ${what} did not have the documented shape: ${parsed.error.issues[0]?.message ?? ""}`,
    retriable: false,
  });
}
