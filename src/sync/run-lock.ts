// The run lock that keeps two runs (sync, daemon, errors retry) off one state store: its lease, the
// holder names that say which host and process hold it, and taking it over from a process that died.
import { hostname } from "node:os";
import type { Logger } from "../log/logger.js";
import type { HeldLock, StateStore } from "../store/port.js";

export const RUN_LOCK = "sync";

/**
 * The run lock's lease. Short because a holder killed on another host keeps every run out until its
 * lease ends; a live run keeps the lock by renewing it (see `takeRunLock`).
 */
export const RUN_LOCK_TTL_MS = 2 * 60_000;

/** Another run holds the store's run lock: this one did nothing. */
export class RunInProgressError extends Error {
  readonly errorClass = "conflict";
  constructor(readonly held: HeldLock | undefined) {
    const pid = held && livePidHere(held.holder);
    super(
      `another leadloop run holds the state store's lock${
        held
          ? ` (${held.holder}, since ${held.acquiredAt}; its lease ends at ${held.expiresAt} unless that run renews it)`
          : ""
      }; this run did nothing. ${
        // A holder seen running here is no stale lock: pointing at unlock would only invite a refusal.
        pid !== undefined
          ? `It is running on this host (pid ${pid}): try again when it ends (a daemon's run takes turns with others)`
          : "Try again when it ends; if that run is gone, `leadloop unlock` clears the lock"
      }`,
    );
    this.name = "RunInProgressError";
  }
}

/**
 * This run's lease ran out (its process stalled) and another run took the store: it stops before its next
 * write. A conflict, as a lock held at the start is: the admin's move is to let the other run work.
 */
export class RunLockLostError extends Error {
  readonly errorClass = "conflict";
  constructor(readonly held: HeldLock | undefined) {
    super(
      `lost the run lock to another process${held ? ` (${held.holder})` : ""}; stopping before the next write, ` +
        "since this process stalled past its lease and that run holds the state store now. What this run did " +
        "not write is left to the next run (an error queue entry not retried stays open)",
    );
    this.name = "RunLockLostError";
  }
}

/**
 * The store file this process has open was deleted or replaced under it (`StateStore.detached`): the lock it
 * holds is in a file no one else opens, so a run started now would take a new store at that path and run
 * beside this one, and what this process writes from here on is lost with the file. It stops.
 */
export class StoreDetachedError extends Error {
  readonly errorClass = "conflict";
  constructor(detail: string) {
    super(
      `${detail}; stopping before the next write, since its lock no longer keeps another run out and what this ` +
        "process would keep there is lost with it. Start leadloop again: a new store at that path comes back " +
        "from both systems' records, as after a lost state store",
    );
    this.name = "StoreDetachedError";
  }
}

/**
 * A holder name for this process, `host:pid:label`, so that a later run on the same host can tell
 * whether the process that took the lock still exists.
 */
export function runLockHolder(label: string): string {
  return `${hostname()}:${process.pid}:${label}`;
}

/**
 * True only for a holder named by `runLockHolder` on this host whose process no longer exists. A
 * holder on another host, or named some other way, may be alive: only its lease can say it is gone.
 */
export function holderIsDead(holder: string): boolean {
  return holderProcess(holder) === "exited";
}

/**
 * The pid of a holder named by `runLockHolder` on this host whose process still runs; undefined for any
 * other holder. Such a holder renews its lease for as long as it lives, so only stopping it frees the lock.
 */
export function livePidHere(holder: string): number | undefined {
  return holderProcess(holder) === "running" ? Number(holder.split(":")[1]) : undefined;
}

function holderProcess(holder: string): "running" | "exited" | "unknown" {
  const [host, pid] = holder.split(":");
  if (host !== hostname() || pid === undefined || !/^[1-9]\d*$/.test(pid)) return "unknown";
  try {
    process.kill(Number(pid), 0);
    return "running";
  } catch (err) {
    // EPERM means the process exists under another user: alive.
    return (err as NodeJS.ErrnoException).code === "ESRCH" ? "exited" : "running";
  }
}

export interface RunLease {
  /**
   * Renews the lease now; false once the lock is no longer this holder's (its lease ran out, during a
   * stall of this process, and another took it), which also aborts `lost`.
   */
  renew(): Promise<boolean>;
  /**
   * Asked before each write: renews the lease when an eighth of it has passed on the holder's clock since
   * it last did (or the store file is no longer at its path: `StoreDetachedError`), and throws the terms'
   * `lost` error once the lock is another's, so a holder that stalled
   * past its lease stops before writing beside the run that took the store. Until an eighth has passed the
   * lease holds and no other run can have the store, so most writes cost no store transaction.
   */
  heartbeat(): Promise<void>;
  /** Aborted, with the terms' `lost` error, when a renewal finds the lock another's. */
  lost: AbortSignal;
  /** Stops renewing and frees the lock (left alone when it is another's by now). */
  release(): Promise<void>;
}

export interface TakeRunLock {
  store: StateStore;
  holder: string;
  now: () => Date;
  ttlMs: number;
  log: Logger;
}

/** What sets one lock's lease apart: its name, and what a holder refused, taken over or robbed is told. */
export interface LeaseTerms {
  lock: string;
  /** The log event when the lock is taken from a holder that died on this host. */
  takenOver: string;
  /** The error when a live holder keeps the lock. */
  refused: (held: HeldLock | undefined) => Error;
  /** The reason `lost` is aborted with: the lock is now `held`'s. */
  lost: (held: HeldLock | undefined) => Error;
  /** Run once the lock is held, before its renewal starts. */
  whenHeld?: () => Promise<void>;
}

/**
 * Takes a lock of the store, at once from a dead process on this host, or throws the terms' `refused`
 * naming the holder; while held, the lease is renewed every quarter lease. A renewal that finds the lock
 * another's ends the lease (`lost`): a holder whose process stalled past its lease must stop, not keep
 * working beside the one that took over. A renewal that fails (the store busy) is tried again.
 */
export async function takeLease(take: TakeRunLock, terms: LeaseTerms): Promise<RunLease> {
  const { store, holder, now, ttlMs } = take;
  const acquire = () => store.acquireLock(terms.lock, holder, now().toISOString(), ttlMs);
  if (!(await acquire())) {
    const held = await store.lockHolder(terms.lock);
    // Releasing by the dead holder's name leaves the lock alone if another process took it meanwhile.
    const dead = held !== undefined && holderIsDead(held.holder);
    if (dead && (await store.releaseLock(terms.lock, held.holder))) {
      take.log.warn(terms.takenOver, { from: held.holder, since: held.acquiredAt });
    }
    if (!(await acquire())) throw terms.refused((await store.lockHolder(terms.lock)) ?? held);
  }
  await terms.whenHeld?.();
  const lost = new AbortController();
  const renew = async (): Promise<boolean> => {
    if (lost.signal.aborted) return false;
    // A lock in a store file no longer at its path keeps no one out: it is lost as one another took.
    const detached = store.detached();
    if (detached === undefined && (await store.renewLock(terms.lock, holder, now().toISOString(), ttlMs))) return true;
    if (!lost.signal.aborted) {
      clearInterval(renewal);
      lost.abort(detached === undefined ? terms.lost(await store.lockHolder(terms.lock)) : new StoreDetachedError(detached));
    }
    return false;
  };
  const renewal = setInterval(() => void renew().catch(() => undefined), ttlMs / 4);
  renewal.unref();
  let renewedAt = now().getTime();
  return {
    renew,
    heartbeat: async () => {
      // A look at the file (no store transaction) each time: a store deleted under the run stops its next write.
      if (now().getTime() - renewedAt < ttlMs / 8 && !lost.signal.aborted && store.detached() === undefined) return;
      if (!(await renew())) throw lost.signal.reason;
      renewedAt = now().getTime();
    },
    lost: lost.signal,
    release: async () => {
      clearInterval(renewal);
      await store.releaseLock(terms.lock, holder);
    },
  };
}

/**
 * Takes the run lock, at once from a dead process on this host, or throws `RunInProgressError` naming
 * the holder. While the lease is held it is renewed every quarter lease: the engine also renews after
 * each group, but a phase between groups (handoff, dispositions, a long `errors retry`) can outlast a
 * short lease, and a live run must never lose its lock to a second one.
 */
export async function takeRunLock(take: TakeRunLock): Promise<RunLease> {
  return takeLease(take, {
    lock: RUN_LOCK,
    takenOver: "run_lock.taken_over",
    refused: (held) => new RunInProgressError(held),
    lost: (held) => new RunLockLostError(held),
    // Every run holds this lock, so a run the store still calls running was killed (kill -9, a crash, a
    // machine gone): it is recorded as failed, not shown running for good.
    whenHeld: async () => {
      const abandoned = await take.store.closeAbandonedRuns(take.now().toISOString());
      if (abandoned.length > 0) take.log.warn("run.abandoned", { runs: abandoned, reason: "its process ended before the run finished" });
    },
  });
}
