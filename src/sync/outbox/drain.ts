// Sends what the outbox holds through the one executor, grouped by system and object, and commits each
// batch's outcomes in one transaction: accepted writes leave the outbox with their audit rows, refused
// ones stay (not sent again until decided anew or retried: those refused in passing by the next run's
// start, retry-errors.ts) with an error-queue entry, and a group whose last write was accepted applies its
// effect (a handoff's SLA clock). A handoff decided by an earlier run starts its clock when this drain
// sends it, its rep's task due by that clock (late-clocks.ts).
import {
  type NewQueuedError,
  type OutboxEntry,
  type OutboxRecord,
  type OutboxWrite,
  type OutsideJobRecord,
  PASSING_CLASSES,
  type PersonContactWritten,
} from "../../store/port.js";
import { portFor, sendWrites, writeOptions } from "../execute/send-writes.js";
import type { RunContext } from "../run-context.js";
import { bump } from "../run-summary.js";
import { refusalMessage } from "../system-port.js";
import { clearingWrite, needsClearing, toPlanned, toRecordWrite } from "./funnel-write.js";
import { groupBy } from "../../core/grouping.js";
import type { WaitingWrite } from "../../core/text/error-advice.js";
import { LateClocks } from "./late-clocks.js";
import { staleOutcome, staleWrites } from "./stale-writes.js";

/** Writes per executor call: one Salesforce collection, two HubSpot batches; SIGTERM waits for at most this. */
const DRAIN_BATCH = 200;
/** Entries read from the store at a time, so a million pending writes never sit in memory at once. */
const DRAIN_PAGE = 2000;
/**
 * Writes in one bulk job at most: Salesforce counts "more than 2,000 records" a good candidate for Bulk
 * API 2.0 and fewer for REST's batched calls (Limits and Allocations Quick Reference, "Bulk API and Bulk
 * API 2.0 Limits and Allocations"). Not more, whatever the threshold: a job's held entries, its CSV and
 * its results are in memory at once, and jobs of 10,000 took a 100,000-contact first load's peak RSS
 * from 333 MB to 404-433 (2,000: 305). A job's upload is also bounded by bytes (bulk-writer.ts `uploads`).
 */
export const BULK_JOB_RECORDS = DRAIN_PAGE;

interface DrainOptions {
  /** Only these keys (a retry), refused ones included. */
  keys?: readonly string[];
  /** Only the writes of this phase. */
  phase?: string;
  /** Error-queue entries being retried, by outbox key: a refusal counts another attempt on them. */
  retrying?: ReadonlyMap<string, number>;
}

/** What a drain of the whole outbox (or one phase's writes) did: counts, as its keys may be millions. */
export interface DrainCounts {
  accepted: number;
  refused: number;
}

/** What a drain of given keys did to each: the caller asks about those keys. */
export interface DrainResult {
  accepted: string[];
  refused: string[];
}

/** Where a drain notes each batch's outcome: counted, or listed when the caller asked for given keys. */
interface DrainTally {
  note(accepted: readonly string[], refused: readonly string[]): void;
}

/**
 * One drain's state: its pending writes, and in `outsideJob` the writes a bulk job did not save
 * (RecordFailure.outsideJob), gathered from every job of the drain and sent again in full calls outside a
 * job, the rest at its end, with their record's later entries still pending, so none goes before them.
 * They stay in the outbox until then, so a stop or a crash leaves them to the next run. A load's update
 * jobs each met a few records an alerting duplicate rule matches, and sent again per job they cost a
 * call a job (ARCHITECTURE.md "One write path").
 */
interface DrainRun {
  options: DrainOptions;
  tally: DrainTally;
  clocks: LateClocks;
  pending: PendingWrites;
  outsideJob: PendingWrites;
}

/**
 * Drains the outbox, or only `phase`'s writes. It keeps counts, not keys: a first load of a million
 * contacts drains millions of writes, and their keys held to the drain's end were the run's largest
 * live set (ARCHITECTURE.md "Memory at scale").
 */
export async function drainOutbox(ctx: RunContext, options: { phase?: string } = {}): Promise<DrainCounts> {
  const counts: DrainCounts = { accepted: 0, refused: 0 };
  await drain(ctx, options, {
    note: (accepted, refused) => {
      counts.accepted += accepted.length;
      counts.refused += refused.length;
    },
  });
  return counts;
}

