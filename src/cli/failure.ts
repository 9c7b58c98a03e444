// Turns an error that escaped a command into the line a person reads and the exit status a script
// branches on. Errors that know their class (systems, store) say so; anything else is a bug to report.
import { EXIT, type ExitCode } from "./exit-codes.js";

export interface ClassifiedFailure {
  message: string;
  exitCode: ExitCode;
}

/**
 * An error that carries the class of what went wrong, as the adapters and the store raise them. Read by
 * its shape, not its class: `--help` and `--version` load the command line alone (ARCHITECTURE.md "CLI").
 */
interface ClassifiedError {
  errorClass: string;
  message: string;
  /** A system's failure without its run note (SystemError): what a command that runs no sync says. */
  messageOutsideRun?: string;
}

const UNAVAILABLE = new Set(["auth", "rate_limited", "transient", "unavailable"]);

/**
 * `runsSync`: whether the failed command runs a sync (command-list.ts). Only then does a system failure's
 * message keep its run note (the next run resumes): a command that reads or checks resumes nothing.
 */
export function classifyFailure(err: unknown, { runsSync }: { runsSync: boolean }): ClassifiedFailure {
  if (isClassified(err)) {
    return {
      message: !runsSync && typeof err.messageOutsideRun === "string" ? err.messageOutsideRun : err.message,
      // A configuration a system showed wrong (a mapped field the org lacks, the integration user's
      // permissions, a base URL that is no API) is exit 2 wherever it was found, the run begun or not.
      exitCode: err.errorClass === "config" ? EXIT.config : UNAVAILABLE.has(err.errorClass) ? EXIT.unavailable : EXIT.failure,
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
