// A dry run is the real run without its effects (ARCHITECTURE.md "One write path"): the same pipeline
// runs against a throwaway copy of the state store and against recording stand-ins of the systems, so
// its plan and counts come out of the code that makes a real run's writes. The real store only gets the
// run's record; the systems get reads only.
import type { SyncOptions, SyncResult } from "../engine.js";
import type { PlannedWrite } from "../planned-write.js";
import { RUN_LOCK_TTL_MS, runLockHolder, takeRunLock } from "../run-lock.js";
import type { StateStore } from "../../store/port.js";
import { RecordingPort } from "./recording-port.js";

/** Runs `run` (the engine's real pipeline) as a dry run of `options`. */
export async function dryRunSync(
  options: SyncOptions,
  runId: string,
  run: (options: SyncOptions, inner: { runId: string; plan: PlannedWrite[] }) => Promise<SyncResult>,
): Promise<SyncResult> {
  const now = options.now ?? (() => new Date());
  const holder = options.lockHolder ?? runLockHolder(runId);
  const { store } = options;
  // The lock is held only while copying, so the copy is never taken in the middle of another run's batch.
  const lease = await takeRunLock({ store, holder, now, ttlMs: options.lockTtlMs ?? RUN_LOCK_TTL_MS, log: options.log });
  let copy: StateStore;
  try {
    copy = await store.scratchCopy();
  } finally {
    await lease.release();
  }
  await store.startRun({ id: runId, startedAt: now().toISOString(), dryRun: true });
  const marketing = new RecordingPort(options.marketing, { now });
  // HubSpot as its own CRM is one system: one stand-in, so each side sees the other's writes.
  const crm = options.crm === options.marketing ? marketing : new RecordingPort(options.crm, { now });
  const plan: PlannedWrite[] = [];
  let summary: SyncResult["summary"] | undefined;
  let failure: string | null = null;
  try {
    ({ summary } = await run({ ...options, store: copy, marketing, crm, dryRun: false, lockHolder: holder }, { runId, plan }));
    return { summary, plan };
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
    await copy.close();
    await store.finishRun(runId, {
      finishedAt: summary?.finishedAt ?? now().toISOString(),
      status: summary?.status ?? "failed",
      summary: summary ?? { runId, dryRun: true, status: "failed", failure },
    });
  }
}