/**
 * Sends the outbox entries of `keys` (refused ones included: a retry) and the pending writes of their groups;
 * `retrying` as in DrainOptions. The result names only `keys`.
 */
export async function drainKeys(
  ctx: RunContext,
  keys: readonly string[],
  retrying?: ReadonlyMap<string, number>,
): Promise<DrainResult> {
  const result: DrainResult = { accepted: [], refused: [] };
  // The writes of their groups sent with them (drain) are not the caller's to ask about.
  const asked = new Set(keys);
  await drain(ctx, { keys, ...(retrying ? { retrying } : {}) }, {
    note: (accepted, refused) => {
      for (const key of accepted) if (asked.has(key)) result.accepted.push(key);
      for (const key of refused) if (asked.has(key)) result.refused.push(key);
    },
  });
  return result;
}

/**
 * Drains the outbox (or the given keys); stops between batches when the run is asked to stop. Writes
 * to one record are sent as one (`RecordWrites`), and a batch goes out only when full until the outbox
 * is read to its end: then the partly filled remainder of each (system, object, operation) goes too, so
 * a drain ends with at most one partly filled call per target (ARCHITECTURE.md "One write path").
 */
async function drain(ctx: RunContext, options: DrainOptions, tally: DrainTally): Promise<void> {
  const threshold = (system: string) => portFor(ctx, system).bulkThreshold;
  const outsideJob = new PendingWrites(() => undefined, () => undefined);
  const clocks = new LateClocks(ctx);
  if (options.keys) {
    // Every entry of the keys is here at once: a group's own length is its count. The pending writes of
    // their groups come too: a handoff's record write waiting for the retried task goes once it is made.
    const asked = await ctx.store.listOutbox({ keys: options.keys });
    const groups = [...new Set(asked.flatMap((e) => (e.group === null ? [] : [e.group])))];
    const keys = new Set(options.keys);
    const siblings = groups.length === 0 ? [] : (await ctx.store.listOutbox({ groups })).filter((e) => !keys.has(e.key));
    const pending = new PendingWrites(threshold, () => undefined);
    const entries = [...asked, ...siblings].sort((a, b) => a.seq - b.seq);
    for (const entry of await withoutStale(ctx, entries, options, tally)) pending.add(entry);
    await sendRest(ctx, { options, tally, clocks, pending, outsideJob });
    return;
  }
  // Which objects' writes go in bulk jobs is known before the first page, from the store's counts, so
  // no other object's writes wait in memory to learn it: they leave a full batch at a time, as pages come.
  const counts = new Map<string, number>(
    (await ctx.store.pendingOutboxCounts(options.phase)).flatMap((c) => [
      [`${c.system}\u0000${c.object}\u0000create`, c.creates] as const,
      [`${c.system}\u0000${c.object}\u0000update`, c.updates] as const,
    ]),
  );
  const pending = new PendingWrites(threshold, (target, kind) => counts.get(`${target}\u0000${kind}`) ?? 0);
  const run: DrainRun = { options, tally, clocks, pending, outsideJob };
  let after: number | undefined;
  for (;;) {
    // A record a later decision writes again waits for it, so the two leave as one write. It waits in the
    // store, not in memory: a first load decides most contacts' writes twice (qualification, then the
    // contact sync's stamps), and a million waiting entries held here were the run's largest live set.
    // The page leaves such a record's entries out and names it in `later`. A record held from an earlier
    // page is not asked about again: that page found no write of it after its own last one, a later page
    // looks after a later one still, and nothing decides writes while a drain runs (one run at a time, under
    // the run lock; the drain's commits only settle entries). Asking cost an index look-up per held record
    // per page (ARCHITECTURE.md "One write path").
    const page = await ctx.store.outboxPage({
      limit: DRAIN_PAGE,
      ...(after !== undefined ? { after } : {}),
      ...(options.phase !== undefined ? { phase: options.phase } : {}),
    });
    // The entries held back for these records join them first, in decision order; both are checked for
    // stale fields in one read, but for those held here already. A record with a write to send again
    // outside a job takes its later entries there, so they go after it.
    const held =
      page.entries.length > 0 ? await ctx.store.heldOutboxEntries(page.entries[0]!.seq, recordsOf(page.entries), options.phase) : [];
    const fresh = [...held, ...page.entries].filter((e) => !pending.holds(e) && !outsideJob.holds(e));
    const sendable = await withoutStale(ctx, fresh, options, tally);
    const keptOut = await keptOutOfJobs(ctx, sendable, pending);
    // A record kept out goes there whole: one with a write held here already stays, so none of its writes
    // passes another.
    for (const entry of sendable) {
      const out = outsideJob.writesRecord(entry) || (keptOut.has(entry) && !pending.writesRecord(entry));
      (out ? outsideJob : pending).add(entry);
    }
    pending.release(page.later);
    outsideJob.release(page.later);
    after = page.last ?? after;
    if (page.end) {
      await sendRest(ctx, run);
      return;
    }
    if (!(await sendTaken(ctx, pending, "full", run)) || !(await sendTaken(ctx, outsideJob, "full", run))) return;
  }
}

