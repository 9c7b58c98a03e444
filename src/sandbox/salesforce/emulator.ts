// Starts the Salesforce emulator: the org's REST API (query, sObjects, collections, limits, Bulk API 2.0
// ingest, composite), the OAuth token endpoint, Salesforce's auth and limit behaviour, and its control routes.
import { ControlClient } from "../emulator/control-client.js";
import type { RequestFault } from "../emulator/faults.js";
import { Router } from "../emulator/router.js";
import {
  type EmulatorHandler,
  type EmulatorRequest,
  type EmulatorResponse,
  type RunningEmulator,
  type SystemBehaviour,
  startEmulator,
} from "../emulator/server.js";
import { REPLICATION_ID_LIMIT, SalesforceData } from "./data.js";
import type { DuplicateMatching, DuplicateRuleSetup } from "./duplicate-rules.js";
import type { InactiveOwnerUpdates, LockedRecordUpdates } from "./record-writer.js";
import { SalesforceApiError } from "./errors.js";
import type { OrgSetup } from "./schema.js";
import { ApiUsage } from "./limits.js";
import { addBulkRoutes, BULK_UPLOAD_MAX_BYTES } from "./routes/bulk.js";
import { addCollectionRoutes } from "./routes/collections.js";
import { addCompositeRoute } from "./routes/composite.js";
import { DATA, REST_URI_AND_HEADERS_MAX_BYTES, type SalesforceContext } from "./routes/context.js";
import { controlRoutes } from "./routes/control.js";
import { addOAuthRoutes, addUserInfoRoute } from "./routes/oauth.js";
import { addLimitsRoute } from "./routes/limits.js";
import { addQueryRoutes, type QueryLocatorLifetime, type QueryLocators } from "./routes/query.js";
import { addSObjectRoutes } from "./routes/sobjects.js";
import { Sessions } from "./sessions.js";
import type { EmptiedDeletions } from "./record-store.js";
import type { UnorderedRows } from "./soql-evaluator.js";
import type { SoqlDateTimes } from "./soql-lexer.js";

export interface SalesforceEmulatorOptions {
  port?: number;
  /**
   * `gzip`: answers compressed (`Content-Encoding: gzip`) and chunked to a client that accepts gzip, as
   * the real API's servers may (FIDELITY.md, Faults); default: plain, with a Content-Length.
   */
  compression?: "gzip";
  /** The token valid from the start; default "sandbox-salesforce-token". */
  accessToken?: string;
  /** The client-credentials pair the token endpoint accepts; defaults "sandbox-client-id"/"sandbox-client-secret". */
  clientId?: string;
  clientSecret?: string;
  /** The org's daily API allocation; default 100000. */
  dailyApiLimit?: number;
  /** The org's clock (default: real time), so a test can move time for leadloop and Salesforce alike. */
  now?: () => Date;
  /** The standard Lead, Contact and Account duplicate rules' set-up; default "alert" (duplicate-rules.ts). */
  duplicateRule?: DuplicateRuleSetup;
  /**
   * What those rules match by: "standard" (default) email, or first name, last name and company, and an
   * Account's name and billing city; "email" Leads by email alone, as the emulator did before
   * (duplicate-rules.ts).
   */
  duplicateMatching?: DuplicateMatching;
  /**
   * An update of a record whose owner is deactivated: "refused" (default) with INACTIVE_OWNER_OR_USER
   * unless it gives the record to an active user; "allowed" as with "Update Records with Inactive Owners".
   */
  inactiveOwnerUpdates?: InactiveOwnerUpdates;
  /**
   * An update of a record an approval process locked (`data.lock`): "refused" (default) with
   * ENTITY_IS_LOCKED; "allowed" as for an administrator where the approval process lets them edit.
   */
  lockedRecordUpdates?: LockedRecordUpdates;
  /**
   * "configured" (default): the org as the README's Salesforce setup leaves it (Lead Status has
   * "Closed - Unqualified" and "Closed - Unreachable"); "bare": a new org's standard picklists only.
   */
  orgSetup?: OrgSetup;
  /**
   * Lead custom fields an admin mapped for lead conversion (to same-named Account, Contact and
   * Opportunity fields); default none, as in a new org.
   */
  mappedLeadFields?: string[];
  /**
   * The order of a query's records without ORDER BY, which Salesforce does not guarantee: "reversed"
   * (default) against the order they were stored in, "stored" in that order (soql-evaluator.ts).
   */
  unorderedRows?: UnorderedRows;
  /**
   * Which dateTime literals SOQL takes: the forms the SOQL reference lists, to the second (default), or
   * `"fractional"`, also with milliseconds, as a real org was seen to (soql-lexer.ts `SoqlDateTimes`).
   */
  soqlDateTimes?: SoqlDateTimes;
  /**
   * Fields whose history the org tracks, by object, replacing the default set for each object named
   * (field-history.ts `DEFAULT_TRACKED_FIELDS`: Lead Title, Phone, MobilePhone, Email, Status, …).
   */
  trackedFields?: Record<string, string[]>;
  /** How long a query's `nextRecordsUrl` answers; default "idle" (routes/query.ts). */
  queryLocatorLifetime?: QueryLocatorLifetime;
  /**
   * Whether a query page that is not the last names the next one in `nextRecordsUrl`: "given" (default),
   * or "missing" / "null", a server whose `done: false` says more follow without saying where (routes/query.ts).
   */
  queryLocators?: QueryLocators;
  /**
   * A record emptied from the Recycle Bin: "unlisted" (default) getDeleted no longer lists it, as it may
   * not once an admin purged the bin ("sObject Get Deleted"); "listed" it still does, for its 15 days.
   * queryAll finds it no more in either (FIDELITY.md).
   */
  emptiedDeletions?: EmptiedDeletions;
  /**
   * How many ids getUpdated and getDeleted list in one answer before refusing the window with
   * EXCEEDED_ID_LIMIT: 600,000 by default ("sObject Get Updated", "sObject Get Deleted"); a test lowers it.
   */
  replicationIdLimit?: number;
  /**
   * How many Get Job Info calls find a closed Bulk API 2.0 ingest job still `InProgress` before its rows
   * are saved (at the next access of the job): 0 (default), saved when the upload is closed, as a small
   * job on an idle org is; a test sets more to have a client poll, or stop, while Salesforce works.
   */
  bulkJobPolls?: number;
  /**
   * The most bytes one Bulk API 2.0 upload may hold: 100,000,000 by default, the stricter reading of "150 MB"
   * once base64-encoded, about 100 MB of data (Limits and Allocations Quick Reference); a test lowers it.
   */
  bulkUploadMaxBytes?: number;
}

