// Reads one object's change stream from its saved cursor in groups of pages, so writes that follow go
// out in full batches (a group of up to GROUP_RECORDS records, not one read page, is synced at a time),
// and, once the stream is read to the end, moves the cursor up to the run's signpost so an idle run does
// not read the same recent changes again. Every phase of a run reads its changes through here, so it is
// also where a read is skipped that another phase's empty read of the same object already covered, and
// where one stream's pages are kept for a later stream of the same window (the kept reads).
import type { SourceRecord } from "../core/records.js";
import { knownEmpty, rememberEmpty } from "./empty-windows.js";
import { type KeepFor, keepPage, keptPages, keptReadFor, startKeeping } from "./kept-reads.js";
import type { RunContext } from "./run-context.js";
import { bump } from "./run-summary.js";
import { earliestCoverage } from "./read-coverage.js";
import type { ChangeCursor, SystemPort } from "./system-port.js";

/** Records synced together: several API pages, so Salesforce's 200-record writes fill up; bounds memory. */
export const GROUP_RECORDS = 2000;

export interface ChangeGroup {
  records: SourceRecord[];
  /** The cursor after the group's last page: to be saved with what the group wrote. */
  cursor: { system: string; object: string; value: string; lastId: string | null };
  /** The stream is read to its end with this group (only for `endsWithGroup`): nothing may stay held. */
  last?: true;
  /**
   * How far the stream is: the records it read up to this group's end, of the `size` its system said it
   * holds (ChangePage.remaining, a first load's); absent where the system did not say.
   */
  stream?: StreamProgress;
}

export interface StreamProgress {
  read: number;
  size: number;
}

/** A page's records to group, in the page's order, and which of them are echoes. */
export interface PendingPage {
  records: SourceRecord[];
  /**
   * Of `records`, those read back as they were synced (a look-back re-read, leadloop's own write coming
   * back): no work unless a change of theirs releases a write refused for them, which the group's one read
   * of the error queue tells (page-sync.ts). Held with the group without filling it.
   */
  echoes: ReadonlySet<SourceRecord>;
}

export interface PendingRecords {
  sort(records: SourceRecord[]): Promise<PendingPage>;
  /**
   * Of echoes held while a group fills with due records (as many as a group), those with nothing to
   * release, dropped here so a stream of echoes holds no more than a group's worth at a time.
   */
  settle(echoes: readonly SourceRecord[]): Promise<ReadonlySet<SourceRecord>>;
}

export interface GroupReadOptions {
  system: SystemPort;
  object: string;
  fields: readonly string[];
  /**
   * More fields, decided only when the stream is read from the system (not when an empty window answers
   * it): fields the system may lack, which take a describe to know (funnel/reason-field.ts), so a run
   * that finds the window empty asks nothing.
   */
  fieldsWhenRead?: () => Promise<readonly string[]>;
  /** The cursor's name in the store (the object, or `object#phase` for a phase's own cursor). */
  cursorObject: string;
  /** Where to start when no cursor is saved: null reads everything, else from this instant. */
  startWhenNew: string | null;
  /** Records per group, when a phase wants smaller ones than GROUP_RECORDS. */
  groupRecords?: number;
  /**
   * The stream's own signpost, for a phase that must see what earlier phases of this run wrote (the
   * dispositions read Leads the field sync and handoff just touched); the run's signpost otherwise.
   */
  until?: string;
  /**
   * Which of a page's records need syncing, so a group fills with records that need work and its writes
   * fill whole batches (without it every record read is grouped), and `settle` with it.
   */
  pending?: PendingRecords;
  /**
   * A later stream of this run that reads the same object from the same saved cursor (the contact sync
   * after the qualification): when its cursor equals this one's, its fields are read too and the pages
   * kept (kept-reads.ts), and that stream takes them instead of listing the object again.
   */
  keepFor?: KeepFor;
  /**
   * The handler holds work across groups (page-sync.ts's held creates): once the stream is read to its
   * end it is handed a last group, empty if need be, before the signpost moves past what it held.
   */
  endsWithGroup?: boolean;
}

