// Sends one HubSpot call: paces it (10-second burst or search per-second limiter), counts it, sends it
// through the client's `apiRequest` (raw status, headers and body: the typed APIs drop `policyName` from
// 429 bodies), feeds the rate-limit headers back to the limiter, validates the body with zod, and
// retries through call-retry.ts. Non-2xx answers become classified SystemErrors.
import type { Client } from "@hubspot/api-client";
import type { z } from "zod";
import type { Logger } from "../../log/logger.js";
import type { SystemError } from "../../sync/system-error.js";
import { type CallAttempt, callWithRetry, type RetryPolicy } from "../call-retry.js";
import { AnswerProgress, withTimeout } from "../call-timeout.js";
import type { Clock } from "../clock.js";
import type { WindowLimiter } from "../window-limiter.js";
import { parseExactJson } from "./exact-json.js";
import { classifyHubspotError, surelyUnprocessed } from "./fault-table.js";
import { retryAfterMs } from "../retry-wait.js";
import { statedLimits } from "./rate-limit-headers.js";
import { HubspotHttpError, HubspotResponseError } from "./http-error.js";
import { refuseUnreadRecords } from "./unread-records.js";

export interface HubspotCall {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  qs?: Record<string, string>;
  body?: unknown;
  /** CRM search endpoints have their own per-second limit and no rate-limit headers. */
  search?: boolean;
  /**
   * False for a plain create (batch/create): sending it twice could make a record twice, so a failure
   * after which HubSpot may have made it is not retried (call-retry.ts `notIdempotent`). Default true:
   * reads, updates and upserts may be sent again.
   */
  idempotent?: boolean;
  /**
   * A batch read: an error entry of its answer other than a record not found fails the call, retried
   * (unread-records.ts), where the records it names would otherwise be left out as if gone.
   */
  batchRead?: true;
}

export interface HubspotAnswer<T> {
  status: number;
  body: T;
  /** Response headers, lower-cased (the rate-limit headers `leadloop forecast --live` reads). */
  headers?: Record<string, string>;
}

export interface TransportOptions {
  client: Client;
  log: Logger;
  retry: RetryPolicy;
  clock: Clock;
  burst: WindowLimiter;
  search: WindowLimiter;
  timeoutMs: number;
  /** How long an answer under way may send nothing once its headers came (call-timeout.ts). */
  stallMs: number;
  /** The private app token the client sends: an answer quoting it is said without it (call-retry.ts). */
  accessToken: string;
}

export class HubspotTransport {
  private calls = 0;
  private daily: { used: number; max: number } | undefined;
  private burstStated: { max: number; intervalMs: number } | undefined;

  constructor(private readonly options: TransportOptions) {}

  /** HTTP calls sent so far, retries included. */
  callCount(): number {
    return this.calls;
  }

  /**
   * The portal's daily API usage as the last response said (`X-HubSpot-RateLimit-Daily` and
   * `-Daily-Remaining`, sent to private apps, not to OAuth apps:
   * https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details); undefined until one did.
   */
  dailyUsage(): { used: number; max: number } | undefined {
    return this.daily ? { ...this.daily } : undefined;
  }

  /** The burst limit the last non-search answer stated (calls per interval); undefined until one did. */
  burstLimit(): { max: number; intervalMs: number } | undefined {
    return this.burstStated ? { ...this.burstStated } : undefined;
  }

  /** The credentials calls are sent with: the private app's token (call-retry.ts `secrets`). */
  secrets(): string[] {
    return [this.options.accessToken];
  }

  /** Sends `call` (retrying what is retriable, within the patience) and returns its 2xx answer validated by `schema`. */
  async send<S extends z.ZodType>(call: HubspotCall, schema: S): Promise<HubspotAnswer<z.output<S>>> {
    const endpoint = endpointOf(call);
    return callWithRetry(
      async (attempt) => {
        const answer = await this.once(call, endpoint, attempt);
        const parsed = schema.safeParse(answer.body);
        if (!parsed.success) {
          const issues = parsed.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
            .join("; ");
          throw new HubspotResponseError(endpoint, issues);
        }
        if (call.batchRead) refuseUnreadRecords(answer, endpoint);
        return { status: answer.status, body: parsed.data, headers: answer.headers };
      },
      {
        operation: endpoint,
        classify: classifyHubspotError,
        secrets: () => this.secrets(),
        ...(call.idempotent === false ? { notIdempotent: { purpose: endpoint, surelyUnprocessed } } : {}),
        onRetry: (err: SystemError, attempt: number, waitMs: number) =>
          this.options.log.warn("hubspot.retry", {
            endpoint,
            attempt,
            errorClass: err.errorClass,
            code: err.code,
            retryAfterMs: err.retryAfterMs,
            waitMs,
          }),
      },
      this.options.retry,
      this.options.clock,
    );
  }

