// The exit statuses of `leadloop`, documented in the README: scripts and schedulers branch on them.
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