/**
 * Calls `handle` for each group in order; stops early (returning true) when the run is asked to stop.
 * `handle` saves the group's cursor with its own writes.
 */
export async function readChangeGroups(
  ctx: RunContext,
  asked: GroupReadOptions,
  handle: (group: ChangeGroup) => Promise<void>,
): Promise<boolean> {
  const { system, object, cursorObject } = asked;
  const until = asked.until ?? ctx.until;
  const saved = await ctx.store.getCursor(system.system, cursorObject);
  const from: ChangeCursor | null = saved
    ? { modifiedAt: saved.value, lastId: saved.lastId }
    : asked.startWhenNew
      ? { modifiedAt: asked.startWhenNew, lastId: null }
      : null;
  if (from !== null && knownEmpty(ctx, system, object, Date.parse(from.modifiedAt), until)) {
    ctx.log.debug("changes.covered", { system: system.system, object, cursor: cursorObject });
    await saveSignpost(ctx, asked, saved, until);
    return false;
  }
  const options = asked.fieldsWhenRead ? { ...asked, fields: [...asked.fields, ...(await asked.fieldsWhenRead())] } : asked;
  const kept = keptReadFor(ctx, options, from, until);
  const keeping = kept ? null : await startKeeping(ctx, options, options.keepFor, from, until);
  const fields = keeping ? [...keeping.fields] : options.fields;
  // A system that covered the window short of `until` (a Salesforce transaction still open, stamped at
  // its start) holds the signpost there, so the next run's read takes in what it commits. A kept read
  // hands on the coverage it was told (KeptRead.coveredUntil).
  const coverage = earliestCoverage(kept?.coveredUntil, (covered) => {
    if (keeping) keeping.coveredUntil = covered;
  });
  const pages = kept ? keptPages(ctx, kept) : system.readChanges(object, fields, from, until, coverage);
  if (kept) ctx.log.debug("changes.kept_read", { system: system.system, object, cursor: cursorObject });
  let buffer: SourceRecord[] = [];
  /** Echoes in `buffer` not yet settled: they do not count toward a group's size. */
  let echoes = new Set<SourceRecord>();
  let last: ChangeCursor | null = null;
  let readAny = false;
  const groupRecords = options.groupRecords ?? GROUP_RECORDS;
  // Records read since the cursor was last handed on: a long run of dropped records still moves it.
  let sinceHanded = 0;
  /** Records read so far, and how many the stream holds in all once a page said (ChangePage.remaining). */
  let readSoFar = 0;
  let size: number | undefined = kept?.size;
  const flush = async (ending = false) => {
    if (!last || (buffer.length === 0 && sinceHanded === 0 && !ending)) return;
    const records = buffer;
    buffer = [];
    echoes = new Set();
    sinceHanded = 0;
    await handle({
      records,
      cursor: { system: system.system, object: cursorObject, value: last.modifiedAt, lastId: last.lastId },
      ...(ending ? { last: true as const } : {}),
      ...(size !== undefined ? { stream: { read: readSoFar, size } } : {}),
    });
    await ctx.heartbeat?.();
  };
  for await (const page of pages) {
    // Counted here, where every phase reads: the field sync is not the only reader (it does not run with
    // HubSpot as the CRM, where the qualification reads the contacts). A kept read was counted once.
    if (!kept) bump(ctx.summary.read, system.system, page.records.length);
    if (keeping) await keepPage(ctx, keeping, page);
    if (page.records.length > 0) readAny = true;
    if (size === undefined && page.remaining !== undefined) {
      size = readSoFar + page.remaining;
      if (keeping) keeping.size = size;
    }
    readSoFar += page.records.length;
    if (options.pending) {
      const sorted = await options.pending.sort(page.records);
      buffer.push(...sorted.records);
      for (const echo of sorted.echoes) echoes.add(echo);
      if (echoes.size >= groupRecords) {
        const dropped = await options.pending.settle([...echoes]);
        buffer = buffer.filter((r) => !dropped.has(r));
        echoes = new Set();
      }
    } else buffer.push(...page.records);
    sinceHanded += page.records.length;
    last = page.cursor;
    const due = buffer.length - echoes.size;
    if (due >= groupRecords || (due === 0 && sinceHanded >= groupRecords)) await flush();
    if (ctx.signal?.aborted) {
      await flush();
      ctx.log.info("run.stopping", { reason: "signal", system: system.system, object });
      return true;
    }
  }
  await flush(options.endsWithGroup === true && !ctx.signal?.aborted);
  // A stop the last group's handler obeyed part way: its cursor stays where the handler left it, and the
  // signpost must not pass the records it did not get to.
  if (ctx.signal?.aborted) {
    ctx.log.info("run.stopping", { reason: "signal", system: system.system, object });
    return true;
  }
  if (keeping) keeping.complete = true;
  // Its pages were deleted as they were taken.
  if (kept) ctx.keptReads?.splice(ctx.keptReads.indexOf(kept), 1);
  // An empty window covered short is not known empty: another stream of the object holds at the coverage too.
  if (!readAny && from !== null && coverage.until === undefined) rememberEmpty(ctx, system, object, { fromMs: Date.parse(from.modifiedAt), until });
  await saveSignpost(ctx, options, saved, until, coverage.until);
  return false;
}

