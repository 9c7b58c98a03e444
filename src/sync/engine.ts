// One sync run (ARCHITECTURE.md "One run"): take the signpost and the run lock, then for each object
// pair read the marketing changes, then the CRM changes, page by page from durable cursors, sync each
// page and commit it with its cursor; the funnel phases decide into the outbox, which the drain writes
// through the same executor; then report.
import { LOOP_WINDOW_HOURS } from "../core/write-loop.js";
import type { ObjectMapping } from "../core/mapping.js";
import { countingDebugEvents } from "../log/event-counts.js";
import type { Logger } from "../log/logger.js";
import type { StateStore } from "../store/port.js";
import { readChangeGroups } from "./change-groups.js";
import { type KeepFor, releaseKeptReads } from "./kept-reads.js";
import { dryRunSync } from "./dry-run/dry-run.js";
import { crmFields, marketingFields } from "./field-lists.js";
import { readDispositions } from "./funnel/disposition-phase.js";
import { followUpsEndedBy } from "./funnel/follow-up-done.js";
import { type FunnelRunState, type FunnelSetup, newFunnelRunState } from "./funnel/funnel-setup.js";
import { handOff } from "./funnel/handoff-phase.js";
import { followUpSla, ownersStreams } from "./funnel/sla-phase.js";
import { fillRepLeadHistory } from "./funnel/history-fill.js";
import { includedInCrm, inclusionReadsNothing, newlyIncludedPages } from "./funnel/inclusion.js";
import { followConversions, followDeals, outcomesStream } from "./funnel/lineage-phase.js";
import { fieldsTheCrmLacks } from "./funnel/reason-field.js";
import { restoreBinnedPeople } from "./funnel/binned-people.js";
import { qualifyCreatedPeople, qualifyPeople } from "./funnel/qualify-phase.js";
import { drainOutbox } from "./outbox/drain.js";
import { retryPassingRefusals } from "./retry-errors.js";
import { FIELD_SYNC_PHASE } from "./outbox/field-sync-write.js";
import { rewindForNewFields } from "./mapping-fields.js";
import { namingMappingFiles } from "./mapping-refusal.js";
import { openMatchIndexes, releaseMatchIndexes } from "./match-index.js";
import { pendingRecords, syncPage } from "./page-sync.js";
import type { PlannedWrite } from "./planned-write.js";
import { probeOpeningWindows } from "./opening-probe.js";
import { followRemovals } from "./removals.js";
import { newRunId } from "./run-ids.js";
import { addCalls, type CallsSoFar, callsSoFar } from "./run-calls.js";
import { RUN_LOCK_TTL_MS, runLockHolder, takeRunLock } from "./run-lock.js";
import type { RunContext } from "./run-context.js";
import { countOpenErrorsInto, emptySummary, type RunSummary } from "./run-summary.js";
import type { SystemPort } from "./system-port.js";
import { StoppedBeforeCall } from "./system-error.js";
import { HeldCreates } from "./held-creates.js";

export interface SyncOptions {
  store: StateStore;
  marketing: SystemPort;
  crm: SystemPort;
  mappings: readonly ObjectMapping[];
  log: Logger;
  /** Run the real pipeline on a copy of the store and recording stand-ins of the systems: write nothing. */
  dryRun?: boolean;
  now?: () => Date;
  /** Qualification, handoff and dispositions; without it the run only syncs fields (and creates everyone). */
  funnel?: FunnelSetup;
  signal?: AbortSignal;
  onProgress?: RunContext["onProgress"];
  /** Who holds the run lock (`runLockHolder`): one name per daemon process. */
  lockHolder?: string;
  /** How long the run lock's lease lasts between renewals. */
  lockTtlMs?: number;
  /** Audit rows older than this many days are pruned at the end of a run (`store.auditRetentionDays`). */
  auditRetentionDays?: number;
  /** The calls its process made preparing for this run (cli/preparation.ts), counted as the run's own. */
  preparation?: CallsSoFar;
}

export interface SyncResult {
  summary: RunSummary;
  plan: PlannedWrite[];
}

const PAIR_ORDER = ["company", "contact", "deal"] as const;
/** The marketing object a person is: HubSpot's contacts. */
const PERSON_OBJECT = "contacts";
const DAY_MS = 24 * 60 * 60_000;

