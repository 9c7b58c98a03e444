// The windows a run has found empty, per system and stream (an object's changes, or its removals as
// `<object>#removals`): a later read of a window inside one of them takes that answer instead of asking
// again (RunContext.emptyWindows; ARCHITECTURE.md "One run").
import type { EmptyWindow, RunContext } from "./run-context.js";
import type { SystemPort } from "./system-port.js";

/** The stream a window belongs to: the object's changes, or its removals. */
export function streamOf(object: string, kind: "changes" | "removals"): string {
  return kind === "changes" ? object : `${object}#removals`;
}

/**
 * Whether this run already found `stream` empty from no later an instant up to no earlier a signpost,
 * through the same port (so the same look-back): this read's window lies inside that one, so it would
 * find nothing either (the qualification's contacts before the contact sync's, the conversions' Leads
 * before the field sync's, or the run's opening probe, in a run with nothing changed). Taking that
 * answer is reading the window earlier, still after its signpost: a change that only becomes visible
 * later (HubSpot's search index, a Salesforce transaction committing after its SystemModstamp) is within
 * the look-back of the signpost this stream saves, and the next run reads it, as after a read of its own.
 */
export function knownEmpty(ctx: RunContext, system: SystemPort, stream: string, fromMs: number, until: string): boolean {
  // A first load's page mark (epoch) or an unreadable cursor is no incremental window.
  if (!(fromMs > 0)) return false;
  const windows = ctx.emptyWindows?.get(system)?.get(stream) ?? [];
  return windows.some((w) => w.fromMs <= fromMs && until <= w.until);
}

export function rememberEmpty(ctx: RunContext, system: SystemPort, stream: string, window: EmptyWindow): void {
  if (!(window.fromMs > 0)) return;
  ctx.emptyWindows ??= new Map();
  let byStream = ctx.emptyWindows.get(system);
  if (!byStream) ctx.emptyWindows.set(system, (byStream = new Map()));
  byStream.set(stream, [...(byStream.get(stream) ?? []), window]);
}
