// Runs a sync every `schedule.every`, one at a time, until told to stop. A stop (SIGTERM) lets the
// batch in hand finish and commit, then the loop ends; the store's run lock keeps two daemons apart.
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../log/logger.js";
import type { SyncResult } from "../sync/engine.js";
import type { DaemonState } from "./health-server.js";

export interface ScheduleOptions {
  everyMs: number;
  log: Logger;
  state: DaemonState;
  signal: AbortSignal;
  /** One run; aborting `signal` asks it to stop after its current batch. */
  runOnce(signal: AbortSignal): Promise<SyncResult>;
  /** Stop after this many runs (tests); unlimited when absent. */
  maxRuns?: number;
}

export async function runOnSchedule(options: ScheduleOptions): Promise<void> {
  const { state, log, signal } = options;
  while (!signal.aborted && (options.maxRuns === undefined || state.runs < options.maxRuns)) {
    const started = Date.now();
    state.running = true;
    state.runs++;
    try {
      const result = await options.runOnce(signal);
      state.lastSummary = result.summary;
      state.apiCalls ??= {};
      for (const [system, calls] of Object.entries(result.summary.apiCalls)) {
        state.apiCalls[system] = (state.apiCalls[system] ?? 0) + calls;
      }
      if (result.summary.status !== "failed") state.lastSuccessAt = new Date();
    } catch (err) {
      state.failures++;
      // A failed run is logged and the next one tries again: a daemon outlives passing faults.
      log.error("daemon.run_failed", { error: err instanceof Error ? err.message : String(err) });
    } finally {
      state.running = false;
    }
    if (options.maxRuns !== undefined && state.runs >= options.maxRuns) break;
    const wait = Math.max(0, options.everyMs - (Date.now() - started));
    try {
      await sleep(wait, undefined, { signal });
    } catch {
      break; // aborted while waiting
    }
  }
}
