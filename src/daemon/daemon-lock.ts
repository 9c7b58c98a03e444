// One daemon per state store. The run lock alone lets two daemons take turns, each on its own schedule
// (twice the API calls, two consoles each knowing half the runs), which is never what was meant: a
// second daemon is refused while the first lives, and takes over at once from one that died on this host.
import type { Logger } from "../log/logger.js";
import type { HeldLock, StateStore } from "../store/port.js";
import { RUN_LOCK_TTL_MS, takeLease } from "../sync/run-lock.js";

export const DAEMON_LOCK = "daemon";

/** Another daemon serves this store: this one did nothing. */
export class DaemonRunningError extends Error {
  constructor(readonly held: HeldLock | undefined) {
    super(
      `another leadloop daemon serves this state store${
        held ? ` (${held.holder}, since ${held.acquiredAt}; its lease ends at ${held.expiresAt} unless it renews it)` : ""
      }; stop it before starting this one (on its host: kill -TERM <pid>, the number after the host name). ` +
        "Runs by hand (`leadloop sync`, `errors retry`) take turns with it as they are",
    );
    this.name = "DaemonRunningError";
  }
}

export interface DaemonLease {
  release(): Promise<void>;
}

/**
 * Takes the store's daemon lock for this process's life, renewed every quarter lease; from a holder on
 * this host whose process has exited at once, from one elsewhere once its lease ends.
 */
export function takeDaemonLock(store: StateStore, holder: string, now: () => Date, log: Logger): Promise<DaemonLease> {
  return takeLease(
    { store, holder, now, ttlMs: RUN_LOCK_TTL_MS, log },
    { lock: DAEMON_LOCK, takenOver: "daemon.taken_over", refused: (held) => new DaemonRunningError(held), renewUntil: "released" },
  );
}