/** The summary of the run each error ended, as recorded: a caller that only sees the error still reports the run. */
const failedRuns = new WeakMap<object, RunSummary>();

/** The summary of the run `err` ended, when a run ended with it. */
export function failedRunSummary(err: unknown): RunSummary | undefined {
  return typeof err === "object" && err !== null ? failedRuns.get(err) : undefined;
}

/**
 * A stop (SIGTERM, Ctrl-C) that came before the run began: no run is recorded and no call made after it, as
 * for a stop while leadloop loads (ARCHITECTURE.md "a stop before the run began is no run"). Thrown by the
 * run's start (`runSync`, cli/run-once.ts); `sync` reports it as status `stopped` with no run id, exit 0.
 */
export class StoppedBeforeRun extends Error {
  constructor() {
    super("stopped as asked (SIGTERM or Ctrl-C) before the run began: nothing was read or written");
    this.name = "StoppedBeforeRun";
  }
}

export async function runSync(options: SyncOptions): Promise<SyncResult> {
  const now = options.now ?? (() => new Date());
  const runId = newRunId("sync", now());
  if (options.dryRun) return dryRunSync(options, runId, (inner, dry) => runPipeline(inner, dry.runId, dry.plan));
  return runPipeline(options, runId);
}

/** The run itself; `plan`, when given (a dry run), receives every write sent. */
async function runPipeline(options: SyncOptions, runId: string, plan?: PlannedWrite[]): Promise<SyncResult> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const holder = options.lockHolder ?? runLockHolder(runId);
  const ttl = options.lockTtlMs ?? RUN_LOCK_TTL_MS;
  const { store } = options;

  if (options.signal?.aborted) throw new StoppedBeforeRun();
  const lease = await takeRunLock({ store, holder, now, ttlMs: ttl, log: options.log });
  if (options.signal?.aborted) {
    await lease.release();
    throw new StoppedBeforeRun();
  }
  const routine = countingDebugEvents(options.log.child({ runId }));
  const ctx: RunContext = {
    runId,
    until: startedAt.toISOString(),
    now,
    log: routine.log,
    store,
    marketing: options.marketing,
    crm: options.crm,
    // A dry run's pipeline is handed its plan: its summary says so from the start, so a dry run that
    // fails is reported (sync --dry-run --json) as the dry run it was.
    summary: emptySummary(runId, plan !== undefined, startedAt.toISOString(), [
      options.marketing.system,
      options.crm.system,
    ]),
    plan,
    createdPeople: [],
    includeInCrm: async (records) => new Set(records.map((r) => r.id)),
    signal: options.signal,
    onProgress: options.onProgress,
  };
  const calls0 = callsSoFar(options, options.preparation);
  await store.startRun({ id: runId, startedAt: ctx.until, dryRun: false });
  ctx.log.info("run.started", { until: ctx.until, dryRun: plan !== undefined });

  const stopping = () => ctx.signal?.aborted ?? false;
  try {
    // The run lock's own renewal, asked before every write (run-lock.ts `heartbeat`): a run whose lease ran
    // out while its process stalled learns here that another holds the store, and stops before its next write.
    ctx.heartbeat = lease.heartbeat;
    const funnel = options.funnel;
    const state = newFunnelRunState();
    // An org without the disposition reason field still takes verdicts, with the map's reasons.
    if (funnel) ctx.fieldsLeftOut = fieldsTheCrmLacks(ctx, funnel);
    if (funnel && !funnel.crmIsMarketing) ctx.scoresCrmRecords = true;
    // Field-sync writes an earlier run kept and did not send (it stopped or crashed) go first: this run
    // may merge their records again, and the merge takes the snapshots for what the records hold. The
    // signpost moves past them, so what else changed on those records is still read by this run.
    if ((await store.listOutbox({ phase: FIELD_SYNC_PHASE, limit: 1 })).length > 0) {
      startPhase(ctx, "outbox");
      await drainOutbox(ctx, { phase: FIELD_SYNC_PHASE });
      ctx.until = now().toISOString();
    }
    // Writes refused in passing by an earlier run (a lock, a rate limit past the write's patience), or for
    // a lock that ends by itself (an approval's), go again once their backoff is over, as `errors retry`
    // sends them, so no admin has to: before the reads, as the kept writes above.
    if ((await store.listErrors({ status: "open", sentByRuns: true, limit: 1 })).length > 0) {
      startPhase(ctx, "outbox");
      await retryPassingRefusals(ctx, options.mappings);
    }
    // Before the probe, which asks each stream's window from its cursor: a pair whose mapping gained
    // fields reads its records again, so the records already linked get them too.
    await rewindForNewFields(ctx, options.mappings);
    await probeOpeningWindows(ctx, options.mappings);
    if (funnel) {
      ctx.includeInCrm = (records, mapping) => includedInCrm(ctx, funnel, state, records, mapping);
      ctx.inclusionReadsNothing = (mapping) => inclusionReadsNothing(funnel, mapping);
      ctx.followUpsEnded = (personIds, reason) => followUpsEndedBy(ctx, funnel, personIds, reason);
      startPhase(ctx, "qualification");
      // The contact sync lists the same contacts: it takes this read's pages when its cursor is the same;
      // the company sync takes the companies a first load lists for the qualification's scoring.
      const pairStream = (pair: string) => keptFor(options.mappings.filter((m) => m.pair === pair));
      // A HubSpot merge makes a new record of two contacts: its people's links and funnel state move to it
      // (removals.ts) before it is scored, or it would qualify as someone new and be handed off again.
      // With HubSpot as the CRM no pair links the contacts, but their people's state follows the merge all the same.
      const contactPair = options.mappings.find((m) => m.pair === "contact");
      const mergesFirst = contactPair
        ? () => followRemovals(ctx, "marketing", contactPair.marketingObject, contactPair)
        : funnel.crmIsMarketing
          ? () => followRemovals(ctx, "marketing", PERSON_OBJECT, null)
          : undefined;
      // Before the first load's cursor is kept: a lost store's deleted contacts come back from the bin.
      await restoreBinnedPeople(ctx);
      await qualifyPeople(ctx, funnel, state, pairStream("contact"), pairStream("company"), mergesFirst);
      // With HubSpot as the CRM no pair follows the contacts' removals: a run whose contacts did not
      // change follows them here, as a pair would every run (a contact deleted for good is learnt of
      // from a write's refusal, which no contact change announces; removals.ts `vanished`).
      if (!contactPair && funnel.crmIsMarketing && !stopping()) await followRemovals(ctx, "marketing", PERSON_OBJECT, null);
      // Before the pairs: a converted Lead's new Account is linked to the person's company before the
      // company pair reads it (it would make a second company otherwise).
      if (!stopping()) {
        startPhase(ctx, "conversions");
        await followConversions(ctx, funnel, options.mappings);
      }
    }
    // The funnel phases after the pairs read some of the same CRM objects from cursors of their own: a
    // pair's read keeps its pages for such a stream while both stand at the same place (change-groups.ts).
    const laterStreams = funnel ? await laterCrmStreams(ctx, funnel) : new Map<string, KeepFor>();
    // The funnel phases' writes wait in the outbox until the run's one drain below: no later phase reads
    // what an earlier one decided from the systems (ARCHITECTURE.md "One write path"), and a record
    // several phases write to goes out once. Written before the contact sync, qualification's writes
    // would also move the contacts past the signpost and out of this run's contact sync.
    for (const pair of PAIR_ORDER) {
      if (stopping()) break;
      const group = options.mappings.filter((m) => m.pair === pair);
      if (group.length > 0 && (await syncPair(ctx, group, funnel && { setup: funnel, state }, laterStreams))) break;
      // A first load's match index serves the marketing side's unlinked records, which the pair's sync
      // has matched by now; the company pair's stays open for the companies the contact pair brings in.
      if (!(funnel && pair === "company")) await releaseMatchIndexes(ctx, group);
      if (pair === "contact" && funnel) {
        // The people the contact pair just linked bring their companies (the company pair ran before).
        const companies = options.mappings.filter((m) => m.pair === "company");
        if (companies.length > 0) await syncNewlyIncluded(ctx, companies, { setup: funnel, state });
        await releaseMatchIndexes(ctx, companies);
        await qualifyCreatedPeople(ctx, funnel, state);
        startPhase(ctx, "handoff");
        await handOff(ctx, funnel, state);
        startPhase(ctx, "history");
        await fillRepLeadHistory(ctx, funnel, state);
      }
    }
    // A stopped run's indexes too (the next run's first match would empty them).
    await releaseMatchIndexes(ctx, options.mappings);
    if (funnel && !stopping()) {
      startPhase(ctx, "dispositions");
      await readDispositions(ctx, funnel, options.mappings, state.read);
    }
    if (funnel && !stopping()) {
      startPhase(ctx, "deals");
      await followDeals(ctx, funnel, state, options.mappings);
    }
    if (funnel && !stopping()) {
      startPhase(ctx, "sla");
      await followUpSla(ctx, funnel);
    }
    // The last stream that could take a kept read has read (a stopped run's are of no use either).
    await releaseKeptReads(ctx);
    // Everything the phases decided (and a stopped run's leftovers from before) goes out now, each record
    // once, in full batches; a stopped run leaves it in the outbox for the next.
    if (!stopping()) {
      startPhase(ctx, "outbox");
      await drainOutbox(ctx);
    }
    if (!stopping() && options.auditRetentionDays !== undefined) {
      const before = new Date(now().getTime() - options.auditRetentionDays * DAY_MS).toISOString();
      const pruned = await store.pruneAudit(before);
      if (pruned > 0) ctx.log.info("audit.pruned", { rows: pruned, before });
    }
    // Written values older than the loop hold's window can no longer make a loop (core/write-loop.ts).
    if (!stopping()) {
      await store.pruneWrittenValues(new Date(now().getTime() - LOOP_WINDOW_HOURS * 3_600_000).toISOString());
      // What the prunes (and the emptied match index) freed leaves the file, so retention shrinks it.
      const released = await store.releaseFreePages();
      if (released > 0) ctx.log.info("store.pages_released", { bytes: released });
    }
    ctx.summary.status = stopping() ? "stopped" : "succeeded";
  } catch (caught) {
    if (caught instanceof StoppedBeforeCall && stopping()) {
      // A step that would have called a system after the stop: the run stops there, as it would after
      // the batch in hand, with what it committed so far; the step's work is the next run's.
      ctx.log.info("run.stopping", { reason: "signal", before: caught.operation });
      ctx.summary.status = "stopped";
      return { summary: ctx.summary, plan: plan ?? [] };
    }
    const err = namingMappingFiles(caught, options.mappings);
    ctx.summary.status = "failed";
    ctx.summary.failure = err instanceof Error ? err.message : String(err);
    // Not logged here: the caller says it once, `sync` on stderr and in `run.failed`, the daemon in
    // `daemon.run_failed` with when it tries again (run.finished below carries the status).
    if (typeof err === "object" && err !== null) failedRuns.set(err, ctx.summary);
    throw err;
  } finally {
    ctx.summary.finishedAt = now().toISOString();
    addCalls(ctx, calls0);
    await countOpenErrorsInto(ctx.summary, store);
    await store.finishRun(runId, {
      finishedAt: ctx.summary.finishedAt,
      status: ctx.summary.status,
      summary: ctx.summary,
    });
    await lease.release();
    // What the run did, in the one line a daemon's log has per run (a daemon prints no summary): the
    // counts `sync` prints, then the routine per-record events (debug) counted.
    const { status, read, created, updated, errors, openErrors, handoffs, apiCalls, authCalls } = ctx.summary;
    ctx.log.info("run.finished", {
      status,
      read,
      created,
      updated,
      errors,
      openErrors,
      handoffs,
      apiCalls,
      authCalls,
      durationMs: Date.parse(ctx.summary.finishedAt) - Date.parse(ctx.summary.startedAt),
      events: routine.counts(),
    });
  }
  return { summary: ctx.summary, plan: plan ?? [] };
}

