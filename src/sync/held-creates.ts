// A stream's field-sync creates held across its groups until a full call's worth is due, so a load that
// creates a few dozen records per group sends them 200 a call, not a part-filled call per group; once the
// run has decided, or at the stream's pace will decide, more creates of one object than its system's bulk
// threshold, they wait for a bulk job's worth instead, and a job's rows it did not save are held again for
// Collections calls. The cursor a group commits stops before the first record still held (ARCHITECTURE.md
// "One write path").
import type { Cursor } from "../store/port.js";
import type { StreamProgress } from "./change-groups.js";
import { BULK_JOB_RECORDS } from "./outbox/drain.js";
import { SIDE_NAMES, type SideName } from "./run-context.js";
import type { PairWrite } from "./write-pairs.js";

/** Creates per call: one Salesforce collection, two HubSpot batches (the drain's batch). */
export const HELD_CREATES_BATCH = 200;

type GroupCursor = Omit<Cursor, "updatedAt">;

interface Held {
  pair: PairWrite;
  /**
   * The call's target: the created record's side and object, and for a row a bulk job did not save, that
   * it goes through Collections (OUTSIDE_JOB) whatever the object's count.
   */
  target: string;
  /** The group it came in (its index in `cursors`). */
  group: number;
}

/** A held create's target for a row its bulk job did not save: its own calls, never a job. */
const OUTSIDE_JOB = "\u0000outside job";

/**
 * What a group sends now: `send` in calls, `jobs` as bulk jobs (a large load's creates of an object past
 * its system's bulk threshold). The group then settles (HeldCreates.settle) with what its jobs did not save.
 */
export interface CreatesDue {
  send: PairWrite[];
  jobs: PairWrite[];
}

/** What a group sends after its jobs (`send`, in calls), and the cursor it may commit (none: the saved one stays). */
export interface CreatesSettled {
  send: PairWrite[];
  cursor: GroupCursor | undefined;
}

export class HeldCreates {
  /**
   * `inRun`: the creates per target every holder of the run held so far, shared (RunContext.heldCreates), so
   * the threshold counts the run's creates of an object, not one stream's; a holder of its own by default.
   */
  constructor(private readonly inRun: Map<string, number> = new Map()) {}

  /** By the source record's id: a record read again later replaces its held create. */
  private readonly held = new Map<string, Held>();
  /**
   * The cursors a later group may still commit, by the group's index: the one before each group still
   * holding a create, and the latest group's. The others go, so a long stream keeps no list of them.
   */
  private readonly cursors = new Map<number, GroupCursor | undefined>();
  /** Groups taken so far. */
  private groups = 0;
  /** The index of the last group whose cursor was handed out. */
  private committed = -1;
  /**
   * Per target, the run's creates held before this holder's first (`before`: this holder's own are the
   * run's count since) and its system's bulk threshold: past it, the target's creates wait for a bulk
   * job's worth (BULK_JOB_RECORDS) and go as jobs, as the drain sends more than the threshold of pending
   * writes: a 1M first load's 48,903 Leads and 75,098 Accounts took 622 calls of 200, where jobs of 2,000
   * take five calls each (issue 11).
   */
  private readonly decided = new Map<string, { before: number; jobsAbove: number | undefined; asJobs: boolean }>();
  /** How far the stream is, of the size its system said (a first load's): what its pace is measured over. */
  private stream: StreamProgress | undefined;
  /**
   * The group taken and not yet settled: whether it is the stream's last, and each create it sends as a
   * job as it was held (its source id and group), so one its job did not save is held again as it was.
   */
  private taking: { group: number; last: boolean; inJobs: Map<PairWrite, [string, Held]> } | undefined;

  /**
   * Takes a group's pairs to write: the creates that may wait (`holdable`) join the held ones, and what
   * is due leaves: every full call's worth of a target, or all that is held when the stream is read to
   * its end. `records` are the source ids the group read: a held create of one of them is dropped, its
   * newer read decided again here. The group's cursor is handed out when it settles, after its jobs.
   */
  take(
    work: readonly PairWrite[],
    records: readonly string[],
    cursor: GroupCursor | undefined,
    options: {
      last: boolean;
      holdable: (pair: PairWrite, side: SideName) => boolean;
      sourceId: (pair: PairWrite) => string;
      /** The bulk threshold of the system on that side (SystemPort.bulkThreshold); none: no jobs. */
      jobsAbove?: (side: SideName) => number | undefined;
      /** How far the stream is (change-groups.ts `ChangeGroup.stream`), when its system said its size. */
      stream?: StreamProgress;
    },
  ): CreatesDue {
    const group = this.groups++;
    if (options.stream) this.stream = options.stream;
    this.cursors.set(group, cursor);
    for (const id of records) this.held.delete(id);
    const send: PairWrite[] = [];
    for (const pair of work) {
      const side = createSide(pair);
      if (side === undefined || !options.holdable(pair, side)) {
        send.push(pair);
        continue;
      }
      const target = `${side}\u0000${objectOf(pair, side)}`;
      this.held.set(options.sourceId(pair), { pair, target, group });
      const inRun = this.inRun.get(target) ?? 0;
      if (!this.decided.has(target)) this.decided.set(target, { before: inRun, jobsAbove: options.jobsAbove?.(side), asJobs: false });
      this.inRun.set(target, inRun + 1);
    }
    const inJobs = new Map<PairWrite, [string, Held]>();
    const { calls, jobs } = this.due(options.last, false, inJobs);
    send.push(...calls);
    this.taking = { group, last: options.last, inJobs };
    return { send, jobs };
  }

