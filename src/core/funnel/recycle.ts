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

/**
 * The latest time the person was returned to nurture, from their funnel events; null if never. A held MQL
 * that lapsed back to nurture at its hold's end (`lapsedCause`) is no return: the cool-down and the new
 * behaviour the qualification asks for still count from the rep's verdict.
 */
export function returnedToNurtureAt(events: readonly { toStage: string; at: string; cause: string }[]): string | null {
  let latest: string | null = null;
  for (const e of events)
    if (NURTURE_STAGES.has(e.toStage as Stage) && !isLapse(e) && (latest === null || e.at > latest)) latest = e.at;
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
 * after it hands them off if they still qualify then, else they lapse back to nurture (`lapsedCause`). Null
 * for anyone else, a person handed off or lapsed since included.
 */
export function heldByCoolDown(
  events: readonly { toStage: string; at: string; cause: string }[],
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
  return `${HELD_TEXT}${holdEndText(until)}`;
}

/** A hold's end as the funnel writes it, to the minute: "2027-01-03 09:30 UTC". */
export function holdEndText(until: Date): string {
  return `${until.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * When the hold an MQL's cause names ends ("held by the cool-down until 2027-01-03 09:30 UTC", `heldText`),
 * or null when it names none.
 */
export function holdEndNamed(cause: string): Date | null {
  const at = cause.indexOf(HELD_TEXT);
  const named = at < 0 ? null : /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC/.exec(cause.slice(at + HELD_TEXT.length));
  return named ? new Date(`${named[1]}T${named[2]}:00.000Z`) : null;
}

/**
 * The cause of a held MQL's move back to the nurture stage it was held in, when at the hold's end it no
 * longer qualifies (`why`, scoring/unmet.ts): "held by the cool-down until 2027-01-03 09:30 UTC, then below
 * the threshold: 55 < 60". Sales is given only a person who is an MQL when the handoff reaches them.
 */
export function lapsedCause(until: Date, why: string): string {
  return `${heldText(until)}, then ${why}`;
}

/** True for a held MQL's move back to nurture at its hold's end (`lapsedCause`): no rep's verdict. */
export function isLapse(e: { toStage: string; cause: string }): boolean {
  return NURTURE_STAGES.has(e.toStage as Stage) && e.cause.startsWith(HELD_TEXT);
}

/**
 * The moves a report counts (`given`): every one but a held MQL sales has not been given yet (its cause
 * names the hold, and no handoff of the person came at or after it), which are `held`. A held MQL counts
 * once, at its handoff, which dates the move when it comes (ARCHITECTURE.md, "Recycle and trash"), as the
 * contact's MQL date is that handoff's; counted while held too, it was in the period the person qualified
 * in, then moved. Until then the report shows it as held, where the contact shows the rep's verdict. A
 * held MQL that lapsed at its hold's end (`isLapse`) is in neither, nor is the lapse: sales never got her,
 * and her contact kept the verdict throughout.
 */
export function splitHeldMoves<E extends { personId: string; toStage: string; at: string; cause: string }>(
  events: readonly E[],
  /** Every handoff's time by person (their follow-up clocks', replaced ones included). */
  handoffs: readonly { personId: string; handoffAt: string }[],
): { given: E[]; held: E[] } {
  const handedOff = timesByPerson(handoffs.map((h) => ({ personId: h.personId, at: h.handoffAt })));
  const lapsed = timesByPerson(events.filter(isLapse));
  const given: E[] = [];
  const held: E[] = [];
  for (const e of events) {
    if (isLapse(e)) continue;
    if (e.toStage !== "mql" || !e.cause.includes(HELD_TEXT)) {
      given.push(e);
      continue;
    }
    // Whichever ended the hold first: a handoff gives the MQL to sales, a lapse takes it back.
    const handoff = firstAtOrAfter(handedOff.get(e.personId), e.at);
    const lapse = firstAtOrAfter(lapsed.get(e.personId), e.at);
    if (handoff !== null && (lapse === null || handoff <= lapse)) given.push(e);
    else if (lapse === null) held.push(e);
  }
  return { given, held };
}

function timesByPerson(moves: readonly { personId: string; at: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of moves) {
    const times = out.get(m.personId);
    if (times) times.push(m.at);
    else out.set(m.personId, [m.at]);
  }
  return out;
}

function firstAtOrAfter(times: readonly string[] | undefined, at: string): string | null {
  let first: string | null = null;
  for (const t of times ?? []) if (t >= at && (first === null || t < first)) first = t;
  return first;
}
