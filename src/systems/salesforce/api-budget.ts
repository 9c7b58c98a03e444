// leadloop's share of the org's daily API allocation, read from the `Sforce-Limit-Info: api-usage=N/M`
// header every REST response carries (REST API Developer Guide, "Limit Info Header").
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
import { SystemError } from "../../sync/system-error.js";
import { SYSTEM } from "./errors.js";

export interface ApiShare {
  /** Fraction of the org's daily allocation leadloop may spend (0 < share ≤ 1). */
  share: number;
  /** leadloop's own calls already made today (kept in the store across runs). */
  usedEarlierToday: number;
}

export class ApiBudget {
  private calls = 0;
  private usage: { used: number; max: number } | undefined;

  constructor(private readonly apiShare: ApiShare) {
    if (!(apiShare.share > 0 && apiShare.share <= 1))
      throw new RangeError("apiShare.share must be in (0, 1]");
  }

  /** Throws before a call that would take leadloop past its share (known once one response told the allocation). */
  beforeCall(): void {
    if (!this.usage) return;
    const allowed = Math.floor(this.apiShare.share * this.usage.max);
    const spent = this.apiShare.usedEarlierToday + this.calls;
    if (spent < allowed) return;
    throw new SystemError({
      system: SYSTEM,
      errorClass: "rate_limited",
      code: "LEADLOOP_API_SHARE",
      message:
        `stopped: leadloop has used its share of Salesforce's daily API allocation ` +
        `(${spent} calls today, share ${this.apiShare.share} of ${this.usage.max} = ${allowed}); ` +
        `the run resumes from its cursors tomorrow, or raise the adapter's apiShare.share to allow more`,
      retriable: false,
    });
  }

  /** Counts one call that reached the REST API. */
  counted(): void {
    this.calls += 1;
  }

  /** Reads `api-usage=N/M` from a response's Sforce-Limit-Info header. */
  observe(header: string | undefined): void {
    const match = header ? /api-usage=(\d+)\/(\d+)/.exec(header) : null;
    if (match) this.usage = { used: Number(match[1]), max: Number(match[2]) };
  }

  callsMade(): number {
    return this.calls;
  }

  limitInfo(): { used: number; max: number } | undefined {
    return this.usage ? { ...this.usage } : undefined;
  }
}