/**
 * Read to the end: nothing at or before the signpost is left, so the next run starts there (less the
 * adapter's look-back) instead of at the last changed record. A stream without a saved cursor saves
 * one now, even one that started at the signpost: else it would start anew at each run's signpost and
 * read an empty window every time. A read the system covered short of the signpost saves the instant
 * covered instead, behind the saved cursor if need be: "use this value for the startDate of your next
 * call" (SOAP API Developer Guide, "GetUpdatedResult": latestDateCovered).
 */
async function saveSignpost(
  ctx: RunContext,
  options: GroupReadOptions,
  saved: { value: string } | null | undefined,
  until: string,
  coveredUntil?: string,
): Promise<void> {
  const value = coveredUntil === undefined ? until : new Date(Date.parse(coveredUntil)).toISOString();
  if (saved && (coveredUntil === undefined ? saved.value >= until : saved.value === value)) return;
  await ctx.store.commitBatch({
    runId: ctx.runId,
    at: ctx.now().toISOString(),
    cursors: [{ system: options.system.system, object: options.cursorObject, value, lastId: null }],
  });
}
/**
 * A first load's read ahead: lists `object` whole for the later stream named in `keepFor`, which has no
 * saved cursor yet, keeping every page for it (it takes them instead of listing the object again) and
 * handing each page's records to `onPage` as they come (the qualification holds the companies it scores
 * with). Saves no cursor: the window is the later stream's, whose own read saves it. Reads nothing when
 * that stream has a cursor (its window is then its own recent changes, not what the caller needs); a read
 * the run is asked to stop part way is never complete, so never taken.
 */
export async function readAhead(
  ctx: RunContext,
  options: { system: SystemPort; object: string; fields: readonly string[]; keepFor: KeepFor },
  onPage: (records: readonly SourceRecord[]) => void,
): Promise<void> {
  const { system, object } = options;
  // Keeps only for a stream whose saved cursor is this read's: none.
  const keeping = await startKeeping(ctx, options, options.keepFor, null, ctx.until);
  if (!keeping) return;
  const coverage = earliestCoverage(undefined, (covered) => {
    keeping.coveredUntil = covered;
  });
  for await (const page of system.readChanges(object, [...keeping.fields], null, ctx.until, coverage)) {
    bump(ctx.summary.read, system.system, page.records.length);
    await keepPage(ctx, keeping, page);
    onPage(page.records);
    if (ctx.signal?.aborted) return;
  }
  keeping.complete = true;
  ctx.log.debug("changes.read_ahead", { system: system.system, object, cursor: options.keepFor.cursorObject });
}

