// Long streams of creates through the field sync's holder (src/sync/held-creates.ts): it never holds a
// call's worth of a target (a job's worth past the system's bulk threshold), sends each create once, and
// hands out each cursor once, never one past a create still held.
import type { ObjectMapping } from "../../src/core/mapping.js";
import { HELD_CREATES_BATCH, HeldCreates } from "../../src/sync/held-creates.js";
import { BULK_JOB_RECORDS } from "../../src/sync/outbox/drain.js";
import type { PairWrite } from "../../src/sync/write-pairs.js";

const LEAD = { pair: "contact", crmObject: "Lead", marketingObject: "contacts", crmExternalId: "HubSpot_Contact_Id__c" } as unknown as ObjectMapping;

/** A Lead create of contact `id`, upserting on the contact's id. */
function leadCreate(id: string): PairWrite {
  return {
    pairing: { sourceId: id },
    mapping: LEAD,
    merged: {} as PairWrite["merged"],
    crm: { fields: { LastName: `Lefèvre-${id}` }, upsertOn: "HubSpot_Contact_Id__c" } as unknown as PairWrite["crm"],
    planned: [],
  };
}

/** Contacts a group reads (change-groups.ts GROUP_RECORDS), of which some become new Leads. */
const CONTACTS_PER_GROUP = 2_000;

interface Streamed {
  taken: number;
  /** Each create's saves: in calls, or in jobs that saved it. */
  sent: Map<string, number>;
  /** The size of each group's calls and of its jobs, in order. */
  calls: number[];
  jobs: number[];
  mostHeld: number;
}

interface StreamOptions {
  /** The system's bulk threshold; none: no jobs. */
  jobsAbove?: number;
  /** The stream's size, as its system said it (a first load's). */
  streamSize?: number;
  /** The run's count shared by its holders. */
  inRun?: Map<string, number>;
  prefix?: string;
  /** The creates a job does not save (a duplicate rule's alert): held again for calls. */
  unsavedInJob?: (id: string) => boolean;
}

/**
 * `groups` groups of about `perGroup` creates (unequal, so what is held carries across groups) through one
 * holder, checking at each group that a cursor handed out is past no create still unsaved.
 */
function stream(groups: number, perGroup: number, options: StreamOptions = {}): Streamed {
  const { jobsAbove, streamSize, prefix = "c" } = options;
  const holder = new HeldCreates(options.inRun);
  const out: Streamed = { taken: 0, sent: new Map(), calls: [], jobs: [], mostHeld: 0 };
  let savedCount = 0;
  let lastCommitted = -1;
  const groupOf = new Map<string, number>();
  const idOf = (pw: PairWrite) => (pw.pairing as { sourceId: string }).sourceId;
  const saved = (pws: readonly PairWrite[]) => {
    for (const pw of pws) out.sent.set(idOf(pw), (out.sent.get(idOf(pw)) ?? 0) + 1);
    savedCount += pws.length;
  };
  for (let g = 0; g < groups; g++) {
    const count = perGroup + (g % 3 === 0 ? 37 : -37);
    const ids = Array.from({ length: count }, (_, i) => `${prefix}${g}-${i}`);
    for (const id of ids) groupOf.set(id, g);
    const due = holder.take(ids.map(leadCreate), ids, { system: "hubspot", object: "contacts", value: `2026-12-0${1 + (g % 9)}`, lastId: `${g}` }, {
      last: g === groups - 1,
      holdable: (pw, side) => pw[side]?.upsertOn !== undefined,
      sourceId: idOf,
      ...(jobsAbove === undefined ? {} : { jobsAbove: () => jobsAbove }),
      // Each group of a first load whose size the system said: 2,000 contacts read, some of them new Leads.
      ...(streamSize === undefined ? {} : { stream: { read: (g + 1) * CONTACTS_PER_GROUP, size: streamSize } }),
    });
    out.taken += count;
    const unsaved = due.jobs.filter((pw) => options.unsavedInJob?.(idOf(pw)) === true);
    saved(due.jobs.filter((pw) => !unsaved.includes(pw)));
    const settled = holder.settle(unsaved);
    const calls = [...due.send, ...settled.send];
    saved(calls);
    if (calls.length > 0) out.calls.push(calls.length);
    if (due.jobs.length > 0) out.jobs.push(due.jobs.length);
    out.mostHeld = Math.max(out.mostHeld, out.taken - savedCount);
    if (settled.cursor) {
      const committed = Number(settled.cursor.lastId);
      expect(committed).toBeGreaterThan(lastCommitted);
      // Every create of the groups up to the committed one is saved.
      const unsent: string[] = [];
      for (const [id, group] of groupOf) {
        if (group > committed) continue;
        if (out.sent.get(id) !== 1) unsent.push(id);
        groupOf.delete(id);
      }
      expect(unsent).toEqual([]);
      lastCommitted = committed;
    }
  }
  expect(out.sent.size).toBe(out.taken);
  expect([...out.sent.values()].every((n) => n === 1)).toBe(true);
  expect(lastCommitted).toBe(groups - 1);
  return out;
}

