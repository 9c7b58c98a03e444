// Records a system refused in passing inside an answer that succeeded (HubSpot's 207 entry of category
// RATE_LIMITS or an internal error, Salesforce's UNABLE_TO_LOCK_ROW save result): those records alone are
// written again, in the one retry layer (call-retry.ts), until accepted, refused for good, or the call's
// patience is spent. A per-record error means the record was not written (HubSpot's multi-status "shows
// which records were created and which were not", error-handling reference; Salesforce's allOrNone false
// saves each record on its own, sObject Collections reference), so a create sent again is made once.
import { PASSING_CLASSES } from "../store/port.js";
import { SystemError } from "../sync/system-error.js";
import type { RecordWrite, WriteOutcome } from "../sync/system-port.js";
import { callWithRetry, type RetryHooks, type RetryPolicy } from "./call-retry.js";
import type { Clock } from "./clock.js";

/**
 * How long records refused in passing are sent again within one run, at most (the call's own patience
 * when shorter): a lock or a per-record rate limit that clears does so within a few tries, and one that
 * lasts waits for the next run, which sends it first, rather than holding this run for the whole
 * `sync.retryPatience` (five minutes by default) while every other write waits behind it.
 */
export const PASSING_PATIENCE_MS = 30_000;

/**
 * Whether this outcome is a refusal in passing (PASSING_CLASSES). A lock that lasts hours (an approval's,
 * RecordFailure.lastingLock) is not: this call's half minute would only hold the run, so the runs alone
 * send it again (store/port.ts `sentAgainByRuns`). Nor is a write a bulk job did not save, handed back
 * for its caller to send again outside a job with others (RecordFailure.outsideJob).
 */
export function refusedInPassing(outcome: WriteOutcome | undefined): boolean {
  return outcome !== undefined && !outcome.ok && PASSING_CLASSES.has(outcome.error.errorClass) && !outcome.error.outsideJob;
}

export interface PassingRetry {
  system: string;
  /** What is written, for the retry's log line and stop message: `write contacts`. */
  operation: string;
  policy: RetryPolicy;
  clock: Clock;
  onRetry: RetryHooks["onRetry"];
}

/**
 * `writeOnce` on `writes`, then again on those refused in passing, within PASSING_PATIENCE_MS (or the call's
 * patience when shorter). Past it (or on a
 * stop) they keep their last refusal, queued as any refusal is, which the next run writes again first
 * (sync/retry-errors.ts `retryPassingRefusals`); a `writeOnce` that fails as a whole fails this too.
 */
export async function writeThroughPassingRefusals(
  writes: readonly RecordWrite[],
  writeOnce: (writes: readonly RecordWrite[]) => Promise<WriteOutcome[]>,
  retry: PassingRetry,
): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = new Array(writes.length);
  let left = writes.map((_, i) => i);
  // A failure of the call itself, already retried by its own call's layer as far as it could be.
  let callFailed: { error: unknown } | undefined;
  try {
    await callWithRetry(
      async () => {
        let answered: WriteOutcome[];
        try {
          answered = await writeOnce(left.map((i) => writes[i]!));
        } catch (err) {
          callFailed = { error: err };
          throw new SystemError({ system: retry.system, errorClass: "bug", code: "CALL_FAILED", message: "the write failed", retriable: false });
        }
        left.forEach((i, j) => (outcomes[i] = answered[j]!));
        left = left.filter((i) => refusedInPassing(outcomes[i]));
        if (left.length > 0) throw passingRefusal(retry.system, left.map((i) => outcomes[i]!));
      },
      {
        operation: retry.operation,
        classify: (err) =>
          err instanceof SystemError
            ? err
            : new SystemError({ system: retry.system, errorClass: "bug", code: "UNEXPECTED", message: String(err), retriable: false, cause: err }),
        ...(retry.onRetry ? { onRetry: retry.onRetry } : {}),
      },
      { ...retry.policy, patienceMs: Math.min(retry.policy.patienceMs, PASSING_PATIENCE_MS) },
      retry.clock,
    );
  } catch (err) {
    if (callFailed) throw callFailed.error;
    // A stop before the first send leaves records unanswered: that is the call's failure, not a refusal.
    if (!(err instanceof SystemError) || writes.some((_, i) => outcomes[i] === undefined)) throw err;
    // The patience is spent (or a stop was asked) on records refused in passing: they keep that refusal.
  }
  return outcomes;
}

function passingRefusal(system: string, refused: readonly WriteOutcome[]): SystemError {
  const first = refused.find((o) => !o.ok);
  const error = first && !first.ok ? first.error : undefined;
  return new SystemError({
    system,
    errorClass: error?.errorClass ?? "transient",
    code: error?.code ?? "REFUSED_IN_PASSING",
    message: `${refused.length} record${refused.length === 1 ? "" : "s"} refused in passing (${error?.code ?? "unknown"}: ${error?.message ?? ""})`,
    retriable: true,
  });
}
