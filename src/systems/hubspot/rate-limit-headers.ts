// The limits HubSpot states on its answers
// (https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details): calls per interval and what is
// left of it, and, for private apps, the daily allocation and what is left of it. Search answers carry none.

/** What one answer's headers said; a limit the answer did not state is null. */
export interface StatedLimits {
  /** `X-HubSpot-RateLimit-Max`: calls per interval. */
  max: number | null;
  /** `X-HubSpot-RateLimit-Interval-Milliseconds`. */
  intervalMs: number | null;
  /** `X-HubSpot-RateLimit-Remaining`: calls left in this interval. */
  remaining: number | null;
  /** `X-HubSpot-RateLimit-Daily`: the portal's daily allocation. */
  daily: number | null;
  /** `X-HubSpot-RateLimit-Daily-Remaining`. */
  dailyRemaining: number | null;
}

/** Reads the rate-limit headers of one answer (names lower-cased); a missing or non-numeric header is null. */
export function statedLimits(headers: Readonly<Record<string, string>>): StatedLimits {
  const number = (name: string): number | null => {
    const raw = headers[name];
    if (raw === undefined || raw.trim() === "") return null;
    const n = Number(raw);
    return Number.isFinite(n) ? n : null;
  };
  const interval = number("x-hubspot-ratelimit-interval-milliseconds");
  return {
    max: number("x-hubspot-ratelimit-max"),
    intervalMs: interval !== null && interval > 0 ? interval : null,
    remaining: number("x-hubspot-ratelimit-remaining"),
    daily: number("x-hubspot-ratelimit-daily"),
    dailyRemaining: number("x-hubspot-ratelimit-daily-remaining"),
  };
}
