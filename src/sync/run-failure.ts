// What a log says of a run that failed (`run.failed` from `leadloop sync`, `daemon.run_failed` from the
// daemon): one shape, so an ops admin's log pipeline alerts on either by the same fields.
import { ERROR_CLASSES, type ErrorClass } from "../store/port.js";

// A type, not an interface: it is a logger's fields as it stands.
export type RunFailureFields = {
  /** The error's message: the line `sync` prints on stderr, and the run summary's `failure`. */
  error: string;
  /**
   * Its class (ARCHITECTURE.md "Errors"): what to do next, `auth` and `config` to fix, `transient` and
   * `rate_limited` to wait out, `conflict` for another run holding the store; `store` when the state store
   * failed, `bug` for an error nobody classified.
   */
  kind: ErrorClass | "store";
  /** The system that failed, when a system did. */
  system?: string;
};

/**
 * Errors that carry no class but whose kind their name tells: the state store's, and a configuration file
 * a run loads as it starts (a mapping, the qualification; config/config-error.ts), which is `config` to
 * fix, not a `bug` to report. Read by name, not class: sync imports nothing from config.
 */
const KIND_BY_NAME: Readonly<Record<string, RunFailureFields["kind"]>> = { StoreError: "store", ConfigError: "config" };

export function runFailureFields(err: unknown): RunFailureFields {
  const error = err instanceof Error ? err.message : String(err);
  const shape = (typeof err === "object" && err !== null ? err : {}) as { errorClass?: unknown; system?: unknown; name?: unknown };
  const kind = ERROR_CLASSES.find((c) => c === shape.errorClass) ?? KIND_BY_NAME[String(shape.name)] ?? "bug";
  return typeof shape.system === "string" ? { error, kind, system: shape.system } : { error, kind };
}
