// Which clocks have newly breached at `now` and what to do about each. A clock whose breach was already
// raised (breachedAt set) is left out, so running this every cycle raises each breach once.
import {
  type Instant,
  type SlaBreachKind,
  type SlaClockView,
  type SlaDefinition,
  toIso,
  toMs,
} from "./definition.js";
import { slaAfter, slaState } from "./state.js";

export interface SlaBreach<C extends SlaClockView = SlaClockView> {
  clock: C;
  kind: SlaBreachKind;
  /** When the SLA was missed (the due time that passed); store it as the clock's breachedAt. */
  breachedAt: string;
  overdueMinutes: number;
  alert: boolean;
  reroute: boolean;
}

/** Newly breached clocks, the longest overdue first (then in input order). */
export function breachesToRaise<C extends SlaClockView>(
  clocks: readonly C[],
  now: Instant,
  definition: SlaDefinition,
): SlaBreach<C>[] {
  const found: SlaBreach<C>[] = [];
  for (const clock of clocks) {
    if (clock.breachedAt !== null) continue;
    const state = slaState(clock, now, definition);
    if (state.breach === null) continue;
    const missedAt =
      state.breach === "follow-up"
        ? toMs(clock.dueAt)
        : slaAfter(clock.handoffAt, definition.touches?.withinMs ?? 0, definition);
    found.push({
      clock,
      kind: state.breach,
      breachedAt: toIso(missedAt),
      overdueMinutes: state.overdueMinutes,
      alert: definition.onBreach.alert,
      reroute: definition.onBreach.reroute,
    });
  }
  // Array.prototype.sort is stable, so equal overdue keeps the input order.
  return found.sort((a, b) => b.overdueMinutes - a.overdueMinutes);
}
