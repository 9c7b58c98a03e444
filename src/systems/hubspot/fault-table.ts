// The one table from a HubSpot failure (HTTP status, error category, 429 policyName, network error) to a
// SystemError class and a message a person can act on (ARCHITECTURE.md "Errors"). Sources: error handling
// (https://developers.hubspot.com/docs/api/error-handling) and usage limits
// (https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details).
import type { ErrorClass } from "../../store/port.js";
import { SystemError } from "../../sync/system-error.js";
import { CallTimeoutError } from "../call-timeout.js";
import { retryAfterMs } from "../retry-wait.js";
import { HubspotHttpError, HubspotResponseError } from "./http-error.js";
import { BURST_WINDOW_MS, SEARCH_WINDOW_MS } from "./limits.js";

export const SYSTEM = "hubspot";

interface Facts {
  status: number;
  category: string;
  policyName: string;
  endpoint: string;
  hubspotMessage: string;
  scopes: string[];
  retryAfterMs: number | undefined;
  dailyLimit: string | undefined;
  /** The ids an error names (`context.ids`, v4 associations' `fromObjectId`): a batch read's records it did not give. */
  ids: string[];
}

interface Row {
  when: (f: Facts) => boolean;
  errorClass: ErrorClass;
  retriable: boolean;
  message: (f: Facts) => string;
  /** The wait before calling again when HubSpot sent no Retry-After. */
  defaultWaitMs?: (f: Facts) => number | undefined;
}

/** An answer without HubSpot's error body: the base URL most likely leads to some other server. */
const NOT_HUBSPOT = "the answer is not HubSpot's (no HubSpot error in it); check that hubspot.baseUrl is HubSpot's API, https://api.hubapi.com";

// First matching row wins: specific categories and policies before plain statuses.
const TABLE: readonly Row[] = [
  {
    // An error entry of a 2xx batch read (unread-records.ts): the records it names were not read, and
    // are not said to be gone; another try may read them.
    when: (f) => f.status < 300,
    errorClass: "transient",
    retriable: true,
    message: (f) =>
      `${f.status} from HubSpot without ${f.ids.length === 1 ? "the record" : `${f.ids.length || "some"} records`} ` +
      `it was asked for${f.ids.length ? ` (${idList(f.ids)})` : ""}, refused as ${f.category || "an error"}` +
      `${f.hubspotMessage ? `: ${f.hubspotMessage}` : ""}`,
  },
  {
    when: (f) => f.status === 429 && f.policyName === "DAILY",
    errorClass: "rate_limited",
    retriable: false,
    message: (f) =>
      `HubSpot's daily API limit for this account is spent${f.dailyLimit ? ` (${f.dailyLimit} calls a day)` : ""}: ` +
      "calls are refused until it resets at midnight in the HubSpot account's time zone. Run again after " +
      "the reset, sync less often, or raise the limit (API add-on).",
  },
  {
    when: (f) => f.status === 429,
    errorClass: "rate_limited",
    retriable: true,
    // Retriable messages name what keeps happening; call-retry.ts says where and that leadloop stopped.
    message: (f) => `429 Too Many Requests from HubSpot (${f.policyName || "burst"} limit)`,
    defaultWaitMs: (f) => (f.policyName === "SECONDLY" ? SEARCH_WINDOW_MS : BURST_WINDOW_MS),
  },
  {
    when: (f) => f.status === 401,
    errorClass: "auth",
    retriable: false,
    message: () =>
      "check hubspot.accessToken: the private app token was refused (401). Copy the access token from " +
      "Settings > Integrations > Private Apps in HubSpot.",
  },
  {
    when: (f) => f.status === 403 && f.category === "MISSING_SCOPES",
    errorClass: "auth",
    retriable: false,
    message: (f) =>
      `the HubSpot private app lacks the scopes ${f.endpoint} needs${f.scopes.length ? ` (${f.scopes.join(", ")})` : ""}: ` +
      "add them to the app in Settings > Integrations > Private Apps and use the new token.",
  },
  {
    when: (f) => f.status === 403,
    errorClass: "auth",
    retriable: false,
    message: (f) =>
      `HubSpot refused ${f.endpoint} for this token (403${f.category ? ` ${f.category}` : ""}): check the private app's access. ${f.hubspotMessage}`.trim(),
  },
  {
    when: (f) => f.status === 409,
    errorClass: "conflict",
    retriable: false,
    message: (f) => `HubSpot reported a conflict on ${f.endpoint}: ${f.hubspotMessage}`,
  },
  {
    when: (f) => f.status === 404,
    errorClass: "data",
    retriable: false,
    message: (f) => `HubSpot found nothing at ${f.endpoint}: ${f.hubspotMessage || NOT_HUBSPOT}`,
  },
  {
    // Not Implemented (and HTTP Version Not Supported) do not pass: the server is not HubSpot's API.
    when: (f) => f.status === 501 || f.status === 505,
    errorClass: "config",
    retriable: false,
    message: (f) => `${f.endpoint} answered ${f.status}${f.hubspotMessage ? ` (${f.hubspotMessage})` : ""}: ${NOT_HUBSPOT}`,
  },
  {
    when: (f) => f.status === 408 || f.status >= 500,
    errorClass: "transient",
    retriable: true,
    message: (f) => `${f.status} from HubSpot${f.hubspotMessage ? ` (${f.hubspotMessage})` : ""}`,
  },
  {
    when: (f) => f.status >= 400,
    errorClass: "data",
    retriable: false,
    message: (f) =>
      `HubSpot refused ${f.endpoint} (${f.status}${f.category ? ` ${f.category}` : ""}): ${f.hubspotMessage}`,
  },
];

