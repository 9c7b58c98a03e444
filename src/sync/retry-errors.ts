// `errors retry`: re-syncs the records behind open error-queue entries (the field sync's refusals), from
// their current values on both sides (the admin may have fixed the mapping or the record since), and
// sends refused outbox writes of the funnel phases again. An entry is resolved only when the system
// accepted the write (or the records are linked and in step, so nothing is left to write); one that fails
// again counts another attempt on the same entry.
import { type AdminRunParts, inAdminRun } from "./admin-run.js";
import type { ObjectMapping } from "../core/mapping.js";
import { nextPassingTry } from "../core/passing-backoff.js";
import { outboxKeyOf } from "../core/payload-text.js";
import { idsAnsweredBy } from "../core/records.js";
import { settledBySync } from "../core/text/error-advice.js";
import type { QueuedError, StateStore } from "../store/port.js";
import { crmFields, marketingFields } from "./field-lists.js";
import { drainKeys } from "./outbox/drain.js";
import { FIELD_SYNC_PHASE, parseFieldSyncKey } from "./outbox/field-sync-write.js";
import { syncPage } from "./page-sync.js";
import { followRemovals } from "./removals.js";
import type { RunContext, SideName } from "./run-context.js";
import type { RunSummary } from "./run-summary.js";

export interface RetryOptions extends AdminRunParts {
  mappings: readonly ObjectMapping[];
  /** Only these entries; all open ones when absent. */
  ids?: number[];
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
  return inAdminRun("retry", options, async (ctx) => {
    const result: RetryResult = { summary: ctx.summary, resolved: [], stillFailing: [], skipped: [] };
    for await (const entries of openEntries(ctx.store, ctx.runId, options.ids, result)) {
      await retryEntries(ctx, options, entries, result);
    }
    return result;
  });
}

/** Open entries a retry holds at a time: a queue of a million refusals is retried a slice at a time. */
const RETRY_ENTRIES = 10_000;

/**
 * The open entries to retry, RETRY_ENTRIES at a time, oldest first: the ones named, else every open one.
 * An entry of a later slice that this retry already wrote (a write that failed again while an earlier
 * slice was retried, or a create queued anew) is not sent a second time: it counts as still failing.
 */
async function* openEntries(
  store: StateStore,
  runId: string,
  ids: readonly number[] | undefined,
  result: RetryResult,
): AsyncGenerator<QueuedError[]> {
  if (ids) {
    for (let i = 0; i < ids.length; i += RETRY_ENTRIES) {
      const slice = ids.slice(i, i + RETRY_ENTRIES);
      const named = await Promise.all(slice.map((id) => store.getError(id)));
      // An id asked for by name that is not open is said so, not passed over in silence.
      named.forEach((e, j) => {
        if (e === undefined) result.skipped.push({ id: slice[j]!, reason: "no entry with this id in the error queue" });
        else if (e.status !== "open") result.skipped.push({ id: e.id, reason: `already ${e.status}` });
      });
      yield named.filter((e): e is QueuedError => e !== undefined && e.status === "open");
    }
    return;
  }
  let afterId: number | undefined;
  for (;;) {
    const page = await store.listErrors({
      status: "open",
      limit: RETRY_ENTRIES,
      ...(afterId === undefined ? {} : { afterId }),
    });
    if (page.length === 0) return;
    afterId = page[page.length - 1]!.id;
    for (const e of page) if (e.runId === runId) result.stillFailing.push(e.id);
    yield page.filter((e) => e.runId !== runId);
  }
}

/**
 * A sync run's first step: the open entries of refusals in passing (a row lock, a rate limit, the system's
 * own failure: PASSING_CLASSES) that outlasted an earlier run's patience, and of locks that end by
 * themselves (an approval's: store/port.ts `sentAgainByRuns`), written again as `errors retry` writes
 * them, so none waits for an admin: each resolved when its write lands, or another attempt counted.
 * An entry refused again and again waits longer between runs that send it (core/passing-backoff.ts), so a
 * cause that never clears costs a few calls a day; `errors retry` sends it whenever asked.
 * Before the run reads changes, as the field-sync writes an earlier run left go first (engine.ts).
 */
