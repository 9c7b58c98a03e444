// How far a read's system said it covered the window it was asked for: a Salesforce getUpdated or
// getDeleted answered short of it ("latestDateCovered", SOAP API Developer Guide, "GetUpdatedResult")
// while a transaction was open, and the cursor holds at the earliest instant told (ARCHITECTURE.md
// "Cursors"). One listener for the change streams, the read ahead and the removals read.
import type { CoverageListener } from "./system-port.js";

export interface ReadCoverage extends Required<CoverageListener> {
  /** The earliest instant told, as `Date#toISOString` writes it; else the start (undefined for none). */
  readonly until: string | undefined;
}

/** Keeps the earliest instant a read is told from `start`; `onCovered` hears it each time it is told. */
export function earliestCoverage(start: string | undefined, onCovered?: (covered: string) => void): ReadCoverage {
  let until = start;
  return {
    get until() {
      return until;
    },
    onCoveredUntil(instant: string) {
      if (until === undefined || Date.parse(instant) < Date.parse(until)) until = new Date(Date.parse(instant)).toISOString();
      onCovered?.(until);
    },
  };
}
