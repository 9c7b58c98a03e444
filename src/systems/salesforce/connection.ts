// The one HTTP path to Salesforce: a jsforce Connection pinned to the configured API version, the session
// (a given access token or the OAuth 2.0 client-credentials flow), the retry layer, call counting and the
// API budget. jsforce's own retries are off; every call goes through `callWithRetry`, the one retry layer
// (ARCHITECTURE.md "Errors").
import { Connection, type HttpRequest, type HttpResponse } from "jsforce";
import { z } from "zod";
import type { SalesforceConnection } from "../../config/leadloop-config.js";
import type { Logger } from "../../log/logger.js";
import { SystemError } from "../../sync/system-error.js";
import { callWithRetry, type RetryPolicy } from "../call-retry.js";
import { ANSWER_STALL_MS, AnswerProgress, withTimeout } from "../call-timeout.js";
import type { Clock } from "../clock.js";
import type { ApiBudget } from "./api-budget.js";
import { classifySalesforceError, columnGone, type ResponseFacts, SYSTEM, surelyUnprocessed } from "./errors.js";
import { REQUEST_TIMEOUT_MS } from "./limits.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface SalesforceRequest {
  method: HttpMethod;
  /** Under the versioned root (`/query?q=…`, `/composite/sobjects`) or from the host (`/services/…`). */
  path: string;
  /** Sent as JSON unless it is a string (then `contentType` says what it is). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /**
   * Read the answer as this content type instead of the one it declares: "text/plain" keeps a CSV answer
   * as text (jsforce would otherwise parse text/csv itself, splitting on any of six delimiters).
   */
  responseType?: string;
  /** Whether sending twice is harmless (reads, updates, upserts); plain creates are not. */
  idempotent: boolean;
  /** For logs: `query`, `collections.upsert` … */
  purpose: string;
}

export interface SalesforceClientOptions {
  connection: SalesforceConnection;
  log: Logger;
  retry: RetryPolicy;
  clock: Clock;
  budget: ApiBudget;
  /** A call with no whole answer within this is abandoned and retried as transient; default 120 s. */
  requestTimeoutMs?: number;
  /** An answer whose body sends nothing for this long after its headers is abandoned the same way; default 20 s. */
  answerStallMs?: number;
}

/** jsforce retries 429/5xx and connection errors on its own unless told not to (jsforce src/request.ts). */
const NO_CLIENT_RETRY = { retry: { maxRetries: 0, statusCodes: [], errorCodes: [], methods: [] } };

/**
 * OAuth 2.0 client-credentials token response.
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
 */
const tokenResponse = z
  .object({ access_token: z.string().min(1), instance_url: z.string().optional() })
  .loose();

const TOKEN_PATH = "/services/oauth2/token";

export class SalesforceClient {
  private readonly conn: Connection;
  private http = 0;
  private tokens = 0;
  private refreshing: Promise<boolean> | undefined;
  private starting: Promise<void> | undefined;
  private readonly timeoutMs: number;
  private readonly stallMs: number;
  /**
   * Told of each query the org refused for a column it does not have (describe.ts `doubtNamedIn`); says
   * whether the describe held listed the column.
   */
  private columnRefused: ((message: string) => boolean) | undefined;

  private constructor(private readonly options: SalesforceClientOptions) {
    const { connection } = options;
    this.timeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    this.stallMs = options.answerStallMs ?? ANSWER_STALL_MS;
    // No oauth2/refreshFn: jsforce would then refresh on its own; the retry layer does it once instead.
    this.conn = new Connection({
      instanceUrl: connection.instanceUrl.replace(/\/+$/, ""),
      accessToken: connection.accessToken ?? "",
      version: connection.apiVersion,
    });
  }

  /**
   * A client with the given token, or one that fetches its session with the client credentials on its
   * first call. Not on opening: a daemon started while Salesforce's login is down would exit after
   * `sync.retryPatience` before its first run, where a run's failure is one its schedule tries again.
   */
  static open(options: SalesforceClientOptions): Promise<SalesforceClient> {
    return Promise.resolve(new SalesforceClient(options));
  }

  /**
   * Tells `listener` of each query refused with INVALID_FIELD ("No such column 'X' on entity 'Lead'"): a
   * column the describes said the object has, so the describes are doubted as a refused write's are.
   */
  onColumnRefused(listener: (message: string) => boolean): void {
    this.columnRefused = listener;
  }

  /**
   * A query this client sent was refused, whether as a call of its own or as a composite subrequest
   * (composite.ts): the listener hears of an INVALID_FIELD one either way. True when the column was one
   * the describe held listed: the org dropped the field since.
   */
  queryRefused(code: string, message: string): boolean {
    return code === "INVALID_FIELD" && (this.columnRefused?.(message) ?? false);
  }

  /** The versioned REST root (`/services/data/v62.0`): composite subrequests name their resources from it. */
  versionRoot(): string {
    return `/services/data/v${this.options.connection.apiVersion}`;
  }

