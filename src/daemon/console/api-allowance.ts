// Per system: the calls leadloop made in the last 24 hours (from the runs the store recorded) against the
// limit that applies: Salesforce's org allocation times leadloop's share (a rolling 24 hours), HubSpot's
// daily limit of the portal (shared with every other app). Used by the health page and /metrics.
import { recentApiCalls } from "../../sync/api-usage.js";
import type { ConsoleSources, SystemUsage } from "./sources.js";

const DAY_MS = 24 * 60 * 60_000;

export interface ApiAllowance {
  system: string;
  /** leadloop's own calls in the last 24 hours. */
  callsLast24h: number;
  /** What leadloop may spend in 24 hours; null until the system reported its limit. */
  allowed: number | null;
  /** How `allowed` is made up, in words. */
  basis: string;
  /** The whole org's or portal's usage as last reported, every app included. */
  usage: SystemUsage | null;
}

export async function apiAllowances(sources: ConsoleSources): Promise<ApiAllowance[]> {
  const systems = sources.crm === "salesforce" ? ["hubspot", "salesforce"] : ["hubspot"];
  const now = sources.now().getTime();
  const usage = sources.usage();
  const rows: ApiAllowance[] = [];
  for (const system of systems) {
    const calls = (await recentApiCalls(sources.store, system, now, DAY_MS)).reduce((n, r) => n + r.calls, 0);
    const seen = usage[system] ?? null;
    if (system === "salesforce") {
      rows.push({
        system,
        callsLast24h: calls,
        allowed: seen ? Math.floor(seen.max * sources.salesforceApiShare) : null,
        basis: seen
          ? `share ${sources.salesforceApiShare} of the org's ${seen.max.toLocaleString("en-US")} calls per rolling 24 h`
          : `share ${sources.salesforceApiShare} of the org's allocation (known after the first call)`,
        usage: seen,
      });
    } else {
      rows.push({
        system,
        callsLast24h: calls,
        allowed: seen ? seen.max : null,
        basis: seen
          ? `the portal's daily limit, shared with its other apps; paced at 100 calls per 10 s`
          : "the portal's daily limit (known after the first call; OAuth apps are not told it)",
        usage: seen,
      });
    }
  }
  return rows;
}