export interface SalesforceEmulator extends RunningEmulator {
  data: SalesforceData;
  control: ControlClient;
  /** The currently valid token (changes when the token endpoint issues a new one). */
  readonly accessToken: string;
  /** The connected app's client-credentials pair the token endpoint accepts. */
  readonly clientId: string;
  readonly clientSecret: string;
}

const ORG_ID = "00D5g000004SandAAA";

export async function startSalesforceEmulator(
  options: SalesforceEmulatorOptions = {},
): Promise<SalesforceEmulator> {
  const sessions = new Sessions(options.accessToken ?? "sandbox-salesforce-token");
  const usage = new ApiUsage(options.dailyApiLimit ?? 100_000);
  const data = new SalesforceData(undefined, sessions, options.orgSetup, options.now);
  data.writer.duplicateRule = options.duplicateRule ?? "alert";
  data.writer.duplicateMatching = options.duplicateMatching ?? "standard";
  data.writer.inactiveOwnerUpdates = options.inactiveOwnerUpdates ?? "refused";
  data.writer.lockedRecordUpdates = options.lockedRecordUpdates ?? "refused";
  data.mappedLeadFields = new Set(options.mappedLeadFields ?? []);
  data.unorderedRows = options.unorderedRows ?? "reversed";
  data.soqlDateTimes = options.soqlDateTimes ?? "documented";
  data.emptiedDeletions = options.emptiedDeletions ?? "unlisted";
  data.replicationIdLimit = options.replicationIdLimit ?? REPLICATION_ID_LIMIT;
  for (const [object, fields] of Object.entries(options.trackedFields ?? {})) data.trackHistory(object, fields);
  let baseUrl = "";
  const ctx: SalesforceContext = {
    data,
    sessions,
    usage,
    orgId: ORG_ID,
    clientId: options.clientId ?? "sandbox-client-id",
    clientSecret: options.clientSecret ?? "sandbox-client-secret",
    baseUrl: () => baseUrl,
  };
  // The integration user every API write is attributed to and records default their owner to.
  const integrationUserId = data.insert("User", {
    Username: "integration@leadloop.sandbox",
    Email: "integration@leadloop.sandbox",
    FirstName: "Integration",
    LastName: "User",
    IsActive: true,
  });

  const api = new Router<EmulatorHandler>();
  addOAuthRoutes(api, ctx, () => integrationUserId);
  addUserInfoRoute(api, ctx, () => integrationUserId);
  addQueryRoutes(api, ctx, options.queryLocatorLifetime, options.queryLocators);
  addCollectionRoutes(api, ctx);
  addCompositeRoute(api);
  addSObjectRoutes(api, ctx);
  addBulkRoutes(api, ctx, { polls: options.bulkJobPolls ?? 0, uploadMaxBytes: options.bulkUploadMaxBytes ?? BULK_UPLOAD_MAX_BYTES });
  addLimitsRoute(api, ctx);
  const control = new Router<EmulatorHandler>();
  controlRoutes(control, ctx);

  const running = await startEmulator({
    api,
    control,
    behaviour: behaviour(sessions, usage),
    // A token request and a Collections retrieve by POST change no record.
    readsByWriteMethod: ["POST /services/oauth2/token", `POST ${DATA}/composite/sobjects/:type`],
    port: options.port,
    ...(options.compression ? { compression: options.compression } : {}),
  });
  baseUrl = running.url;
  data.writer.useFaults(running.faults);
  const emulator = Object.assign(running, {
    data,
    control: new ControlClient(running.url),
    clientId: ctx.clientId,
    clientSecret: ctx.clientSecret,
  });
  // A getter, not a copy: the valid token changes whenever the token endpoint issues one.
  Object.defineProperty(emulator, "accessToken", { get: () => sessions.token, enumerable: true });
  return emulator as SalesforceEmulator;
}

