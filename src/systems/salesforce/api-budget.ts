// leadloop's share of the org's API allocation over Salesforce's rolling 24-hour window: the allocation
// is read from the `Sforce-Limit-Info: api-usage=N/M` header every REST response carries (REST API
// Developer Guide, "Limit Info Header",
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm), and
// leadloop's own calls are kept with their times, so a daemon spends its share per 24 hours, day after day.
import { SystemError } from "../../sync/system-error.js";
import { DAILY_LIMIT_RUN_NOTE, SYSTEM } from "./errors.js";
import { API_WINDOW_MS } from "./limits.js";

/** Calls leadloop made, counted as made at `at` (ms since the epoch). */
export interface SpentCalls {
  at: number;
  calls: number;
}

export interface ApiShare {
  /** Fraction of the org's allocation leadloop may spend (0 < share ≤ 1). */
  share: number;
  /** leadloop's calls before this adapter was made, with their times (from the store's recorded runs). */
  earlier: readonly SpentCalls[];
  /**
   * The org's allocation as an earlier process last read it (kept in the store), taken until a response
   * tells it anew: a process whose share the recorded runs have spent then stops before its first call,
   * where learning the allocation from an answer would spend one call past the share each time.
   */
  allocation?: number;
}

/**
 * This process's own calls are grouped per minute and counted as made at the minute's end: the count
 * stays small in a daemon that runs for weeks, and a call leaves the window at most a minute late, never early.
 */
const GROUP_MS = 60_000;

export class ApiBudget {
  private calls = 0;
  /** Oldest first; everything still inside the window. */
  private readonly spent: SpentCalls[] = [];
  private spentInWindow = 0;
  private usage: { used: number; max: number } | undefined;

  constructor(
    private readonly apiShare: ApiShare,
    private readonly now: () => number,
  ) {
    if (!(apiShare.share > 0 && apiShare.share <= 1))
      throw new RangeError("apiShare.share must be in (0, 1]");
    for (const entry of [...apiShare.earlier].sort((a, b) => a.at - b.at)) {
      if (entry.calls <= 0) continue;
      this.spent.push({ ...entry });
      this.spentInWindow += entry.calls;
    }
  }

  /** Throws before a call that would take leadloop past its share (known once the allocation is). */
  beforeCall(): void {
    const spent = this.inWindow();
    const max = this.usage?.max ?? this.apiShare.allocation;
    if (max === undefined) return;
    const allowed = Math.floor(this.apiShare.share * max);
    if (spent < allowed) return;
    const oldest = this.spent[0];
    const frees = oldest ? ` (the earliest at ${new Date(oldest.at + API_WINDOW_MS).toISOString()})` : "";
    throw new SystemError({
      system: SYSTEM,
      errorClass: "rate_limited",
      code: "LEADLOOP_API_SHARE",
      message:
        `stopped: leadloop has used its share of Salesforce's API allocation for the last 24 hours ` +
        `(${spent} calls, share ${this.apiShare.share} of ${max} = ${allowed}); calls free up as ` +
        `they age past 24 hours${frees}, or raise sync.salesforceApiShare to allow more.`,
      runNote: DAILY_LIMIT_RUN_NOTE,
      retriable: false,
    });
  }

  /** Counts one call that reached the REST API, at the clock's time. */
  counted(): void {
    this.calls += 1;
    const at = Math.floor(this.now() / GROUP_MS) * GROUP_MS + GROUP_MS;
    const last = this.spent.at(-1);
    if (last && last.at === at) last.calls += 1;
    else this.spent.push({ at, calls: 1 });
    this.spentInWindow += 1;
  }

  /** Reads `api-usage=N/M` from a response's Sforce-Limit-Info header. */
  observe(header: string | undefined): void {
    const match = header ? /api-usage=(\d+)\/(\d+)/.exec(header) : null;
    if (match) this.usage = { used: Number(match[1]), max: Number(match[2]) };
  }

  /** Calls this process made, however long ago. */
  callsMade(): number {
    return this.calls;
  }

  limitInfo(): { used: number; max: number } | undefined {
    return this.usage ? { ...this.usage } : undefined;
  }

  /** leadloop's calls in the last 24 hours; older ones are dropped. */
  private inWindow(): number {
    const since = this.now() - API_WINDOW_MS;
    while (this.spent.length > 0 && this.spent[0]!.at <= since) {
      this.spentInWindow -= this.spent.shift()!.calls;
    }
    return this.spentInWindow;
  }
}
