// The port each external system implements (HubSpot, Salesforce): read changes from a cursor, read by
// ids, find by a match key, write batches, describe objects, read removals. The engine sees only this.

import type { ObjectDescription } from "../core/object-schema.js";
import type { FieldChange, FieldValues, SourceRecord } from "../core/records.js";
import type { ErrorClass } from "../store/port.js";

/** A position in a system's change stream: compound (modstamp, id) so ties are never skipped. */
export interface ChangeCursor {
  modifiedAt: string;
  lastId: string | null;
}

export interface ChangePage {
  records: SourceRecord[];
  /** Position after this page: reading again from it never skips a record (it may repeat some). */
  cursor: ChangeCursor;
  /**
   * Records the read still holds from this page's first on, this page's included, where the system's
   * answer says (a HubSpot search's `total`): how large a first load is, known from its first page.
   */
  remaining?: number;
}

/** One value a field held, and when it was set. */
export interface FieldValueSet {
  value: string | null;
  at: string;
  /**
   * The value this setting replaced, where the history says (Salesforce's OldValue): the oldest setting's
   * tells what the record held before any change the history keeps (its value at creation, say).
   */
  replaced?: string | null;
  /**
   * Whether the user this connection runs as made the setting (leadloop's own write): Salesforce's
   * CreatedById against the running user (UserInfo). Absent where the system does not say.
   */
  byOwnWrite?: boolean;
}

export interface RecordWrite {
  /** Caller's key for this write, echoed in its outcome. */
  ref: string;
  /** The record to update; absent for a create. */
  id?: string;
  fields: FieldValues;
  /**
   * For a create: upsert on this unique field (HubSpot `email`, a Salesforce external id such as
   * `HubSpot_Contact_Id__c`) so a create retried after a crash updates instead of duplicating.
   */
  upsertOn?: string;
  /**
   * Records to associate a created record with (HubSpot associations, e.g. a task to its contact).
   * Salesforce expresses these as lookup fields (WhoId) in `fields` instead.
   */
  associations?: { object: string; id: string }[];
}

/** How one write call is sent (SystemPort.write). */
export interface WriteOptions {
  /**
   * The drain found more than `bulkThreshold` writes of this object and operation pending: send these as
   * bulk jobs when they are more than one batch of the system's maximum (a handful of calls per job
   * instead of one per batch); fewer, as that one batch. Ignored by a system without bulk writes.
   */
  bulk?: boolean;
  /**
   * Called while a bulk job is waited for, between polls: the run lock's renewal (`RunContext.heartbeat`),
   * so a job that outlasts the lease keeps the run's lock, and one whose lock another run took stops here.
   */
  waiting?: () => Promise<void>;
  /**
   * The run's stop (SIGTERM, Ctrl-C): a bulk job being waited for is left to finish on the system, and
   * the write ends with StoppedBeforeCall, nothing more sent; its records stay in the outbox for the next run.
   */
  stop?: AbortSignal;
  /**
   * The caller sends a bulk job's writes the job did not save again itself, outside a job, gathering several
   * jobs' into full calls (outbox/drain.ts, held-creates.ts): they come back as `outsideJob` failures
   * instead of going again at once, a call per job.
   */
  outsideJobLater?: boolean;
}

export interface RecordFailure {
  errorClass: ErrorClass;
  /** The system's code: DUPLICATES_DETECTED, VALIDATION_ERROR, REQUIRED_FIELD_MISSING ... */
  code: string;
  message: string;
  fields?: string[];
  /**
   * The system refuses the record whatever values a write carries (its owner left: Salesforce
   * INACTIVE_OWNER_OR_USER): entries combined into the write are not sent again one by one (outbox/drain.ts).
   */
  ofRecord?: true;
  /**
   * The record is locked by a process of the system that ends by itself hours or days later (a Salesforce
   * approval: ENTITY_IS_LOCKED): not tried again within the call, but by the runs after their backoff
   * (store/port.ts `sentAgainByRuns`).
   */
  lastingLock?: true;
  /**
   * The system never reached this record: a Bulk API 2.0 job ended (Failed, Aborted) before it (Salesforce's
   * "unprocessed records"). Nothing was written, so it is no refusal: the drain leaves the entries a run
   * decided pending for the next run, with no error-queue entry, and queues those an earlier run decided
   * as a refusal in passing, the runs' to send again. A refusal in passing (`transient`) to any other caller.
   */
  unprocessed?: true;
  /**
   * A complete bulk job did not save this write (a Salesforce row in its failed results). Nothing was
   * written; sent again outside a job (a plain batch of the system's API) it gets its own answer: an update
   * saves past a duplicate rule's alert, which no job can (Bulk API 2.0 takes no Duplicate Rule Header),
   * any other refusal is the record's own. Given only to a caller that asked to send these itself
   * (WriteOptions.outsideJobLater); the adapter sends them again for any other.
   */
  outsideJob?: true;
}

/**
 * How an error-queue entry names a refusal: the system's code and message, the fields it named and whose
 * record it was, the same whichever path met it (a page's write, the drain, a retry's attempt).
 */
