// Kept reads: one stream's change pages kept for a later stream of the same window in the same run (the
// qualification's contacts for the contact sync), so the object is listed once, not twice. A run holds
// the pages it keeps in memory, as read, up to KEPT_HELD_RECORDS records in all; a read that would pass
// that moves what it held to the store and keeps the rest there, so a first load of a million contacts
// holds no more than a usual run (ARCHITECTURE.md, "Every phase reads its change stream").
import type { RunContext } from "./run-context.js";
import type { ChangeCursor, ChangePage, SystemPort } from "./system-port.js";

/**
 * Records a run's kept reads hold in memory at once: twice the contacts the qualification holds for its
 * later phases (qualify-phase.ts PEOPLE_HELD), and mostly the same records, so a 10,000-contact portal's
 * whole window (a first load's, and the runs' inside its look-back) is handed to the later stream as
 * read. Packing each page into the store and out again cost those runs about a tenth of their CPU
 * (test/bench/README.md, "Where the default scenarios' CPU goes").
 */
export const KEPT_HELD_RECORDS = 20_000;

/** Kept pages read from the store per call: a few hundred records at a time, never the whole stream. */
const KEPT_PAGES_READ = 10;

/** The later stream a read keeps its pages for: its cursor's name and the fields it reads. */
export interface KeepFor {
  cursorObject: string;
  fields: readonly string[];
}

/** A change read kept for a later stream of the same window (GroupReadOptions.keepFor). */
export interface KeptRead {
  key: string;
  system: SystemPort;
  object: string;
  /** The stream that may take it, by its cursor's name. */
  cursorObject: string;
  from: ChangeCursor | null;
  until: string;
  fields: ReadonlySet<string>;
  /** Read to its end: a stream stopped part way is never taken. */
  complete: boolean;
  /** How far the system covered the window, when short of `until` (CoverageListener): the taker holds there too. */
  coveredUntil?: string;
  /** The records the read holds in all, as its system said (ChangePage.remaining): the taker's stream size too. */
  size?: number;
  /** Its pages while held in memory, in order; null once they went to the store (or were taken). */
  held: ChangePage[] | null;
  /** Records in `held`. */
  heldRecords: number;
}

/**
 * Starts keeping this read's pages when the stream named in `wanted` would read the same window: its
 * saved cursor is this one (both absent on a first load) and it reads up to the same signpost.
 */
export async function startKeeping(
  ctx: RunContext,
  options: { system: SystemPort; object: string; fields: readonly string[] },
  wanted: KeepFor | undefined,
  from: ChangeCursor | null,
  until: string,
): Promise<KeptRead | null> {
  if (!wanted) return null;
  const theirs = await ctx.store.getCursor(options.system.system, wanted.cursorObject);
  const theirFrom = theirs ? { modifiedAt: theirs.value, lastId: theirs.lastId } : null;
  if (!sameCursor(from, theirFrom)) return null;
  // The store holds only the pages of this run's live kept reads: what a stopped or crashed run kept, or
  // a read this run stopped part way, is of no use to anyone now.
  if (!ctx.keptReads?.length) await ctx.store.dropKeptReads();
  const read: KeptRead = {
    key: `${ctx.runId}:${options.system.system}:${options.object}`,
    system: options.system,
    object: options.object,
    cursorObject: wanted.cursorObject,
    from,
    until,
    fields: new Set([...options.fields, ...wanted.fields]),
    complete: false,
    held: [],
    heldRecords: 0,
  };
  (ctx.keptReads ??= []).push(read);
  return read;
}

/** Keeps one page of `read`: held while the run's kept reads hold few enough records, else in the store. */
export async function keepPage(ctx: RunContext, read: KeptRead, page: ChangePage): Promise<void> {
  if (read.held) {
    const heldByRun = (ctx.keptReads ?? []).reduce((n, r) => n + r.heldRecords, 0);
    if (heldByRun + page.records.length <= KEPT_HELD_RECORDS) {
      read.held.push(page);
      read.heldRecords += page.records.length;
      return;
    }
    // Past the bound: what the read held goes to the store ahead of this page, in order.
    const pages = [...read.held, page];
    read.held = null;
    read.heldRecords = 0;
    await ctx.store.keepReadPages(read.key, pages);
    return;
  }
  await ctx.store.keepReadPages(read.key, [page]);
}

/** The kept read this stream may take instead of reading: same port, object, window and fields. */
export function keptReadFor(
  ctx: RunContext,
  options: { system: SystemPort; object: string; cursorObject: string; fields: readonly string[] },
  from: ChangeCursor | null,
  until: string,
): KeptRead | null {
  const taken = (read: KeptRead) =>
    read.complete &&
    read.system === options.system &&
    read.object === options.object &&
    read.cursorObject === options.cursorObject &&
    read.until === until &&
    sameCursor(read.from, from) &&
    options.fields.every((f) => read.fields.has(f));
  return ctx.keptReads?.find(taken) ?? null;
}

/**
 * The kept pages, in order: those held, else taken out of the store a few at a time. A page is gone once
 * taken: a stream stopped part way reads on from its saved cursor next run, never from what this run kept.
 */
export async function* keptPages(ctx: RunContext, read: KeptRead): AsyncIterable<ChangePage> {
  if (read.held) {
    const pages = read.held;
    read.held = null;
    read.heldRecords = 0;
    yield* pages;
    return;
  }
  for (;;) {
    const pages = await ctx.store.takeKeptReadPages(read.key, KEPT_PAGES_READ);
    if (pages.length === 0) return;
    yield* pages;
  }
}

/** Empties the run's kept reads: taken, or the run is past the streams that would have taken them. */
export async function releaseKeptReads(ctx: RunContext): Promise<void> {
  if (!ctx.keptReads?.length) return;
  ctx.keptReads = [];
  await ctx.store.dropKeptReads();
}

export function sameCursor(a: ChangeCursor | null, b: ChangeCursor | null): boolean {
  if (a === null || b === null) return a === b;
  return a.modifiedAt === b.modifiedAt && a.lastId === b.lastId;
}
