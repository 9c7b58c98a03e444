// The live mapping check for the console, cached: describing every object costs API calls, and an admin
// reloading the page must not spend the org's allocation. A failed check (a system unreachable) is kept
// for a shorter time, so the page says so and tries again soon.
import type { MappingProblem } from "../../core/mapping-check.js";

export interface LiveCheckResult {
  checkedAt: string;
  problems: MappingProblem[];
  /** Why the check could not run, when it could not. */
  failure: string | null;
}

export const LIVE_CHECK_TTL_MS = 10 * 60_000;
export const FAILED_CHECK_TTL_MS = 60_000;

export function cachedLiveCheck(
  check: () => Promise<MappingProblem[]>,
  now: () => Date,
  /** What was checked (the mappings): one reloaded by the daemon is checked afresh, not after the ten minutes. */
  checked: () => unknown = () => undefined,
): () => Promise<LiveCheckResult> {
  let last: LiveCheckResult | undefined;
  let lastOf: unknown;
  let inFlight: Promise<LiveCheckResult> | undefined;
  return () => {
    if (last && lastOf === checked()) {
      const ttl = last.failure ? FAILED_CHECK_TTL_MS : LIVE_CHECK_TTL_MS;
      if (now().getTime() - Date.parse(last.checkedAt) < ttl) return Promise.resolve(last);
    }
    // Two pages loaded at once share one check.
    const of = checked();
    inFlight ??= check()
      .then(
        (problems) => ({ checkedAt: now().toISOString(), problems, failure: null }),
        (err: unknown) => ({
          checkedAt: now().toISOString(),
          problems: [],
          failure: err instanceof Error ? err.message : String(err),
        }),
      )
      .then((result) => {
        last = result;
        lastOf = of;
        inFlight = undefined;
        return result;
      });
    return inFlight;
  };
}