  /** Every request made to the org's API; the token endpoint's are counted apart (`tokenRequests`). */
  httpCalls(): number {
    return this.http;
  }

  /**
   * Requests to the OAuth token endpoint. Apart from `httpCalls` because Salesforce counts a login
   * toward its login rate limit, not the org's daily API request allocation (SOAP API Developer Guide,
   * login(); "API Request Limits and Allocations"), and `Sforce-Limit-Info` leaves it out.
   */
  tokenRequests(): number {
    return this.tokens;
  }

  async call<T>(req: SalesforceRequest): Promise<T> {
    const { log, retry, clock, budget } = this.options;
    if (!this.conn.accessToken) await this.firstSession();
    return callWithRetry(
      async (attempt) => {
        await attempt.sending();
        budget.beforeCall();
        let seen: ResponseFacts | undefined;
        const progress = new AnswerProgress();
        const transport = recordingTransport(this.conn, progress, (res) => {
          seen = { status: res.statusCode, headers: res.headers };
        });
        this.http += 1;
        budget.counted();
        try {
          const options = req.responseType ? { responseType: req.responseType } : {};
          return await this.whole(
            this.conn.request<T>(this.httpRequest(req), {
              ...NO_CLIENT_RETRY,
              timeout: this.timeoutMs,
              ...options,
              transport,
            }),
            req.method,
            req.path,
            progress,
          );
        } catch (err) {
          const failure = this.finalise(classifySalesforceError(err, seen));
          const gone = req.purpose.startsWith("query") && this.queryRefused(failure.code, failure.message);
          throw gone ? columnGone(failure) : failure;
        } finally {
          budget.observe(seen?.headers["sforce-limit-info"]);
        }
      },
      {
        operation: `${req.method} ${req.path.split("?")[0]}`,
        classify: (err) => classifySalesforceError(err),
        secrets: () => this.secrets(),
        refreshAuth: () => this.refresh(),
        // A create that may have reached Salesforce is not sent again: it could make a second record.
        ...(req.idempotent ? {} : { notIdempotent: { purpose: req.purpose, surelyUnprocessed } }),
        onRetry: (err, attempt, waitMs) =>
          log.warn("salesforce.retry", {
            purpose: req.purpose,
            code: err.code,
            errorClass: err.errorClass,
            attempt,
            waitMs,
          }),
      },
      retry,
      clock,
    );
  }

  /**
   * The request's answer within the time limit, body included. jsforce's `timeout` (passed too, since it
   * aborts the fetch) ends when the headers arrive, and a body that then stalls or is cut never settles
   * jsforce's promise (call-timeout.ts), so the limit is raced around the whole request as well, and an
   * answer that sends nothing for the stall limit once its headers came is given up then, not at the
   * whole call's limit: a connection cut mid-body sends nothing again.
   */
  private whole<T>(request: Promise<T>, method: string, path: string, progress: AnswerProgress): Promise<T> {
    const operation = `${method} ${path.split("?")[0]}`;
    return withTimeout(request, { system: "Salesforce", operation, ms: this.timeoutMs, stallMs: this.stallMs }, progress);
  }