export function refusalMessage(failure: RecordFailure, about: string | null | undefined): string {
  const fields = failure.fields?.length ? ` (fields: ${failure.fields.join(", ")})` : "";
  return aboutRecord(`${failure.code}: ${failure.message}${fields}`, about);
}

/**
 * An error-queue message ending with whom it is about (`[email]` for a person, `[name]` for a company),
 * as every such entry ends, whichever phase queued it: `errors list` names who an entry is about.
 */
export function aboutRecord(message: string, about: string | null | undefined): string {
  return about ? `${message} [${about}]` : message;
}

export type WriteOutcome =
  | { ref: string; ok: true; id: string; created: boolean }
  | { ref: string; ok: false; error: RecordFailure };

/** A record that went away: deleted, or merged into another (which now carries its data). */
export interface Removal {
  object: string;
  id: string;
  kind: "deleted" | "merged";
  mergedInto: string | null;
  at: string;
  /**
   * What the removed record held in the field `RemovalReadOptions.stampField` named (its link stamp),
   * where the system still keeps the record (Salesforce's Recycle Bin, through queryAll); absent when
   * not asked, or the record is gone for good.
   */
  stamp?: string | null;
  /**
   * Whether the system still takes writes under the removed id: a HubSpot merge's old ids lead to the
   * record the merge made, while a deleted record, and a Salesforce merge's losing record (deleted, with
   * its MasterRecordId set), take none.
   */
  takesWrites: boolean;
}

export interface RemovalReadOptions extends CoverageListener {
  /**
   * The object's changes since the last removals read (with the adapter's own look-back) are known to
   * hold nothing: a removal the system shows only on a changed record (HubSpot's merge primary) cannot be
   * in the window, so its read is skipped.
   */
  unchanged?: boolean;
  /**
   * Where the recycle bin's window starts, for a system that lists its deletions whole (`recycleBin`):
   * null leaves the bin to a later run (recycle-bin.ts), absent reads it from `since`.
   */
  binSince?: string | null;
  /** Told how many records the recycle bin listed, when it was listed. */
  onBinListed?(records: number): void;
  /** A field each removed record's value of is read too (`Removal.stamp`): the pair's link stamp. */
  stampField?: string;
}

/** Who is told how far a read's window was covered, when the system says it answered short of it. */
export interface CoverageListener {
  /**
   * Told the instant the system's log covered when it answered short of `until`: changes or deletions
   * begun after it in transactions not yet committed were left out, so the next read must start no later
   * than it (Salesforce's getUpdated and getDeleted `latestDateCovered`). Not called when the read
   * covered the whole window.
   */
  onCoveredUntil?(instant: string): void;
}

/**
 * A system whose deletions are found by listing every record deleted in its retention (HubSpot's recycle
 * bin, `archived=true`): a call per page whatever the window, so a large bin is listed at most this often.
 */
export interface RecycleBin {
  everyMs: number;
  /**
   * The bin's records with these fields, page by page: a lost store's rebuild reads the funnel state
   * leadloop wrote on contacts deleted since (sync/funnel/binned-people.ts).
   */
  readArchived(object: string, fields: readonly string[], onPage: (records: SourceRecord[]) => Promise<void>): Promise<void>;
  /**
   * `SystemPort.fieldValues` for the bin's records (which the live read leaves out): a lost store's rebuild
   * reads the MQL dates and statuses a deleted contact held (sync/funnel/restored-requalifications.ts).
   */
  fieldValues(object: string, ids: readonly string[], fields: readonly string[]): Promise<Map<string, Record<string, FieldValueSet[]>>>;
}

/**
 * A window a run is about to read: an object's changes from a cursor instant (before the adapter's
 * look-back, as `readChanges` takes it) or its removals from `since` (as `readRemovals` takes it), up to
 * `until`.
 */
export interface ProbeWindow {
  kind: "changes" | "removals";
  object: string;
  from: string;
  until: string;
}

export interface SystemPort {
  readonly system: string;

  /**
   * Pages of records of `object` modified at or after `from` and at or before `until` (the run's
   * signpost), oldest first, in pages of the API's maximum size. The adapter may start a little before
   * `from` (HubSpot's search index lags), so a record can come twice: callers must be idempotent.
   * `from` null reads everything. Resumable from any page's cursor, which never passes what the system
   * covered; a read short of `until` tells `options.onCoveredUntil` before its first page. Throws SystemError.
   */
  readChanges(
    object: string,
    fields: readonly string[],
    from: ChangeCursor | null,
    until: string,
    options?: CoverageListener,
  ): AsyncIterable<ChangePage>;

  /**
   * Whether `text` has the form of one of this system's record ids (a Salesforce id of 15 or 18
   * characters, a HubSpot record's number). A link stamp that has not (an import's "n/a") names no record
   * at all, gone or not (stamp-restore.ts). Absent: any text may be an id.
   */
  namesRecord?(text: string): boolean;

  /** The records with these ids (missing ones are left out), fetched in batches. Throws SystemError. */
  readByIds(object: string, ids: readonly string[], fields: readonly string[]): Promise<SourceRecord[]>;

