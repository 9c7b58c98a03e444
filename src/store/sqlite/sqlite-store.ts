// The SQLite implementation of the state store port: one better-sqlite3 connection per store, every
// write in a BEGIN IMMEDIATE transaction so processes sharing the file take turns instead of failing.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type Database from "better-sqlite3";
import type {
  DatedLink,
  ErrorFilter,
  BehaviourMark,
  SteadyScore,
  CachedActivity,
  StoreFact,
  MatchIndexEntry,
  MatchMiss,
  KeptPage,
  IndexedRecord,
  StoredCampaign,
  AuditEntry,
  BatchCommit,
  Cursor,
  ErrorStatus,
  FieldSnapshot,
  ErrorClass,
  FunnelEvent,
  HeldLock,
  HistoryToFill,
  Link,
  OutboxEntry,
  OutboxGroupEffect,
  OutboxPage,
  OutboxRecord,
  PendingWriteCount,
  PendingOutboxValue,
  PersonScoreRow,
  QueuedError,
  RunRecord,
  Side,
  SlaBreachRow,
  SlaClock,
  SlaClockFilter,
  SlaReassignment,
  StateStore,
  StoreSize,
  WrittenValue,
  CrmScoreMark,
} from "../port.js";
import { StoreError } from "../port.js";
import { AuditTable } from "./audit.js";
import { TextPieceTable } from "./text-pieces.js";
import { CampaignTable } from "./campaigns.js";
import { type BatchTables, writeBatch } from "./batch.js";
import { type ConnectionOptions, openConnection } from "./connection.js";
import { CursorTable } from "./cursors.js";
import { ErrorQueueTable } from "./error-queue.js";
import { toStoreError } from "./errors.js";
import { type FunnelFilter, FunnelTable } from "./funnel.js";
import { HistoryToFillTable } from "./history-to-fill.js";
import { LinkReadCache } from "./link-read-cache.js";
import { LinkTable } from "./links.js";
import { LockTable } from "./locks.js";
import { MatchIndexTable } from "./match-index.js";
import { KeptDescriptionTable } from "./kept-descriptions.js";
import type { KeptDescription } from "../../sync/kept-descriptions.js";
import { MatchMissTable } from "./match-misses.js";
import { OutsideJobRecordTable } from "./outside-job-records.js";
import { MergedPeopleTable } from "./merged-people.js";
import { KeptReadTable } from "./kept-reads.js";
import { migrate } from "./migrations.js";
import { NameTable } from "./names.js";
import { OtherCommits } from "./other-commits.js";
import { type OutboxFilter, OutboxTable } from "./outbox.js";
import { BehaviourCacheTable } from "./behaviour-cache.js";
import { type PersonScoreFilter, PersonScoreTable } from "./person-scores.js";
import { RoundRobinTable } from "./round-robin.js";
import { RunTable } from "./runs.js";
import { SlaTable } from "./sla.js";
import { SnapshotTable } from "./snapshots.js";
import { Statements } from "./statements.js";
import { storeSize } from "./store-size.js";
import { LeadStatusTable, WrittenValuesTable } from "./written-values.js";
import { CrmScoreMarkTable } from "./crm-score-marks.js";
import { SteadyScoreTable } from "./steady-scores.js";

export type SqliteStoreOptions = ConnectionOptions;

/** Free pages released per transaction (8 MB of 4 KB pages): what the write-ahead log holds at most then. */
const RELEASE_STEP_PAGES = 2_048;

export class SqliteStateStore implements StateStore {
  private readonly tables: BatchTables;
  /** The store's names (names.ts), shared by the audit and the written values. */
  private readonly names: NameTable;
  private readonly pieces: TextPieceTable;
  private readonly runs: RunTable;
  private readonly locks: LockTable;
  private readonly matchIndex: MatchIndexTable;
  private readonly keptDescriptionTable: KeptDescriptionTable;
  private readonly keptReads: KeptReadTable;
  private readonly campaigns: CampaignTable;
  private closed = false;
  /** The file's device and inode when opened, to tell it from another file put at its path; null in memory. */
  private readonly opened: { dev: number; ino: number } | null;
  private readonly linkReads: LinkReadCache;
  /**
   * Transaction wrappers made once per connection, run with `.deferred` (bulk reads) or `.immediate`:
   * better-sqlite3 builds four wrapper functions each time `db.transaction` is called, which a page's
   * look-ups and commit would otherwise pay on every call.
   */
  private readonly inTransaction: Database.Transaction<(work: () => unknown) => unknown>;
  /** A write's: the caches learn of other connections' commits once, at its start (other-commits.ts). */
  private readonly inWriteTransaction: Database.Transaction<(work: () => unknown) => unknown>;

