// At the start of a run, asks each system that can answer several windows in one call (SystemPort
// probeWindows: Salesforce's composite resource) which of the run's change and removal windows of the
// mapped objects hold nothing, and notes the empty ones for the run (empty-windows.ts): the streams that
// would read them take that answer, so a run with nothing new costs that system one call instead of one
// per stream (ARCHITECTURE.md "One run").
import type { ObjectMapping } from "../core/mapping.js";
import type { Cursor } from "../store/port.js";
import { rememberEmpty, streamOf } from "./empty-windows.js";
import { REMOVALS_OVERLAP_MS } from "./removals.js";
import type { RunContext } from "./run-context.js";
import type { ProbeWindow, SystemPort } from "./system-port.js";

/** Below this many windows a probe saves nothing: the one read it could skip costs the same call. */
const MIN_WINDOWS = 2;

export async function probeOpeningWindows(ctx: RunContext, mappings: readonly ObjectMapping[]): Promise<void> {
  const cursors = await ctx.store.listCursors();
  const sides: [SystemPort, string[]][] = [
    [ctx.marketing, [...new Set(mappings.map((m) => m.marketingObject))]],
    [ctx.crm, [...new Set(mappings.map((m) => m.crmObject))]],
  ];
  for (const [system, objects] of sides) {
    if (!system.probeWindows) continue;
    const windows = windowsOf(
      cursors.filter((c) => c.system === system.system),
      objects,
      ctx.until,
    );
    if (windows.length < MIN_WINDOWS) continue;
    const empty = await system.probeWindows(windows);
    windows.forEach((w, i) => {
      if (empty[i]) rememberEmpty(ctx, system, streamOf(w.object, w.kind), { fromMs: Date.parse(w.from), until: w.until });
    });
    const known = empty.filter(Boolean).length;
    ctx.log.debug("changes.probed", { system: system.system, windows: windows.length, empty: known });
  }
}

/**
 * Per object: its changes from the earliest of its change cursors (the pair's own and its phases',
 * `Lead#conversions` …), so one answer covers every stream of the object; its removals from where
 * `followRemovals` starts. An object with a stream never read yet has no window to ask about.
 */
function windowsOf(cursors: readonly Cursor[], objects: readonly string[], until: string): ProbeWindow[] {
  const out: ProbeWindow[] = [];
  for (const object of objects) {
    const own = cursors.filter((c) => c.object === object || c.object.startsWith(`${object}#`));
    const removals = own.find((c) => c.object === `${object}#removals`);
    const changes = own.filter((c) => c !== removals).map((c) => Date.parse(c.value)).filter((ms) => ms > 0);
    if (changes.length > 0) {
      out.push({ kind: "changes", object, from: new Date(Math.min(...changes)).toISOString(), until });
    }
    if (removals && Date.parse(removals.value) > 0) {
      const since = new Date(Date.parse(removals.value) - REMOVALS_OVERLAP_MS).toISOString();
      out.push({ kind: "removals", object, from: since, until });
    }
  }
  return out;
}
