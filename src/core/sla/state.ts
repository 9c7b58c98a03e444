// Where one lead stands against the SLA at a given moment. Pure: `now` is an input, so the daemon,
// `leadloop` reports and tests all see the same answer for the same clock.
import {
  type Instant,
  type SlaBreachKind,
  type SlaClockView,
  type SlaDefinition,
  toIso,
  toMs,
} from "./definition.js";
import { addBusinessTime } from "./business-hours.js";

const MINUTE = 60_000;

/** `ms` after `from` on the definition's clock: working time on a business clock. */
export function slaAfter(from: Instant | number, ms: number, definition: Pick<SlaDefinition, "businessHours">): number {
  const start = typeof from === "number" ? from : toMs(from);
  return definition.businessHours ? addBusinessTime(start, ms, definition.businessHours) : start + ms;
}

export interface SlaState {
  /** open: still running; met: first touch on time and the expected touches made; breached: missed. */
  status: "open" | "met" | "breached";
  minutesToFirstTouch: number | null;
  /** How late the missed part is (0 unless breached): first touch past due, or touches past their window. */
  overdueMinutes: number;
  /** Which part was missed; null when not breached, or when breached earlier under another definition. */
  breach: SlaBreachKind | null;
}

/**
 * What a follow-up clock's due time follows from: the time allowed and the working week, as sla.yaml gave
 * them when the handoff was decided. An outbox group keeps them, so a drain that starts the clock later
 * than its decision computes the due time the decision would have (ARCHITECTURE.md "The follow-up SLA").
 */
export type SlaTerms = Pick<SlaDefinition, "followUpMs" | "businessHours">;

/** The terms of `definition` a follow-up clock's due time is computed from. */
export function slaTerms(definition: SlaTerms): SlaTerms {
  return { followUpMs: definition.followUpMs, businessHours: definition.businessHours };
}

/** When the first touch is due for a lead handed off at `handoffAt`. */
export function slaDueAt(handoffAt: Instant, definition: SlaTerms): string {
  return toIso(slaAfter(handoffAt, definition.followUpMs, definition));
}

/**
 * A clock started at `handoffAt` for `lead` (its person, record and owner), due by the terms, with no touch
 * and no breach yet: what a lost store's restore gives back for a handoff it finds.
 */
export function startedClock<T extends object>(lead: T, handoffAt: string, definition: SlaTerms): T & SlaClockView {
  return { ...lead, handoffAt, dueAt: slaDueAt(handoffAt, definition), firstTouchAt: null, touches: 0, breachedAt: null };
}

/** When the expected touches are due, or null when touches are not tracked. */
export function touchesDueAt(handoffAt: Instant, definition: SlaDefinition): string | null {
  return definition.touches ? toIso(slaAfter(handoffAt, definition.touches.withinMs, definition)) : null;
}

export function slaState(clock: SlaClockView, now: Instant, definition: SlaDefinition): SlaState {
  const nowMs = toMs(now);
  const handoff = toMs(clock.handoffAt);
  const due = toMs(clock.dueAt);
  const touched = clock.firstTouchAt === null ? null : toMs(clock.firstTouchAt);
  // A touch logged before the handoff (the rep was already talking to them) counts as immediate.
  const minutesToFirstTouch = touched === null ? null : Math.max(0, Math.floor((touched - handoff) / MINUTE));

  const followUpLateBy = (touched ?? nowMs) - due;
  const touchesDue = definition.touches ? slaAfter(handoff, definition.touches.withinMs, definition) : null;
  const touchesShort =
    definition.touches !== null && touchesDue !== null && clock.touches < definition.touches.expected;

  let breach: SlaBreachKind | null = null;
  let overdueMinutes = 0;
  if (followUpLateBy > 0) {
    breach = "follow-up";
    overdueMinutes = Math.floor(followUpLateBy / MINUTE);
  } else if (touchesShort && nowMs > touchesDue!) {
    breach = "touches";
    overdueMinutes = Math.floor((nowMs - touchesDue!) / MINUTE);
  }
  // Once raised, a breach stays a breach: a late touch does not undo it.
  if (breach !== null || clock.breachedAt !== null) {
    return { status: "breached", minutesToFirstTouch, overdueMinutes, breach };
  }
  const met = touched !== null && !touchesShort;
  return { status: met ? "met" : "open", minutesToFirstTouch, overdueMinutes: 0, breach: null };
}