export async function retryPassingRefusals(ctx: RunContext, mappings: readonly ObjectMapping[]): Promise<RetryResult> {
  const result: RetryResult = { summary: ctx.summary, resolved: [], stillFailing: [], skipped: [] };
  const now = ctx.now();
  let waiting = 0;
  let nextTryAt: string | undefined;
  let afterId: number | undefined;
  for (;;) {
    const page = await ctx.store.listErrors({
      status: "open",
      sentByRuns: true,
      limit: RETRY_ENTRIES,
      ...(afterId === undefined ? {} : { afterId }),
    });
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    const due: QueuedError[] = [];
    for (const entry of page) {
      if (entry.runId === ctx.runId) continue;
      const at = nextPassingTry(entry);
      if (Date.parse(at) <= now.getTime()) due.push(entry);
      else {
        waiting += 1;
        if (nextTryAt === undefined || at < nextTryAt) nextTryAt = at;
      }
    }
    await retryEntries(ctx, { mappings }, due, result);
  }
  if (waiting > 0) ctx.log.info("errors.passing_waiting", { entries: waiting, nextTryAt });
  return result;
}

/** Retries one slice of open entries: the funnel writes, then the records behind the rest. */
async function retryEntries(
  ctx: RunContext,
  options: Pick<RetryOptions, "mappings">,
  entries: readonly QueuedError[],
  result: RetryResult,
): Promise<void> {
  // Each entry is a funnel write sent again, or a record synced again (its own payload, or for a refused
  // field-sync update the record its outbox key names).
  const funnelEntries: QueuedError[] = [];
  const resyncs: { entry: QueuedError; payload: Partial<RetryPayload> | null }[] = [];
  for (const entry of entries) {
    if (settledBySync(entry)) {
      result.skipped.push({ id: entry.id, reason: "no write stands behind it: the next sync settles it once what its message names is fixed" });
      continue;
    }
    const resync = resyncedFrom(entry);
    if (resync) resyncs.push({ entry, payload: resync });
    else if (outboxKeyOf(entry) !== null) funnelEntries.push(entry);
    else resyncs.push({ entry, payload: entry.payload as Partial<RetryPayload> | null });
  }
  await retryFunnelWrites(ctx, funnelEntries, result);
  // The records behind the other entries, a page per object at a time: one read, one counterpart read
  // and batched writes for up to RETRY_PAGE records, not three calls per entry.
  const pages = new Map<string, RecordRetry>();
  for (const { entry, payload } of resyncs) {
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
    const key = `${payload.source}\u0000${payload.object}`;
    let retry = pages.get(key);
    if (!retry) {
      const fields = payload.source === "marketing" ? marketingFields(group) : crmFields(mappings[0]!);
      retry = { source: payload.source, object: payload.object, group, fields, entries: [] };
      pages.set(key, retry);
    }
    retry.entries.push({ entry, sourceId: payload.sourceId });
  }
  for (const retry of pages.values()) {
    for (const page of distinctPages(retry.entries, RETRY_PAGE)) await retryRecords(ctx, retry, page, result);
  }
}

/** Records of one object to sync again, with the entries behind them. */
interface RecordRetry {
  source: SideName;
  object: string;
  /** The mappings of the object's pair. */
  group: readonly ObjectMapping[];
  fields: string[];
  entries: { entry: QueuedError; sourceId: string }[];
}

/** Records a retry reads and syncs at a time: the systems' batch reads take 100 ids. */
const RETRY_PAGE = 100;

/**
 * Pages of at most `size` entries, none naming a record twice: a second entry of the same record goes to
 * a later page, so it meets the record as the first one's sync left it.
 */
