// The API calls leadloop itself made on a system within a recent window, from the runs the store
// recorded, so a share of a rolling allocation (Salesforce counts the last 24 hours) holds across runs
// and restarts. A run's calls count as made when it finished: the latest they can have been made.
import type { StateStore } from "../store/port.js";

const RUNS_SCANNED = 2000;

export interface RecordedCalls {
  /** When the run finished (or started, if it never finished), in ms since the epoch. */
  at: number;
  calls: number;
}

export async function recentApiCalls(
  store: StateStore,
  system: string,
  now: number,
  windowMs: number,
): Promise<RecordedCalls[]> {
  const out: RecordedCalls[] = [];
  for (const run of await store.listRuns(RUNS_SCANNED)) {
    const at = Date.parse(run.finishedAt ?? run.startedAt);
    if (!(at > now - windowMs)) continue;
    const calls = (run.summary as { apiCalls?: Record<string, number> } | null)?.apiCalls?.[system];
    if (typeof calls === "number" && calls > 0) out.push({ at, calls });
  }
  return out;
}

const ALLOCATION_FACT = "salesforce.api_allocation";

/**
 * The org's API allocation (`Sforce-Limit-Info`'s max) as the last process that called Salesforce read it,
 * so the next one knows its share before its first call (systems/salesforce/api-budget.ts).
 */
export async function keptApiAllocation(store: StateStore): Promise<{ max: number } | undefined> {
  const fact = await store.getFact(ALLOCATION_FACT);
  const max = fact ? Number(fact.value) : NaN;
  return Number.isInteger(max) && max > 0 ? { max } : undefined;
}

export async function keepApiAllocation(store: StateStore, max: number): Promise<void> {
  const at = new Date().toISOString();
  await store.commitBatch({ runId: "api-allocation", facts: [{ name: ALLOCATION_FACT, value: String(max), at }], at });
}