/**
 * Sends what `pending` has ready: its creates, then its updates but those of a group with a create still in
 * the outbox (held here, refused, or left unprocessed by a bulk job), asked of the store once the creates
 * went; false when the run was asked to stop.
 */
async function sendTaken(ctx: RunContext, pending: PendingWrites, which: "full" | "all", run: DrainRun): Promise<boolean> {
  if (!(await sendAll(ctx, pending.takeCreates(which), run))) return false;
  const groups = pending.updateGroups();
  const creating = groups.length === 0 ? new Set<string>() : await ctx.store.outboxGroupsCreating(groups);
  return sendAll(ctx, pending.takeUpdates(which, creating), run);
}

/**
 * The drain's end: all it holds, then the writes going again outside a job, then the updates that waited
 * for a create among those (a task a job did not save, made by its Collections call); false when the run
 * was asked to stop.
 */
async function sendRest(ctx: RunContext, run: DrainRun): Promise<boolean> {
  return (
    (await sendTaken(ctx, run.pending, "all", run)) &&
    (await sendTaken(ctx, run.outsideJob, "all", run)) &&
    sendTaken(ctx, run.pending, "all", run)
  );
}

/**
 * The updates among `entries` that would go in a bulk job but whose record an earlier job did not save
 * (BatchCommit.outsideJobRecords: an alerting duplicate rule's match, which no job saves past): they go
 * outside jobs from the start, where a job's row refused and then a call's row took both.
 */
async function keptOutOfJobs(ctx: RunContext, entries: readonly OutboxEntry[], pending: PendingWrites): Promise<Set<OutboxEntry>> {
  const out = new Set<OutboxEntry>();
  const bySystem = groupBy(
    entries.filter((e) => e.recordId !== null && pending.updatesInJobs(e.system, e.object)),
    (e) => e.system,
  );
  for (const [system, updates] of bySystem) {
    const records = await ctx.store.outsideJobRecords(system, [...new Set(updates.map((e) => e.recordId!))]);
    for (const entry of updates) if (records.has(entry.recordId!)) out.add(entry);
  }
  return out;
}

/**
 * The entries to send, each decided by an earlier run (a retry, or a stopped run's writes) less the fields
 * its record moved on since (stale-writes.ts): the newer values stand. Only guarded writes are read back
 * (the handoff's record write), so a resumed first load's qualification writes cost no read. One left
 * with nothing to send leaves the outbox (its group done, so a handoff's clock starts as when its last
 * write is accepted) and the error entry being retried is resolved; the others go with the rest, their
 * entry saying what was left out, resolved if accepted.
 */
async function withoutStale(ctx: RunContext, entries: OutboxEntry[], options: DrainOptions, tally: DrainTally): Promise<OutboxEntry[]> {
  const stale = await staleWrites(ctx, entries.filter((e) => e.runId !== ctx.runId));
  if (stale.length === 0) return entries;
  const { kept, gone, commit } = staleOutcome(stale, (key) => options.retrying?.get(key));
  await ctx.store.commitBatch({ runId: ctx.runId, at: ctx.now().toISOString(), ...commit });
  tally.note(gone, []);
  const trimmed = new Map(kept.map((e) => [e.key, e]));
  const dropped = new Set(gone);
  return entries.flatMap((e) => (dropped.has(e.key) ? [] : [trimmed.get(e.key) ?? e]));
}

