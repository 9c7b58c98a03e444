// The state store port: everything leadloop remembers between runs. The engine depends on this
// interface only; SQLite implements it today and a PostgreSQL store can sit beside it.
//
// Error behaviour: every method rejects with `StoreError` on an I/O or constraint failure, never with a
// driver error. Methods are not retried by the store; a rejected `commitBatch` wrote nothing.

import type { DueField, SlaTerms } from "../core/sla/index.js";
import type { KeptDescription } from "../sync/kept-descriptions.js";

/** Which side of the loop a record lives on. */
export const SIDES = ["marketing", "crm"] as const;
export type Side = (typeof SIDES)[number];

/** A link pairs one marketing record with one CRM record for one mapping pair (e.g. "contact"). */
export interface Link {
  id: number;
  /** The mapping pair the link belongs to, e.g. "contact", "company", "deal". */
  pair: string;
  marketingType: string;
  marketingId: string;
  /** Lead, Contact, Account, Opportunity, or a HubSpot CRM object type. */
  crmType: string;
  crmId: string;
  /** Normalised match key (email, domain) the link was made on, if any. */
  matchKey: string | null;
  status: "active" | "retired";
  retiredReason: string | null;
}

/**
 * A link with when it was made and last synced: what the look-ups of single links give (`explain` shows
 * them). A page's bulk look-ups leave the times out: no sync reads them, and making their text was a
 * ninth of the page's link read statement (ARCHITECTURE.md "One group of records").
 */
export interface DatedLink extends Link {
  createdAt: string;
  updatedAt: string;
}

/** The last value synced on each side for one linked field: the base of the three-way merge. */
export interface FieldSnapshot {
  /** Value as last read from or written to the marketing record (string form, null for blank). */
  marketing: string | null;
  /** Value as last read from or written to the CRM record. */
  crm: string | null;
  syncedAt: string;
}

/** A snapshot to store: its `syncedAt`, when absent, is the time of the batch that writes it. */
export type SnapshotWrite = Omit<FieldSnapshot, "syncedAt"> & { syncedAt?: string };

/** A link to create or update, with the snapshots to replace for the fields named. */
export interface LinkWrite {
  pair: string;
  marketingType: string;
  marketingId: string;
  crmType: string;
  crmId: string;
  /** Absent: an existing link keeps its stored key; null clears it. */
  matchKey?: string | null;
  /** Field name (as in the mapping) → its new snapshot. Fields not named keep their snapshot. */
  snapshots?: Record<string, SnapshotWrite>;
  /**
   * Written retired, with this reason, never active: a link known only as one a removal ended (a store
   * with no removals cursor reads a deleted record whose stamp names a marketing record, sync/removals.ts),
   * kept so `findRetiredLinks` tells the record's side not to re-create it. No active link is touched.
   */
  retired?: string;
  /**
   * The id of the active link the writer read for these records, when it had one: the store settles a
   * link that still holds exactly these records and key by this id. A hint only: a link that changed
   * since is upserted as if it were absent.
   */
  linkId?: number;
}

/** What one commit did to a round-robin queue: where its next turn is, and how many turns it took. */
export interface RoundRobinTurns {
  queue: string;
  next: number;
  taken: number;
}

export interface Cursor {
  system: string;
  object: string;
  /** The modstamp reached (ISO-8601). */
  value: string;
  /** The id of the last record at `value`, for compound (modstamp, id) cursors. */
  lastId: string | null;
  updatedAt: string;
}

