// The follow-up SLA as the core sees it (config/sla.yaml after loading). The clock is calendar time
// (nights, weekends and holidays count) or business time (the team's working hours in its time zone;
// durations count working time, a day being one working day).
import type { BusinessHours } from "./business-hours.js";

export interface SlaDefinition {
  clock: "calendar" | "business";
  /** The working week for `clock: business`; null on a calendar clock. */
  businessHours: BusinessHours | null;
  /** Handoff → first touch allowed, in milliseconds (of working time on a business clock). */
  followUpMs: number;
  /** The same as written in the file ("4h"), for the rep's alert task ("follow up within 4h"). */
  followUpLabel: string;
  /** At least `expected` touches within `withinMs` of the handoff; null when touches are not tracked. */
  touches: { expected: number; withinMs: number } | null;
  /** What a breach does: an alert task (for whom), and/or route the lead again to another rep. */
  onBreach: {
    alert: boolean;
    alertTo: AlertRecipient;
    reroute: boolean;
    /** Lower-cased rep email → manager email, for `alertTo: manager`. */
    managers: Record<string, string>;
  };
}

/**
 * Who a breach's alert task is for: the owner who missed it, the owner's manager, or the queue (the next
 * rep of the lead's routing queue, by its round-robin turn, or the routing fallback).
 */
export const ALERT_RECIPIENTS = ["owner", "manager", "queue"] as const;
export type AlertRecipient = (typeof ALERT_RECIPIENTS)[number];

/** A point in time: an ISO-8601 string (as the store keeps them) or a Date. */
export type Instant = string | Date;

/** The follow-up clock of one handed-off lead, as the store keeps it (its SlaClock fits this). */
export interface SlaClockView {
  handoffAt: string;
  /** Fixed at handoff, so a later change to the definition does not move a lead's due time. */
  dueAt: string;
  firstTouchAt: string | null;
  /** Touches (calls, emails, meetings logged by the owner) counted since handoff. */
  touches: number;
  /** When a breach was raised for this clock; set once, so a breach is raised once. */
  breachedAt: string | null;
}

export type SlaBreachKind = "follow-up" | "touches";

export function toMs(at: Instant): number {
  const ms = typeof at === "string" ? Date.parse(at) : at.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a point in time: ${String(at)}`);
  return ms;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