/** Sends these batches, stopping between them when the run is asked to stop; false when it stopped. */
async function sendAll(ctx: RunContext, batches: Iterable<Batch>, run: DrainRun): Promise<boolean> {
  for (const { writes, bulk } of batches) {
    if (ctx.signal?.aborted) return false;
    await sendBatch(ctx, writes, run, bulk);
    await ctx.heartbeat?.();
  }
  return true;
}

/** Writes sent in one executor call; `bulk` when more than the system's bulk threshold of them were pending. */
interface Batch {
  writes: RecordWrites[];
  bulk: boolean;
}

/**
 * The writes one drain still has to send, per system and object, each record's entries as one write:
 * HubSpot refuses two inputs for one record in a batch and applies a batch in no order, and the field
 * values of later decisions win, so one write carrying the latest value of each field lands the same
 * as the entries sent one after another, in one call instead of several. Only entries pending at once
 * join: once a record's write is sent, a later entry for it starts a new write.
 */
class PendingWrites {
  private readonly byTarget = new Map<string, Map<string, RecordWrites>>();
  private creates = 0;
  /**
   * `bulkThreshold`: the system's (SystemPort.bulkThreshold), undefined when it has no bulk writes;
   * `pendingCount`: the writes of a target (`system\u0000object`) and kind the drain has to send, counted
   * in the store before its first page; undefined where the group in hand is all of them.
   */
  constructor(
    private readonly bulkThreshold: (system: string) => number | undefined,
    private readonly pendingCount: (target: string, kind: "create" | "update") => number | undefined,
  ) {}

  add(entry: OutboxEntry): void {
    const target = `${entry.system}\u0000${entry.object}`;
    let writes = this.byTarget.get(target);
    if (!writes) this.byTarget.set(target, (writes = new Map()));
    // A create has no record to share yet: each is its own write.
    const record = entry.recordId === null ? `\u0000create ${this.creates++}` : entry.recordId;
    const held = writes.get(record);
    if (held) held.entries.push(entry);
    else writes.set(record, { entries: [entry] });
  }

  /** Whether this entry is held already (by its key). */
  holds(entry: OutboxEntry): boolean {
    return this.heldOf(entry)?.entries.some((e) => e.key === entry.key) ?? false;
  }

  /** Whether a write of this entry's record is held. */
  writesRecord(entry: OutboxEntry): boolean {
    return this.heldOf(entry) !== undefined;
  }

  /** Takes the entries held for this entry's record (its later ones, waiting for a create), if any. */
  takeRecord(entry: OutboxEntry): OutboxEntry[] {
    const held = this.heldOf(entry);
    if (!held) return [];
    this.byTarget.get(`${entry.system}\u0000${entry.object}`)!.delete(entry.recordId!);
    return held.entries;
  }

  private heldOf(entry: OutboxEntry): RecordWrites | undefined {
    return entry.recordId === null ? undefined : this.byTarget.get(`${entry.system}\u0000${entry.object}`)?.get(entry.recordId);
  }

  /** Lets go of the records a later entry writes again (keyed system, object and record): they stay in the store. */
  release(later: ReadonlySet<string>): void {
    // Walks `later` (a page's records at most), not every record held: those reach the threshold's 10,000.
    for (const key of later) {
      const cut = key.lastIndexOf("\u0000");
      this.byTarget.get(key.slice(0, cut))?.delete(key.slice(cut + 1));
    }
  }

  /**
   * Batches of creates to send now, each of one system, object and operation (create, update, and update
   * after a clear: each is a request of its own in both APIs). "full": only full batches, the rest stays
   * held for the next page; "all": the remainders too. Creates go before updates (`takeUpdates`).
   */
  *takeCreates(which: "full" | "all"): Generator<Batch> {
    yield* this.batches(which, "creates", new Set());
  }

  /** The outbox groups the held updates carry (a handoff's record write): `takeUpdates` asks which still create. */
  updateGroups(): string[] {
    const groups = new Set<string>();
    for (const writes of this.byTarget.values())
      for (const w of writes.values()) for (const e of w.entries) if (e.recordId !== null && e.group !== null) groups.add(e.group);
    return [...groups];
  }

