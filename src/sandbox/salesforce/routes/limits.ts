// GET /services/data/vXX.X/limits: the org's allocations and what is left of them, in Salesforce's shape
// (REST API Developer Guide, "Limits": each limit is `{ Max, Remaining }`). The emulator keeps the daily
// API requests; the call itself counts against them, as it does in Salesforce.
import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler } from "../../emulator/server.js";
import { DATA, type SalesforceContext } from "./context.js";

export function addLimitsRoute(router: Router<EmulatorHandler>, ctx: SalesforceContext): void {
  router.add("GET", `${DATA}/limits`, () => ({
    status: 200,
    body: {
      DailyApiRequests: { Max: ctx.usage.max, Remaining: Math.max(0, ctx.usage.max - ctx.usage.used) },
      DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 10_000 },
      ConcurrentAsyncGetReportInstances: { Max: 200, Remaining: 200 },
    },
  }));
}
