// What a recycled or unreachable person must show before sales sees them again: new behaviour dated after
// the verdict (the old behaviour already convinced no one), and the end of the cool-down for the handoff.
import type { Stage } from "./stages.js";

/** Stages a rep's verdict returns a person to nurture in. */
export const NURTURE_STAGES: ReadonlySet<Stage> = new Set(["recycled", "unreachable"]);

export interface RecyclePolicy {
  /** Days after a recycle or unreachable verdict before the person may be handed off again. */
  coolDownDays: number;
}

const DAY_MS = 86_400_000;

/** The latest time the person was returned to nurture, from their funnel events; null if never. */
export function returnedToNurtureAt(events: readonly { toStage: string; at: string }[]): string | null {
  let latest: string | null = null;
  for (const e of events) if (NURTURE_STAGES.has(e.toStage as Stage) && (latest === null || e.at > latest)) latest = e.at;
  return latest;
}

/** True when behaviour dated after the verdict exists: the only thing that re-qualifies a nurtured person. */
export function hasBehaviourAfter(activities: readonly { occurredAt: string }[], verdictAt: string): boolean {
  const after = Date.parse(verdictAt);
  return activities.some((a) => Date.parse(a.occurredAt) > after);
}

/** When a person returned to nurture at `verdictAt` may be handed off again. */
export function coolDownEndsAt(verdictAt: string, policy: RecyclePolicy): Date {
  return new Date(Date.parse(verdictAt) + policy.coolDownDays * DAY_MS);
}

/** True when the cool-down after a return to nurture is over (or there was none). */
export function coolDownOver(verdictAt: string | null, now: Date, policy: RecyclePolicy): boolean {
  return verdictAt === null || now.getTime() >= coolDownEndsAt(verdictAt, policy).getTime();
}

/**
 * When the cool-down holds a person from sales: they qualified again after returning to nurture, before the
 * cool-down after that verdict ended, and no handoff has followed. Until the returned time the contact keeps
 * the verdict (leadloop_status, lifecycle stage, lead status and reason) and no rep owns them; the first run
 * after it hands them off. Null for anyone else, a person handed off since included.
 */
export function heldByCoolDown(
  events: readonly { toStage: string; at: string }[],
  /** When the person's latest handoff was, if any (their follow-up clock's `handoffAt`). */
  handedOffAt: string | null,
  policy: RecyclePolicy,
): Date | null {
  const latest = events.reduce<{ toStage: string; at: string } | null>((l, e) => (l === null || e.at >= l.at ? e : l), null);
  if (latest?.toStage !== "mql") return null;
  const verdictAt = returnedToNurtureAt(events);
  if (verdictAt === null || latest.at < verdictAt) return null;
  const until = coolDownEndsAt(verdictAt, policy);
  if (Date.parse(latest.at) >= until.getTime()) return null;
  return handedOffAt !== null && handedOffAt >= latest.at ? null : until;
}

const HELD_TEXT = "held by the cool-down until ";

/** How the funnel names a hold, in an MQL's cause, `explain` and `hot`: "held by the cool-down until 2027-01-03 09:30 UTC". */
export function heldText(until: Date): string {
  return `${HELD_TEXT}${until.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * The moves a report counts (`given`): every one but a held MQL sales has not been given yet (its cause
 * names the hold, and no handoff of the person came at or after it), which are `held`. A held MQL counts
 * once, at its handoff, which dates the move when it comes (ARCHITECTURE.md, "Recycle and trash"), as the
 * contact's MQL date is that handoff's; counted while held too, it was in the period the person qualified
 * in, then moved. Until then the report shows it as held, where the contact shows the rep's verdict.
 */
export function splitHeldMoves<E extends { personId: string; toStage: string; at: string; cause: string }>(
  events: readonly E[],
  /** Every handoff's time by person (their follow-up clocks', replaced ones included). */
  handoffs: readonly { personId: string; handoffAt: string }[],
): { given: E[]; held: E[] } {
  const latestHandoff = new Map<string, string>();
  for (const h of handoffs) if ((latestHandoff.get(h.personId) ?? "") < h.handoffAt) latestHandoff.set(h.personId, h.handoffAt);
  const given: E[] = [];
  const held: E[] = [];
  for (const e of events)
    (e.toStage !== "mql" || !e.cause.includes(HELD_TEXT) || (latestHandoff.get(e.personId) ?? "") >= e.at ? given : held).push(e);
  return { given, held };
}
