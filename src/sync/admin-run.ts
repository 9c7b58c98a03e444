// A run an admin's command makes beside the sync runs (`errors retry`, `requalify`'s own writes, `digest --write`): under the
// run lock, recorded as a run whose calls spend the allowances as a sync run's do, failed when it could not finish.
import type { Logger } from "../log/logger.js";
import type { StateStore } from "../store/port.js";
import type { FunnelSetup } from "./funnel/funnel-setup.js";
import { fieldsTheCrmLacks } from "./funnel/reason-field.js";
import { addCalls, type CallsSoFar, callsSoFar } from "./run-calls.js";
import type { RunContext } from "./run-context.js";
import { newRunId, type RunKind } from "./run-ids.js";
import { RUN_LOCK_TTL_MS, runLockHolder, takeRunLock } from "./run-lock.js";
import { countOpenErrorsInto, emptySummary } from "./run-summary.js";
import type { SystemPort } from "./system-port.js";

export interface AdminRunParts {
  store: StateStore;
  marketing: SystemPort;
  crm: SystemPort;
  log: Logger;
  /**
   * The funnel's setup, so a write leaves out the fields the org lacks as a sync's drain does
   * (funnel/reason-field.ts: a requalify's write names the disposition reason an org may not have made).
   */
  funnel?: FunnelSetup;
  now?: () => Date;
  /** The calls its process made preparing for this run (cli/preparation.ts), counted as the run's own. */
  preparation?: CallsSoFar;
}

/** Runs `body` as a run of `kind` under the run lock; the run's summary is ctx.summary, finished when it returns. */
export async function inAdminRun<T>(kind: Exclude<RunKind, "sync">, options: AdminRunParts, body: (ctx: RunContext) => Promise<T>): Promise<T> {
  const now = options.now ?? (() => new Date());
  const { store } = options;
  const runId = newRunId(kind, now());
  const lease = await takeRunLock({ store, holder: runLockHolder(runId), now, ttlMs: RUN_LOCK_TTL_MS, log: options.log });
  const summary = emptySummary(runId, false, now().toISOString(), [options.marketing.system, options.crm.system]);
  const ctx: RunContext = {
    runId,
    until: now().toISOString(),
    now,
    log: options.log.child({ runId }),
    store,
    marketing: options.marketing,
    crm: options.crm,
    summary,
    createdPeople: [],
    includeInCrm: async (records) => new Set(records.map((r) => r.id)),
    // Asked before each write, as a sync run's: a long run that stalled past its lease, while another run
    // took the store, stops before writing beside it (run-lock.ts `heartbeat`).
    heartbeat: lease.heartbeat,
  };
  if (options.funnel) ctx.fieldsLeftOut = fieldsTheCrmLacks(ctx, options.funnel);
  await store.startRun({ id: runId, startedAt: ctx.until, dryRun: false });
  const calls0 = callsSoFar(options, options.preparation);
  try {
    const value = await body(ctx);
    summary.status = "succeeded";
    return value;
  } catch (err) {
    // A run that could not finish (a system down, a stop) is recorded as failed, not left running.
    summary.status = "failed";
    summary.failure = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
    // Its calls spend the same allowances as a sync run's (the console's last 24 h count them).
    addCalls(ctx, calls0);
    summary.finishedAt = now().toISOString();
    // What the run leaves open (entries it did not resolve, and any it was not asked about), as a sync
    // run's summary says it.
    await countOpenErrorsInto(summary, store);
    await store.finishRun(runId, { finishedAt: summary.finishedAt, status: summary.status, summary });
    await lease.release();
  }
}
