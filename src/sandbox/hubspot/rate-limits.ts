// HubSpot's API usage limits for a private app: a rolling 10-second burst, a daily allowance and the CRM
// search endpoints' own per-second limit (https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details).

export interface HubspotLimits {
  burstPer10Seconds: number;
  daily: number;
  searchPerSecond: number;
}

export const DEFAULT_LIMITS: HubspotLimits = { burstPer10Seconds: 190, daily: 1_000_000, searchPerSecond: 5 };

export type LimitPolicy = "TEN_SECONDLY_ROLLING" | "DAILY" | "SECONDLY";

const BURST_WINDOW_MS = 10_000;
const SEARCH_WINDOW_MS = 1_000;

export class RateLimiter {
  private burst: number[] = [];
  private searches: number[] = [];
  private dailyUsed = 0;
  private day: string;

  /**
   * `portalNow` is the portal's clock (HubspotEmulatorOptions.now): the daily allowance is the portal's day's,
   * reset at its midnight, so a test that moves the portal's clock past midnight has it back. The burst and
   * search windows stay on the real clock, as the calls that spend them are made in real time.
   */
  constructor(
    readonly limits: HubspotLimits,
    private readonly portalNow: () => Date = () => new Date(),
  ) {
    this.day = utcDay(portalNow().getTime());
  }

  /** Spends one call, or names the policy that refuses it. Refused calls are not counted. */
  take(isSearch: boolean, now = Date.now()): LimitPolicy | undefined {
    this.expire(now);
    if (this.dailyUsed >= this.limits.daily) return "DAILY";
    if (isSearch) {
      // Search requests are limited per second on their own and do not spend the burst allowance.
      if (this.searches.length >= this.limits.searchPerSecond) return "SECONDLY";
      this.searches.push(now);
    } else {
      if (this.burst.length >= this.limits.burstPer10Seconds) return "TEN_SECONDLY_ROLLING";
      this.burst.push(now);
    }
    this.dailyUsed++;
    return undefined;
  }

  /** The `X-HubSpot-RateLimit-*` headers HubSpot sends on every response of a rate-limited API. */
  headers(now = Date.now()): Record<string, string> {
    this.expire(now);
    const secondly = Math.floor(this.limits.burstPer10Seconds / 10);
    const lastSecond = this.burst.filter((t) => t > now - 1000).length;
    return {
      "X-HubSpot-RateLimit-Daily": String(this.limits.daily),
      "X-HubSpot-RateLimit-Daily-Remaining": String(Math.max(0, this.limits.daily - this.dailyUsed)),
      "X-HubSpot-RateLimit-Interval-Milliseconds": String(BURST_WINDOW_MS),
      "X-HubSpot-RateLimit-Max": String(this.limits.burstPer10Seconds),
      "X-HubSpot-RateLimit-Remaining": String(Math.max(0, this.limits.burstPer10Seconds - this.burst.length)),
      "X-HubSpot-RateLimit-Secondly": String(secondly),
      "X-HubSpot-RateLimit-Secondly-Remaining": String(Math.max(0, secondly - lastSecond)),
    };
  }

  /**
   * The rest of today's allowance spent elsewhere: the daily limit is the portal's, shared by every app
   * that calls it (usage details), so another integration can use it up while leadloop is not running.
   */
  spendDay(): void {
    this.expire(Date.now());
    this.dailyUsed = this.limits.daily;
  }

  reset(): void {
    this.burst = [];
    this.searches = [];
    this.dailyUsed = 0;
  }

  private expire(now: number): void {
    this.burst = this.burst.filter((t) => t > now - BURST_WINDOW_MS);
    this.searches = this.searches.filter((t) => t > now - SEARCH_WINDOW_MS);
    const today = utcDay(this.portalNow().getTime());
    if (today !== this.day) {
      this.day = today;
      this.dailyUsed = 0;
    }
  }
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