  /**
   * Batches of updates to send now, as `takeCreates`. A record's entries from the first of a group in
   * `creating` on wait (the groups with a create still in the outbox: held, refused, or left unprocessed
   * by a bulk job), pending, in the store and here: a handoff's record write (the owner and MQL date) is
   * what a lost store's next run takes for a handoff made (handoff-phase.ts `carriesHandoff`), so the
   * rep's tasks must be in the CRM before it, or a crash or a refusal between the two and a lost store
   * leave the rep no task. Its record's entries decided before it go; those after it wait with it, as
   * sent alone they would be overwritten by its older values.
   */
  *takeUpdates(which: "full" | "all", creating: ReadonlySet<string>): Generator<Batch> {
    yield* this.batches(which, "updates", creating);
  }

  private *batches(which: "full" | "all", kind: "creates" | "updates", creating: ReadonlySet<string>): Generator<Batch> {
    for (const [target, writes] of this.byTarget) {
      // Only the writes of this kind are grouped: every page asks for both kinds of every write held.
      const ready = [...writes.entries()].flatMap(([record, w]): [string, RecordWrites][] => {
        if ((w.entries[0]!.recordId === null) !== (kind === "creates")) return [];
        const waits = creating.size === 0 ? -1 : w.entries.findIndex((e) => e.group !== null && creating.has(e.group));
        if (waits === 0) return [];
        return [[record, waits < 0 ? w : { entries: w.entries.slice(0, waits) }]];
      });
      const byOperation = groupBy(ready, ([, w]) => operationOf(w));
      // What a batch takes leaves the held writes; a record's entries that wait for a create stay.
      const taken = (batch: readonly [string, RecordWrites][]) => {
        for (const [record, part] of batch) {
          const held = writes.get(record)!;
          if (part === held) writes.delete(record);
          else writes.set(record, { entries: held.entries.slice(part.entries.length) });
        }
      };
      // The part-filled remainders of a target's updates and of its updates after a clear, at the end.
      const rest: [string, RecordWrites][][] = [];
      for (const [operation, group] of byOperation) {
        const size = this.batchSize(target, group);
        for (let i = 0; i < group.length; i += size.records) {
          const batch = group.slice(i, i + size.records);
          if (batch.length < size.records && which === "full") break;
          if (batch.length < size.records && operation !== "create" && !size.bulk) {
            rest.push(batch);
            break;
          }
          taken(batch);
          yield { writes: batch.map(([, w]) => w), bulk: size.bulk };
        }
      }
      // Remainders that fit one call go as one: its clears still go first, in a request of their own
      // (sendBatch), and its updates in one call, where each remainder took its own.
      const together = rest.flat();
      for (const batch of together.length <= DRAIN_BATCH ? [together] : rest) {
        if (batch.length === 0) continue;
        taken(batch);
        yield { writes: batch.map(([, w]) => w), bulk: false };
      }
    }
  }

  /** Whether updates of this system and object go in bulk jobs (batchSize). */
  updatesInJobs(system: string, object: string): boolean {
    const threshold = this.bulkThreshold(system);
    return threshold !== undefined && (this.pendingCount(`${system}\u0000${object}`, "update") ?? 0) > threshold;
  }

  /**
   * How many of one (system, object, operation)'s writes go in one call. Where more than the system's bulk
   * threshold of the target's creates, or of its records to update, are pending in the store, they go as
   * bulk jobs of BULK_JOB_RECORDS: a first load's writes cost a handful of calls per 2,000, not one per
   * 200 records (ARCHITECTURE.md "One write path"); only those are held, up to a job's writes and a page. A create goes in a job only when it upserts on an external id:
   * a job's writes may be sent again (a crash or a stop before its results were read) and must then find
   * the records the job made.
   */
  private batchSize(target: string, group: readonly [string, RecordWrites][]): { records: number; bulk: boolean } {
    const first = group[0]![1].entries[0]!;
    const threshold = this.bulkThreshold(first.system);
    const creates = first.recordId === null;
    if (threshold === undefined || (creates && group.some(([, w]) => !w.entries[0]!.upsertOn))) {
      return { records: DRAIN_BATCH, bulk: false };
    }
    const pending = this.pendingCount(target, creates ? "create" : "update") ?? group.length;
    return pending > threshold ? { records: BULK_JOB_RECORDS, bulk: true } : { records: DRAIN_BATCH, bulk: false };
  }
}

