// How long to wait before the next attempt of a failing call, or that the call's patience is spent:
// exponential backoff with jitter, the system's Retry-After as the least wait, no wait past the patience.

export interface RetryPolicy {
  /** How long one call may keep being retried, from its first attempt (`sync.retryPatience`). */
  patienceMs: number;
  /**
   * The setting or command the patience is, as a stopped call's message names it: `sync.retryPatience`
   * unless a command cut it shorter (requalify's own 30 s, cli/compose.ts `wire`).
   */
  patienceName?: string;
  /**
   * The process was asked to stop (SIGTERM, Ctrl-C): a failing call is not tried again, and a wait for
   * its next attempt ends at once, so a stop does not wait out the patience of a system that is down.
   */
  stop?: AbortSignal;
  /** The first backoff; it doubles per attempt, with jitter, up to `maxTimeoutMs`. */
  minTimeoutMs: number;
  maxTimeoutMs: number;
}

/** Five minutes of patience: a few HubSpot ten-second windows, or a Salesforce restart, ride out. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { patienceMs: 300_000, minTimeoutMs: 500, maxTimeoutMs: 30_000 };

export interface WaitInput {
  /** The attempt that just failed, from 1. */
  attempt: number;
  /** Time since the first attempt began. */
  elapsedMs: number;
  /** The wait the system asked for (Retry-After), if any. */
  retryAfterMs: number | undefined;
  /** In [0, 1): the jitter that keeps many callers from retrying in step. */
  random: number;
}

export type WaitPlan =
  | { kind: "wait"; ms: number }
  /** `patience`: none left; `retry_after`: the system asked for a longer wait than the patience has left. */
  | { kind: "stop"; reason: "patience" | "retry_after"; leftMs: number };

export function planWait(policy: RetryPolicy, input: WaitInput): WaitPlan {
  const leftMs = policy.patienceMs - input.elapsedMs;
  if (leftMs <= 0) return { kind: "stop", reason: "patience", leftMs: 0 };
  const retryAfter = input.retryAfterMs ?? 0;
  if (retryAfter > leftMs) return { kind: "stop", reason: "retry_after", leftMs };
  const backoff = Math.min(
    Math.round((1 + input.random) * policy.minTimeoutMs * 2 ** (input.attempt - 1)),
    policy.maxTimeoutMs,
  );
  return { kind: "wait", ms: Math.max(retryAfter, Math.min(backoff, leftMs)) };
}

/** "5m", "1m30s", "2s", "750ms": durations as people write them in `sync.retryPatience`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let seconds = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ["h", 3600],
    ["m", 60],
  ] as const) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${unit}`);
      seconds %= size;
    }
  }
  if (seconds > 0 || parts.length === 0) parts.push(`${seconds}s`);
  return parts.join("");
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds: both systems' 429s and 503s. */
export function retryAfterMs(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
