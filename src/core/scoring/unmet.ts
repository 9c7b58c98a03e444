// Why a scored person is not an MQL, in the definition's words: what a held MQL's lapse names when the
// cool-down ends and the score no longer qualifies (core/funnel/recycle.ts `lapsedCause`).
import type { Thresholds } from "./definition.js";
import type { PersonScore } from "./score.js";

/** The first condition of the MQL definition the score fails, e.g. "below the threshold: 55 < 60". */
export function unmetCondition(score: PersonScore, thresholds: Thresholds): string {
  if (score.disqualifiedBy !== null) return `disqualified by ${score.disqualifiedBy}`;
  if (score.total < thresholds.mql) return `below the threshold: ${score.total} < ${thresholds.mql}`;
  if (thresholds.fitMinimum !== null && score.fit < thresholds.fitMinimum)
    return `a fit below the minimum: ${score.fit} < ${thresholds.fitMinimum}`;
  if (score.nearQualified) return `missing ${score.nearQualified.missing}, which a handoff requires`;
  // What remains: more than one required field or fit rule missing, or a customer (judged for cross-sell);
  // The score keeps neither apart, so the words name both.
  return "a customer, or missing more than one field or fit rule a handoff requires";
}
