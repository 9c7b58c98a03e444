// Where a handed-off lead's follow-up clock stands, one reading for the SLA phase, `leadloop sla`, the
// SLA board, /metrics, the digest and `report sla`.
import type { Instant, SlaClockView, SlaDefinition } from "./definition.js";
import { slaState } from "./state.js";

/** open: owed, within its time; met, breached; closed: decided before its due time without a touch. */
export type ClockOutcome = "open" | "met" | "breached" | "closed";

/**
 * Whether anything of the clock's handoff reached the rep. One that did not (its record deleted before any
 * of its writes went out) is no handoff to count or show, on any board or report.
 */
export function reachedRep(clock: { unreached?: true }): boolean {
  return clock.unreached !== true;
}

/** The key a clock's decision is found by: the person and the handoff that set the clock. */
export function clockKey(clock: { personId: string; handoffAt: string }): string {
  return `${clock.personId}\u0000${clock.handoffAt}`;
}

/**
 * `decidedAt`: the person's first funnel move after the handoff (a rep's verdict, a conversion, which
 * end what sales owes the clock), null while there is none. A clock still owed stands as slaState says.
 * A decided one is breached when a breach was raised, its first touch came late, or nothing came by
 * its due time; met when touched on time, however many touches the SLA asks for; closed when the rep
 * decided before the due time without a touch.
 */
export function clockOutcome(
  clock: SlaClockView,
  decidedAt: string | null,
  now: Instant,
  sla: SlaDefinition,
): ClockOutcome {
  const state = slaState(clock, now, sla);
  if (decidedAt === null) return state.status;
  if (clock.breachedAt !== null) return "breached";
  if (clock.firstTouchAt !== null) return state.breach === "follow-up" ? "breached" : "met";
  return Date.parse(decidedAt) > Date.parse(clock.dueAt) ? "breached" : "closed";
}