describe("the held creates of a long stream", () => {
  it("holds at most 199 of 100,000 creates, sends each once, and commits no cursor past one held", () => {
    const { calls, jobs, mostHeld } = stream(50, 2_000);
    expect(mostHeld).toBeLessThan(HELD_CREATES_BATCH);
    expect(calls.slice(0, -1).every((n) => n % HELD_CREATES_BATCH === 0)).toBe(true);
    expect(jobs).toEqual([]);
  });

  it("past the system's bulk threshold holds a job's worth: 14,408 creates go 200 a call to the threshold, then in jobs of 2,000", () => {
    // 50 groups of about 300 creates (a 1M first load's Leads come about 100 to a group of 2,000 contacts).
    const { taken, calls, jobs, mostHeld } = stream(50, 300, { jobsAbove: 10_000 });
    expect(mostHeld).toBeLessThan(BULK_JOB_RECORDS);
    // Up to the threshold: calls of 200 (the last of them as the stream passed it).
    expect(calls.every((n) => n % HELD_CREATES_BATCH === 0)).toBe(true);
    const inCalls = calls.reduce((a, b) => a + b, 0);
    expect(inCalls).toBeLessThanOrEqual(10_000);
    expect(inCalls).toBeGreaterThan(10_000 - 2 * 300);
    // Then jobs of 2,000 and the stream's end in one last job.
    expect(jobs.slice(0, -1).every((n) => n === BULK_JOB_RECORDS)).toBe(true);
    expect(jobs.length).toBe(Math.ceil((taken - inCalls) / BULK_JOB_RECORDS));
  });

  it("a first load whose pace passes the threshold holds a job's worth from its first group: 14,408 Leads of 100,000 contacts all go in jobs", () => {
    // The first group's 337 creates of 2,000 contacts read come to 16,850 over the 100,000 the search said.
    const { taken, calls, jobs, mostHeld } = stream(50, 300, { jobsAbove: 10_000, streamSize: 100_000 });
    expect(calls).toEqual([]);
    expect(mostHeld).toBeLessThan(BULK_JOB_RECORDS);
    expect(jobs.slice(0, -1).every((n) => n === BULK_JOB_RECORDS)).toBe(true);
    expect(jobs.length).toBe(Math.ceil(taken / BULK_JOB_RECORDS));
  });

  it("counts the run's creates of an object across its holders: a second stream past the run's threshold holds jobs", () => {
    // A first load's Accounts come from the companies stream (here 5,000, under 10,000: calls) and then from
    // the companies its new MQLs bring in (6,000 more): the second passes the run's 10,000 after 5,000.
    const inRun = new Map<string, number>();
    const first = stream(20, 250, { jobsAbove: 10_000, inRun, prefix: "a" });
    expect(first.jobs).toEqual([]);
    const second = stream(24, 250, { jobsAbove: 10_000, inRun, prefix: "b" });
    const inCalls = second.calls.reduce((a, b) => a + b, 0);
    expect(inCalls).toBeLessThanOrEqual(10_000 - first.taken);
    expect(second.jobs.reduce((a, b) => a + b, 0)).toBe(second.taken - inCalls);
    expect(second.jobs.slice(0, -1).every((n) => n === BULK_JOB_RECORDS)).toBe(true);
  });

  it("a first load whose pace stays under the threshold keeps its 7,400 creates 200 a call", () => {
    // 187 creates in the first 2,000 contacts come to 9,350 over 100,000: under 10,000, and it only falls.
    const { calls, jobs } = stream(50, 150, { jobsAbove: 10_000, streamSize: 100_000 });
    expect(jobs).toEqual([]);
    expect(calls.slice(0, -1).every((n) => n % HELD_CREATES_BATCH === 0)).toBe(true);
  });

  it("holds again the rows its jobs did not save and sends them 200 a call across jobs, the stream's last 145 creates with them: 14,145 in 7 jobs and 518 in calls", () => {
    // Every 41st create is a namesake an alerting duplicate rule keeps out of its job (about 49 a job).
    const unsavedInJob = (id: string) => Number(id.split("-")[1]) % 41 === 0;
    const { taken, calls, jobs } = stream(49, 300, { jobsAbove: 10_000, streamSize: 100_000, unsavedInJob });
    expect(taken).toBe(14_145);
    expect(jobs).toEqual(Array(7).fill(BULK_JOB_RECORDS));
    // 373 namesakes in the jobs (4 more are among the last 145, which go in a call): 200 once they are a
    // call's worth, and the rest with the last 145 at the stream's end.
    expect(calls).toEqual([HELD_CREATES_BATCH, 145 + 373 - HELD_CREATES_BATCH]);
  });
});
