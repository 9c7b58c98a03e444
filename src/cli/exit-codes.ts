// The exit statuses of `leadloop`, documented in the README: scripts and schedulers branch on them.
import type { RunSummary } from "../sync/run-summary.js";

export const EXIT = {
  ok: 0,
  /** The run failed (an unexpected error, or a system refused the whole run). */
  failure: 1,
  /** Bad configuration or bad usage: nothing was touched. */
  config: 2,
  /**
   * A system could not be used: credentials refused, its API limit or leadloop's share of it reached, or
   * a call still failing (429, 5xx, unreachable) when `sync.retryPatience` ran out.
   */
  unavailable: 3,
  /** The run finished, but some records went to the error queue (`leadloop errors list`). */
  partial: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A finished run's status, `sync`'s and `errors retry`'s alike: whether records wait in the error queue
 * is the queue's, not which entries the run touched (README "Exit statuses").
 */
export function exitFor(summary: Pick<RunSummary, "status" | "openErrors">): ExitCode {
  // Stopped as asked (SIGTERM, Ctrl-C): a clean stop, whatever the queue holds; the next run resumes.
  if (summary.status === "stopped") return EXIT.ok;
  // Records waiting in the queue, this run's or an earlier run's: a scheduler sees it on every run until
  // they are resolved, not on the one run that queued them. A refusal the same run settled (a write to a
  // Lead converted meanwhile, whose conversion the run then followed) leaves nothing waiting.
  return summary.openErrors > 0 ? EXIT.partial : EXIT.ok;
}