  /**
   * Records whose `field` equals one of `values`, compared without regard to case (emails, domains).
   * Throws SystemError.
   */
  findBy(
    object: string,
    field: string,
    values: readonly string[],
    fields: readonly string[],
  ): Promise<SourceRecord[]>;

  /**
   * Writes in batches of the system's maximum (HubSpot 100, Salesforce 200); one outcome per input in
   * input order. A record the system refuses is a failed outcome, never an exception: the rest of its
   * batch goes on. Throws SystemError only when the call itself fails after retries.
   */
  write(object: string, writes: readonly RecordWrite[], options?: WriteOptions): Promise<WriteOutcome[]>;

  /**
   * Pending writes of one object and operation above which the drain sends them as bulk jobs (`WriteOptions.bulk`)
   * rather than batches of the system's maximum: Salesforce's `sync.bulkThreshold` (Bulk API 2.0). Absent: the
   * system has no bulk write (HubSpot), and its writes go in batches whatever their number.
   */
  readonly bulkThreshold?: number;

  /**
   * When these fields' current values were set on these records (by record id, then field name): from
   * the field's own history where the system keeps one (HubSpot property history, Salesforce field
   * history of a tracked field), else from the record's last edit (Salesforce LastModifiedDate). A record
   * or field the system tells nothing of is left out. Costs calls, so the engine asks only for the records
   * and fields of a `most_recent` conflict. Reads only: safe to repeat. Throws SystemError.
   */
  fieldChanges(
    object: string,
    ids: readonly string[],
    fields: readonly string[],
  ): Promise<Map<string, Record<string, FieldChange>>>;

  /**
   * The values these fields held on these records (by record id, then field), newest first, each with when
   * it was set (blank as null), where the system keeps each field's history (HubSpot property history,
   * Salesforce field history of a tracked field), read together; a record it keeps none for is left out,
   * and so is a field without history. Costs calls: asked only after a lost store, for what the record no
   * longer shows (restored-touches.ts, restored-requalifications.ts). Reads only: safe to repeat. Throws SystemError.
   */
  fieldValues?(object: string, ids: readonly string[], fields: readonly string[]): Promise<Map<string, Record<string, FieldValueSet[]>>>;

  describe(object: string): Promise<ObjectDescription>;

  /**
   * Values the system gives a record of `object` it creates, for fields the write leaves out: the
   * describe's defaults and what the system sets itself (a Salesforce record's owner is the API user,
   * with `Owner.Email`). A dry run answers its creates with them. Throws SystemError.
   */
  createDefaults(object: string): Promise<FieldValues>;

  /**
   * Records of `object` deleted or merged between `since` and `until`. Throws SystemError. `known`
   * says what the run already knows of the window (RemovalReadOptions).
   */
  readRemovals(object: string, since: string, until: string, known?: RemovalReadOptions): Promise<Removal[]>;

  /** Present where deletions are listed whole (RecycleBin); absent where they come by window. */
  readonly recycleBin?: RecycleBin;

  /**
   * How far back a removals read may start, where the system keeps its deletions by window for a while
   * (Salesforce's getDeleted: a start 30 days back at most). A store with no removals cursor for a pair's CRM
   * object its mapping stamps reads that far back once (sync/removals.ts); absent, its first read starts now.
   */
  readonly removalsReachMs?: number;

  /**
   * Whether a merged-away record's id still takes writes (`Removal.takesWrites`): a HubSpot merge's old ids
   * lead to the record the merge made; a Salesforce merge deletes its losing records. Absent: none.
   */
  readonly mergedIdsTakeWrites?: boolean;

  /**
   * Ids of the `toObject` records associated with each of these records (HubSpot's associations), for
   * systems that keep relations apart from the records; Salesforce keeps them in lookup fields and
   * junction objects (AccountId, OpportunityContactRole), read like any record. Throws SystemError.
   */
  readAssociations?(object: string, ids: readonly string[], toObject: string): Promise<Map<string, string[]>>;

  /**
   * How many records of `object` there are (Salesforce `SELECT COUNT()`), so a caller can choose between
   * reading them all once and looking them up a group at a time. Absent where no call answers it cheaply.
   * Throws SystemError.
   */
  countRecords?(object: string): Promise<number>;

  /**
   * Which of these windows hold nothing, asked together in fewer calls than reading them one by one
   * (Salesforce's composite resource: one call for up to five queries and twenty getDeleted). One answer
   * per window, in order: true only when the window is known to be empty; a window it could not ask about
   * is false and is read as usual. Absent where no call answers several windows at once. Never throws.
   */
  probeWindows?(windows: readonly ProbeWindow[]): Promise<boolean[]>;

  /** API calls this adapter has made, for the run summary and benchmarks; session requests apart. */
  apiCalls(): number;

  /**
   * Requests for a session this adapter has made (Salesforce's OAuth token endpoint), counted apart from
   * `apiCalls` since no system counts them against its API limit. Absent: the adapter makes none.
   */
  authCalls?(): number;
}