/** The records these entries write (creates have none yet). */
function recordsOf(entries: readonly OutboxEntry[]): OutboxRecord[] {
  return entries.flatMap((e) => (e.recordId === null ? [] : [{ system: e.system, object: e.object, recordId: e.recordId }]));
}

/** One record's pending entries, in decision order, sent as one write. */
interface RecordWrites {
  entries: OutboxEntry[];
}

function operationOf(w: RecordWrites): "create" | "update" | "clear and update" {
  const first = w.entries[0]!;
  if (first.recordId === null) return "create";
  return w.entries.some(needsClearing) ? "clear and update" : "update";
}

/**
 * The entries of one record as one write: each field's latest value (its `before` from the first entry
 * that names it, its rule from the one that set it), every association, and every field an entry
 * clears first (a clear followed by the final value ends at the final value whatever came between).
 * Its phase names every phase it carries ("qualification+handoff"), as the audit and the plan show it.
 */
export function combined(decided: readonly OutboxEntry[]): OutboxWrite {
  if (decided.length === 1) return decided[0]!;
  // The field sync's values go first and a funnel phase's value for the same field wins, as when the
  // field sync wrote during its page and the drain after it.
  // Indexed loops, no spreads: a first load combines most records' two entries, and for-of and spreads
  // made an iterator result a step where V8 had not optimised this.
  const entries = decided.filter((e) => e.synced);
  for (let i = 0; i < decided.length; i++) if (!decided[i]!.synced) entries.push(decided[i]!);
  const last = entries[entries.length - 1]!;
  const fields = new Map<string, OutboxWrite["fields"][number]>();
  for (let i = 0; i < entries.length; i++) {
    const own = entries[i]!.fields;
    for (let k = 0; k < own.length; k++) {
      const f = own[k]!;
      const earlier = fields.get(f.field);
      fields.set(f.field, earlier ? { ...f, before: earlier.before } : f);
    }
  }
  const associations = new Map<string, { object: string; id: string }>();
  for (let i = 0; i < entries.length; i++) {
    const own = entries[i]!.associations;
    for (let k = 0; k < own.length; k++) associations.set(`${own[k]!.object}\u0000${own[k]!.id}`, own[k]!);
  }
  const clears = [...new Set(entries.flatMap((e) => e.clearFirst ?? []))].filter((f) => fields.has(f)).sort();
  return {
    ...last,
    phase: [...new Set(entries.map((e) => e.phase))].join("+"),
    fields: [...fields.values()],
    associations: [...associations.values()],
    personId: last.personId ?? entries.find((e) => e.personId !== null)?.personId ?? null,
    email: last.email ?? entries.find((e) => e.email !== null)?.email ?? null,
    ...(clears.length > 0 ? { clearFirst: clears } : { clearFirst: [] }),
  };
}

/** The write without these fields (the same write when there are none). */
function without(write: OutboxWrite, fields: ReadonlySet<string>): OutboxWrite {
  if (fields.size === 0 || !write.fields.some((f) => fields.has(f.field))) return write;
  return {
    ...write,
    fields: write.fields.filter((f) => !fields.has(f.field)),
    ...(write.clearFirst ? { clearFirst: write.clearFirst.filter((f) => !fields.has(f)) } : {}),
  };
}

