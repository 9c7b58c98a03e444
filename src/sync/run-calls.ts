// A run's API calls per system, for its summary: what the ports counted since the run began (both
// systems the same one when HubSpot is the CRM too).
import type { RunContext } from "./run-context.js";

export function addCalls(
  ctx: Pick<RunContext, "marketing" | "crm" | "summary">,
  before: { marketing: number; crm: number },
): void {
  const m = ctx.marketing.apiCalls() - before.marketing;
  const c = ctx.crm.apiCalls() - before.crm;
  if (ctx.marketing.system === ctx.crm.system) ctx.summary.apiCalls[ctx.crm.system] = c;
  else {
    ctx.summary.apiCalls[ctx.marketing.system] = m;
    ctx.summary.apiCalls[ctx.crm.system] = c;
  }
}