  /**
   * Runs `read` (whose calls go through `send`) again while it throws a retriable SystemError, within the
   * call's patience: a read waiting for HubSpot to show what it already answered for (a property a create
   * was refused as existing, which the properties list does not hold yet), in the one retry layer.
   */
  async readUntil<T>(operation: string, read: () => Promise<T>): Promise<T> {
    return callWithRetry(
      read,
      {
        operation,
        classify: classifyHubspotError,
        secrets: () => this.secrets(),
        onRetry: (err: SystemError, attempt: number, waitMs: number) =>
          this.options.log.warn("hubspot.retry", { endpoint: operation, attempt, errorClass: err.errorClass, code: err.code, waitMs }),
      },
      this.options.retry,
      this.options.clock,
    );
  }

  private async once(call: HubspotCall, endpoint: string, attempt: CallAttempt): Promise<HubspotAnswer<unknown>> {
    const { client, burst, search, timeoutMs, stallMs } = this.options;
    // The pacing wait can be most of ten seconds (a window spent, a 429's Retry-After held for every
    // call): a stop during it ends it, and the request is not sent (call-retry.ts).
    const settled = await (call.search ? search : burst).take(attempt.stop);
    await attempt.sending();
    this.calls++;
    // The call counts as answered for the limiter when its headers arrive, or when it fails or times out.
    let open = true;
    const settle = () => {
      if (open) settled();
      open = false;
    };
    // The limit covers the body too: the client's fetch has no timeout of its own, and a body that never
    // comes would otherwise leave `text()` waiting forever (call-timeout.ts). Each chunk of it is heard
    // (node-fetch 2's body is a Node stream, read by `text()`'s own listener attached just before).
    const progress = new AnswerProgress();
    const answered = client
      .apiRequest({
        method: call.method,
        path: call.path,
        ...(call.qs ? { qs: call.qs } : {}),
        ...(call.body !== undefined ? { body: call.body } : {}),
      })
      .then(async (response) => {
        settle();
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          headers[name.toLowerCase()] = value;
        });
        this.observeLimits(headers);
        progress.heard();
        const text = response.text();
        const body = response.body as Partial<NodeJS.ReadableStream> | null;
        if (typeof body?.on === "function") body.on("data", () => progress.heard());
        return { response, headers, text: await text };
      });
    let whole: Awaited<typeof answered>;
    try {
      whole = await withTimeout(answered, { system: "HubSpot", operation: endpoint, ms: timeoutMs, stallMs }, progress);
    } finally {
      settle();
    }
    const { response, headers, text } = whole;
    let body: unknown;
    try {
      body = text.length > 0 ? parseExactJson(text) : undefined;
    } catch {
      body = undefined;
      if (response.status < 300) throw new HubspotResponseError(endpoint, "body is not JSON");
    }
    if (response.status >= 300) {
      const wait = response.status === 429 ? retryAfterMs(headers["retry-after"]) : undefined;
      // Hold every other call for the wait HubSpot asked for, not just the one that is retried.
      if (wait) (call.search ? search : burst).observeRemaining(0, wait);
      throw new HubspotHttpError(response.status, body, headers, endpoint);
    }
    this.options.log.debug("hubspot.call", { endpoint, status: response.status });
    return { status: response.status, body, headers };
  }

  /** What the rate-limit headers say: the daily usage, the burst limit, and a pause when it is nearly spent. */
  private observeLimits(headers: Record<string, string>): void {
    const stated = statedLimits(headers);
    if (stated.daily !== null && stated.dailyRemaining !== null) {
      this.daily = { used: Math.max(0, stated.daily - stated.dailyRemaining), max: stated.daily };
    }
    if (stated.max !== null) {
      this.burstStated = { max: stated.max, intervalMs: stated.intervalMs ?? 10_000 };
      this.options.burst.observeLimit(stated.max, stated.intervalMs ?? undefined);
    }
    if (stated.remaining !== null) this.options.burst.observeRemaining(stated.remaining, stated.intervalMs ?? undefined);
  }
}

/** `POST /crm/v3/objects/contacts/batch/read`: the path without query, safe to log. */
function endpointOf(call: HubspotCall): string {
  return `${call.method} ${call.path}`;
}
