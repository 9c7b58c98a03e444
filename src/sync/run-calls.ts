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

/**
 * What each port has counted, less `earlier`: the calls made for a run before it began (its process's
 * preparation, cli/compose.ts), which the run's summary then counts as its own.
 */
export function callsSoFar(ports: Ports, earlier?: CallsSoFar): CallsSoFar {
  const auth = (port: SystemPort) => port.authCalls?.() ?? 0;
  const now: CallsSoFar = {
    api: { marketing: ports.marketing.apiCalls(), crm: ports.crm.apiCalls() },
    auth: { marketing: auth(ports.marketing), crm: auth(ports.crm) },
  };
  return earlier ? combined(now, earlier, -1) : now;
}

/** The calls the ports made since `before`, added to `kept` (calls made earlier that no run has counted yet). */
export function callsSince(ports: Ports, before: CallsSoFar, kept?: CallsSoFar): CallsSoFar {
  const since = callsSoFar(ports, before);
  return kept ? combined(kept, since, 1) : since;
}

function combined(a: CallsSoFar, b: CallsSoFar, sign: 1 | -1): CallsSoFar {
  const each = (x: CallsSoFar["api"], y: CallsSoFar["api"]) => ({ marketing: x.marketing + sign * y.marketing, crm: x.crm + sign * y.crm });
  return { api: each(a.api, b.api), auth: each(a.auth, b.auth) };
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
