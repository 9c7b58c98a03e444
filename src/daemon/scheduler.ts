// Runs a sync every `schedule.every`, one at a time, until told to stop. A stop (SIGTERM) lets the
// batch in hand finish and commit, then the loop ends; its runs take turns with others through the
// store's run lock, and daemon-lock.ts keeps a second daemon off the store.
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../log/logger.js";
import { failedRunSummary, StoppedBeforeRun, type SyncOptions, type SyncResult } from "../sync/engine.js";
import { RunInProgressError } from "../sync/run-lock.js";
import { runFailureFields } from "../sync/run-failure.js";
import type { RunSummary } from "../sync/run-summary.js";
import type { DaemonState } from "./health-server.js";

/**
 * A tick another run took the store from (a `leadloop sync` started by hand, an `errors retry`) is tried
 * again this soon, not a whole interval later: runs take turns, and the other one is usually short.
 */
export const TAKEN_TICK_RETRY_MS = 15_000;

export interface ScheduleOptions {
  /** Read after each run: a configuration the run's start reloaded (cli/config-reload.ts) sets the next wait. */
  everyMs: number;
  log: Logger;
  state: DaemonState;
  signal: AbortSignal;
  /**
   * One run; aborting `signal` asks it to stop after its current batch. It hands `onProgress` to the
   * engine, whose progress events are the run's heartbeat on /healthz.
   */
  runOnce(signal: AbortSignal, onProgress: NonNullable<SyncOptions["onProgress"]>): Promise<SyncResult>;
  /**
   * Asked before each run; false ends the schedule. The daemon renews its lock's lease here, so a lease
   * lost while the process stalled between runs is found before a run could write beside another daemon's.
   */
  mayRun?(): Promise<boolean>;
  /** The daemon's clock (the one /healthz reads); the system's unless given. */
  now?: () => Date;
  /** Stop after this many runs (tests); unlimited when absent. */
  maxRuns?: number;
}

export async function runOnSchedule(options: ScheduleOptions): Promise<void> {
  const { state, log, signal } = options;
  const now = options.now ?? (() => new Date());
  const progressed = () => {
    state.lastProgressAt = now();
  };
  while (!signal.aborted && (options.maxRuns === undefined || state.runs < options.maxRuns)) {
    if (options.mayRun && !(await options.mayRun())) break;
    const started = Date.now();
    // The schedule's unless a tick the store was taken for comes back sooner.
    let soon: number | undefined;
    state.running = true;
    progressed();
    // Counted once it is known to be a run: a tick that finds the store taken is none, and a counter
    // raised at its start and lowered after would go down between two scrapes (Prometheus reads a reset).
    let ran = true;
    try {
      recordRun(state, (await options.runOnce(signal, progressed)).summary, now);
    } catch (err) {
      const summary = failedRunSummary(err);
      const error = err instanceof Error ? err.message : String(err);
      if (err instanceof RunInProgressError) {
        // Not this daemon's failure: its run did nothing, and it takes its turn soon.
        ran = false;
        soon = Math.min(options.everyMs, TAKEN_TICK_RETRY_MS);
        log.warn("daemon.run_skipped", { reason: error, retryInMs: soon });
      } else if (signal.aborted) {
        // Stopped as asked while a call was being retried: a stop, not a failure (as `leadloop sync` says);
        // stopped before the run began, no run at all (engine.ts StoppedBeforeRun).
        if (err instanceof StoppedBeforeRun) ran = false;
        if (summary) recordRun(state, { ...summary, status: "stopped" }, now);
        log.info("daemon.run_stopped", { error });
      } else {
        state.failures++;
        // The failed run is the last run: /healthz and the last-run gauges say so, and its calls count.
        if (summary) recordRun(state, summary, now);
        // A failed run is logged and the next one tries again: a daemon outlives passing faults. When is
        // said, so an admin watching an outage knows when the daemon looks again.
        // The same fields as `leadloop sync`'s `run.failed` (run-failure.ts), and when it looks again.
        log.error("daemon.run_failed", { ...runFailureFields(err), nextRunInMs: Math.max(0, options.everyMs - (Date.now() - started)) });
      }
    } finally {
      state.running = false;
      if (ran) state.runs++;
    }
    if (options.maxRuns !== undefined && state.runs >= options.maxRuns) break;
    const wait = Math.max(0, (soon ?? options.everyMs) - (Date.now() - started));
    try {
      await sleep(wait, undefined, { signal });
    } catch {
      break; // aborted while waiting
    }
  }
}

/** A run that ended (succeeded, stopped or failed): the last run, and its calls counted. */
function recordRun(state: DaemonState, summary: RunSummary, now: () => Date): void {
  state.lastSummary = summary;
  state.apiCalls ??= {};
  for (const [system, calls] of Object.entries(summary.apiCalls)) {
    state.apiCalls[system] = (state.apiCalls[system] ?? 0) + calls;
  }
  if (summary.status === "succeeded") state.lastSuccessAt = now();
}
