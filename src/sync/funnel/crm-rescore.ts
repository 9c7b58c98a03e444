// A rep works the lead in the CRM, so the score, reasons and behaviour summary written there at the
// handoff (or by a rep's own record's history fill) must follow the person's later behaviour, as the
// marketing contact's do: a re-score that moved them writes the CRM record again, fields only (no task),
// through the outbox. The store keeps what was last decided for the record (crm_score_marks), so a
// re-score compares without reading the CRM, and a decaying score writes nothing (ARCHITECTURE.md "One
// run", step 2).
import type { FieldValues, SourceRecord } from "../../core/records.js";
import type { ScoredActivity } from "../../core/scoring/definition.js";
import type { PersonScore } from "../../core/scoring/score.js";
import { scoreMoved } from "../../core/scoring/visible-change.js";
import { loopValue } from "../../core/write-loop.js";
import type { CrmScoreMark, OutboxWrite } from "../../store/port.js";
import type { Decision } from "../outbox/decide.js";
import { funnelWrite } from "../outbox/funnel-write.js";
import type { RunContext } from "../run-context.js";
import type { FunnelRunState, FunnelSetup } from "./funnel-setup.js";
import { historyText, reasonsText, scoreRuleText } from "./person-history.js";

/** One person the qualification has just scored. */
export interface Rescored {
  record: SourceRecord;
  score: PersonScore;
  activities: readonly ScoredActivity[];
}

/** The texts a CRM record carries beside its score: the reasons and the behaviour summary. */
export interface CrmScoreTexts {
  reasons: string;
  summary: string;
}

export function crmScoreTexts(score: PersonScore, activities: readonly ScoredActivity[], now: Date): CrmScoreTexts {
  return { reasons: reasonsText(score), summary: historyText(activities, now) };
}

/** The score and its texts as a CRM record takes them, under the vocabulary's names (a null name is left out). */
export function crmScoreFields(setup: FunnelSetup, score: PersonScore, texts: CrmScoreTexts): FieldValues {
  const v = setup.vocabulary.fields;
  const fields: FieldValues = {};
  const set = (name: string | null, value: string) => {
    if (name) fields[name] = value;
  };
  set(v.score, String(score.total));
  set(v.fitScore, String(score.fit));
  set(v.behaviourScore, String(score.behaviour));
  set(v.reasons, texts.reasons);
  set(v.activitySummary, texts.summary);
  return fields;
}

/** What the store keeps of a score decided for a CRM record; `reasons` and `summary` null when unknown. */
export function crmScoreMark(
  personId: string,
  record: { crmType: string; crmId: string },
  since: string,
  score: PersonScore,
  texts: CrmScoreTexts | null,
  at: string,
): CrmScoreMark {
  return {
    personId,
    crmType: record.crmType,
    crmId: record.crmId,
    since,
    score: score.total,
    fit: score.fit,
    behaviour: score.behaviour,
    reasons: texts ? loopValue(texts.reasons) : null,
    summary: texts ? loopValue(texts.summary) : null,
    at,
  };
}

/**
 * The CRM writes for the people among `scored` whose record carries leadloop's score (a mark in the
 * store) and whose score moved by a visible step or across a threshold, or whose behaviour summary
 * changed, since it was decided there; with their new marks. The reasons go with such a write: their
 * points decay daily, so their wording alone writes nothing, as on the contact. With HubSpot as the CRM
 * the contact is the record, and the qualification's own write is all there is. `marked`: who among
 * `scored` has a mark; `unmoved`: who among them has one that asks for no write (qualify-phase.ts keeps
 * their scores steady only then).
 */
