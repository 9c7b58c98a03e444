// Whether a person's score can be taken as it stands on a re-read that changed none of its inputs: how
// long the score stays what it is now (`steadyUntil`), and a key of the inputs it was worked out from
// (`scoreInputsKey`). The qualification skips scoring, behaviour read and score write for a contact whose
// inputs key is the one kept and whose steady time has not passed (ARCHITECTURE.md "One run", step 2).
import { Hash64 } from "../write-loop.js";
import type { BehaviourResult } from "./behaviour.js";
import { behaviourAt, type PersonScore, type ScoreInput } from "./score.js";
import type { CompiledDefinition } from "./compile.js";
import type { ScoredActivity } from "./definition.js";

/**
 * The instant up to which scoring `input` again, with the same activities less those that leave the
 * `windowMs` the cache is read over, gives the same points per rule, so the same total, fit, behaviour
 * and verdicts as `score`, checked at `horizonMs` from now; null when they would differ then, or an
 * activity lies after now. Each rule's points only move one way as time passes with no new activity
 * (decay and `withinDays` shrink them towards zero, a burst that leaves its window gives way to an older,
 * more decayed one), so equal points at both ends are equal points all the way between. `sameAt`, when
 * given, must hold too of the activities and instant at the horizon's end (a text worked out of them,
 * such as the behaviour summary a CRM record carries, which only loses entries as they leave the window).
 */
export function steadyUntil(
  input: ScoreInput,
  definition: CompiledDefinition,
  score: PersonScore,
  windowMs: number,
  horizonMs: number,
  sameAt?: (activities: readonly ScoredActivity[], at: Date) => boolean,
): number | null {
  const nowMs = input.now.getTime();
  const endMs = nowMs + horizonMs;
  const fromMs = endMs - windowMs;
  const kept = [];
  for (const a of input.activities) {
    const at = a.occurredMs ?? Date.parse(a.occurredAt);
    if (!(at <= nowMs)) return null; // a future activity starts to count within the horizon (or no date)
    if (at >= fromMs) kept.push(a);
  }
  // Only the behaviour part can differ then (score.ts `behaviourAt`): the fit and negative rules, and so
  // their points and reasons, are the person's and company's values', which the horizon does not move.
  const later = behaviourAt(input, definition, kept, endMs);
  return sameBehaviour(score, later) && (!sameAt || sameAt(kept, new Date(endMs))) ? endMs : null;
}

/** Whether `later` gives `score`'s behaviour points, rule by rule. */
function sameBehaviour(score: PersonScore, later: BehaviourResult): boolean {
  if (later.tenths / 10 !== score.behaviour) return false;
  const points = new Map<string, number>();
  for (const r of score.reasons) if (r.kind === "behaviour") points.set(r.ruleId, r.points);
  return points.size === later.reasons.length && later.reasons.every((r) => points.get(r.ruleId) === r.points);
}

/**
 * A key of what a score is worked out from besides the time and the activities' own rows: the person's
 * and company's values, in the order of the field lists the caller names (with a separator no value
 * holds), and `context` (the definition, the behaviour sources' cursors). 64 bits, as the write loop's
 * fingerprints are. `written`: values the person's record is about to take, each in the place of
 * `person`'s (as `{ ...person, ...written }` holds them, without that copy of every field).
 */
export function scoreInputsKey(
  person: Readonly<Record<string, string | null | undefined>>,
  personFields: readonly string[],
  company: Readonly<Record<string, string | null | undefined>> | undefined,
  companyFields: readonly string[],
  context: string,
  written?: Readonly<Record<string, string | null | undefined>>,
): string {
  // Hashed as the parts come, as of their text joined by NUL: a re-read contact's key is taken of dozens
  // of values, which were copied into one text first.
  const key = new Hash64().add(context);
  for (const f of personFields) addValue(key.add("\u0000"), written !== undefined && Object.hasOwn(written, f) ? written[f] : person[f]);
  key.add(company ? "\u0000company" : "\u0000no company");
  if (company) for (const f of companyFields) addValue(key.add("\u0000"), company[f]);
  return key.digest();
}

/** A value in the key: null and absent alike (a blank), a text marked apart from them. */
function addValue(key: Hash64, v: string | null | undefined): void {
  if (v === null || v === undefined) key.add("\u0001");
  else key.add("=").add(v);
}
