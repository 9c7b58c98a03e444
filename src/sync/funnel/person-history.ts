// The texts a rep reads on a CRM record: the top reasons of a score, and the behaviour summary, cut to
// what a Salesforce long text area holds.
import type { ScoredActivity } from "../../core/scoring/definition.js";
import type { PersonScore } from "../../core/scoring/score.js";
import { activitySummary } from "../../core/scoring/summary.js";

const REASONS_SHOWN = 8;
/** Entries per line of the summary (last visits, forms, offers, email clicks). */
const SUMMARY_ENTRIES = 10;
/** Salesforce long text areas hold 32,768 characters; the summary stays under that. */
const SUMMARY_MAX_CHARS = 32_000;

export function reasonsText(score: PersonScore): string {
  return score.reasons
    .slice(0, REASONS_SHOWN)
    .map((r) => `${r.points > 0 ? "+" : ""}${r.points} ${r.detail}`)
    .join("\n");
}

/** The rule an audit gives a score: its points and its top three rules, e.g. `72 points (pricing, demo, title)`. */
export function scoreRuleText(score: PersonScore): string {
  return score.reasons.length === 0
    ? `${score.total} points`
    : `${score.total} points (${score.reasons
        .slice(0, 3)
        .map((r) => r.ruleId)
        .join(", ")})`;
}

export function historyText(activities: readonly ScoredActivity[], now: Date): string {
  return activitySummary(activities, now, SUMMARY_ENTRIES).slice(0, SUMMARY_MAX_CHARS);
}