  private httpRequest(req: SalesforceRequest): HttpRequest {
    const headers: Record<string, string> = { ...req.headers };
    let body: string | undefined;
    if (typeof req.body === "string") {
      body = req.body;
      headers["content-type"] = req.contentType ?? "text/plain";
    } else if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers["content-type"] = "application/json";
    }
    return body === undefined
      ? { method: req.method, url: req.path, headers }
      : { method: req.method, url: req.path, headers, body };
  }

  /** The credentials calls are sent with: the session's token, a fixed one, the client secret. */
  secrets(): string[] {
    const { accessToken, oauth } = this.options.connection;
    return [this.conn.accessToken, accessToken, oauth?.clientSecret].filter((s): s is string => Boolean(s));
  }

  private finalise(err: SystemError): SystemError {
    if (err.errorClass === "auth" && this.options.connection.accessToken) {
      return new SystemError({
        system: SYSTEM,
        errorClass: "auth",
        code: err.code,
        message:
          `Salesforce refused the access token (${err.code}): a fixed salesforce.accessToken cannot be refreshed; ` +
          "give a new token or configure salesforce.oauth (client credentials) so leadloop can renew sessions",
        retriable: false,
        cause: err,
      });
    }
    return err;
  }

  /** The client credentials' first session; concurrent first calls share it, and a failed one is asked again. */
  private firstSession(): Promise<void> {
    this.starting ??= this.fetchToken().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Called once per call on an auth failure by the retry layer; concurrent callers share one refresh. */
  private refresh(): Promise<boolean> {
    if (!this.options.connection.oauth) return Promise.resolve(false);
    this.refreshing ??= this.fetchToken()
      .then(() => {
        this.options.log.info("salesforce.session_refreshed", {});
        return true;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /** OAuth 2.0 client-credentials flow against `oauth.loginUrl` (form-encoded POST). */
  private async fetchToken(): Promise<void> {
    const oauth = this.options.connection.oauth;
    if (!oauth) throw new Error("fetchToken needs salesforce.oauth");
    // A token-less connection, so no stale session is sent to the login host.
    const login = new Connection({
      instanceUrl: oauth.loginUrl.replace(/\/+$/, ""),
      version: this.options.connection.apiVersion,
    });
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: oauth.clientId,
      client_secret: oauth.clientSecret,
    }).toString();
    const raw = await callWithRetry(
      async (attempt) => {
        await attempt.sending();
        let seen: ResponseFacts | undefined;
        const progress = new AnswerProgress();
        const transport = recordingTransport(login, progress, (res) => {
          seen = { status: res.statusCode, headers: res.headers };
        });
        this.tokens += 1;
        try {
          return await this.whole(
            login.request<unknown>(
              {
                method: "POST",
                url: `${login.instanceUrl}${TOKEN_PATH}`,
                headers: { "content-type": "application/x-www-form-urlencoded" },
                body: form,
              },
              { ...NO_CLIENT_RETRY, timeout: this.timeoutMs, transport },
            ),
            "POST",
            TOKEN_PATH,
            progress,
          );
        } catch (err) {
          throw classifyTokenError(err, seen);
        }
      },
      {
        operation: `POST ${TOKEN_PATH}`,
        classify: (err) => classifySalesforceError(err),
        secrets: () => this.secrets(),
        // Said as every other call's retries are: a login that keeps failing is not minutes of silence.
        onRetry: (err, attempt, waitMs) =>
          this.options.log.warn("salesforce.retry", { purpose: "token", code: err.code, errorClass: err.errorClass, attempt, waitMs }),
      },
      this.options.retry,
      this.options.clock,
    );
    const parsed = tokenResponse.safeParse(raw);
    if (!parsed.success) {
      throw new SystemError({
        system: SYSTEM,
        errorClass: "auth",
        code: "INVALID_TOKEN_RESPONSE",
        message:
          "Salesforce's token endpoint answered without an access_token; check salesforce.oauth.loginUrl",
        retriable: false,
      });
    }
    this.conn.accessToken = parsed.data.access_token;
    // The session is the instance's the token names ("The response includes the server instance and the
    // access token": Connect REST API Developer Guide, "Connect to Connect REST API Using OAuth"), as
    // jsforce's own login flows take it; `salesforce.instanceUrl` may name a host the org left.
    const instance = parsed.data.instance_url;
    if (instance && /^https?:\/\/[^/]/.test(instance)) this.conn.instanceUrl = instance.replace(/\/+$/, "");
  }
}

/**
 * jsforce errors carry neither status nor headers; a per-call transport sees the response first, and tells
 * `progress` of its headers and each chunk of its body. jsforce's own `response` listener, registered when
 * the request's stream is made, pipes the body on before this one runs (jsforce lib/request-helper.js
 * `createHttpRequestHandlerStreams`), so listening to its chunks here takes none from it.
 */
function recordingTransport(conn: Connection, progress: AnswerProgress, onResponse: (res: HttpResponse) => void) {
  const base = conn._transport;
  return {
    httpRequest: (request: HttpRequest, options: object) => {
      const pending = base.httpRequest(request, options);
      const answer = pending.stream();
      answer.once("response", () => {
        progress.heard();
        answer.on("data", () => progress.heard());
      });
      pending.then(onResponse, () => {});
      return pending;
    },
  };
}

/**
 * The token endpoint answers `{error, error_description}` (400) for bad credentials: an auth error. A 429
 * refuses no credentials: it is a throttle (Salesforce limits logins per user and hour, Help 000381578;
 * a gateway before the login host may answer it too), so it is waited out as any call's 429 is.
 */
function classifyTokenError(err: unknown, seen: ResponseFacts | undefined): SystemError {
  if (seen && seen.status >= 400 && seen.status < 500 && seen.status !== 429) {
    const text =
      typeof err === "object" && err !== null ? String((err as { message?: unknown }).message ?? "") : "";
    let reason = "refused";
    try {
      const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
      reason = [body.error, body.error_description].filter((v) => typeof v === "string").join(": ") || reason;
    } catch {
      // not JSON: keep the generic reason rather than echo an unknown body
    }
    return new SystemError({
      system: SYSTEM,
      errorClass: "auth",
      code: `OAUTH_${seen.status}`,
      message:
        `Salesforce refused the client credentials (${reason}); check salesforce.oauth.clientId, clientSecret and ` +
        "loginUrl, and that the connected app allows the client credentials flow",
      retriable: false,
      cause: err,
    });
  }
  return classifySalesforceError(err, seen);
}
