// The one retry layer (ARCHITECTURE.md "Errors"): every adapter call goes through here. A failure its SystemError calls
// retriable is tried again, with exponential backoff and jitter, until the call's patience
// (`sync.retryPatience`) is spent; the system's Retry-After is the least wait, and no wait runs past the
// patience. Then the call stops with a SystemError that says so. The client libraries' own retries are off.
import { setImmediate as afterPendingEvents } from "node:timers/promises";
import pRetry, { AbortError } from "p-retry";
import { redactText } from "../log/redact.js";
import { RESUME_NOTE, reworded, StoppedBeforeCall, SystemError } from "../sync/system-error.js";
import type { WriteOutcome } from "../sync/system-port.js";
import { type Clock, systemClock } from "./clock.js";
import { DEFAULT_RETRY_POLICY, formatDuration, planWait, type RetryPolicy } from "./retry-wait.js";

export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-wait.js";

/** The run note of a create stopped because its answer was lost: the outbox still holds it (ARCHITECTURE.md, "Crash safety"). */
const APPLIED_NOTE =
  "Work committed so far is kept; the next run sends the write again the way that finds what this call made, so nothing is made twice.";

export interface RetryHooks {
  /** What the call does, for logs and the stop message: `POST /crm/v3/objects/contacts/batch/read`. */
  operation: string;
  /** Turns whatever the client threw into a classified SystemError. */
  classify(err: unknown): SystemError;
  /**
   * Called once per call on an auth failure: refresh the session and return true to try again.
   * A second auth failure is final.
   */
  refreshAuth?(): Promise<boolean>;
  onRetry?(err: SystemError, attempt: number, waitMs: number): void;
  /**
   * Set for a call that is not idempotent (a plain create): a failure after which the system may have
   * carried it out (a lost answer, a gateway's 502 or 504, a timeout) is not retried, since a second
   * attempt could make a second record. Only what the system surely left undone (a refused connection,
   * a rate limit) is tried again; the rest stops the call, its message saying why.
   */
  notIdempotent?: { purpose: string; surelyUnprocessed(err: SystemError): boolean };
  /**
   * The credentials the call is sent with (a token, a client secret). An answer that quotes one (a gateway
   * echoing the request's headers) is said without it, so no message leadloop logs, prints, or keeps in
   * the store (a run's failure, the error queue) holds it (SystemError.message).
   */
  secrets?(): readonly string[];
}

/**
 * What each attempt is given: a wait of its own before it sends (a pacing limiter's, window-limiter.ts)
 * ends on `stop`, and `sending()`, awaited right before the request leaves, once that wait is over,
 * refuses the request (StoppedBeforeCall) when a stop came meanwhile or came with the answer before it.
 */
export interface CallAttempt {
  stop: AbortSignal | undefined;
  sending(): Promise<void>;
}