  /**
   * Ends the group taken last: the creates its jobs did not save (RecordFailure.outsideJob) are held
   * again for Collections calls with those of later jobs, 200 a call (all at the stream's end), where a
   * call per job took a few rows each; the cursor is the group's own when nothing stays held, else the
   * cursor of the group before the first one still held, once.
   */
  settle(outsideJob: readonly PairWrite[]): CreatesSettled {
    const taking = this.taking;
    if (!taking) throw new Error("HeldCreates.settle: no group taken");
    this.taking = undefined;
    for (const pair of outsideJob) {
      const sent = taking.inJobs.get(pair);
      if (sent === undefined) throw new Error("HeldCreates.settle: a create this group sent in no job");
      const [id, held] = sent;
      this.held.set(id, { ...held, target: held.target + OUTSIDE_JOB });
    }
    const send = outsideJob.length > 0 ? this.due(taking.last, true).calls : [];
    const cursor = this.safeCursor(taking.group);
    this.keepNeededCursors(taking.group);
    return { send, cursor };
  }

  /**
   * The held creates of each target in full calls, or full jobs past its bulk threshold (all of them at
   * the stream's end), oldest first. A target goes as jobs from the group whose count (the run's, `inRun`)
   * passes the threshold, or from the first whose pace does: this holder's creates so far over the records
   * read, times the stream's size (a first load's, which a HubSpot search answers), so a 1M first load's
   * first 10,000 Leads do not go 200 a call either. Once in jobs, it stays there. `outsideJobOnly`: only the
   * rows jobs did not save (settle), the others having been due when the group was taken; `inJobs` is
   * told each create sent as a job, as it was held.
   */
  private due(all: boolean, outsideJobOnly = false, inJobs?: Map<PairWrite, [string, Held]>): { calls: PairWrite[]; jobs: PairWrite[] } {
    const byTarget = new Map<string, [string, Held][]>();
    for (const entry of this.held) {
      if (outsideJobOnly && !entry[1].target.endsWith(OUTSIDE_JOB)) continue;
      const list = byTarget.get(entry[1].target);
      if (list) list.push(entry);
      else byTarget.set(entry[1].target, [entry]);
    }
    const calls: PairWrite[] = [];
    const jobs: PairWrite[] = [];
    for (const [target, entries] of byTarget) {
      const decided = this.decided.get(target);
      if (decided && decided.jobsAbove !== undefined && !decided.asJobs) {
        const inRun = this.inRun.get(target) ?? 0;
        decided.asJobs = inRun > decided.jobsAbove || decided.before + this.atPace(inRun - decided.before) > decided.jobsAbove;
      }
      const asJobs = decided?.asJobs === true;
      const size = asJobs ? BULK_JOB_RECORDS : HELD_CREATES_BATCH;
      const count = all ? entries.length : entries.length - (entries.length % size);
      let jobRows = asJobs ? count : 0;
      // A stream's last part of a call's worth or less goes in a call, with any rows jobs did not save.
      if (asJobs && all && count % size <= HELD_CREATES_BATCH) jobRows -= count % size;
      entries.slice(0, count).forEach(([id, held], i) => {
        this.held.delete(id);
        if (i < jobRows) {
          jobs.push(held.pair);
          inJobs?.set(held.pair, [id, held]);
        } else calls.push(held.pair);
      });
    }
    return { calls, jobs };
  }

  /** How many creates `count` so far come to over the whole stream at its pace; 0 where its size is unknown. */
  private atPace(count: number): number {
    const stream = this.stream;
    return stream && stream.read > 0 ? (count * stream.size) / stream.read : 0;
  }

  private safeCursor(group: number): GroupCursor | undefined {
    let first = group + 1;
    for (const held of this.held.values()) first = Math.min(first, held.group);
    // The newest group whose records are all written: the one before the first still holding a create.
    let upTo = first - 1;
    while (upTo > this.committed && this.cursors.get(upTo) === undefined) upTo--;
    if (upTo <= this.committed) return undefined;
    this.committed = upTo;
    return this.cursors.get(upTo);
  }

  /** Drops the cursors no later group can commit: at most one per create held, and the latest group's. */
  private keepNeededCursors(latest: number): void {
    const needed = new Set([latest]);
    for (const held of this.held.values()) needed.add(held.group - 1);
    for (const group of this.cursors.keys()) if (!needed.has(group) || group <= this.committed) this.cursors.delete(group);
  }
}

/** The side the pair creates a record on, if it creates one. */
function createSide(pair: PairWrite): SideName | undefined {
  return SIDE_NAMES.find((side) => pair[side] !== undefined && !pair[side]!.id);
}

function objectOf(pair: PairWrite, side: SideName): string {
  return pair.planned.find((p) => p.side === side)?.object ?? (side === "crm" ? pair.mapping.crmObject : pair.mapping.marketingObject);
}
