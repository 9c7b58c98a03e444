// The one error type adapters throw for a failed call, classified by what the caller does next
// (ARCHITECTURE.md "Errors"). Per-record failures inside a batch are values (WriteOutcome), not this error.
import type { ErrorClass } from "../store/port.js";

export interface SystemErrorInit {
  system: string;
  errorClass: ErrorClass;
  /** The system's own code: HTTP status, Salesforce errorCode, HubSpot category. */
  code: string;
  /** What a person reads: what happened and what to do. Never holds tokens or record bodies. */
  message: string;
  /**
   * What the failure means for a sync run it stops (RESUME_NOTE, or when the next run can go on): the end
   * of `message`, which the run records and prints; a command that runs no sync says `messageOutsideRun`.
   */
  runNote?: string;
  /** Whether calling again can succeed (a 429 yes, a daily cap no). */
  retriable: boolean;
  /** Wait the system asked for (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** The run note of a call stopped while it was being retried: true of a sync run, not of a command that reads or checks. */
export const RESUME_NOTE = "Work committed so far is kept; the next run resumes from the saved cursors.";

export class SystemError extends Error {
  readonly system: string;
  readonly errorClass: ErrorClass;
  readonly code: string;
  readonly retriable: boolean;
  readonly retryAfterMs: number | undefined;
  /** The run note `message` ends with, if any (SystemErrorInit.runNote). */
  readonly runNote: string | undefined;
  /** `message` without its run note: what a command that runs no sync says, since no run of it resumes. */
  readonly messageOutsideRun: string;

  constructor(init: SystemErrorInit) {
    super(init.runNote ? `${init.message} ${init.runNote}` : init.message, { cause: init.cause });
    this.runNote = init.runNote;
    this.messageOutsideRun = init.message;
    this.name = "SystemError";
    this.system = init.system;
    this.errorClass = init.errorClass;
    this.code = init.code;
    this.retriable = init.retriable;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * `err` saying `message` instead: the same system, class and code, `err` as its cause, and its run note
 * after the new message unless `changes` gives another. An error made final (not retriable) keeps no
 * wait, which belonged to another try.
 */
export function reworded(err: SystemError, message: string, changes: { runNote?: string; retriable?: boolean } = {}): SystemError {
  const runNote = changes.runNote ?? err.runNote;
  const retriable = changes.retriable ?? err.retriable;
  return new SystemError({
    system: err.system,
    errorClass: err.errorClass,
    code: err.code,
    message,
    ...(runNote ? { runNote } : {}),
    retriable,
    ...(retriable && err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    cause: err,
  });
}

/**
 * A call not made because the process was asked to stop (SIGTERM, Ctrl-C) before it began: after a stop no
 * call goes to either system (README "Exit statuses"). The retry layer refuses it; a run that meets it ends
 * as stopped, what it decided so far in the store as after any stop (engine.ts), and one not begun yet is
 * no run (`StoppedBeforeRun`, cli/run-once.ts).
 */
export class StoppedBeforeCall extends Error {
  constructor(readonly operation: string) {
    super(`stopped as asked (SIGTERM or Ctrl-C) before ${operation}: no call was made after the stop`);
    this.name = "StoppedBeforeCall";
  }
}
