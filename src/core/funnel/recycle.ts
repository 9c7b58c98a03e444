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

/** How the funnel names a hold, in an MQL's cause, `explain` and `hot`: "held by the cool-down until 2027-01-03 09:30 UTC". */
export function heldText(until: Date): string {
  return `held by the cool-down until ${until.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