export async function callWithRetry<T>(
  fn: (attempt: CallAttempt) => Promise<T>,
  hooks: RetryHooks,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  clock: Clock = systemClock,
): Promise<T> {
  // No call after a stop, wherever the caller stands: the run's opening probes, a removals read's next
  // page, a describe before a read, and every attempt of a call: the first, one after a wait (backoff,
  // Retry-After), one sent at once after a session refresh (whose token call the stop may have come
  // during), one that waited for the pacing limiter. p-retry adds no wait of its own (minTimeout 0).
  const refuseAfterStop = () => {
    if (policy.stop?.aborted) throw new StoppedBeforeCall(hooks.operation);
  };
  const attempt: CallAttempt = {
    stop: policy.stop,
    sending: async () => {
      if (!policy.stop) return;
      // A stop signal that reaches a busy process together with the answer before this call is handled
      // after that answer: the process, run late, takes the answer from its poll and only then runs the
      // signal's handler (libuv's signal pipe, seen at the loop's next poll, or at the end of this one's
      // events), and the answer's callbacks start this call in between. Two turns of the event loop
      // (setImmediate runs after a poll; the second after the next poll) have the signal handled before
      // the request leaves, at a cost of microseconds.
      await afterPendingEvents();
      await afterPendingEvents();
      refuseAfterStop();
    },
  };
  const started = clock.now();
  let refreshed = false;
  let again = false;
  // The failure the attempt before this one ended with: a stop before the next one says what it stopped.
  let last: SystemError | undefined;
  return pRetry(
    async () => {
      try {
        refuseAfterStop();
        return await fn(attempt);
      } catch (raw) {
        if (raw instanceof StoppedBeforeCall) {
          throw new AbortError(last ? stoppedAsked(last, hooks.operation, clock.now() - started, policy) : raw);
        }
        const err = withoutSecrets(raw instanceof SystemError ? raw : hooks.classify(raw), hooks.secrets?.() ?? []);
        if (err.errorClass === "auth" && hooks.refreshAuth && !refreshed) {
          refreshed = true;
          // Not aborted: p-retry calls again at once with the new session. A stop before that call is a
          // call not made, not a failure: the session it failed for is renewed.
          again = await hooks.refreshAuth();
          if (again) throw err;
        }
        last = err;
        if (!err.retriable || err.errorClass === "auth") throw new AbortError(err);
        const once = hooks.notIdempotent;
        if (once && !once.surelyUnprocessed(err)) {
          const message = `${err.messageOutsideRun} (not resent: the ${once.purpose} call may have been applied).`;
          throw new AbortError(reworded(err, message, { runNote: APPLIED_NOTE, retriable: false }));
        }
        throw err;
      }
    },
    {
      // p-retry runs the attempts; patience, not a count, ends them, and the waits are planned here
      // and slept on the injected clock (a zero minTimeout keeps p-retry's own timer out of it).
      retries: Number.POSITIVE_INFINITY,
      minTimeout: 0,
      onFailedAttempt: async ({ error, attemptNumber }) => {
        if (again) {
          again = false; // the session was refreshed: call again at once
          return;
        }
        // A failure that cannot be retried may arrive unwrapped (e.g. thrown by a session refresh).
        if (!(error instanceof SystemError) || !error.retriable) throw error;
        const elapsedMs = clock.now() - started;
        const plan = planWait(policy, {
          attempt: attemptNumber,
          elapsedMs,
          retryAfterMs: error.retryAfterMs,
          random: clock.jitter?.() ?? Math.random(),
        });
        if (plan.kind === "stop") throw stopped(error, hooks.operation, attemptNumber, elapsedMs, policy, plan);
        // Asked to stop before the wait or during it: no further attempt.
        if (!policy.stop?.aborted) {
          hooks.onRetry?.(error, attemptNumber, plan.ms);
          await clock.sleep(plan.ms, policy.stop);
        }
        if (policy.stop?.aborted) throw stoppedAsked(error, hooks.operation, clock.now() - started, policy);
      },
    },
  );
}

/** `err` with the secrets and bearer tokens its message quotes blanked; itself when it quotes none. */
function withoutSecrets(err: SystemError, secrets: readonly string[]): SystemError {
  const said = redactText(err.messageOutsideRun, secrets);
  return said === err.messageOutsideRun ? err : reworded(err, said);
}

/**
 * A write's outcomes with the secrets and bearer tokens a record's refusal quotes blanked, as a failed
 * call's are above: a system that echoes the request into one record's error (the call itself succeeded,
 * so nothing above saw it) would otherwise put the token in the error queue and `errors list`. Each
 * adapter's `write` answers through this with the secrets it gives its calls' `secrets` hook.
 */
export function refusalsWithoutSecrets(outcomes: WriteOutcome[], secrets: readonly string[]): WriteOutcome[] {
  return outcomes.map((o) => {
    if (o.ok) return o;
    const message = redactText(o.error.message, secrets);
    return message === o.error.message ? o : { ...o, error: { ...o.error, message } };
  });
}

/** The error a failing call ends with when the process is asked to stop. */
function stoppedAsked(err: SystemError, operation: string, elapsedMs: number, policy: RetryPolicy): SystemError {
  return lastError(
    err,
    `stopped as asked (SIGTERM or Ctrl-C) after ${formatDuration(elapsedMs)} of ${err.message} on ${operation}, ` +
      `instead of retrying it for the rest of ${policy.patienceName ?? "sync.retryPatience"}.`,
  );
}

/** The error a call ends with when its patience is spent. */
function stopped(
  err: SystemError,
  operation: string,
  attempts: number,
  elapsedMs: number,
  policy: RetryPolicy,
  plan: { reason: "patience" | "retry_after"; leftMs: number },
): SystemError {
  const patience = `the ${formatDuration(policy.patienceMs)} patience (${policy.patienceName ?? "sync.retryPatience"})`;
  const why =
    plan.reason === "retry_after"
      ? `the next attempt was asked to wait ${formatDuration(err.retryAfterMs ?? 0)}, more than the ` +
        `${formatDuration(plan.leftMs)} left of ${patience}`
      : `${attempts} attempts used up ${patience}`;
  return lastError(err, `stopped after ${formatDuration(elapsedMs)} of ${err.message} on ${operation}: ${why}.`);
}

/** A retried call's last error: the same class, no longer retriable, saying why it stopped and that nothing is lost. */
function lastError(err: SystemError, why: string): SystemError {
  return reworded(err, why, { runNote: RESUME_NOTE, retriable: false });
}
