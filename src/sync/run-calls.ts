// A run's API calls and session requests per system, for its summary: what the ports counted since the
// run began (both systems the same one when HubSpot is the CRM too).
import type { RunContext } from "./run-context.js";
import type { SystemPort } from "./system-port.js";

type Ports = Pick<RunContext, "marketing" | "crm">;

/** What each port had counted at one moment: the run's start, for `addCalls` at its end. */
export interface CallsSoFar {
  api: { marketing: number; crm: number };
  auth: { marketing: number; crm: number };
}

export function callsSoFar(ports: Ports): CallsSoFar {
  const auth = (port: SystemPort) => port.authCalls?.() ?? 0;
  return {
    api: { marketing: ports.marketing.apiCalls(), crm: ports.crm.apiCalls() },
    auth: { marketing: auth(ports.marketing), crm: auth(ports.crm) },
  };
}

export function addCalls(ctx: Ports & Pick<RunContext, "summary">, before: CallsSoFar): void {
  const now = callsSoFar(ctx);
  for (const kind of ["api", "auth"] as const) {
    const into = kind === "api" ? ctx.summary.apiCalls : ctx.summary.authCalls;
    const m = now[kind].marketing - before[kind].marketing;
    const c = now[kind].crm - before[kind].crm;
    if (ctx.marketing.system === ctx.crm.system) into[ctx.crm.system] = c;
    else {
      into[ctx.marketing.system] = m;
      into[ctx.crm.system] = c;
    }
  }
}
