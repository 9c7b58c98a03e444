// The one error type adapters throw for a failed call, classified by what the caller does next
// (HABITS 3). Per-record failures inside a batch are values (WriteOutcome), not this error.
import type { ErrorClass } from "../store/port.js";

export interface SystemErrorInit {
  system: string;
  errorClass: ErrorClass;
  /** The system's own code: HTTP status, Salesforce errorCode, HubSpot category. */
  code: string;
  /** What a person reads: what happened and what to do. Never holds tokens or record bodies. */
  message: string;
  /** Whether calling again can succeed (a 429 yes, a daily cap no). */
  retriable: boolean;
  /** Wait the system asked for (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** What a stopped call's message ends with: true of a run; a command that keeps nothing leaves it out. */
export const RESUME_NOTE = "Work committed so far is kept; the next run resumes from the saved cursors.";

export class SystemError extends Error {
  readonly system: string;
  readonly errorClass: ErrorClass;
  readonly code: string;
  readonly retriable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(init: SystemErrorInit) {
    super(init.message, { cause: init.cause });
    this.name = "SystemError";
    this.system = init.system;
    this.errorClass = init.errorClass;
    this.code = init.code;
    this.retriable = init.retriable;
    this.retryAfterMs = init.retryAfterMs;
  }
}
