// `errors retry`: re-syncs the records behind open error-queue entries, from their current values on
// both sides (the admin may have fixed the mapping or the record since). An entry whose record now
// writes cleanly is resolved; one that fails again counts another attempt.
import { randomUUID } from "node:crypto";
import type { ObjectMapping } from "../core/mapping.js";
import type { Logger } from "../log/logger.js";
import type { QueuedError, StateStore } from "../store/port.js";
import { crmFields, marketingFields } from "./field-lists.js";
import { syncPage } from "./page-sync.js";
import { RUN_LOCK_TTL_MS, runLockHolder, takeRunLock } from "./run-lock.js";
import type { RunContext, SideName } from "./run-context.js";
import { emptySummary, type RunSummary } from "./run-summary.js";
import type { SystemPort } from "./system-port.js";

export interface RetryOptions {
  store: StateStore;
  marketing: SystemPort;
  crm: SystemPort;
  mappings: readonly ObjectMapping[];
  log: Logger;
  /** Only these entries; all open ones when absent. */
  ids?: number[];
  now?: () => Date;
}

interface RetryPayload {
  source: SideName;
  object: string;
  sourceId: string;
}

export interface RetryResult {
  summary: RunSummary;
  resolved: number[];
  stillFailing: number[];
  /** Entries that cannot be retried (their record or mapping no longer exists). */
  skipped: { id: number; reason: string }[];
}

export async function retryQueuedErrors(options: RetryOptions): Promise<RetryResult> {
  const now = options.now ?? (() => new Date());
  const { store } = options;
  const entries = options.ids
    ? (await Promise.all(options.ids.map((id) => store.getError(id)))).filter(
        (e): e is QueuedError => e !== undefined && e.status === "open",
      )
    : await store.listErrors({ status: "open" });
  const runId = `retry-${now().toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  const lease = await takeRunLock({
    store,
    holder: runLockHolder(runId),
    now,
    ttlMs: RUN_LOCK_TTL_MS,
    log: options.log,
  });
  const summary = emptySummary(runId, false, now().toISOString(), [
    options.marketing.system,
    options.crm.system,
  ]);
  const result: RetryResult = { summary, resolved: [], stillFailing: [], skipped: [] };
  const ctx: RunContext = {
    runId,
    until: now().toISOString(),
    dryRun: false,
    now,
    log: options.log.child({ runId }),
    store,
    marketing: options.marketing,
    crm: options.crm,
    summary,
    plan: [],
    crmMatches: [],
    includeInCrm: async (records) => new Set(records.map((r) => r.id)),
  };
  await store.startRun({ id: runId, startedAt: ctx.until, dryRun: false });
  try {
    for (const entry of entries) {
      const payload = entry.payload as Partial<RetryPayload> | null;
      const mappings = options.mappings.filter((m) =>
        payload?.source === "marketing"
          ? m.marketingObject === payload.object
          : m.crmObject === payload?.object,
      );
      const group = options.mappings.filter((m) => m.pair === mappings[0]?.pair);
      if (!payload?.source || !payload.object || !payload.sourceId || group.length === 0) {
        result.skipped.push({ id: entry.id, reason: "no mapping covers this entry any more" });
        continue;
      }
      const system = payload.source === "marketing" ? options.marketing : options.crm;
      const fields = payload.source === "marketing" ? marketingFields(group) : crmFields(mappings[0]!);
      const [record] = await system.readByIds(payload.object, [payload.sourceId], fields);
      if (!record) {
        result.skipped.push({
          id: entry.id,
          reason: `${system.system} ${payload.object} ${payload.sourceId} is gone`,
        });
        continue;
      }
      await syncPage(ctx, {
        source: payload.source,
        object: payload.object,
        mappings: group,
        records: [record],
        retrying: new Map([[record.id, entry.id]]),
      });
      const after = await store.getError(entry.id);
      if (after?.status === "resolved") result.resolved.push(entry.id);
      else {
        // No write was needed (the record is in step now) or it failed again.
        const failedAgain = after && after.lastSeenAt > entry.lastSeenAt;
        if (failedAgain) result.stillFailing.push(entry.id);
        else {
          await store.setErrorStatus(entry.id, "resolved", now().toISOString());
          result.resolved.push(entry.id);
        }
      }
    }
    summary.status = "succeeded";
  } finally {
    summary.finishedAt = now().toISOString();
    await store.finishRun(runId, { finishedAt: summary.finishedAt, status: summary.status, summary });
    await lease.release();
  }
  return result;
}
