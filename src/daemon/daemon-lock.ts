// One daemon per state store. The run lock alone lets two daemons take turns, each on its own schedule
// (twice the API calls, two consoles each knowing half the runs), which is never what was meant: a
// second daemon is refused while the first lives, and takes over at once from one that died on this host.
import type { Logger } from "../log/logger.js";
import type { HeldLock, StateStore } from "../store/port.js";
import { RUN_LOCK_TTL_MS, type RunLease, takeLease } from "../sync/run-lock.js";

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

/**
 * This daemon's lease ran out (its process stalled past it: a paused VM, a blocked event loop) and
 * another daemon took the store: this one stops rather than run beside it.
 */
export class DaemonLockLostError extends Error {
  constructor(readonly held: HeldLock | undefined) {
    super(
      `this daemon lost the state store's daemon lock${
        held ? ` to ${held.holder} (since ${held.acquiredAt})` : ""
      }: its lease ran out while this process did not renew it (stalled or paused for over ${RUN_LOCK_TTL_MS / 60_000} minutes), ` +
        "and another daemon may serve the store now; this one stops so that two never write at once. " +
        "Keep the daemon that took over, or stop it and start this one again",
    );
    this.name = "DaemonLockLostError";
  }
}

export type DaemonLease = RunLease;

/**
 * Takes the store's daemon lock for this process's life, renewed every quarter lease; from a holder on
 * this host whose process has exited at once, from one elsewhere once its lease ends. The lease's `lost`
 * says when another took it (`DaemonLockLostError`).
 */
export function takeDaemonLock(store: StateStore, holder: string, now: () => Date, log: Logger): Promise<DaemonLease> {
  return takeLease(
    { store, holder, now, ttlMs: RUN_LOCK_TTL_MS, log },
    {
      lock: DAEMON_LOCK,
      takenOver: "daemon.taken_over",
      refused: (held) => new DaemonRunningError(held),
      lost: (held) => new DaemonLockLostError(held),
    },
  );
}
