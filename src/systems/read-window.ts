// Where an incremental change read starts, and the cursor its pages report, shared by the HubSpot and
// Salesforce readers: both start a look-back before the saved cursor, because a change can become visible
// after a reader has passed its timestamp (HubSpot's search index lags; a Salesforce transaction commits
// after the SystemModstamp it took when it started).
import type { SourceRecord } from "../core/records.js";
import type { ChangeCursor } from "../sync/system-port.js";

/** The first instant (epoch ms) an incremental read from `from` covers: `lookbackMs` before its instant. */
export function readWindowStart(from: ChangeCursor, lookbackMs: number): number {
  return Date.parse(from.modifiedAt) - lookbackMs;
}

/**
 * The cursor after a page whose last record is `last`. Records re-read inside the look-back sit behind
 * `from`; the cursor stays at `from` then, so a saved cursor never moves backwards and a read resumed
 * from it covers the same look-back again instead of a growing one.
 */
export function cursorAfter(from: ChangeCursor | null, last: SourceRecord): ChangeCursor {
  const reached: ChangeCursor = { modifiedAt: last.modifiedAt, lastId: last.id };
  if (from && Date.parse(last.modifiedAt) < Date.parse(from.modifiedAt)) return from;
  return reached;
}
