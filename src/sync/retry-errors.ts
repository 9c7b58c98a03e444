// `errors retry`: re-syncs the records behind open error-queue entries, from their current values on
// both sides (the admin may have fixed the mapping or the record since), and sends refused outbox
// writes of the funnel phases again. An entry is resolved only when the system accepted the write (or
// the records are linked and in step, so nothing is left to write); one that fails again counts another
// attempt on the same entry.
import { randomUUID } from "node:crypto";
import type { ObjectMapping } from "../core/mapping.js";
import type { Logger } from "../log/logger.js";
import type { QueuedError, StateStore } from "../store/port.js";
import { crmFields, marketingFields } from "./field-lists.js";
import { drainKeys } from "./outbox/drain.js";
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
    now,
    log: options.log.child({ runId }),
    store,
    marketing: options.marketing,
    crm: options.crm,
    summary,
    createdPeople: [],
    includeInCrm: async (records) => new Set(records.map((r) => r.id)),
  };
  await store.startRun({ id: runId, startedAt: ctx.until, dryRun: false });
  try {
    const funnelEntries = entries.filter((e) => outboxKeyOf(e) !== null);
    await retryFunnelWrites(ctx, funnelEntries, result);
    for (const entry of entries) {
      if (outboxKeyOf(entry) !== null) continue;
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
      else if (!after || after.attempts > entry.attempts) result.stillFailing.push(entry.id);
      else if (await linkedInStep(store, group[0]!.pair, payload.source, record.id)) {
        // Nothing was left to write: the records are linked and agree (someone fixed it by hand).
        await store.setErrorStatus(entry.id, "resolved", now().toISOString());
        result.resolved.push(entry.id);
      } else result.stillFailing.push(entry.id);
    }
    summary.status = "succeeded";
  } finally {
    summary.finishedAt = now().toISOString();
    await store.finishRun(runId, { finishedAt: summary.finishedAt, status: summary.status, summary });
    await lease.release();
  }
  return result;
}

function outboxKeyOf(entry: QueuedError): string | null {
  const payload = entry.payload as { outboxKey?: unknown } | null;
  return typeof payload?.outboxKey === "string" ? payload.outboxKey : null;
}

/**
 * Sends refused funnel writes again. One that a later run has written since (its key left the outbox)
 * is resolved; the rest are resolved or still failing by what the system answers now.
 */
async function retryFunnelWrites(ctx: RunContext, entries: QueuedError[], result: RetryResult): Promise<void> {
  if (entries.length === 0) return;
  const retrying = new Map(entries.map((e) => [outboxKeyOf(e)!, e.id]));
  const keys = [...retrying.keys()];
  const refused = await ctx.store.listOutbox({ keys, refused: true });
  const pending = await ctx.store.listOutbox({ keys });
  const waiting = new Set([...refused, ...pending].map((e) => e.key));
  const written = entries.filter((e) => !waiting.has(outboxKeyOf(e)!)).map((e) => e.id);
  await ctx.store.commitBatch({
    runId: ctx.runId,
    at: ctx.now().toISOString(),
    outboxReleased: refused.map((e) => e.key),
    resolvedErrors: written,
  });
  // Loops, not push(...spread): a queue of a big portal's refusals outgrows a call's arguments.
  for (const id of written) result.resolved.push(id);
  const sent = await drainKeys(ctx, [...waiting], retrying);
  for (const key of sent.accepted) result.resolved.push(retrying.get(key)!);
  for (const key of sent.refused) result.stillFailing.push(retrying.get(key)!);
}

async function linkedInStep(store: StateStore, pair: string, side: SideName, id: string): Promise<boolean> {
  const links =
    side === "marketing" ? await store.findLinksByMarketingIds(pair, [id]) : await store.findLinksByCrmIds(pair, [id]);
  return links.has(id);
}
