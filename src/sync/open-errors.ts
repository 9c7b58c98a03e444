// The open error-queue entries about a set of records, read once by whoever decides about them together
// (a page's sync, the removals a run follows): who waits, wakes or is mooted is decided from this one read.
import type { QueuedError } from "../store/port.js";
import type { RunContext } from "./run-context.js";

export type OpenErrors = ReadonlyMap<string, readonly QueuedError[]>;

/** The open entries about these records, by record id; no read for none. */
export async function openErrorsAbout(ctx: RunContext, recordIds: readonly string[]): Promise<Map<string, QueuedError[]>> {
  return recordIds.length === 0 ? new Map() : ctx.store.openErrorsFor([...new Set(recordIds)]);
}
