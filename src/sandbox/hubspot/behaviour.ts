// What makes the shared emulator server answer as HubSpot: Bearer-token auth, usage limits and their
// headers, and HubSpot's error bodies (https://developers.hubspot.com/docs/api/error-handling).
import type { EmulatorRequest, EmulatorResponse, SystemBehaviour } from "../emulator/server.js";
import { errorBody, errorResponse } from "./errors.js";
import type { LimitPolicy, RateLimiter } from "./rate-limits.js";

// The search endpoints answer without rate-limit headers, as the usage guidelines note.
const SEARCH_PATH = /^\/crm\/v3\/objects\/[^/]+\/search\/?$/;

export function isSearch(path: string): boolean {
  return SEARCH_PATH.test(path);
}

export function hubspotBehaviour(
  accessToken: string,
  limiter: RateLimiter,
  rateLimitBodies: "named" | "bare" = "named",
): SystemBehaviour {
  return {
    guard(req) {
      const header = String(req.headers.authorization ?? "");
      const match = /^Bearer\s+(.+)$/i.exec(header);
      if (!match || match[1]!.trim() !== accessToken) {
        return errorResponse(
          401,
          "INVALID_AUTHENTICATION",
          match
            ? "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
            : "Any of the listed authentication credentials are missing",
        );
      }
      const refused = limiter.take(isSearch(req.path));
      return refused ? rateLimitedBody(refused, rateLimitBodies) : undefined;
    },
    decorate(req: EmulatorRequest) {
      return isSearch(req.path) ? {} : limiter.headers();
    },
    rateLimited(req, retryAfterSeconds) {
      // A search endpoint's 429 is its own per-second limit's, as the limiter answers it: no rate-limit
      // headers (usage details) and no Retry-After unless the fault names one.
      const search = isSearch(req.path);
      const res = rateLimitedBody(search ? "SECONDLY" : "TEN_SECONDLY_ROLLING", rateLimitBodies);
      const wait = search ? retryAfterSeconds : (retryAfterSeconds ?? 1);
      return wait === undefined ? res : { ...res, headers: { "Retry-After": String(Math.ceil(wait)) } };
    },
    failure(status) {
      const category = status >= 500 ? "INTERNAL_ERROR" : "VALIDATION_ERROR";
      const message =
        status === 503 || status === 502 || status === 504
          ? "The service is temporarily unavailable. Please try again later."
          : "internal error";
      return { status, body: errorBody(category, message) };
    },
    notFound(req) {
      return { status: 404, body: errorBody("OBJECT_NOT_FOUND", `No route ${req.method} ${req.path}`) };
    },
  };
}

/**
 * HubSpot's 429 body: it names the policy that was exceeded and has errorType RATE_LIMIT; `bare`, a server
 * that leaves those optional fields out (HubspotEmulatorOptions.rateLimitBodies), says only the message.
 */
export function rateLimitedBody(policy: LimitPolicy, bodies: "named" | "bare" = "named"): EmulatorResponse {
  const message =
    policy === "DAILY"
      ? "You have reached your daily limit."
      : policy === "SECONDLY"
        ? "You have reached your secondly limit."
        : "You have reached your ten_secondly_rolling limit.";
  const bare = errorBody("RATE_LIMITS", message);
  return { status: 429, body: bodies === "bare" ? bare : { ...bare, errorType: "RATE_LIMIT", policyName: policy } };
}