  constructor(
    private readonly db: Database.Database,
    /** The resolved path (or ":memory:"), as named in error messages. */
    readonly file: string,
    /** Run after closing: a scratch copy removes its folder. */
    private readonly onClose?: () => void,
  ) {
    this.opened = file === ":memory:" ? null : fileIdentity(file);
    const sql = new Statements(db);
    const names = new NameTable(sql);
    this.names = names;
    const dataVersion = db.prepare<[], number>("PRAGMA data_version").pluck();
    const otherCommits = new OtherCommits(() => dataVersion.get()!);
    this.inTransaction = db.transaction((work: () => unknown) => work());
    this.inWriteTransaction = db.transaction((work: () => unknown) => otherCommits.whileWriting(work));
    // One piece table for the audit's and the outbox's long values: a write's pieces are the audit's too.
    const pieces = new TextPieceTable(sql, otherCommits);
    this.pieces = pieces;
    this.tables = {
      links: new LinkTable(sql),
      snapshots: new SnapshotTable(sql, names),
      audit: new AuditTable(sql, names, pieces),
      errors: new ErrorQueueTable(sql),
      funnel: new FunnelTable(sql),
      cursors: new CursorTable(sql),
      outbox: new OutboxTable(sql, names, pieces),
      sla: new SlaTable(sql),
      personScores: new PersonScoreTable(sql),
      historyToFill: new HistoryToFillTable(sql),
      crmScoreMarks: new CrmScoreMarkTable(sql),
      steadyScores: new SteadyScoreTable(sql),
      writtenValues: new WrittenValuesTable(sql, names),
      leadStatuses: new LeadStatusTable(sql),
      behaviour: new BehaviourCacheTable(sql, otherCommits),
      matchMisses: new MatchMissTable(sql, names),
      outsideJobRecords: new OutsideJobRecordTable(sql),
      mergedPeople: new MergedPeopleTable(sql),
      roundRobin: new RoundRobinTable(sql),
    };
    this.linkReads = new LinkReadCache(otherCommits, names);
    this.runs = new RunTable(sql);
    this.locks = new LockTable(sql);
    this.matchIndex = new MatchIndexTable(sql);
    this.keptDescriptionTable = new KeptDescriptionTable(sql);
    this.keptReads = new KeptReadTable(sql);
    this.campaigns = new CampaignTable(sql);
  }

  /** Runs `work` and reports any failure as a StoreError; `action` completes "could not …". */
  private async read<T>(action: string, work: () => T): Promise<T> {
    try {
      if (this.closed) throw new StoreError(`state store ${this.file} is closed; could not ${action}`);
      return work();
    } catch (err) {
      // A failed transaction rolled back any names, behaviour details and text pieces it added; ids cached for them are void.
      this.names.forget();
      this.tables.behaviour.forgetDetails();
      this.pieces.forget();
      throw toStoreError(err, this.file, action);
    }
  }

  /** Like `read`, inside BEGIN IMMEDIATE: the write lock is taken up front, so a read-then-write is atomic. */
  private write<T>(action: string, work: () => T): Promise<T> {
    return this.read(action, () => {
      this.linkReads.clear();
      return this.inWriteTransaction.immediate(work) as T;
    });
  }

