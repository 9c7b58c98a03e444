// Behaviour points of one person: each activity is weighed by its age (decay), summed per rule, capped,
// and rounded to tenths per rule. Activities after `now` have not happened yet at that point in time;
// those before `from` (a customer's purchase) are not counted at all.
import { type CompiledDefinition, decayFactor, toTenths } from "./compile.js";
import type { BehaviourRule, ScoredActivity } from "./definition.js";
import type { ScoreReason } from "./reason.js";
import { activityCount } from "./activity-words.js";

export interface BehaviourResult {
  tenths: number;
  reasons: ScoreReason[];
  /** `occurredAt` of the newest activity up to now, of any kind. */
  lastActivityAt: string | null;
}

/** The time from which behaviour counts, and the words its reasons add after the rule's description. */
export interface CountedFrom {
  ms: number;
  words: string;
}

/**
 * Per-rule tallies, indexed by rule. Scoring is synchronous, so one set of buffers is reused for every
 * person: the loop over a portal then allocates nothing per activity and little per person.
 */
const scratch = {
  points: new Float64Array(0),
  undecayed: new Float64Array(0),
  count: new Uint32Array(0),
  newest: new Float64Array(0),
  newestAt: [] as string[],
};

function resetScratch(n: number): typeof scratch {
  if (scratch.points.length < n) {
    scratch.points = new Float64Array(n);
    scratch.undecayed = new Float64Array(n);
    scratch.count = new Uint32Array(n);
    scratch.newest = new Float64Array(n);
  } else {
    scratch.points.fill(0, 0, n);
    scratch.undecayed.fill(0, 0, n);
    scratch.count.fill(0, 0, n);
  }
  scratch.newest.fill(Number.NEGATIVE_INFINITY, 0, n);
  scratch.newestAt.length = n;
  return scratch;
}

export function scoreBehaviour(
  activities: readonly ScoredActivity[],
  compiled: CompiledDefinition,
  nowMs: number,
  from: CountedFrom | null = null,
): BehaviourResult {
  const fromMs = from?.ms ?? Number.NEGATIVE_INFINITY;
  const rules = compiled.behaviour;
  const n = rules.length;
  const tally = resetScratch(n);
  // Times of matches, only for burst rules; allocated only when such a rule matches.
  let times: (number[] | undefined)[] | null = null;
  let lastMs = Number.NEGATIVE_INFINITY;
  let lastActivityAt: string | null = null;

  // Indexed loops over the activities and their rules: a for-of made an iterator result per step where
  // V8 had not optimised the scoring (a 10k first load scores hundreds of thousands of activities).
  for (let a = 0; a < activities.length; a++) {
    const activity = activities[a]!;
    const at = activity.occurredMs ?? Date.parse(activity.occurredAt);
    if (!(at <= nowMs)) continue; // in the future, or not a date
    if (at > lastMs) {
      lastMs = at;
      lastActivityAt = activity.occurredAt;
    }
    const candidates = at >= fromMs ? compiled.behaviourByKind.get(activity.kind) : undefined;
    if (!candidates) continue;
    const age = nowMs - at;
    for (let k = 0; k < candidates.length; k++) {
      const c = candidates[k]!;
      if (c.withinMs !== null && age > c.withinMs) continue;
      if (!c.matches(activity)) continue;
      const i = c.index;
      tally.count[i]!++;
      if (at > tally.newest[i]!) {
        tally.newest[i] = at;
        tally.newestAt[i] = activity.occurredAt;
      }
      if (c.rule.count !== null) {
        times ??= [];
        const list = times[i] ?? [];
        list.push(at);
        times[i] = list;
      } else {
        tally.points[i]! += c.rule.points * decayFactor(age, compiled.halfLifeMs);
        tally.undecayed[i]! += c.rule.points;
      }
    }
  }

  let tenths = 0;
  const reasons: ScoreReason[] = [];
  for (const c of rules) {
    const i = c.index;
    if (tally.count[i] === 0) continue;
    const description = from ? `${c.rule.description} ${from.words}` : c.rule.description;
    const reason =
      c.rule.count !== null
        ? countReason(c.rule, description, times![i]!, c.countWindowMs!, nowMs, compiled.halfLifeMs)
        : sumReason(c.rule, description, tally.points[i]!, tally.undecayed[i]!, tally.count[i]!, tally.newestAt[i]!);
    if (reason) {
      tenths += toTenths(reason.points);
      reasons.push(reason);
    }
  }
  return { tenths, reasons, lastActivityAt };
}

function sumReason(
  rule: BehaviourRule,
  description: string,
  decayed: number,
  undecayed: number,
  count: number,
  newestAt: string,
): ScoreReason | null {
  const capped = rule.cap !== null && decayed > rule.cap;
  const points = toTenths(capped ? rule.cap! : decayed) / 10;
  if (points === 0) return null;
  const notes = [`${activityCount(rule.activity, count)}, latest ${dayOf(newestAt)}`];
  if (decayed < undecayed) notes.push(`${round1(undecayed)} before decay`);
  if (capped) notes.push(`capped at ${rule.cap}`);
  return { ruleId: rule.id, kind: "behaviour", points, detail: `${description}: ${notes.join("; ")}` };
}

/**
 * A burst rule ("3 visits in 7 days") pays once, for the newest burst: the latest match that closes a
 * window holding `atLeast` matches, decayed by that match's age.
 */
function countReason(
  rule: BehaviourRule,
  description: string,
  times: number[],
  windowMs: number,
  nowMs: number,
  halfLifeMs: number | null,
): ScoreReason | null {
  const need = rule.count!.atLeast;
  if (times.length < need) return null;
  times.sort((a, b) => a - b);
  for (let end = times.length - 1; end >= need - 1; end--) {
    if (times[end]! - times[end - need + 1]! > windowMs) continue;
    const closedAt = times[end]!;
    let inWindow = 0;
    for (let k = 0; k < times.length; k++) if (times[k]! <= closedAt && closedAt - times[k]! <= windowMs) inWindow++;
    const points = toTenths(rule.points * decayFactor(nowMs - closedAt, halfLifeMs)) / 10;
    if (points === 0) return null;
    const decayed = points < rule.points ? `; ${rule.points} before decay` : "";
    const detail = `${description}: ${activityCount(rule.activity, inWindow)} within ${rule.count!.inDays} days up to ${day(closedAt)}${decayed}`;
    return { ruleId: rule.id, kind: "behaviour", points, detail };
  }
  return null;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The UTC day of an ISO time; read off the text when it is already UTC, which is the common case. */
function dayOf(iso: string): string {
  return iso.endsWith("Z") ? iso.slice(0, 10) : day(Date.parse(iso));
}

function round1(n: number): number {
  return toTenths(n) / 10;
}
