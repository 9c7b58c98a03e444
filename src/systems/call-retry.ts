// The one retry layer (HABITS 4): every adapter call goes through here. Retries what its SystemError
// says is retriable, with exponential backoff and jitter from p-retry, and waits at least as long as
// the system's Retry-After. The client libraries' own retries are off.
import { setTimeout as sleep } from "node:timers/promises";
import pRetry, { AbortError } from "p-retry";
import { SystemError } from "../sync/system-error.js";

export interface RetryPolicy {
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 6, minTimeoutMs: 500, maxTimeoutMs: 30_000 };

export interface RetryHooks {
  /** Turns whatever the client threw into a classified SystemError. */
  classify(err: unknown): SystemError;
  /**
   * Called once per call on an auth failure: refresh the session and return true to try again.
   * A second auth failure is final.
   */
  refreshAuth?(): Promise<boolean>;
  onRetry?(err: SystemError, attempt: number): void;
}

export async function callWithRetry<T>(
  fn: () => Promise<T>,
  hooks: RetryHooks,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<T> {
  let refreshed = false;
  return pRetry(
    async () => {
      try {
        return await fn();
      } catch (raw) {
        const err = raw instanceof SystemError ? raw : hooks.classify(raw);
        if (err.errorClass === "auth" && hooks.refreshAuth && !refreshed) {
          refreshed = true;
          if (await hooks.refreshAuth()) throw err; // not aborted: p-retry calls again with the new session
        }
        if (!err.retriable || err.errorClass === "auth") throw new AbortError(err);
        throw err;
      }
    },
    {
      retries: policy.retries,
      minTimeout: policy.minTimeoutMs,
      maxTimeout: policy.maxTimeoutMs,
      randomize: true,
      onFailedAttempt: async ({ error, attemptNumber }) => {
        if (!(error instanceof SystemError)) return;
        hooks.onRetry?.(error, attemptNumber);
        // p-retry adds its own backoff after this; Retry-After is the floor the system asked for.
        if (error.retryAfterMs) await sleep(error.retryAfterMs);
      },
    },
  );
}
