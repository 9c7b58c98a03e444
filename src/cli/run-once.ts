// One wired run: connect, make sure leadloop's own HubSpot properties exist, run the engine, close.
// Used by `sync`, `daemon` and `sandbox` alike so they can never drift apart.
import type { LeadloopConfig } from "../config/leadloop-config.js";
import type { Logger } from "../log/logger.js";
import { runSync, StoppedBeforeRun, type SyncOptions, type SyncResult } from "../sync/engine.js";
import { StoppedBeforeCall } from "../sync/system-error.js";
import { runParts, type Wiring, wire } from "./compose.js";

export interface RunOnceOptions {
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: SyncOptions["onProgress"];
  lockHolder?: string;
  now?: () => Date;
}

export async function runOnce(
  config: LeadloopConfig,
  log: Logger,
  options: RunOnceOptions = {},
): Promise<SyncResult> {
  if (options.signal?.aborted) throw new StoppedBeforeRun();
  const wiring = await beforeRun(() => wire(config, log, { stop: options.signal, dryRun: options.dryRun === true, now: options.now }));
  try {
    return await runWired(wiring, log, options);
  } finally {
    await wiring.close();
  }
}

export async function runWired(
  wiring: Wiring,
  log: Logger,
  options: RunOnceOptions = {},
): Promise<SyncResult> {
  // A stop before the run's start makes no call after it (StoppedBeforeRun): prepare stops between its calls.
  if (options.signal?.aborted) throw new StoppedBeforeRun();
  await beforeRun(() => wiring.prepare());
  if (options.signal?.aborted) throw new StoppedBeforeRun();
  try {
    return await runSync({
      ...runParts(wiring),
      log,
      dryRun: options.dryRun,
      signal: options.signal,
      onProgress: options.onProgress,
      lockHolder: options.lockHolder,
      now: options.now,
      auditRetentionDays: wiring.config.store.auditRetentionDays,
    });
  } finally {
    // After a failed run too: a write refused for a field the kept describe holds is read again next run.
    // Not kept is read again by the next process, so a store that refuses this fails no run that was done.
    await wiring.keepDescriptions().catch((err: unknown) =>
      log.warn("descriptions.not_kept", { error: err instanceof Error ? err.message : String(err) }),
    );
  }
}

/** A step before the run began: a call the stop kept it from making (the retry layer's refusal) is no run. */
async function beforeRun<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof StoppedBeforeCall) throw new StoppedBeforeRun();
    throw err;
  }
}
