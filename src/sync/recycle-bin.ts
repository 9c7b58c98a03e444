// When a run lists a system's recycle bin to follow its deletions. HubSpot lists every record deleted in
// the last 90 days (`archived=true`, 100 a page) whatever the window asked for, so a bin of 30,000 costs
// 300 calls a run. A bin that fits in a few pages is listed on every run; a larger one at most every
// `hubspot.recycleBinEvery`, from where its last listing ended (its own cursor), so every deletion is
// still followed, within that time (ARCHITECTURE.md "One run", removals).
import { BIN_LISTED_EVERY_RUN } from "../core/bin-listing.js";
import type { Cursor, StoreFact } from "../store/port.js";

/** The bin's own cursor: where its last listing ended. */
export function binCursorObject(object: string): string {
  return `${object}#recycle-bin`;
}

/** The store fact that keeps how many records the bin's last listing held. */
export function binSizeFact(system: string, object: string): string {
  return `${system}.recycleBin.${object}`;
}

/**
 * Where this run's listing of the bin starts, or null when the bin waits for a later run: a bin never
 * listed, or small when last listed, is listed now; a large one once `everyMs` has passed since.
 */
export function binWindowStart(
  binCursor: Cursor | undefined,
  /** The object's removals cursor, where a store from before the bin's own cursor last listed it. */
  removalsCursor: Cursor,
  size: StoreFact | undefined,
  until: string,
  everyMs: number,
): string | null {
  const last = binCursor ?? removalsCursor;
  const records = size === undefined ? Number.NaN : Number(size.value);
  if (!(records > BIN_LISTED_EVERY_RUN)) return last.value;
  return Date.parse(until) - Date.parse(last.value) >= everyMs ? last.value : null;
}