function requestTooLarge(req: EmulatorRequest): EmulatorResponse | undefined {
  const query = req.query.toString();
  const uri = Buffer.byteLength(`${req.path}${query ? `?${query}` : ""}`);
  let headers = 0;
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : [value ?? ""]) headers += Buffer.byteLength(`${name}: ${v}\r\n`);
  }
  if (uri > REST_URI_AND_HEADERS_MAX_BYTES) return { status: 414, body: "URI Too Long" };
  if (uri + headers > REST_URI_AND_HEADERS_MAX_BYTES) return { status: 431, body: "Request Header Fields Too Large" };
  return undefined;
}

function isUnauthenticated(path: string): boolean {
  return path.startsWith("/services/oauth2/") || path === "/services/data" || path === "/services/data/";
}

function behaviour(sessions: Sessions, usage: ApiUsage): SystemBehaviour {
  return {
    guard(req: EmulatorRequest): EmulatorResponse | undefined {
      const tooLarge = requestTooLarge(req);
      if (tooLarge) return tooLarge;
      if (isUnauthenticated(req.path)) return undefined;
      const header = String(req.headers.authorization ?? "");
      const token = /^(Bearer|OAuth)\s+(.+)$/i.exec(header)?.[2]?.trim();
      if (!token || !sessions.isValid(token)) {
        return new SalesforceApiError(401, "INVALID_SESSION_ID", "Session expired or invalid").toResponse();
      }
      // The allocation is a rolling 24-hour count (REST API Developer Guide, "API Request Limits and Allocations").
      if (usage.exhausted) {
        return new SalesforceApiError(
          403,
          "REQUEST_LIMIT_EXCEEDED",
          "TotalRequests Limit exceeded.",
        ).toResponse();
      }
      usage.used += 1;
      return undefined;
    },
    decorate(req: EmulatorRequest): Record<string, string> {
      return req.path.startsWith("/services/data/") ? { "Sforce-Limit-Info": usage.header() } : {};
    },
    rateLimited(_req: EmulatorRequest, retryAfterSeconds = 1, fault?: RequestFault): EmulatorResponse {
      // An org refuses a request while too many run at once with the daily cap's code and its own message
      // (errors.ts CONCURRENT_LIMIT cites the references).
      if (fault?.concurrencyLimit) {
        const limit = fault.concurrencyLimit === "ConcurrentRequests" ? "ConcurrentRequests (Concurrent API Requests)" : fault.concurrencyLimit;
        return new SalesforceApiError(403, "REQUEST_LIMIT_EXCEEDED", `${limit} Limit exceeded.`).toResponse();
      }
      // Salesforce documents no 429 for the REST API; this only answers an injected rate_limit fault.
      // REQUEST_LIMIT_EXCEEDED is the daily cap (403), so the injected one uses its own code.
      return {
        status: 429,
        headers: { "Retry-After": String(Math.ceil(retryAfterSeconds)) },
        body: [{ message: "Too many requests (injected fault)", errorCode: "TOO_MANY_REQUESTS" }],
      };
    },
    failure(status: number): EmulatorResponse {
      const code =
        status === 503 ? "SERVER_UNAVAILABLE" : status >= 500 ? "UNKNOWN_EXCEPTION" : "BAD_REQUEST";
      const message =
        status === 503
          ? "Server temporarily unavailable, please try again later"
          : "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)";
      return { status, body: [{ message, errorCode: code }] };
    },
    notFound(): EmulatorResponse {
      return new SalesforceApiError(404, "NOT_FOUND", "The requested resource does not exist").toResponse();
    },
  };
}