  /** Runs `work` in one read transaction, so every statement (every chunk of a bulk read) sees the same state. */
  private consistent<T>(work: () => T): T {
    return this.inTransaction.deferred(work) as T;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.close();
    } catch (err) {
      throw toStoreError(err, this.file, "close it");
    } finally {
      this.onClose?.();
    }
  }

  /** `VACUUM INTO` writes a consistent copy of the whole database in one statement (SQLite "VACUUM"). */
  async scratchCopy(): Promise<StateStore> {
    const dir = mkdtempSync(join(tmpdir(), "leadloop-dry-run-"));
    const remove = () => rmSync(dir, { recursive: true, force: true });
    const copy = join(dir, "state.db");
    try {
      await this.read("copy it for a dry run", () => this.db.prepare("VACUUM INTO ?").run(copy));
      return await openSqliteStore(copy, {}, remove);
    } catch (err) {
      remove();
      throw err;
    }
  }

  findLinkByMarketing(pair: string, marketingId: string): Promise<DatedLink | undefined> {
    return this.read("look up a link", () => this.tables.links.byMarketing(pair, marketingId));
  }

  findLinkByCrm(pair: string, crmType: string, crmId: string): Promise<DatedLink | undefined> {
    return this.read("look up a link", () => this.tables.links.byCrm(pair, crmType, crmId));
  }

  findLinksByMatchKey(pair: string, matchKey: string): Promise<DatedLink[]> {
    return this.read("look up links by match key", () => this.tables.links.byMatchKey(pair, matchKey));
  }

  // Bulk reads run in one read transaction so every chunk sees the same snapshot.
  findLinksByMarketingIds(pair: string, marketingIds: readonly string[]): Promise<Map<string, Link>> {
    return this.read("look up links", () =>
      this.linkReads.linksByIds("marketing", pair, marketingIds, (missing) =>
        this.consistent(() => this.tables.links.withSnapshotText(pair, "marketing", missing)),
      ),
    );
  }

  listLinkedSince(pair: string, since: string | null): Promise<string[]> {
    return this.read("list links made since", () => this.tables.links.linkedSince(pair, since));
  }

  findLinksByCrmIds(pair: string, crmIds: readonly string[]): Promise<Map<string, Link>> {
    return this.read("look up links", () =>
      this.linkReads.linksByIds("crm", pair, crmIds, (missing) =>
        this.consistent(() => this.tables.links.withSnapshotText(pair, "crm", missing)),
      ),
    );
  }

  findRetiredLinks(pair: string, side: Side, ids: readonly string[]): Promise<Map<string, DatedLink>> {
    return this.read("look up retired links", () =>
      this.consistent(() =>
        side === "marketing"
          ? this.tables.links.byMarketingIds(pair, ids, "retired")
          : this.tables.links.byCrmIds(pair, ids, "retired"),
      ),
    );
  }

  countLinks(pair?: string): Promise<number> {
    return this.read("count links", () => this.tables.links.count(pair));
  }

  getSnapshots(linkIds: readonly number[]): Promise<Map<number, Record<string, FieldSnapshot>>> {
    return this.read("read field snapshots", () =>
      this.linkReads.snapshotsOf(linkIds, (missing) =>
        this.consistent(() => this.tables.snapshots.forLinks(missing)),
      ),
    );
  }

  getCursor(system: string, object: string): Promise<Cursor | undefined> {
    return this.read("read a cursor", () => this.tables.cursors.get(system, object));
  }

  listCursors(): Promise<Cursor[]> {
    return this.read("list cursors", () => this.tables.cursors.list());
  }

  commitBatch(batch: BatchCommit): Promise<{ linkIds: number[]; completedGroups: string[] }> {
    return this.write(`commit a batch of run ${batch.runId}`, () => writeBatch(this.tables, batch));
  }

  listOutbox(filter?: Omit<OutboxFilter, "after">): Promise<OutboxEntry[]> {
    return this.read("read the outbox", () => this.tables.outbox.list(filter));
  }

  outboxPage(page: { after?: number; limit: number; phase?: string }): Promise<OutboxPage> {
    return this.read("read the outbox", () => this.consistent(() => this.tables.outbox.page(page)));
  }

  pendingOutboxCounts(phase?: string): Promise<PendingWriteCount[]> {
    return this.read("read the outbox", () => this.tables.outbox.pendingCounts(phase));
  }

  heldOutboxEntries(seq: number, records: readonly OutboxRecord[], phase?: string): Promise<OutboxEntry[]> {
    return this.read("read the outbox", () => this.tables.outbox.heldRecords(seq, records, phase));
  }

  pendingOutboxValues(fields: ReadonlyMap<string, string>): Promise<PendingOutboxValue[]> {
    return this.read("read the outbox", () => this.tables.outbox.pendingValues(fields));
  }

  outboxAbout(system: string, personIds: readonly string[]): Promise<OutboxEntry[]> {
    return this.read("read the outbox", () => this.tables.outbox.pendingAbout(system, personIds));
  }

  outboxGroupsCreating(groups: readonly string[]): Promise<Set<string>> {
    return this.read("read the outbox groups", () => this.tables.outbox.groupsCreating(groups));
  }

  openOutboxGroups(): Promise<Set<string>> {
    return this.read("read the outbox groups", () => this.tables.outbox.openGroups());
  }

  outboxGroupEffects(groups: readonly string[]): Promise<Map<string, OutboxGroupEffect>> {
    return this.read("read the outbox groups", () => this.tables.outbox.groupEffects(groups));
  }

  crmScoreMarks(personIds: readonly string[]): Promise<Map<string, CrmScoreMark>> {
    return this.read("read the CRM score marks", () => this.tables.crmScoreMarks.of(personIds));
  }

  listHistoryToFill(page?: { after: string | null; limit: number }): Promise<HistoryToFill[]> {
    return this.read("read the history still to fill", () => this.tables.historyToFill.list(page));
  }

  writtenValues(
    records: readonly { system: string; object: string; recordId: string }[],
    since: string,
  ): Promise<Map<string, WrittenValue[]>> {
    return this.read("read written values", () =>
      this.consistent(() => this.tables.writtenValues.since(records, since)),
    );
  }

  leadStatusesSeen(crmIds: readonly string[]): Promise<Map<string, { status: string | null; reason: string | null }>> {
    return this.read("read the lead statuses seen", () =>
      this.consistent(() => this.tables.leadStatuses.forRecords(crmIds)),
    );
  }

  listErrors(filter?: ErrorFilter): Promise<QueuedError[]> {
    return this.read("list the error queue", () => this.tables.errors.list(filter));
  }

  countOpenErrors(): Promise<{ system: string; errorClass: ErrorClass; count: number }[]> {
    return this.read("count the error queue", () => this.tables.errors.countOpen());
  }

  countOpenProblems(): Promise<{ errorClass: ErrorClass; count: number }[]> {
    return this.read("count the error queue's problems", () => this.tables.errors.countOpenProblems());
  }

  openErrorsFor(recordIds: readonly string[]): Promise<Map<string, QueuedError[]>> {
    return this.read("read the error queue", () =>
      this.consistent(() => this.tables.errors.openFor(recordIds)),
    );
  }

  getError(id: number): Promise<QueuedError | undefined> {
    return this.read("read an error queue entry", () => this.tables.errors.get(id));
  }

  recordErrorAttempt(id: number, message: string, at: string): Promise<void> {
    return this.write(`record a retry of error ${id}`, () =>
      this.tables.errors.recordAttempt(id, message, at),
    );
  }

  setErrorStatus(id: number, status: ErrorStatus, at: string): Promise<void> {
    return this.write(`mark error ${id} ${status}`, () => this.tables.errors.setStatus(id, status, at));
  }

  pruneAudit(before: string): Promise<number> {
    return this.write("prune the audit log", () => this.tables.audit.pruneBefore(before));
  }

  /**
   * Gives the free pages back RELEASE_STEP_PAGES at a time, each step its own transaction followed by a
   * checkpoint: the pages a step moves down the file pass through the write-ahead log, so the log holds
   * one step's worth and the file shrinks as it goes (in one step, a 1M first load's release put about 165 MB
   * in the log while the file was at its largest).
   */
  releaseFreePages(): Promise<number> {
    return this.read("release free pages", () => {
      const free = () => Number(this.db.pragma("freelist_count", { simple: true }));
      const before = free();
      if (before === 0 || Number(this.db.pragma("auto_vacuum", { simple: true })) !== 2) return 0;
      let left = before;
      while (left > 0) {
        this.inTransaction.immediate(() => this.db.pragma(`incremental_vacuum(${RELEASE_STEP_PAGES})`));
        // PASSIVE never waits for another connection's reader; what it cannot copy yet waits for the next.
        this.db.pragma("wal_checkpoint(PASSIVE)");
        const now = free();
        if (now >= left) break;
        left = now;
      }
      return (before - left) * Number(this.db.pragma("page_size", { simple: true }));
    });
  }

  listAudit(recordIds: readonly string[], limit?: number): Promise<AuditEntry[]> {
    return this.read("read the audit log", () =>
      this.consistent(() => this.tables.audit.list(recordIds, limit)),
    );
  }

  size(): Promise<StoreSize> {
    return this.read("measure its size", () =>
      this.consistent(() => storeSize(this.db, this.file)),
    );
  }

  startRun(run: { id: string; startedAt: string; dryRun: boolean }): Promise<void> {
    return this.write(`start run ${run.id}`, () => this.runs.start(run));
  }

  finishRun(id: string, outcome: { finishedAt: string; status: string; summary: unknown }): Promise<void> {
    return this.write(`finish run ${id}`, () => this.runs.finish(id, outcome));
  }

  closeAbandonedRuns(at: string): Promise<string[]> {
    return this.write("close abandoned runs", () => this.runs.closeAbandoned(at));
  }

  listRuns(limit: number): Promise<RunRecord[]> {
    return this.read("list runs", () => this.runs.list(limit));
  }

  acquireLock(name: string, holder: string, now: string, ttlMs: number): Promise<boolean> {
    return this.write(`take the ${name} lock`, () => this.locks.acquire(name, holder, now, ttlMs));
  }

  renewLock(name: string, holder: string, now: string, ttlMs: number): Promise<boolean> {
    return this.write(`renew the ${name} lock`, () => this.locks.renew(name, holder, now, ttlMs));
  }

  detached(): string | undefined {
    if (this.opened === null) return undefined;
    const now = fileIdentity(this.file);
    if (now === null) return `the state store file ${this.file} was deleted while this process had it open`;
    if (now.dev !== this.opened.dev || now.ino !== this.opened.ino)
      return `the state store file ${this.file} was replaced by another file while this process had it open`;
    return undefined;
  }

  releaseLock(name: string, holder: string): Promise<boolean> {
    return this.write(`release the ${name} lock`, () => this.locks.release(name, holder));
  }

  pruneWrittenValues(before: string): Promise<number> {
    return this.write("prune written values", () => this.tables.writtenValues.prune(before));
  }

  lockHolder(name: string): Promise<HeldLock | undefined> {
    return this.read(`read the ${name} lock`, () => this.locks.holder(name));
  }

  listFunnelEvents(filter?: FunnelFilter): Promise<FunnelEvent[]> {
    return this.read("list funnel events", () => this.tables.funnel.list(filter));
  }

  countFunnelEvents(): Promise<{ stage: string; cause: string; fromStage: string | null; count: number }[]> {
    return this.read("count funnel events", () => this.tables.funnel.counts());
  }

  currentStages(personIds: readonly string[]): Promise<Map<string, string>> {
    return this.read("read funnel stages", () =>
      this.consistent(
        () => new Map([...this.tables.funnel.latestEvents(personIds)].map(([id, e]) => [id, e.stage])),
      ),
    );
  }

  slaClockDecisions(clocks: readonly { personId: string; handoffAt: string }[]): Promise<Map<string, string>> {
    return this.read("read the decisions after the handoffs", () => this.tables.funnel.movesAfter(clocks));
  }

  latestEvents(personIds: readonly string[]): Promise<Map<string, { stage: string; at: string; cause: string; amount: number | null }>> {
    return this.read("read funnel stages", () =>
      this.consistent(() => this.tables.funnel.latestEvents(personIds)),
    );
  }

  restoredWinsAwaitDeals(): Promise<boolean> {
    return this.read("read the restored wins", () => this.tables.funnel.restoredWinsAwaitDeals());
  }

  upsertSlaClock(clock: SlaClock): Promise<void> {
    return this.write(`save the SLA clock of ${clock.personId}`, () => this.tables.sla.upsert(clock));
  }

  listSlaClocks(filter?: SlaClockFilter): Promise<SlaClock[]> {
    return this.read("list SLA clocks", () =>
      this.db.transaction(() => this.tables.sla.list(filter)).deferred(),
    );
  }

  listSlaReassignments(filter: { personIds: readonly string[] }): Promise<SlaReassignment[]> {
    return this.read("list the SLA clocks reassigned in the CRM", () => this.tables.sla.reassignments(filter.personIds));
  }

  listReplacedSlaClocks(filter?: { personIds?: readonly string[] }): Promise<SlaClock[]> {
    return this.read("list the SLA clocks later handoffs replaced", () => this.tables.sla.replaced(filter));
  }

  earliestSlaHandoff(): Promise<string | null> {
    return this.read("read the earliest handoff", () => this.tables.sla.earliestHandoff());
  }

  openSlaClockObjects(): Promise<Map<string, string>> {
    return this.read("read the objects of open follow-up clocks", () => this.tables.sla.openClockObjects());
  }

  mqlsSince(from: string): Promise<{ personId: string; mqlAt: string }[]> {
    return this.read("read the MQLs since a time", () => this.tables.funnel.mqlsSince(from));
  }

  listSlaBreaches(filter?: { ownerId?: string }): Promise<SlaBreachRow[]> {
    return this.read("list SLA breaches", () => this.tables.sla.listBreaches(filter));
  }

  savePersonScores(rows: readonly PersonScoreRow[]): Promise<void> {
    return this.write("save person scores", () => {
      for (const row of rows) this.tables.personScores.save(row);
    });
  }

  listPersonScores(filter?: PersonScoreFilter): Promise<PersonScoreRow[]> {
    return this.read("list person scores", () => this.tables.personScores.list(filter));
  }

  leadOwnerEmails(): Promise<string[]> {
    return this.read("list the owners of leads", () => [
      ...new Set([...this.tables.personScores.ownerEmails(), ...this.tables.sla.breachOwnerEmails()]),
    ]);
  }

  roundRobinNext(queue: string): Promise<number | undefined> {
    return this.read(`read round-robin queue ${queue}`, () => this.tables.roundRobin.next(queue));
  }
  listBehaviour(ownerKeys: readonly string[], since: string): Promise<CachedActivity[]> {
    return this.read("read cached behaviour", () => this.tables.behaviour.list(ownerKeys, since));
  }

  behaviourMarks(personIds: readonly string[]): Promise<Map<string, BehaviourMark>> {
    return this.read("read behaviour marks", () => this.tables.behaviour.marks(personIds));
  }

  steadyScores(personIds: readonly string[]): Promise<Map<string, SteadyScore>> {
    return this.read("read steady scores", () => this.tables.steadyScores.of(personIds));
  }

  getFact(name: string): Promise<StoreFact | undefined> {
    return this.read(`read fact ${name}`, () => this.tables.behaviour.fact(name));
  }

  keptDescriptions(configKey: string, since: string): Promise<KeptDescription[]> {
    return this.read("read the kept descriptions", () => this.keptDescriptionTable.list(configKey, since));
  }

  keepDescriptions(
    configKey: string,
    learned: readonly KeptDescription[],
    forgotten: readonly { system: string; object: string }[],
    at: string,
  ): Promise<void> {
    return this.write("keep the systems' descriptions", () => this.keptDescriptionTable.keep(configKey, learned, forgotten, at));
  }

  addToMatchIndex(crmObject: string, entries: readonly MatchIndexEntry[]): Promise<void> {
    return this.write(`index ${crmObject} records for matching`, () => this.matchIndex.add(crmObject, entries));
  }

  findInMatchIndex(crmObject: string, keys: readonly string[]): Promise<IndexedRecord[]> {
    return this.read(`look up ${crmObject} match keys`, () => this.matchIndex.find(crmObject, keys));
  }

  clearMatchIndex(crmObject: string): Promise<void> {
    return this.write(`empty the ${crmObject} match index`, () => this.matchIndex.clear(crmObject));
  }

  keepReadPages(key: string, pages: readonly KeptPage[]): Promise<void> {
    return this.write("keep a change read's pages", () => this.keptReads.add(key, pages));
  }

  takeKeptReadPages(key: string, limit: number): Promise<KeptPage[]> {
    return this.write("take a kept change read's pages", () => this.keptReads.take(key, limit));
  }

  dropKeptReads(): Promise<void> {
    return this.write("empty the kept change reads", () => this.keptReads.clear());
  }

  matchMisses(pair: string, marketingIds: readonly string[]): Promise<Map<string, MatchMiss>> {
    return this.read(`read the ${pair} match notes`, () => this.tables.matchMisses.find(pair, marketingIds));
  }

  outsideJobRecords(system: string, recordIds: readonly string[]): Promise<Set<string>> {
    return this.read("read the records bulk jobs did not save", () => this.tables.outsideJobRecords.of(system, recordIds));
  }

  saveCampaigns(campaigns: readonly StoredCampaign[]): Promise<void> {
    return this.write("save campaigns", () => {
      for (const c of campaigns) this.campaigns.save(c);
    });
  }

  listCampaigns(filter?: { origin?: StoredCampaign["origin"] }): Promise<StoredCampaign[]> {
    return this.read("list campaigns", () => this.campaigns.list(filter));
  }
}

/** The device and inode of the file at `path`; null when there is none. */
function fileIdentity(path: string): { dev: number; ino: number } | null {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat === undefined ? null : { dev: stat.dev, ino: stat.ino };
}

/**
 * Opens (creating when missing, with its directory) and migrates the SQLite store at `path`; ":memory:"
 * gives a private in-memory store.
 */
export async function openSqliteStore(
  path: string,
  options: SqliteStoreOptions = {},
  onClose?: () => void,
): Promise<SqliteStateStore> {
  const file = path === ":memory:" ? path : resolve(path);
  let db: Database.Database | undefined;
  try {
    db = openConnection(file, options);
    migrate(db, file);
    return new SqliteStateStore(db, file, onClose);
  } catch (err) {
    db?.close();
    throw toStoreError(err, file, "open it");
  }

}