async function sendBatch(ctx: RunContext, batch: readonly RecordWrites[], run: DrainRun, bulk = false): Promise<void> {
  const { options, tally, clocks } = run;
  const { system, object } = batch[0]!.entries[0]!;
  const how = { ...writeOptions(ctx, bulk), ...(bulk ? { outsideJobLater: true } : {}) };
  const port = portFor(ctx, system);
  // An open task decided by an earlier run is due by the clock this drain starts (late-clocks.ts).
  await clocks.start(batch.flatMap((w) => w.entries));
  // A field the object lacks and the loop does without is left out rather than sent to be refused: a
  // requalify, decided without asking the CRM, blanks the Lead's disposition reason, which an org may not
  // have made (funnel/reason-field.ts).
  const lacking = (await ctx.fieldsLeftOut?.(system, object)) ?? new Set<string>();
  const items = batch.map((w) => {
    const entries = w.entries.map((e) => clocks.timed(e));
    return { entries, write: without(combined(entries), lacking) };
  });
  // Clears go first, in a request of their own (ARCHITECTURE.md "One write path"); a write whose clear
  // was refused is refused with it and not sent.
  const clearing = items.flatMap((item) => {
    const clear = clearingWrite(item.write);
    return clear ? [{ ...item, write: toRecordWrite(clear), planned: toPlanned(clear) }] : [];
  });
  const cleared = await sendWrites(ctx, port, object, clearing, how);
  const clearRefused = cleared.filter((s) => !s.outcome.ok);
  const notSent = new Set(clearRefused.map((s) => s.item.entries));
  const sent = [
    ...clearRefused,
    ...(await sendWrites(
      ctx,
      port,
      object,
      items
        .filter((item) => !notSent.has(item.entries))
        .map((item) => ({ ...item, write: toRecordWrite(item.write), planned: toPlanned(item.write) })),
      how,
    )),
  ];
  const at = ctx.now().toISOString();
  const accepted: string[] = [];
  const acceptedEntries: OutboxEntry[] = [];
  const refused: string[] = [];
  const refusedOfRecord: string[] = [];
  const errors: NewQueuedError[] = [];
  /** The new entries of refused creates of a group: what of the group waits for each is named in it. */
  const groupCreates: { error: NewQueuedError; group: string }[] = [];
  const errorAttempts: { id: number; message: string }[] = [];
  // One record's entries refused as one write are sent again one by one below, so each entry is
  // accepted or refused on its own values, as if it had never been combined.
  const separately: OutboxEntry[][] = [];
  const outsideJobRecords: OutsideJobRecord[] = [];
  /** Writes a bulk job never reached, left pending for the next run: counted per reason for one warning. */
  const waiting = new Map<string, number>();
  for (const { item, outcome } of sent) {
    if (outcome.ok) {
      accepted.push(...item.entries.map((e) => e.key));
      acceptedEntries.push(...item.entries);
      continue;
    }
    // Not saved by its bulk job: sent again outside a job, with others of the drain's jobs (DrainRun), and
    // its record's later writes outside jobs from the start (keptOutOfJobs).
    if (outcome.error.outsideJob) {
      const recordId = item.entries[0]!.recordId;
      const later = recordId === null ? [] : run.pending.takeRecord(item.entries[0]!);
      if (recordId !== null) outsideJobRecords.push({ system, recordId });
      for (const entry of [...item.entries, ...later]) run.outsideJob.add(entry);
      continue;
    }
    // Not reached by the system (a bulk job that ended before it, after the write's own tries in passing):
    // not refused, so a write this run decided stays pending as it was, for the next run, and nothing is
    // queued. One an earlier run decided has met such a job before (or waited a run already): the cause
    // lasts (the org's daily records spent, a batch Salesforce gives up on at every try), so it is queued
    // as a refusal in passing, which `errors list`, /metrics and the exit code show and the runs send
    // again with their backoff (retry-errors.ts); a retry of one counts another attempt.
    const retried = item.entries.some((e) => options.retrying?.has(e.key));
    if (outcome.error.unprocessed && !retried && item.entries.every((e) => e.runId === ctx.runId)) {
      waiting.set(outcome.error.message, (waiting.get(outcome.error.message) ?? 0) + 1);
      continue;
    }
    // A refusal of the record whatever its values (an owner who left) refuses each entry alike: they are
    // not sent again one by one, at a call each, to be refused the same; nor does a refusal in passing (a
    // lock, a rate limit that outlasted the write's patience), which the next run sends again as a whole
    // (retry-errors.ts `retryPassingRefusals`).
    if (item.entries.length > 1 && !outcome.error.ofRecord && !PASSING_CLASSES.has(outcome.error.errorClass)) {
      separately.push(item.entries);
      continue;
    }
    for (const entry of item.entries) {
      refused.push(entry.key);
      if (outcome.error.ofRecord) refusedOfRecord.push(entry.key);
      bump(ctx.summary.errors, system);
      // The person's email ends the message, on a retry's new attempt too: the entry still names who it is about.
      const message = refusalMessage(outcome.error, entry.email);
      const retryId = options.retrying?.get(entry.key);
      if (retryId !== undefined) {
        errorAttempts.push({ id: retryId, message });
        continue;
      }
      const error: NewQueuedError = {
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
        ...(outcome.error.lastingLock ? { lastingLock: true } : {}),
        message,
        at,
      };
      errors.push(error);
      if (entry.recordId === null && entry.group !== null) groupCreates.push({ error, group: entry.group });
      ctx.log.warn("write.refused", {
        phase: entry.phase,
        system,
        object,
        recordId: entry.recordId,
        personId: entry.personId,
        code: outcome.error.code,
      });
    }
  }
  for (const [reason, writes] of waiting) {
    ctx.log.warn("write.unprocessed", { system, object, writes, reason, next: "left pending: the next run sends them again" });
  }
  await nameWaiting(ctx, groupCreates);
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
    outboxAccepted: acceptedEntries,
    personContacts: contactsWritten(acceptedEntries),
    outboxRefused: refused,
    outboxRefusedOfRecord: refusedOfRecord,
    outboxGroupsStarted: clocks.startedBy(acceptedEntries),
    outsideJobRecords,
  });
  tally.note(accepted, refused);
  for (const group of completedGroups) {
    if (!group.startsWith(HANDOFF_GROUP_PREFIX)) continue;
    ctx.summary.handoffs++;
    ctx.log.debug("person.handed_off", { personId: group.slice(HANDOFF_GROUP_PREFIX.length) });
  }
  // The i-th entry of each record in the i-th batch: one write per record per batch, in decision order.
  for (let i = 0; separately.some((entries) => entries.length > i); i++) {
    const round = separately.flatMap((entries) => (entries.length > i ? [{ entries: [entries[i]!] }] : []));
    await sendBatch(ctx, round, run);
  }
}