/** The marketing side's stream of a pair, for a read that keeps its pages for that stream. */
function keptFor(group: readonly ObjectMapping[]): KeepFor | undefined {
  return group.length > 0 ? { cursorObject: group[0]!.marketingObject, fields: marketingFields(group) } : undefined;
}

/** The funnel's streams after the pairs that read a CRM object a pair reads too, by that object. */
async function laterCrmStreams(ctx: RunContext, setup: FunnelSetup): Promise<Map<string, KeepFor>> {
  const streams = [outcomesStream(setup), ...(await ownersStreams(ctx, setup))].filter((s) => s !== null);
  return new Map(streams.map((s) => [s.object, s.keepFor]));
}

/** Syncs one object pair both ways; true when the run was asked to stop. */
async function syncPair(
  ctx: RunContext,
  group: ObjectMapping[],
  funnel?: { setup: FunnelSetup; state: FunnelRunState },
  laterStreams: ReadonlyMap<string, KeepFor> = new Map(),
): Promise<boolean> {
  const marketingObject = group[0]!.marketingObject;
  // Deletions and merges first: a merged record's link moves to the survivor before the survivor's own
  // changes are read, so the survivor is not taken for a new, unlinked record.
  await followRemovals(ctx, "marketing", marketingObject, group[0]!);
  for (const mapping of group) await followRemovals(ctx, "crm", mapping.crmObject, mapping);
  // Before the read saves the marketing object's cursor: the records the pair brings in after it are
  // still a first load's, matched from the same index.
  await openMatchIndexes(ctx, group);
  const marketingRead = marketingFields(group);
  const stopped = await readSide(ctx, "marketing", marketingObject, marketingRead, group);
  if (!stopped && funnel) await syncNewlyIncluded(ctx, group, funnel);
  if (stopped) return true;
  // Objects that convert (Lead) go before their targets (Contact), so a conversion moves the link first.
  const crmOrder = [...group].sort((a, b) => Number(Boolean(b.conversion)) - Number(Boolean(a.conversion)));
  for (const mapping of crmOrder) {
    if (await readSide(ctx, "crm", mapping.crmObject, crmFields(mapping), group, laterStreams.get(mapping.crmObject))) return true;
  }
  return false;
}

