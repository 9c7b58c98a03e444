// Sends what the outbox holds through the one executor, grouped by system and object, and commits each
// batch's outcomes in one transaction: accepted writes leave the outbox with their audit rows, refused
// ones stay (not sent again until decided anew or retried) with an error-queue entry, and a group whose
// last write was accepted applies its effect (a handoff's SLA clock).
import type { NewQueuedError, OutboxEntry } from "../../store/port.js";
import { portFor, sendWrites } from "../execute/send-writes.js";
import type { RunContext } from "../run-context.js";
import { bump } from "../run-summary.js";
import { clearingWrite, toPlanned, toRecordWrite } from "./funnel-write.js";
import { groupBy } from "../../core/grouping.js";

/** Writes per executor call: one Salesforce collection, two HubSpot batches; SIGTERM waits for at most this. */
const DRAIN_BATCH = 200;
/** Entries read from the store at a time, so a million pending writes never sit in memory at once. */
const DRAIN_PAGE = 2000;

export interface DrainOptions {
  /** Only these keys (a retry), refused ones included. */
  keys?: readonly string[];
  /** Error-queue entries being retried, by outbox key: a refusal counts another attempt on them. */
  retrying?: ReadonlyMap<string, number>;
}

export interface DrainResult {
  accepted: string[];
  refused: string[];
}

/** Drains the outbox (or the given keys); stops between batches when the run is asked to stop. */
export async function drainOutbox(ctx: RunContext, options: DrainOptions = {}): Promise<DrainResult> {
  const result: DrainResult = { accepted: [], refused: [] };
  const seen = new Set<string>();
  for (;;) {
    const page = (
      options.keys ? await ctx.store.listOutbox({ keys: options.keys }) : await ctx.store.listOutbox({ limit: DRAIN_PAGE })
    ).filter((e) => !seen.has(e.key));
    if (page.length === 0) return result;
    for (const e of page) seen.add(e.key);
    for (const batch of batches(page)) {
      if (ctx.signal?.aborted) return result;
      await sendBatch(ctx, batch, options, result);
      await ctx.heartbeat?.();
    }
    if (options.keys) return result;
  }
}

/**
 * Per system and object, batches of at most DRAIN_BATCH in decision order, with one write per record in a
 * batch: a batch is not applied in order (HubSpot refuses two inputs for one record), so a later decision
 * on the same record goes in a later batch and lands last.
 */
function* batches(entries: readonly OutboxEntry[]): Generator<OutboxEntry[]> {
  const byTarget = groupBy(entries, (e) => `${e.system}\u0000${e.object}`);
  for (const group of byTarget.values()) {
    const chunks: OutboxEntry[][] = [];
    const chunkOf = new Map<string, number>();
    for (const entry of group) {
      let i = entry.recordId === null ? 0 : (chunkOf.get(entry.recordId) ?? -1) + 1;
      while (i < chunks.length && chunks[i]!.length >= DRAIN_BATCH) i++;
      (chunks[i] ??= []).push(entry);
      if (entry.recordId !== null) chunkOf.set(entry.recordId, i);
    }
    yield* chunks;
  }
}

async function sendBatch(
  ctx: RunContext,
  entries: OutboxEntry[],
  options: DrainOptions,
  result: DrainResult,
): Promise<void> {
  const { system, object } = entries[0]!;
  const port = portFor(ctx, system);
  // Clears go first, in a request of their own (ARCHITECTURE.md "One write path"); a write whose clear
  // was refused is refused with it and not sent.
  const clearing = entries.flatMap((entry) => {
    const clear = clearingWrite(entry);
    return clear ? [{ entry, write: toRecordWrite(clear), planned: toPlanned(clear) }] : [];
  });
  const cleared = await sendWrites(ctx, port, object, clearing);
  const clearRefused = cleared.filter((s) => !s.outcome.ok);
  const notSent = new Set(clearRefused.map((s) => s.item.entry.key));
  const sent = [
    ...clearRefused,
    ...(await sendWrites(
      ctx,
      port,
      object,
      entries
        .filter((entry) => !notSent.has(entry.key))
        .map((entry) => ({ entry, write: toRecordWrite(entry), planned: toPlanned(entry) })),
    )),
  ];
  const at = ctx.now().toISOString();
  const accepted: string[] = [];
  const refused: string[] = [];
  const errors: NewQueuedError[] = [];
  const errorAttempts: { id: number; message: string }[] = [];
  for (const { item, outcome } of sent) {
    const { entry } = item;
    if (outcome.ok) {
      accepted.push(entry.key);
      continue;
    }
    refused.push(entry.key);
    bump(ctx.summary.errors, system);
    const fields = outcome.error.fields?.length ? ` (fields: ${outcome.error.fields.join(", ")})` : "";
    const message = `${outcome.error.code}: ${outcome.error.message}${fields}`;
    const retryId = options.retrying?.get(entry.key);
    if (retryId !== undefined) {
      errorAttempts.push({ id: retryId, message });
      continue;
    }
    errors.push({
      runId: ctx.runId,
      system,
      object,
      recordId: entry.recordId ?? entry.key,
      operation: entry.phase,
      payload: {
        outboxKey: entry.key,
        personId: entry.personId,
        email: entry.email,
        fields: Object.fromEntries(entry.fields.map((f) => [f.field, f.after])),
      },
      errorClass: outcome.error.errorClass,
      message: entry.email ? `${message} [${entry.email}]` : message,
      at,
    });
    ctx.log.warn("write.refused", {
      phase: entry.phase,
      system,
      object,
      recordId: entry.recordId,
      personId: entry.personId,
      code: outcome.error.code,
    });
  }
  const resolvedErrors = accepted.flatMap((key) => {
    const id = options.retrying?.get(key);
    return id === undefined ? [] : [id];
  });
  const { completedGroups } = await ctx.store.commitBatch({
    runId: ctx.runId,
    at,
    audit: [...cleared, ...sent].flatMap((s) => s.audit),
    errors,
    errorAttempts,
    resolvedErrors,
    outboxAccepted: accepted,
    outboxRefused: refused,
  });
  result.accepted.push(...accepted);
  result.refused.push(...refused);
  for (const group of completedGroups) {
    if (!group.startsWith(HANDOFF_GROUP_PREFIX)) continue;
    ctx.summary.handoffs++;
    ctx.log.debug("person.handed_off", { personId: group.slice(HANDOFF_GROUP_PREFIX.length) });
  }
}

const HANDOFF_GROUP_PREFIX = "handoff:";

/** The outbox group of one person's handoff: its effect starts the SLA clock. */
export function handoffGroup(personId: string): string {
  return `${HANDOFF_GROUP_PREFIX}${personId}`;
}
