// The texts a rep reads on a CRM record: the top reasons of a score, and the behaviour summary, cut to
// what a Salesforce long text area holds.
import type { ScoredActivity } from "../../core/scoring/definition.js";
import type { PersonScore } from "../../core/scoring/score.js";
import { activitySummary } from "../../core/scoring/summary.js";
import { textWithin } from "../../core/text/within.js";

const REASONS_SHOWN = 8;
/**
 * One reason's line at most: a rule's description and a fit rule's evidence (a job title, a company name)
 * are the admin's and the contact's words, of any length, and the eight lines must fit the CRM's reasons
 * field (Salesforce's Leadloop_Reasons__c, Long Text Area(32768), README's setup; the HubSpot property
 * holds 65,536) and the handoff task's "Why:" beside the rest of its body.
 */
const REASON_LINE_MAX = 1_000;
/** Entries per line of the summary (last visits, forms, offers, email clicks). */
const SUMMARY_ENTRIES = 10;

/**
 * A score's reasons as worded, per score: the qualification asks for them when the contact's score moved,
 * again for a new MQL and for the CRM record that carries the score (crm-rescore.ts), all of one score.
 */
const reasonsWorded = new WeakMap<PersonScore, string>();

export function reasonsText(score: PersonScore): string {
  let text = reasonsWorded.get(score);
  if (text === undefined) {
    text = score.reasons
      .slice(0, REASONS_SHOWN)
      .map((r) => textWithin(`${r.points > 0 ? "+" : ""}${r.points} ${oneLine(r.detail)}`, REASON_LINE_MAX))
      .join("\n");
    reasonsWorded.set(score, text);
  }
  return text;
}

/** White space other than a lone space: what `oneLine` replaces. */
const NOT_ONE_LINE = /\s\s|[^\S ]/;

/**
 * The text with each run of white space as one space. Most reasons have none to replace: tested first,
 * as the global replace made a new string and its match state for every reason of every score (10 MB of
 * a 2,000-contact first load's allocations).
 */
function oneLine(text: string): string {
  return NOT_ONE_LINE.test(text) ? text.replace(/\s+/g, " ") : text;
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
  // Within SUMMARY_MAX_LENGTH already: the summary keeps whole lines and cuts the last one (summary.ts).
  return activitySummary(activities, now, SUMMARY_ENTRIES);
}