export const ERROR_CLASSES = [
  "config",
  "auth",
  "transient",
  "rate_limited",
  "data",
  "conflict",
  "bug",
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/**
 * The classes of a refusal in passing: the system's state or load, not the record's values or absence.
 * A record refused so is written again by itself (systems/passing-refusals.ts within the call's patience,
 * else the next runs: `sentAgainByRuns`), its error-queue entry resolved when the write lands.
 */
export const PASSING_CLASSES: ReadonlySet<ErrorClass> = new Set<ErrorClass>(["transient", "rate_limited"]);

/**
 * Whether sync runs send a refused write again by themselves, with the backoff of core/passing-backoff.ts
 * (sync/retry-errors.ts `retryPassingRefusals`): a refusal in passing (PASSING_CLASSES, which its call
 * also tries again for half a minute), or one of a lock its system ends by itself hours or days later
 * (`lastingLock`: Salesforce's approval lock, RecordFailure.lastingLock), which that half minute would
 * not outlast. The rest wait for the record to change or for a person (an owner who left).
 */
export function sentAgainByRuns(refusal: { errorClass: ErrorClass; lastingLock?: boolean }): boolean {
  return PASSING_CLASSES.has(refusal.errorClass) || refusal.lastingLock === true;
}

export const ERROR_STATUSES = ["open", "resolved", "discarded"] as const;
export type ErrorStatus = (typeof ERROR_STATUSES)[number];

/** A record write a system refused, kept so it can be retried or examined. */
export interface QueuedError {
  id: number;
  runId: string;
  system: string;
  object: string;
  recordId: string | null;
  /** create, update, upsert, delete ... */
  operation: string;
  /** What was being written, as JSON, so `errors retry` can write it again. */
  payload: unknown;
  errorClass: ErrorClass;
  message: string;
  attempts: number;
  /** Whether runs send its write again by themselves, after their backoff (`sentAgainByRuns`). */
  sentByRuns: boolean;
  status: ErrorStatus;
  firstSeenAt: string;
  lastSeenAt: string;
  /** When it was last resolved or discarded; null while it was never either. */
  statusChangedAt: string | null;
}

/** Which error-queue entries `listErrors` gives. */
export interface ErrorFilter {
  status?: ErrorStatus;
  system?: string;
  limit?: number;
  afterId?: number;
  /** Only entries about these records. */
  recordIds?: readonly string[];
  /** Only entries about records of this object. */
  object?: string;
  /** Only entries last seen at or after this instant (ISO-8601). */
  seenSince?: string;
  /** Only entries whose write was about one of these people (the payload's `personId`). */
  personIds?: readonly string[];
  /** Only entries whose writes runs send again by themselves (`sentAgainByRuns`). */
  sentByRuns?: true;
}

export type NewQueuedError = Omit<
  QueuedError,
  "id" | "attempts" | "sentByRuns" | "status" | "firstSeenAt" | "lastSeenAt" | "statusChangedAt"
> & {
  at: string;
  /** Refused for a lock its system ends by itself, hours or days later (RecordFailure.lastingLock). */
  lastingLock?: boolean;
};

/** One field changed by one write, with the rule that decided it. */
export interface AuditEntry {
  runId: string;
  at: string;
  system: string;
  object: string;
  recordId: string;
  operation: string;
  field: string;
  before: string | null;
  after: string | null;
  /** The rule that decided the value, e.g. "changed on marketing", "conflict: prefer_crm". */
  rule: string;
}

/** A stage change in the funnel (lead → MQL → SAL → ...). */
export interface FunnelEvent {
  /** The marketing contact id the person is known by. */
  personId: string;
  email: string | null;
  fromStage: string | null;
  toStage: string;
  at: string;
  cause: string;
  runId: string | null;
  source: string | null;
  /** The campaign's name as the event was recorded (a source drill-down, or the system campaign's name). */
  campaign: string | null;
  /**
   * Which campaign: the system's id (HubSpot campaign GUID, Salesforce Campaign Id) and where it came
   * from; the report titles the row from the store's campaigns (`listCampaigns`). Absent or null: none.
   */
  campaignId?: string | null;
  campaignOrigin?: CampaignOrigin | null;
  ownerId: string | null;
  /** Money attached to the event (an opportunity amount), if any. */
  amount: number | null;
}

/** Where a funnel event's campaign came from (ARCHITECTURE.md "Reports"). */
export type CampaignOrigin = "hubspot-campaign" | "salesforce-campaign" | "source-property";

/** A campaign as its system keeps it: a HubSpot campaign or a Salesforce Campaign, read by the funnel phases. */
export interface StoredCampaign {
  origin: Exclude<CampaignOrigin, "source-property">;
  id: string;
  name: string;
  /** HubSpot: the campaign property `hubspot.campaignTypeProperty` names; Salesforce: Campaign.Type. */
  type: string | null;
  status: string | null;
  startDate: string | null;
  endDate: string | null;
  readAt: string;
}

/** Follow-up clock of one handed-off lead. */
export interface SlaClock {
  personId: string;
  crmType: string;
  crmId: string;
  ownerId: string | null;
  handoffAt: string;
  dueAt: string;
  firstTouchAt: string | null;
  touches: number;
  breachedAt: string | null;
  /**
   * True when nothing of the handoff reached the rep: the person's CRM record was deleted before the CRM
   * accepted any of its writes (the owner, the tasks), so the deletion dropped them all. Such a clock
   * counts no handoff in the reports and shows on no board; it stays to say the record is gone (the hot
   * list) and that the person was handed off (no second handoff). Written when the handoff's group is
   * done and the CRM took none of it; read back only once the record is gone (a clock on a live record
   * runs as any). Absent for every other clock.
   */
  unreached?: true;
}

export interface SlaClockFilter {
  open?: boolean;
  unraised?: boolean;
  /** true: only clocks stopped by their CRM record's deletion (`slaClocksStoppedOn`); false: only the others. */
  gone?: boolean;
  ownerId?: string;
  /** Only clocks due at or before this time. */
  dueBy?: string;
  personIds?: readonly string[];
  crmIds?: readonly string[];
  page?: { after: string | null; limit: number };
}

/**
 * A missed follow-up SLA, one per clock (person and handoff time): raised once, kept after a reroute
 * replaces the clock, for `leadloop sla`.
 */
export interface SlaBreachRow {
  personId: string;
  handoffAt: string;
  crmType: string;
  crmId: string;
  /** The owner who missed it, and their email (as routing names reps) when known. */
  ownerId: string | null;
  ownerEmail: string | null;
  kind: string;
  dueAt: string;
  /** When the SLA was missed (the due time, or the end of the touch window). */
  breachedAt: string;
  /** When leadloop raised it. */
  raisedAt: string;
  runId: string;
  /** Who the alert task is for (a CRM owner id); null when onBreach.alert is off. */
  alertTo: string | null;
  /** The rep (email) the lead was routed to again; null without a reroute. */
  rerouteTo: string | null;
}

/** A rep's touch on a handed-off person, keyed by what it was (a status change, a logged call). */
/**
 * A clock whose lead a person reassigned in the CRM after the handoff (the record's owner read back differs
 * from the clock's, ARCHITECTURE.md "The follow-up SLA"): the clock is the new owner's from `at`.
 */
export interface SlaReassignment {
  personId: string;
  /** The clock's handoff: the clock keeps it (and its due time); only its owner changes. */
  handoffAt: string;
  fromOwnerId: string | null;
  toOwnerId: string;
  /** The new owner's email when the CRM or the routing names it, else null. */
  toEmail: string | null;
  at: string;
  runId: string;
}

export interface SlaTouch {
  personId: string;
  key: string;
  at: string;
}

/** A person's latest score, kept for the hot list and the near-qualified list. */
export interface PersonScoreRow {
  personId: string;
  email: string | null;
  name: string | null;
  score: number;
  fit: number;
  behaviour: number;
  /** The one requirement a near-qualified person misses; null when not near-qualified. */
  nearMissing: string | null;
  /** The rep the person was handed to; null keeps the owner already stored. */
  ownerEmail: string | null;
  scoredAt: string;
  /**
   * The parts `name` is made of (core `personName`), kept so a write renaming one part renames the row.
   * Given by the qualification; a row saved without them (one read back and saved again) keeps the stored ones.
   */
  nameParts?: { firstname: string | null; lastname: string | null };
}

/** What an accepted write put on a person's own contact of what their score row shows: only the fields it wrote. */
export interface PersonContactWritten {
  personId: string;
  email?: string;
  firstname?: string | null;
  lastname?: string | null;
}

/** The holder of a named lock as the store keeps it, whether or not its lease has run out. */
export interface HeldLock {
  name: string;
  holder: string;
  /** When this holder took the lock (renewals keep it). */
  acquiredAt: string;
  /** When the lease ends unless renewed; a lease in the past no longer keeps anyone out. */
  expiresAt: string;
}

/** Where a store's bytes go (`leadloop store stats`): per table, its rows and the pages it and its indexes take. */
export interface StoreSize {
  /** The database file and its write-ahead log, in bytes. */
  fileBytes: number;
  walBytes: number;
  pageSize: number;
  /** Pages on the free list: space a VACUUM would give back. */
  freeBytes: number;
  tables: { name: string; rows: number; bytes: number; indexBytes: number }[];
  /** Marketing contacts with an active link to a CRM record (pair `contact`). */
  linkedContacts: number;
  /** Contacts qualification has scored: every contact leadloop has read, linked or not. */
  scoredContacts: number;
}

export interface RunRecord {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  /** running, succeeded, failed, stopped */
  status: string;
  dryRun: boolean;
  summary: unknown;
}

/**
 * A write a phase decided and no system has accepted yet (the outbox). Kept until the system accepts it,
 * so a crash or SIGTERM at any instant resumes it; a refused one waits until it is decided again with
 * other values or retried (`errors retry`).
 */
export interface OutboxWrite {
  /** Idempotency key: deciding the same key again replaces the pending write. */
  key: string;
  /** qualification, handoff, history, disposition ... */
  phase: string;
  side: Side;
  system: string;
  object: string;
  /** The record to update; null for a create (then `upsertOn` names the unique field it upserts on). */
  recordId: string | null;
  upsertOn: string | null;
  /** Records a created record is associated with (HubSpot associations). */
  associations: { object: string; id: string }[];
  fields: { field: string; before: string | null; after: string | null; rule: string }[];
  /** The person the write is about, named in error-queue entries. */
  personId: string | null;
  email: string | null;
  /** Writes that complete together (one handoff); the group's effect applies when the last is accepted. */
  group: string | null;
  /**
   * Fields cleared in a separate, earlier request before this write sets them: HubSpot's lifecycle stage
   * only moves forward unless cleared first. Absent or empty: a plain write.
   */
  clearFirst?: string[];
  /**
   * Fields whose `before` is what the record held when the write was decided (read then, blank included):
   * sent again later (a retry), the write is stale once one of them moved since to a third value, a newer
   * decision by someone else (drain.ts `staleWrites`).
   */
  guarded?: string[];
  /**
   * A field-sync write's share of its link's snapshots: what the written record holds on `side`, per
   * snapshot key, once the system accepts the write. The page committed the link with what each record
   * held when it was read, so a re-read before the write lands is no change, and a refused write leaves
   * the change pending (ARCHITECTURE.md "One write path").
   */
  synced?: { pair: string; marketingId: string; side: Side; values: Record<string, string | null> };
  /**
   * An open task for a rep, due by the SLA clock of outbox group `clock` (its handoff or reroute): `fields`
   * say when it is due. Sent by a drain of a later run than the one that decided it, they are written for
   * the clock that drain starts (ARCHITECTURE.md "The follow-up SLA"), not the decision's.
   */
  due?: { clock: string; fields: DueField[] };
}

/** One field value an accepted outbox write put on a record. */
export interface WrittenValue {
  field: string;
  /** In the loop hold's form (core `loopValue`): a value over 40 characters is its fingerprint. */
  value: string | null;
  at: string;
}

/** The lead status last seen on a CRM record, so a status read again is not a new verdict. */
export interface LeadStatusSeen {
  crmId: string;
  status: string | null;
  /**
   * For a verdict, the reason it left on the contact (the rep's words or the map's reason), so a rep's
   * later edit of the reason alone is seen; null for a status that is no verdict, and on rows saved
   * before migration 24 (the map's reason for the status is what leadloop wrote then). With HubSpot as
   * the CRM, the blank status a closed deal leaves on its contact keeps the outcome's reason leadloop
   * wrote beside it (lineage-phase.ts followDeals).
   */
  reason?: string | null;
  at: string;
}

export interface OutboxEntry extends OutboxWrite {
  /** Its place in decision order (first decided first); `outboxPage({ after })` reads on from it. */
  seq: number;
  decidedAt: string;
  runId: string;
  /** When the system refused it; null while it is pending. */
  refusedAt: string | null;
}

/** The value a pending outbox write gives one field (`pendingOutboxValues`). */
export interface PendingOutboxValue {
  key: string;
  side: Side;
  recordId: string | null;
  value: string | null;
}

/** A record the outbox writes to: a drain asks about its other pending writes. */
export interface OutboxRecord {
  system: string;
  object: string;
  recordId: string;
}

/** How many writes the outbox holds pending for one system and object (`pendingOutboxCounts`). */
export interface PendingWriteCount {
  system: string;
  object: string;
  /** Creates: one write each. */
  creates: number;
  /** Records to update: a record's entries leave as one write. */
  updates: number;
}

/** One page of a drain's read of the outbox (`outboxPage`). */
export interface OutboxPage {
  /** The page's entries in decision order, without those of `later`'s records. */
  entries: OutboxEntry[];
  /** Records a pending write decided after the page is still to write (keys `system\u0000object\u0000recordId`). */
  later: Set<string>;
  /** The `seq` of the page's last write, left-out ones included (absent when the page is empty): the next page's `after`. */
  last?: number;
  /** Whether the page read the outbox to its end (fewer than `limit` writes). */
  end: boolean;
}

/** What a group of outbox writes does in the store once every write of it was accepted. */
export interface OutboxGroupEffect {
  /**
   * A handoff's follow-up clock starts only once the handoff is complete. Its times are the decision's
   * while the run that decided it sends the group; a later run's drain starts it anew (`slaTerms`).
   */
  slaClock?: SlaClock;
  /**
   * The SLA's terms the clock was decided under: a drain of a later run starts the clock when it sends
   * the group's due writes (`OutboxWrite.due`), due by these terms from then.
   */
  slaTerms?: SlaTerms;
  /** When a drain of a later run started the clock (its times are that drain's, not the decision's). */
  slaStartedAt?: string;
  /**
   * The CRM system the clock's record is in: the handoff reached the rep once it accepted one of the
   * group's writes; a clock whose CRM accepted none is kept `unreached`. Absent before migration 31.
   */
  crmSystem?: string;
  personScores?: PersonScoreRow[];
}

/**
 * The score and texts leadloop last decided for a person's CRM record (Salesforce Lead or Contact): a
 * handoff's, a history fill's or a re-score's. A later score is written there only when it moved from
 * this (ARCHITECTURE.md "One run", step 2).
 */
export interface CrmScoreMark {
  personId: string;
  crmType: string;
  crmId: string;
  /** What first wrote leadloop's score on the record: `handoff` or `history` (the explain's rule names it). */
  since: string;
  score: number;
  fit: number;
  behaviour: number;
  /** The reasons and the behaviour summary in core `loopValue`'s form; null when not known (an upgraded store). */
  reasons: string | null;
  summary: string | null;
  at: string;
}

/**
 * A CRM record whose score fields the history fill owes (funnel/history-fill.ts): a record a rep made
 * that was linked to a known person (no `cause`: their history is still to be written there), or:
 */
export interface HistoryToFill {
  personId: string;
  crmType: string;
  crmId: string;
  /**
   * `restored`: linked again from its stamps after the store was lost, not met for the first time: no
   * history to write, but the score leadloop wrote on the record before is to be known again
   * (restored-score-marks.ts). `converted`: the Contact a converted Lead became, which takes the score
   * leadloop wrote on the Lead.
   */
  cause?: "restored" | "converted";
}

/**
 * One activity in the behaviour cache: owned by a contact (`contact:<id>`, read from the events API or
 * the contact's analytics properties) or by an email address (`email:<address>`, read from a bulk source).
 */
export interface CachedActivity {
  ownerKey: string;
  id: string;
  kind: string;
  occurredAt: string;
  /** `occurredAt` as epoch milliseconds, as `listBehaviour` gives it (ScoredActivity.occurredMs); ignored by `addAll`. */
  occurredMs?: number;
  properties: Record<string, string>;
  /** Where it was read: events, properties, forms, email. */
  source: string;
}

/**
 * A person's score as it stands (store/sqlite/steady-scores.ts): the key of the inputs it was worked out
 * from (core/scoring/steady-score.ts `scoreInputsKey`) and until when it stays the same; `untilMs` null in
 * a commit drops the person's row.
 */
export interface SteadyScore {
  personId: string;
  /** The contact's email, trimmed and in lower case, or null: behaviour kept by address is theirs. */
  email: string | null;
  inputs: string;
  untilMs: number | null;
}

/** The behaviour signals (analytics properties) a contact showed when its behaviour was last read. */
export interface BehaviourMark {
  personId: string;
  signature: MarkSignature;
  readAt: string;
}

/**
 * What a mark keeps of the signals: what the reader compares (core/behaviour/signal-marks.ts), a
 * fingerprint of each part's values, the page-view count (`hs_analytics_num_page_views`) as shown and the
 * form submission count (`num_conversion_events`, blank as "0"; null in a mark made before it was kept).
 */
export interface MarkSignature {
  web: number;
  forms: number;
  email: number;
  pageViews: string | null;
  conversions: string | null;
}

/** A small fact the store keeps with the time it was learnt (e.g. `hubspot.behaviourSource`). */
export interface StoreFact {
  name: string;
  value: string;
  at: string;
}

/**
 * A record deleted in its system, and the person it was: `personId` when that is not the record's own id
 * (a Lead's or Contact's linked contact); absent, the id is the person's (a HubSpot contact).
 */
export interface DeletedRecord extends OutboxRecord {
  personId?: string;
}

/** Everything one committed batch changes, written in one transaction. */
export interface BatchCommit {
  runId: string;
  links?: LinkWrite[];
  /** Applied before `links`, so one batch can retire a link and link its records anew. Unknown ids reject. */
  retireLinks?: { id: number; reason: string }[];
  audit?: AuditEntry[];
  /**
   * New failures. One for the same system, object, recordId and operation as an entry still open counts
   * another attempt on that entry (attempts + 1, message, payload, lastSeenAt); entries with a null
   * recordId (failed creates) are never merged.
   */
  errors?: NewQueuedError[];
  /** Queue entries this batch wrote successfully on retry. */
  resolvedErrors?: number[];
  /**
   * Open queue entries whose refused write went to another record (a merge's master, merges.ts
   * `owedToSurvivors`): each names that record and the write's fields now, keeping its attempts and
   * history. One whose record already has an open entry of the same operation keeps its record.
   */
  movedErrors?: { id: number; recordId: string; payload: unknown }[];
  /**
   * Open queue entries a person gave up on (`errors discard`): discarded, and the refused outbox write
   * behind one (its `outboxKey`) leaves the outbox, so nothing sends it again; a group it was the last
   * write of is done, and its effect applies. A pending write decided anew under the key stays.
   */
  discardedErrors?: number[];
  funnelEvents?: FunnelEvent[];
  /**
   * Won deals whose amount changed after they closed: each person's latest move to won with `cause` (the
   * deal's, `opportunity: <object> <id> won`) takes `amount`, so revenue follows the deal. With `newCause`
   * the move takes that cause too: a win a lost store's restore brought back without its deal takes the
   * won deal's amount and name once the deals phase reads it (core/funnel/restore.ts restoredDealCause).
   */
  wonAmounts?: { personId: string; cause: string; amount: number | null; newCause?: string }[];
  /**
   * Restored moves whose verdict the record's status shows (core/funnel/restore.ts restoredVerdictCause):
   * the person's latest move to `toStage` whose cause is a restored one (`restored:`) takes `cause`.
   */
  restoredVerdicts?: { personId: string; toStage: string; cause: string }[];
  /**
   * Held MQLs handed off: the person's latest move to mql, which the recycle cool-down held from sales, is
   * dated `at`, the handoff's, when the contact becomes an MQL (its lifecycle stage and leadloop_mql_date)
   * and the report counts it (core/funnel/recycle.ts).
   */
  heldMqlsHandedOff?: { personId: string; at: string }[];
  /**
   * People whose contact an accepted write gave a new email or name (a rep's change carried from the CRM):
   * their score row, which `hot` and `sla` show, takes it, where it kept the one the run's qualification
   * read before the write until the next run read the contact again.
   */
  personContacts?: PersonContactWritten[];
  /** Retries that failed again: another attempt on the open entry, not a new entry. */
  errorAttempts?: { id: number; message: string }[];
  /** Decided writes to keep until accepted (replacing pending ones with the same key). */
  outbox?: OutboxWrite[];
  /** Effects of outbox groups, applied in the batch that accepts the group's last write. */
  outboxGroups?: { group: string; onDone: OutboxGroupEffect }[];
  /**
   * Clocks a drain started late: a pending group's `slaClock` takes these times (and `slaStartedAt`),
   * before this batch's accepted writes complete any group. A group done already is left as it is.
   */
  outboxGroupsStarted?: { group: string; handoffAt: string; dueAt: string }[];
  /**
   * Outbox writes the system accepted, as the drain listed and sent them: removed, unless the key was
   * decided anew since it was listed (another run or process, e.g. a `requalify`; told by its `runId` and
   * `decidedAt`), which leaves the new decision pending; and the open error entry an earlier refusal of the
   * same key left (its payload's `outboxKey`) is resolved. What the accepted writes wrote is theirs, not
   * read back from the store.
   */
  outboxAccepted?: OutboxEntry[];
  /**
   * Outbox writes the system refused: kept, but not sent again until decided anew with other values or
   * retried.
   */
  outboxRefused?: string[];
  /**
   * Of `outboxRefused`, those refused whatever values they carry (RecordFailure.ofRecord: the record's
   * owner is a deactivated user, an approval locked it): decided anew for the same record they take the
   * new values and stay refused, until retried or released (`outboxReleased`).
   */
  outboxRefusedOfRecord?: string[];
  /**
   * Refused outbox writes a new decision replaces or makes moot: removed while still refused, before this
   * batch's `outbox` writes are put (one may take the same key anew).
   */
  outboxSuperseded?: string[];
  /**
   * Pending outbox writes a later decision found stale before any drain sent them (a prospect's score
   * for a person the same run found won: qualify-phase.ts `staleScoreWrites`): removed before this batch's
   * `outbox` writes are put, so what is left of one may be put again under its key.
   */
  outboxWithdrawn?: string[];
  /** Refused outbox writes to send again (`errors retry`). */
  outboxReleased?: string[];
  /**
   * Records deleted in their system: every write the outbox keeps for them, pending or refused, is
   * dropped, since no system can take it now, and so is every write of the same system about the person
   * whose record it was (the handoff's tasks); a group it was the last write of is done (its other writes
   * were accepted, if any), and its effect applies: a handoff whose CRM took none of its writes starts
   * its clock `unreached`. The batch's own `outbox` writes about the person (to other records than the
   * deleted one) stay: decided knowing of the deletion (the completion of her follow-up tasks, which
   * outlive her contact).
   */
  outboxDroppedFor?: DeletedRecord[];
  /**
   * CRM records deleted (not merged): the follow-up clock on one stops at `at`, after this batch's group
   * effects, since nothing is owed on a record that no longer exists; `slaClockDecisions` gives the clock
   * that instant, so no breach is raised for it. A later handoff's clock starts afresh. With `personId`,
   * only that person's clock on the record stops: her own contact was deleted, the record lives on.
   */
  slaClocksStoppedOn?: { object: string; recordId: string; personId?: string }[];
  /**
   * Clocks a deletion stopped (`slaClocksStoppedOn`) whose person came back before they fell due (her
   * contact restored from HubSpot's recycle bin): they run again from where they were, applied after
   * this batch's stops. Named by person and handoff, so a later handoff's clock is left alone.
   */
  slaClocksBack?: { personId: string; handoffAt: string }[];
  /**
   * People a marketing merge made one, whose link moved to the merged record: the funnel state kept under
   * `from` (events, follow-up clock, touches, breaches, score, history to fill) is `to`'s now.
   */
  peopleMerged?: { from: string; to: string }[];
  /**
   * Contacts a marketing merge made one record, linked or not: the behaviour cached under each old id is
   * the merged record's, as HubSpot answers the merged record's events with both records' (a bulk events
   * read that cached them under the old ids reads them for no one again: ARCHITECTURE.md "Behaviour on
   * every tier").
   */
  contactsMerged?: { from: string; to: string }[];
  slaClocks?: SlaClock[];
  /**
   * A rep's touch on a handed-off person, keyed so a touch read twice (a look-back re-read) counts once;
   * it bumps the clock's touches and first touch.
   */
  slaTouches?: SlaTouch[];
  /**
   * Clocks reassigned in the CRM: the clock's owner becomes `toOwnerId` when it still is `fromOwnerId`
   * (else nothing changes), and the reassignment is kept, so a reroute never hands the lead back to the
   * owner it was taken from.
   */
  slaReassignments?: SlaReassignment[];
  /** Breaches raised: a breach already kept for the same clock is left as it is (raised once). */
  slaBreaches?: SlaBreachRow[];
  personScores?: PersonScoreRow[];
  historyToFill?: HistoryToFill[];
  /** What this batch decided for people's CRM records' score fields (replacing each person's mark). */
  crmScoreMarks?: CrmScoreMark[];
  /**
   * Scores that stand until a time, or rows dropped (SteadyScore), worked out with the batch's own moves
   * decided. Its funnel events, CRM score marks, merged contacts and links to a record other than the
   * marked one drop their people's earlier rows; behaviour it caches drops these too (steady-scores.ts).
   */
  steadyScores?: SteadyScore[];
  /** People whose history writes are now in the outbox. */
  historyDecided?: string[];
  /** Lead statuses read from the CRM: a later read of the same status is no change. */
  leadStatuses?: LeadStatusSeen[];
  /** Behaviour read (cached for later runs), with the signals it covers and the bulk cursors it reached. */
  behaviour?: CachedActivity[];
  behaviourMarks?: BehaviourMark[];
  /** Activities before this instant are dropped from the cache (decayed out of every score). */
  behaviourPruneBefore?: string;
  /**
   * Round-robin turns the batch's handoffs or reroutes took: each queue's next index, kept with the
   * decisions that used the turns, so a run that stops before its commit takes none.
   */
  roundRobinTurns?: RoundRobinTurns[];
  facts?: StoreFact[];
  /** Unlinked marketing records that matched nothing at the version read (page-sync.ts). */
  matchMisses?: MatchMiss[];
  /** Records a bulk job of the batch did not save (outbox/drain.ts). */
  outsideJobRecords?: OutsideJobRecord[];
  /** Cursor reached by this batch: saved only together with the rest. */
  cursors?: Omit<Cursor, "updatedAt">[];
  at: string;
}

export interface StateStore {
  /** Closes the underlying handle; the store is unusable afterwards. */
  close(): Promise<void>;
  /**
   * A private copy of the store as it is now, for a dry run to run the real pipeline against: what is
   * done to the copy never reaches this store, and the copy is deleted when it is closed.
   */
  scratchCopy(): Promise<StateStore>;

  // Links (lookups and counts see active links only; retired links stay for history)
  findLinkByMarketing(pair: string, marketingId: string): Promise<DatedLink | undefined>;
  findLinkByCrm(pair: string, crmType: string, crmId: string): Promise<DatedLink | undefined>;
  /** Active links with the given normalised match key (e.g. a lower-cased email). */
  findLinksByMatchKey(pair: string, matchKey: string): Promise<DatedLink[]>;
  /** Active links for many marketing ids at once (one query), keyed by marketing id. */
  findLinksByMarketingIds(pair: string, marketingIds: readonly string[]): Promise<Map<string, Link>>;
  /** Active links for many CRM ids at once, keyed by CRM id. */
  findLinksByCrmIds(pair: string, crmIds: readonly string[]): Promise<Map<string, Link>>;
  /** Marketing ids of the pair's active links made at or after `since` (every one for null). */
  listLinkedSince(pair: string, since: string | null): Promise<string[]>;
  /**
   * Retired links of these records on one side (the latest per record), so the engine can tell a
   * record whose counterpart was deleted or merged away from one never synced, and not re-create it;
   * dated, since `explain` says when the link was retired.
   */
  findRetiredLinks(pair: string, side: Side, ids: readonly string[]): Promise<Map<string, DatedLink>>;
  countLinks(pair?: string): Promise<number>;
  /** Snapshots of many links at once: link id → field → snapshot. */
  getSnapshots(linkIds: readonly number[]): Promise<Map<number, Record<string, FieldSnapshot>>>;

  // Cursors
  getCursor(system: string, object: string): Promise<Cursor | undefined>;
  listCursors(): Promise<Cursor[]>;

  /**
   * Writes one batch's links, snapshots, audit rows, errors, funnel events and cursors in a single
   * transaction: all of it or none. Link writes upsert on (pair, marketingId); a link whose CRM id
   * changed (a Lead converted to a Contact) is re-pointed, not duplicated. Returns the link ids in the
   * order of `links`, and the outbox groups this batch completed (their effects applied).
   */
  commitBatch(batch: BatchCommit): Promise<{ linkIds: number[]; completedGroups: string[] }>;

  // The outbox
  /**
   * Pending outbox writes (refused ones instead with `refused: true`; only those refused for their record,
   * `outboxRefusedOfRecord`, with `"of record"`), in the order they were decided.
   */
  listOutbox(filter?: {
    phase?: string;
    keys?: readonly string[];
    /** Only the writes of these outbox groups (not with `keys`), in decision order within each chunk of groups. */
    groups?: readonly string[];
    refused?: boolean | "of record";
    limit?: number;
  }): Promise<OutboxEntry[]>;
  /**
   * A drain's next page of pending writes: the first `limit` after `after` (of `phase` when given), in
   * decision order, read in one transaction. A record a pending write decided after the page's last is
   * still to write waits for that write, so the page leaves its entries out, undecoded (the page that
   * brings the later write reads them with `heldOutboxEntries`), and names it in `later`.
   */
  outboxPage(page: { after?: number; limit: number; phase?: string }): Promise<OutboxPage>;
  /**
   * The pending writes (of `phase` when given) per system and object, refused ones left out: a drain
   * reads them before its first page, to know which objects' writes go in bulk jobs (outbox/drain.ts).
   */
  pendingOutboxCounts(phase?: string): Promise<PendingWriteCount[]>;
  /**
   * The pending writes of these records decided before `seq` (of `phase` when given), in decision
   * order: those a drain held back for a later entry and left in the store, not in memory.
   */
  heldOutboxEntries(seq: number, records: readonly OutboxRecord[], phase?: string): Promise<OutboxEntry[]>;
  /**
   * For each pending write of `fields`' keys, the value it gives the field its key names there (a write
   * naming no such field is left out), with its side and record: what a caller asks of many writes
   * without their entries made whole (link-stamps.ts `pendingStamps`). In no particular order.
   */
  pendingOutboxValues(fields: ReadonlyMap<string, string>): Promise<PendingOutboxValue[]>;
  /**
   * The pending writes of `system` about these people other than to their own records (a task: its
   * `personId` is not the written record's), in decision order.
   */
  outboxAbout(system: string, personIds: readonly string[]): Promise<OutboxEntry[]>;
  /** Groups with writes still in the outbox (pending or refused). */
  openOutboxGroups(): Promise<Set<string>>;
  /**
   * Of these groups, those with a create still in the outbox, pending or refused: a drain sends none of
   * their updates until the creates are accepted (outbox/drain.ts `PendingWrites`).
   */
  outboxGroupsCreating(groups: readonly string[]): Promise<Set<string>>;
  /** The effects these outbox groups wait to apply; a group done (or never kept) is left out. */
  outboxGroupEffects(groups: readonly string[]): Promise<Map<string, OutboxGroupEffect>>;
  /** The score leadloop last decided for each of these people's CRM records (absent: none decided). */
  crmScoreMarks(personIds: readonly string[]): Promise<Map<string, CrmScoreMark>>;
  /** By person id; with `page`, at most `limit` after the person id `after`. */
  listHistoryToFill(page?: { after: string | null; limit: number }): Promise<HistoryToFill[]>;
  /**
   * Field values accepted outbox writes put on these records (system, object, record id) since `since`,
   * oldest first; keyed `system/object/recordId`. The newest few per field are kept.
   */
  writtenValues(
    records: readonly { system: string; object: string; recordId: string }[],
    since: string,
  ): Promise<Map<string, WrittenValue[]>>;
  /** Drops written values from before `before` (older than the loop hold looks); returns how many. */
  pruneWrittenValues(before: string): Promise<number>;
  /** The lead status (and a verdict's reason) last seen on each of these CRM records (absent: never seen). */
  leadStatusesSeen(crmIds: readonly string[]): Promise<Map<string, { status: string | null; reason: string | null }>>;

  // Error queue
  /** Oldest first; with `afterId`, only entries numbered after it (the next page of a long queue). */
  listErrors(filter?: ErrorFilter): Promise<QueuedError[]>;
  getError(id: number): Promise<QueuedError | undefined>;
  /** Open entries counted per system and class (the console and /metrics). */
  countOpenErrors(): Promise<{ system: string; errorClass: ErrorClass; count: number }[]>;
  /**
   * Open problems (the entries one cause holds for one person, core/text/error-problems.ts) counted per
   * class, from the keys each entry is stored with rather than its payload (the console and /metrics).
   */
  countOpenProblems(): Promise<{ errorClass: ErrorClass; count: number }[]>;
  /** Open entries about these records (by the entry's record id), keyed by record id. */
  openErrorsFor(recordIds: readonly string[]): Promise<Map<string, QueuedError[]>>;
  /** Counts a failed retry: bumps attempts, replaces the message, keeps the entry open. */
  recordErrorAttempt(id: number, message: string, at: string): Promise<void>;
  setErrorStatus(id: number, status: ErrorStatus, at: string): Promise<void>;

  // Audit
  /** Audit rows for the given records (any system), oldest first; with `limit`, the latest `limit` rows. */
  listAudit(recordIds: readonly string[], limit?: number): Promise<AuditEntry[]>;
  /** Deletes audit rows written before `before` (the retention setting); returns how many went. */
  pruneAudit(before: string): Promise<number>;
  /**
   * Gives the pages that pruning freed back to the file system (a store file created with incremental
   * auto-vacuum; an older file keeps them for its new rows); returns the bytes released.
   */
  releaseFreePages(): Promise<number>;

  /** The store's size by table, from its own pages (a full scan of the file: not for a run's hot path). */
  size(): Promise<StoreSize>;

  // Runs and the run lock
  startRun(run: { id: string; startedAt: string; dryRun: boolean }): Promise<void>;
  finishRun(id: string, outcome: { finishedAt: string; status: string; summary: unknown }): Promise<void>;
  /**
   * Marks the runs still recorded as running (dry runs aside) as failed, finished at `at`; their ids. Called
   * by whoever just took the run lock: every run holds it, so a run still "running" then was killed.
   */
  closeAbandonedRuns(at: string): Promise<string[]>;
  /** Most recent first. */
  listRuns(limit: number): Promise<RunRecord[]>;
  /**
   * Takes the named lock for `holder` if it is free or its lease expired; true when taken. Two daemons
   * on one store therefore never run at once. The lease lasts `ttlMs` from `now` unless renewed. A holder
   * taking a lock it already holds gets true and a fresh lease. A live lease keeps others out whatever
   * became of its holder; a caller that knows the holder is gone frees it with `releaseLock` first.
   */
  acquireLock(name: string, holder: string, now: string, ttlMs: number): Promise<boolean>;
  /** Extends a held lease; false if the lock is no longer this holder's. */
  renewLock(name: string, holder: string, now: string, ttlMs: number): Promise<boolean>;
  /**
   * Why the file this store has open is no longer the store at its path (deleted, or another file put
   * there, as a restore from a backup does), in a sentence naming the path; undefined while it is, and
   * always for an in-memory store. Its locks then keep no one out: a new process opens a new store there.
   */
  detached(): string | undefined;
  /**
   * Frees the lock if `holder` still holds it, whether or not its lease ran out; true when it did.
   * Besides the holder itself at the end of a run, this is how a lock is cleared for a holder that
   * cannot release it (its process died): the caller names the holder it read with `lockHolder`, so a
   * lock that changed hands meanwhile is left alone. Whether that holder is really gone is the
   * caller's judgement; the store does not look at processes.
   */
  releaseLock(name: string, holder: string): Promise<boolean>;
  /** Who holds the named lock, with its lease (which may have run out); undefined when nobody does. */
  lockHolder(name: string): Promise<HeldLock | undefined>;

  // Funnel and SLA
  /** In time order; `from` is inclusive and `to` exclusive, so consecutive periods never share an event. */
  listFunnelEvents(filter?: { personId?: string; from?: string; to?: string }): Promise<FunnelEvent[]>;
  /**
   * Funnel events counted per stage reached, kind of cause (the cause's text before its first colon:
   * `qualified`, `disposition recycle`, `conversion`...) and stage left, over all time: /metrics counters.
   */
  countFunnelEvents(): Promise<{ stage: string; cause: string; fromStage: string | null; count: number }[]>;
  /** Latest stage per person (from the funnel events), for people who have one. */
  currentStages(personIds: readonly string[]): Promise<Map<string, string>>;
  /** Each person's latest funnel event: its stage, when and why (people without one are left out). */
  latestEvents(personIds: readonly string[]): Promise<Map<string, { stage: string; at: string; cause: string; amount: number | null }>>;
  /**
   * Whether a lost store's rebuild left any win waiting for its deal's amount (a restored win without one):
   * one indexed probe, so a store never rebuilt asks the CRM nothing about deals whose people it does not know.
   */
  restoredWinsAwaitDeals(): Promise<boolean>;
  /**
   * For each clock, when its person first moved in the funnel after the clock's handoff (a verdict, a
   * conversion: what ends the follow-up owed), or its record was deleted (`slaClocksStoppedOn`), whichever
   * came first, keyed by `clockKey` (person and handoff); clocks still owed are left out.
   */
  slaClockDecisions(clocks: readonly { personId: string; handoffAt: string }[]): Promise<Map<string, string>>;
  upsertSlaClock(clock: SlaClock): Promise<void>;
  /** Saves people's latest scores (one row per person); a null ownerEmail keeps the stored owner. */
  savePersonScores(rows: readonly PersonScoreRow[]): Promise<void>;
  /** Highest score first. */
  listPersonScores(filter?: {
    nearQualified?: boolean;
    ownerEmail?: string;
    personIds?: readonly string[];
    limit?: number;
  }): Promise<PersonScoreRow[]>;
  /**
   * Every rep the store knows as a lead's owner, once, lower-cased: each person's owner, and the owner
   * of every breach raised (a rep a reroute took the lead from is named there alone). With routing.yaml's
   * reps, what tells a rep with nothing open from a mistyped `--owner` email.
   */
  leadOwnerEmails(): Promise<string[]>;
  /**
   * Soonest due first. `open`: not touched yet (firstTouchAt null), whether breached or not;
   * `unraised`: no breach raised yet; `personIds` / `crmIds`: only these people's or CRM records' clocks.
   * With `page`, ordered by person id instead, at most `limit` after `after`: a phase walks every clock
   * a page at a time rather than holding them all (ARCHITECTURE.md "Memory at scale").
   */
  listSlaClocks(filter?: SlaClockFilter): Promise<SlaClock[]>;
  /**
   * The clocks a later handoff of the same person replaced (a reroute's or a handoff after a recycle),
   * oldest handoff first: the reports count every handoff from them, and with `personIds` a reroute learns
   * which reps already held those people's leads.
   */
  listReplacedSlaClocks(filter?: { personIds?: readonly string[] }): Promise<SlaClock[]>;
  /** Reassignments in the CRM kept for these people's clocks (any handoff), oldest first. */
  listSlaReassignments(filter: { personIds: readonly string[] }): Promise<SlaReassignment[]>;
  /** The earliest handoff of any clock (null: no clocks): where a touch stream read for the first time starts. */
  earliestSlaHandoff(): Promise<string | null>;
  /**
   * The CRM objects that hold clocks still open (no touch, no breach), each with the earliest handoff among
   * them: where an owner changed by hand may still move a clock.
   */
  openSlaClockObjects(): Promise<Map<string, string>>;
  /**
   * People whose latest move to `mql` is at or after `from`, with that move's time, by person id: the
   * handoff's candidates, without reading every funnel event of the period.
   */
  mqlsSince(from: string): Promise<{ personId: string; mqlAt: string }[]>;
  /** Raised breaches, the latest first. */
  listSlaBreaches(filter?: { ownerId?: string }): Promise<SlaBreachRow[]>;

  /**
   * The member index whose turn a round-robin queue gives next, as the last commit that took its turns
   * left it (`BatchCommit.roundRobinTurns`); undefined for a queue the store keeps no turn for (new, or
   * a lost store).
   */
  roundRobinNext(queue: string): Promise<number | undefined>;
  /** The cached activities of these owners (`contact:<id>`, `email:<address>`) at or after `since`, oldest first. */
  listBehaviour(ownerKeys: readonly string[], since: string): Promise<CachedActivity[]>;
  /** The behaviour signals each of these contacts showed when last read. */
  behaviourMarks(personIds: readonly string[]): Promise<Map<string, BehaviourMark>>;
  /** The steady scores kept for these people (BatchCommit.steadyScores). */
  steadyScores(personIds: readonly string[]): Promise<Map<string, SteadyScore>>;
  getFact(name: string): Promise<StoreFact | undefined>;
  /** Keeps campaigns read from the systems (replacing what was kept under the same origin and id). */
  saveCampaigns(campaigns: readonly StoredCampaign[]): Promise<void>;
  /** Every kept campaign, or those of one origin. */
  listCampaigns(filter?: { origin?: StoredCampaign["origin"] }): Promise<StoredCampaign[]>;

  // Kept descriptions: the systems' property lists and describes, for the next process (ARCHITECTURE.md "Kept descriptions")
  /** The descriptions kept under `configKey` (the configuration's files, `descriptionsKey`) read at or after `since`. */
  keptDescriptions(configKey: string, since: string): Promise<KeptDescription[]>;
  /**
   * Keeps `learned` under `configKey` (each stamped `at` unless it says when it was read), and drops the
   * `forgotten` objects' descriptions and every one kept under another configuration.
   */
  keepDescriptions(
    configKey: string,
    learned: readonly KeptDescription[],
    forgotten: readonly { system: string; object: string }[],
    at: string,
  ): Promise<void>;
  // Match index: a first load's one read of the CRM records it matches against (page-sync.ts)
  /** Adds these records of `crmObject` under their keys (a null key drops the record). */
  addToMatchIndex(crmObject: string, entries: readonly MatchIndexEntry[]): Promise<void>;
  /** The indexed records of `crmObject` whose normalised match key is one of `keys`. */
  findInMatchIndex(crmObject: string, keys: readonly string[]): Promise<IndexedRecord[]>;
  clearMatchIndex(crmObject: string): Promise<void>;
  // Kept reads: a change read's pages for a later stream of the same window in this run (change-groups.ts)
  /** Appends pages to the kept read `key`, in order. */
  keepReadPages(key: string, pages: readonly KeptPage[]): Promise<void>;
  /**
   * The next `limit` pages of the kept read `key`, in order, deleted as they are taken (a first load
   * keeps every contact: the store gives their room to the rows the contact sync writes meanwhile).
   */
  takeKeptReadPages(key: string, limit: number): Promise<KeptPage[]>;
  /** Empties every kept read (the run is done with them, or a stopped run left them). */
  dropKeptReads(): Promise<void>;
  /** The notes of these unlinked marketing records that matched nothing when last read, by marketing id. */
  matchMisses(pair: string, marketingIds: readonly string[]): Promise<Map<string, MatchMiss>>;
  /** Which of these records of `system` a bulk job did not save before (BatchCommit.outsideJobRecords). */
  outsideJobRecords(system: string, recordIds: readonly string[]): Promise<Set<string>>;
}

/** One page of a kept change read: its records as read and the stream's position after it. */
export interface KeptPage {
  records: IndexedRecord[];
  cursor: { modifiedAt: string; lastId: string | null };
}

/** A record a bulk job did not save (RecordFailure.outsideJob): the drain sends its later writes outside jobs. */
export interface OutsideJobRecord {
  system: string;
  recordId: string;
}

/**
 * An unlinked marketing record that matched no CRM record when looked up by `keys` (its normalised match
 * keys), by the matcher `matcher` names (the pair's match keys and stamps, fingerprinted): while both are
 * the same, matching it again would find nothing either, unless a CRM record gained the key since, which
 * the CRM side's own change read matches.
 */
export interface MatchMiss {
  pair: string;
  marketingId: string;
  keys: string;
  matcher: string;
}

/** A CRM record held in the match index under its normalised match key (null: it has none). */
export interface MatchIndexEntry {
  key: string | null;
  record: IndexedRecord;
}

/** A record as a system read it (the shape of core's SourceRecord). */
export interface IndexedRecord {
  object: string;
  id: string;
  fields: Record<string, string | null>;
  modifiedAt: string;
}

/** A store failure a person can act on (a locked file, a full disk, a newer schema than this build). */
export class StoreError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "StoreError";
  }
}