function distinctPages<T extends { sourceId: string }>(entries: readonly T[], size: number): T[][] {
  const pages: { ids: Set<string>; entries: T[] }[] = [];
  let open = 0;
  for (const entry of entries) {
    while (open < pages.length && pages[open]!.entries.length >= size) open++;
    let page: (typeof pages)[number] | undefined;
    for (let i = open; i < pages.length && !page; i++) {
      if (pages[i]!.entries.length < size && !pages[i]!.ids.has(entry.sourceId)) page = pages[i];
    }
    if (!page) pages.push((page = { ids: new Set(), entries: [] }));
    page.ids.add(entry.sourceId);
    page.entries.push(entry);
  }
  return pages.map((p) => p.entries);
}

/** Syncs one page of records again; each entry is resolved, still failing or skipped by what happened. */
async function retryRecords(
  ctx: RunContext,
  retry: RecordRetry,
  page: readonly { entry: QueuedError; sourceId: string }[],
  result: RetryResult,
): Promise<void> {
  const { store } = ctx;
  const system = retry.source === "marketing" ? ctx.marketing : ctx.crm;
  const read = await system.readByIds(
    retry.object,
    page.map((p) => p.sourceId),
    retry.fields,
  );
  // A record merged away since (HubSpot's merge) is answered by the record it went into, which is retried
  // in its place: two HubSpot companies of one firm merged is how an admin settles a duplicate Account.
  const records = new Map(read.flatMap((r) => idsAnsweredBy(r).map((id) => [id, r] as const)));
  // A merge no run has followed yet (the admin retries at once, as the entry says) is followed first, as a
  // run follows it (removals.ts): the merged-away records' links move to the record they went into (the
  // Account's, linked to the other company of the merge), so its sync finds its counterpart rather than
  // making it again and meeting the same refusal.
  if (read.some((r) => (r.askedAs?.length ?? 0) > 0)) {
    const mapping = retry.source === "marketing" ? retry.group[0] : retry.group.find((m) => m.crmObject === retry.object);
    if (mapping) await followRemovals(ctx, retry.source, retry.object, mapping);
  }
  const retrying = new Map<string, number>();
  for (const { entry, sourceId } of page) {
    const record = records.get(sourceId);
    if (!record) {
      result.skipped.push({ id: entry.id, reason: `${system.system} ${retry.object} ${sourceId} is gone` });
    } else if (retrying.has(record.id)) {
      result.skipped.push({ id: entry.id, reason: `${system.system} ${retry.object} ${sourceId} was merged into ${record.id}, retried for another entry` });
    } else retrying.set(record.id, entry.id);
  }
  if (retrying.size === 0) return;
  await syncPage(ctx, {
    source: retry.source,
    object: retry.object,
    mappings: retry.group,
    records: [...new Set(records.values())].filter((r) => retrying.has(r.id)),
    retrying,
  });
  for (const [recordId, id] of retrying) {
    const entry = page.find((p) => p.entry.id === id)!.entry;
    const after = await store.getError(entry.id);
    if (after?.status === "resolved") result.resolved.push(entry.id);
    else if (!after || after.attempts > entry.attempts) result.stillFailing.push(entry.id);
    else if (await linkedInStep(store, retry.group[0]!.pair, retry.source, recordId)) {
      // Nothing was left to write: the records are linked and agree (someone fixed it by hand).
      await store.setErrorStatus(entry.id, "resolved", ctx.now().toISOString());
      result.resolved.push(entry.id);
    } else result.stillFailing.push(entry.id);
  }
}

/**
 * A refused field-sync update is synced again from both sides' current values, as a refused create is,
 * rather than sent again as it was decided: a rep may have changed the field since (refused-sync-writes.ts).
 * It is read from the record it writes to.
 */
function resyncedFrom(entry: QueuedError): RetryPayload | null {
  const key = outboxKeyOf(entry);
  const target = key && entry.operation === FIELD_SYNC_PHASE ? parseFieldSyncKey(key) : null;
  return target && { source: target.side, object: target.object, sourceId: target.recordId };
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