/**
 * Names in each refused create's entry (its payload's `waiting`) the updates of its group that wait for
 * it, pending (PendingWrites.takeUpdates): `errors list` and `explain` say why a handoff's record write
 * has not gone, and that the retry making the create sends it too.
 */
async function nameWaiting(ctx: RunContext, refused: readonly { error: NewQueuedError; group: string }[]): Promise<void> {
  if (refused.length === 0) return;
  const updates = groupBy(
    (await ctx.store.listOutbox({ groups: [...new Set(refused.map((r) => r.group))] })).filter((e) => e.recordId !== null),
    (e) => e.group!,
  );
  for (const { error, group } of refused) {
    const waiting: WaitingWrite[] = (updates.get(group) ?? []).map((e) => ({
      phase: e.phase,
      object: e.object,
      recordId: e.recordId!,
      fields: e.fields.map((f) => f.field),
    }));
    if (waiting.length > 0) error.payload = { ...(error.payload as object), waiting };
  }
}

/**
 * The emails and names these accepted writes put on people's own contacts (the person is the marketing
 * contact: the written record on the marketing side), for their score rows (BatchCommit.personContacts).
 */
function contactsWritten(entries: readonly OutboxWrite[]): PersonContactWritten[] {
  return entries.flatMap((e) => {
    if (e.side !== "marketing" || e.personId === null || e.recordId !== e.personId) return [];
    const written: PersonContactWritten = { personId: e.personId };
    for (const f of e.fields) {
      // The email is the person's identity there: a blank one is never written over it (merge-record.ts keepsMatchKey).
      if (f.field === CONTACT_FIELDS.email && f.after) written.email = f.after;
      if (f.field === CONTACT_FIELDS.firstname) written.firstname = f.after;
      if (f.field === CONTACT_FIELDS.lastname) written.lastname = f.after;
    }
    return Object.keys(written).length > 1 ? [written] : [];
  });
}

/** The marketing contact's properties (HubSpot's) a score row shows: the person's identity and name. */
const CONTACT_FIELDS = { email: "email", firstname: "firstname", lastname: "lastname" } as const;

const HANDOFF_GROUP_PREFIX = "handoff:";

/** The outbox group of one person's handoff: its effect starts the SLA clock. */
export function handoffGroup(personId: string): string {
  return `${HANDOFF_GROUP_PREFIX}${personId}`;
}

/** The key of a handoff's write to the person's CRM record (owner, MQL date, score): one per person. */
export function handoffRecordKey(personId: string): string {
  return `${handoffGroup(personId)}:record`;
}