/**
 * Network errors a retry can get past: dropped or reset connections, refused while restarting, timeouts,
 * and an answer whose connection broke under way, after its headers (node-fetch's "Invalid response body
 * while trying to fetch …: Premature close", code ERR_STREAM_PREMATURE_CLOSE), chunked or compressed alike.
 */
const TRANSIENT_NETWORK_CODES = new Set([
  "ERR_STREAM_PREMATURE_CLOSE",
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
]);

/**
 * Failures after which HubSpot surely did not carry the call out: the connection was refused, or the
 * rate limit turned it away (429). Any other (a 5xx, which a gateway sends after HubSpot applied the
 * call too, a dropped connection, a timeout) may follow a write that was made.
 */
export function surelyUnprocessed(err: SystemError): boolean {
  return err.code === "ECONNREFUSED" || err.errorClass === "rate_limited";
}

export function classifyHubspotError(err: unknown): SystemError {
  if (err instanceof SystemError) return err;
  if (err instanceof HubspotHttpError) return fromHttp(err);
  if (err instanceof CallTimeoutError) {
    return new SystemError({
      system: SYSTEM,
      errorClass: "transient",
      code: err.stalled ? "ANSWER_STALLED" : "TIMEOUT",
      message: err.stalled
        ? `answers from HubSpot that stopped under way (no byte for ${err.timeoutMs} ms after the headers)`
        : `timeouts from HubSpot (no answer within ${err.timeoutMs} ms)`,
      retriable: true,
      cause: err,
    });
  }
  if (err instanceof HubspotResponseError) {
    return new SystemError({
      system: SYSTEM,
      errorClass: "bug",
      code: "BAD_RESPONSE",
      message: err.message,
      retriable: false,
      cause: err,
    });
  }
  const code = networkCode(err);
  if (code === "ENOTFOUND") {
    return new SystemError({
      system: SYSTEM,
      errorClass: "config",
      code,
      message: "check hubspot.baseUrl: its host name does not resolve.",
      retriable: false,
      cause: err,
    });
  }
  if (
    (code && TRANSIENT_NETWORK_CODES.has(code)) ||
    /socket hang up|network|terminated/i.test(messageOf(err))
  ) {
    return new SystemError({
      system: SYSTEM,
      errorClass: "transient",
      code: code ?? "NETWORK",
      message: `failed connections to HubSpot (${code ?? messageOf(err)})`,
      retriable: true,
      cause: err,
    });
  }
  return new SystemError({
    system: SYSTEM,
    errorClass: "bug",
    code: "UNEXPECTED",
    message: `unexpected failure calling HubSpot: ${messageOf(err)}`,
    retriable: false,
    cause: err,
  });
}