/** Companies and deals of this run's new MQLs and newly linked people, excluded when last read. */
async function syncNewlyIncluded(
  ctx: RunContext,
  group: ObjectMapping[],
  funnel: { setup: FunnelSetup; state: FunnelRunState },
): Promise<void> {
  const object = group[0]!.marketingObject;
  // A first load brings in tens of thousands of companies this way (a 1M load's 75,098 Accounts): their
  // creates are held across the pages as a stream's are, past the bulk threshold as jobs (held-creates.ts).
  const creates = new HeldCreates((ctx.heldCreates ??= new Map()));
  for await (const { records, last } of newlyIncludedPages(ctx, funnel.setup, funnel.state, group[0]!, marketingFields(group))) {
    if (records.length === 0 && !last) continue;
    await syncPage(ctx, { source: "marketing", object, mappings: group, records, creates, last });
    if (records.length > 0) ctx.log.debug("inclusion.page", { object, records: records.length });
  }
}

async function readSide(
  ctx: RunContext,
  side: "marketing" | "crm",
  object: string,
  fields: string[],
  mappings: ObjectMapping[],
  keepFor?: KeepFor,
): Promise<boolean> {
  const system = side === "marketing" ? ctx.marketing : ctx.crm;
  startPhase(ctx, `${system.system} ${object}`);
  let read = 0;
  const creates = new HeldCreates((ctx.heldCreates ??= new Map()));
  return readChangeGroups(
    ctx,
    {
      system,
      object,
      fields,
      cursorObject: object,
      startWhenNew: null,
      // Echoes ride with the group without filling it, so groups (and write batches) fill with records that need a write.
      pending: pendingRecords(ctx, side, mappings),
      ...(keepFor ? { keepFor } : {}),
      endsWithGroup: true,
    },
    async (group) => {
      read += group.records.length;
      await syncPage(ctx, {
        source: side,
        object,
        mappings,
        records: group.records,
        cursor: group.cursor,
        creates,
        last: group.last === true,
        ...(group.stream ? { stream: group.stream } : {}),
      });
      ctx.onProgress?.({ phase: `${system.system} ${object}`, read: group.records.length, written: 0 });
      ctx.log.debug("batch.applied", { system: system.system, object, records: group.records.length, read });
    },
  );
}

/** Tells the progress display a phase began, so its writes count under it even before it reads. */
function startPhase(ctx: RunContext, phase: string): void {
  ctx.onProgress?.({ phase, read: 0, written: 0 });
}
