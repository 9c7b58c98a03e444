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
import type { FunnelSetup } from "./funnel-setup.js";
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
 * the contact is the record, and the qualification's own write is all there is.
 */
export async function rescoreCrmRecords(
  ctx: RunContext,
  setup: FunnelSetup,
  scored: readonly Rescored[],
): Promise<Pick<Decision, "outbox" | "crmScoreMarks">> {
  if (setup.crmIsMarketing || scored.length === 0) return {};
  const marks = await ctx.store.crmScoreMarks(scored.map((s) => s.record.id));
  if (marks.size === 0) return {};
  // The record as linked now: a converted Lead's person is on its Contact, which takes the write.
  const links = await ctx.store.findLinksByMarketingIds("contact", [...marks.keys()]);
  const t = setup.qualification.definition.thresholds;
  const now = ctx.now();
  const outbox: OutboxWrite[] = [];
  const crmScoreMarks: CrmScoreMark[] = [];
  for (const { record, score, activities } of scored) {
    const mark = marks.get(record.id);
    const link = links.get(record.id);
    if (!mark || !link) continue;
    const texts = crmScoreTexts(score, activities, now);
    const moved =
      scoreMoved(String(mark.score), String(score.total), [t.mql]) ||
      scoreMoved(String(mark.fit), String(score.fit), t.fitMinimum === null ? [] : [t.fitMinimum]) ||
      scoreMoved(String(mark.behaviour), String(score.behaviour), [t.behaviour]) ||
      (mark.summary !== null && mark.summary !== loopValue(texts.summary)) ||
      link.crmId !== mark.crmId;
    if (!moved) continue;
    const fields = crmScoreFields(setup, score, texts);
    const v = setup.vocabulary.fields;
    const before: FieldValues = {};
    if (v.score) before[v.score] = String(mark.score);
    if (v.fitScore) before[v.fitScore] = String(mark.fit);
    if (v.behaviourScore) before[v.behaviourScore] = String(mark.behaviour);
    const after = mark.since === "history" ? "the history fill" : "the handoff";
    outbox.push(
      funnelWrite(ctx, {
        key: `qualification:${record.id}:record`,
        phase: "qualification",
        side: "crm",
        object: link.crmType,
        recordId: link.crmId,
        fields,
        before,
        rule: `score: ${scoreRuleText(score)} (re-scored after ${after})`,
        personId: record.id,
        email: record.fields.email ?? null,
      }),
    );
    crmScoreMarks.push(crmScoreMark(record.id, link, mark.since, score, texts, now.toISOString()));
    ctx.log.debug("person.crm_rescored", { personId: record.id, crmId: link.crmId, score: score.total });
  }
  return { outbox, crmScoreMarks };
}