export async function rescoreCrmRecords(
  ctx: RunContext,
  setup: FunnelSetup,
  scored: readonly Rescored[],
): Promise<Pick<Decision, "outbox" | "crmScoreMarks"> & { marked?: ReadonlySet<string>; unmoved?: ReadonlySet<string> }> {
  if (setup.crmIsMarketing || scored.length === 0) return {};
  const marks = await ctx.store.crmScoreMarks(scored.map((s) => s.record.id));
  if (marks.size === 0) return {};
  const marked = new Set(marks.keys());
  const unmoved = new Set<string>();
  // The record as linked now: a converted Lead's person is on its Contact, which takes the write.
  const links = await ctx.store.findLinksByMarketingIds("contact", [...marks.keys()]);
  const now = ctx.now();
  const outbox: OutboxWrite[] = [];
  const crmScoreMarks: CrmScoreMark[] = [];
  for (const { record, score, activities } of scored) {
    const mark = marks.get(record.id);
    const link = links.get(record.id);
    if (!mark || !link) continue;
    const rescored = rescoreWrite(ctx, setup, { personId: record.id, email: record.fields.email ?? null, link, mark, score, activities }, now);
    if (!rescored) {
      unmoved.add(record.id);
      continue;
    }
    outbox.push(rescored.write);
    crmScoreMarks.push(rescored.mark);
  }
  return { outbox, crmScoreMarks, marked, unmoved };
}

/** One person's CRM record as leadloop last scored it (`mark`), and their score now. */
export interface RescoreInput {
  personId: string;
  email: string | null;
  link: { crmType: string; crmId: string };
  mark: CrmScoreMark;
  score: PersonScore;
  activities: readonly ScoredActivity[];
}

/**
 * `rescoreWrite` for a person this run scored (their score, email and activities held in `state`), whose
 * record is `record`: null when they were not scored or the score moved nothing since `mark`.
 */
export function rescoreHeld(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  record: { personId: string; crmType: string; crmId: string },
  mark: CrmScoreMark,
  now: Date,
): { write: OutboxWrite; mark: CrmScoreMark } | null {
  const score = state.scores.get(record.personId);
  if (!score) return null;
  const email = state.people.get(record.personId)?.email ?? null;
  const activities = state.activities.get(record.personId) ?? [];
  return rescoreWrite(ctx, setup, { personId: record.personId, email, link: record, mark, score, activities }, now);
}

/**
 * The write that brings the CRM record's score up to date, with its new mark, when the score moved by a
 * visible step or across a threshold, or the behaviour summary changed, since `mark`; else null.
 */
export function rescoreWrite(
  ctx: RunContext,
  setup: FunnelSetup,
  input: RescoreInput,
  now: Date,
): { write: OutboxWrite; mark: CrmScoreMark } | null {
  const { personId, link, mark, score } = input;
  const t = setup.qualification.definition.thresholds;
  // The reasons are worded only for a write: the summary alone says whether one is due.
  const summary = historyText(input.activities, now);
  const moved =
    scoreMoved(String(mark.score), String(score.total), [t.mql]) ||
    scoreMoved(String(mark.fit), String(score.fit), t.fitMinimum === null ? [] : [t.fitMinimum]) ||
    scoreMoved(String(mark.behaviour), String(score.behaviour), [t.behaviour]) ||
    (mark.summary !== null && mark.summary !== loopValue(summary)) ||
    link.crmId !== mark.crmId;
  if (!moved) return null;
  const texts: CrmScoreTexts = { reasons: reasonsText(score), summary };
  const fields = crmScoreFields(setup, score, texts);
  const v = setup.vocabulary.fields;
  const before: FieldValues = {};
  if (v.score) before[v.score] = String(mark.score);
  if (v.fitScore) before[v.fitScore] = String(mark.fit);
  if (v.behaviourScore) before[v.behaviourScore] = String(mark.behaviour);
  const after = mark.since === "history" ? "the history fill" : "the handoff";
  const write = funnelWrite(ctx, {
    key: `qualification:${personId}:record`,
    phase: "qualification",
    side: "crm",
    object: link.crmType,
    recordId: link.crmId,
    fields,
    before,
    rule: `score: ${scoreRuleText(score)} (re-scored after ${after})`,
    personId,
    email: input.email,
  });
  ctx.log.debug("person.crm_rescored", { personId, crmId: link.crmId, score: score.total });
  return { write, mark: crmScoreMark(personId, link, mark.since, score, texts, now.toISOString()) };
}
