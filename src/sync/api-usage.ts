// How many API calls leadloop itself made today on a system, summed from the runs the store recorded,
// so the Salesforce share of the daily allocation holds across runs and restarts.
import type { StateStore } from "../store/port.js";

const RUNS_SCANNED = 2000;

export async function apiCallsToday(
  store: StateStore,
  system: string,
  now: Date = new Date(),
): Promise<number> {
  const day = now.toISOString().slice(0, 10);
  let total = 0;
  for (const run of await store.listRuns(RUNS_SCANNED)) {
    if (!run.startedAt.startsWith(day)) continue;
    const calls = (run.summary as { apiCalls?: Record<string, number> } | null)?.apiCalls?.[system];
    if (typeof calls === "number") total += calls;
  }
  return total;
}
