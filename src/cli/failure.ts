// Turns an error that escaped a command into the line a person reads and the exit status a script
// branches on. Errors that know their class (systems, store) say so; anything else is a bug to report.
import { EXIT, type ExitCode } from "./exit-codes.js";

export interface ClassifiedFailure {
  message: string;
  exitCode: ExitCode;
}

/** An error that carries the class of what went wrong, as the adapters and the store raise them. */
interface ClassifiedError {
  errorClass: string;
  message: string;
}

const UNAVAILABLE = new Set(["auth", "rate_limited", "transient", "unavailable"]);

export function classifyFailure(err: unknown): ClassifiedFailure {
  if (isClassified(err)) {
    return {
      message: err.message,
      exitCode: UNAVAILABLE.has(err.errorClass) ? EXIT.unavailable : EXIT.failure,
    };
  }
  if (err instanceof Error && err.name === "StoreError")
    return { message: err.message, exitCode: EXIT.failure };
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return { message: `unexpected error (please report it): ${detail}`, exitCode: EXIT.failure };
}

function isClassified(err: unknown): err is ClassifiedError {
  return err instanceof Error && typeof (err as Partial<ClassifiedError>).errorClass === "string";
}