function fromHttp(err: HubspotHttpError): SystemError {
  const facts = factsOf(err);
  const row = TABLE.find((r) => r.when(facts)) ?? TABLE[TABLE.length - 1]!;
  const retryAfterMs = row.retriable ? (facts.retryAfterMs ?? row.defaultWaitMs?.(facts)) : undefined;
  return new SystemError({
    system: SYSTEM,
    errorClass: row.errorClass,
    code: facts.policyName ? `${facts.status} ${facts.policyName}` : facts.category || String(facts.status),
    message: row.message(facts),
    retriable: row.retriable,
    retryAfterMs,
    cause: err,
  });
}

function factsOf(err: HubspotHttpError): Facts {
  const { body, headers } = err;
  const scopes = new Set<string>();
  const contexts = [body.context, ...(body.errors ?? []).map((e) => e.context)];
  for (const context of contexts) {
    for (const [key, values] of Object.entries(context ?? {})) {
      if (/scope/i.test(key)) for (const v of values) scopes.add(v);
    }
  }
  return {
    status: err.status,
    category: body.category ?? "",
    policyName: policyOf(err.status, body.policyName, headers, err.endpoint),
    endpoint: err.endpoint,
    hubspotMessage: body.message ?? "",
    scopes: [...scopes],
    retryAfterMs: retryAfterMs(headers["retry-after"]),
    dailyLimit: headers["x-hubspot-ratelimit-daily"],
    ids: body.context?.ids ?? body.context?.fromObjectId ?? [],
  };
}

/**
 * The limit a 429 names. Every field of HubSpot's error body is optional ("the fields in the example
 * response above should all be treated as optional in any error parsing": error-handling reference), so
 * a 429 without `policyName` whose `X-HubSpot-RateLimit-Daily-Remaining` is 0 is the daily limit: waited
 * out as a burst, each call would wait its patience until midnight. One from a search endpoint, whose
 * answers carry no rate-limit headers (usage details) and which has a limit of its own ("The search
 * endpoints are rate limited to five requests per second per account": CRM search guide), is that
 * limit, waited a second, not the ten-second burst's window.
 */
function policyOf(status: number, named: string | undefined, headers: Readonly<Record<string, string>>, endpoint: string): string {
  if (named) return named;
  if (status !== 429) return "";
  if (headers["x-hubspot-ratelimit-daily-remaining"]?.trim() === "0") return "DAILY";
  return /\/search(\?|$)/.test(endpoint) ? "SECONDLY" : "";
}

/** The HTTP status behind a classified error, when HubSpot answered at all. */
export function httpStatusOf(err: SystemError): number | undefined {
  return httpErrorOf(err)?.status;
}

/**
 * HubSpot's answer behind a classified error, through the SystemErrors that reword it (call-retry.ts says
 * an answer quoting a credential without it, `reworded`, keeping the classified error as its cause).
 */
export function httpErrorOf(err: SystemError): HubspotHttpError | undefined {
  let e: unknown = err.cause;
  for (let depth = 0; e instanceof SystemError && depth < 4; depth++) e = e.cause;
  return e instanceof HubspotHttpError ? e : undefined;
}

/** At most five ids, then how many more: a batch of 100 is not a line a person reads. */
function idList(ids: readonly string[]): string {
  return ids.length > 5 ? `${ids.slice(0, 5).join(", ")} and ${ids.length - 5} more` : ids.join(", ");
}

function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; depth++) {
    const code = (e as Error & { code?: unknown; errno?: unknown }).code;
    if (typeof code === "string") return code;
    e = e.cause;
  }
  return undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
