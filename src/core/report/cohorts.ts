// A conversion rate as a cohort: of the people who reached a stage in the period, how many went on to the
// next one in the period. Counting the next stage's moves instead let a rate pass 100%: a person lost and
// later given a new opportunity is an opportunity without a SAL in the period, and a deal opened last
// quarter and won this one is a win without an opportunity.
import type { ReportEvent } from "./figures.js";

/** `reached` of the `people` who entered the stage a rate starts from; a person counts once in each. */
export interface Cohort {
  people: number;
  reached: number;
}

/**
 * The cohort of `enters` and how many of it then `reaches`, over the period's events in time order. One
 * move can do both (a conversion straight from MQL is accepted and opens its opportunity at once), so a
 * move is checked for entering first; a move to the next stage before the person entered is not theirs.
 */
export function cohort(periodEvents: readonly ReportEvent[], enters: (e: ReportEvent) => boolean, reaches: (e: ReportEvent) => boolean): Cohort {
  const entered = new Set<string>();
  const reached = new Set<string>();
  for (const e of periodEvents) {
    if (enters(e)) entered.add(e.personId);
    if (reaches(e) && entered.has(e.personId)) reached.add(e.personId);
  }
  return { people: entered.size, reached: reached.size };
}
