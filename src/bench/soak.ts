// The daemon's life in fast forward (test/bench/README.md "The soak"): the sandbox's world of N contacts,
// a first load, then R runs a schedule apart, the systems' clock moved forward with leadloop's, each after
// one round of what the sandbox's people do (prospects act, a marketer edits, reps work and close the
// leads leadloop handed them, opportunities are won or lost: sandbox/play-people.ts). One store and the
// same adapters across all runs, as `leadloop daemon` keeps them (cli/commands/daemon.ts `wire`), so
// whatever a run leaves behind in memory adds up, and a loop in the funnel shows as writes that grow.
import { playedTotal, type PeopleRound } from "../sandbox/play-people.js";
import { type CrmKind, DEFAULT_SCHEDULE_MS } from "../config/leadloop-config.js";
import { connectDefaultLoop } from "./default-loop.js";
import { forkEmulators } from "./emulator-process.js";
import { type PerSystem, type PhaseFigures, round } from "./figures.js";
import { measureRun } from "./measure-run.js";
import { median } from "../core/report/stats.js";
import { leastSquaresSlope } from "./soak-trend.js";

/** One soak run, as the trend is read from it. */
export interface SoakRun {
  run: number;
  retainedHeapMb: number;
  peakRssMb: number;
  cpuSeconds: number;
  apiCalls: PerSystem<number>;
  recordsWritten: number;
  errors: number;
  /** The store's files (database and write-ahead log) at their largest during the run. */
  peakStoreMb: number;
}

export interface SoakFigures {
  records: number;
  /** The CRM the runs sync with: Salesforce, or HubSpot's own objects. */
  crm: CrmKind;
  runs: number;
  /** How far both clocks move between two runs: `schedule.every`'s default. */
  scheduleMs: number;
  measuredAt: string;
  /** The retained heap after the first load, before the soak's runs. */
  firstLoadRetainedHeapMb: number;
  retainedHeapMb: { first: number; last: number; min: number; max: number };
  /**
   * The retained heap's least-squares slope over the second half of the runs, in KB per run: the first
   * half fills what is bounded (caches, name tables), and what still grows after it is kept per run.
   */
  retainedHeapSlopeKbPerRun: number;
  peakRssMb: { firstHalf: number; secondHalf: number };
  cpuSecondsPerRun: { median: number; max: number };
  apiCallsPerRun: PerSystem<{ median: number; max: number }>;
  recordsWrittenPerRun: { median: number; max: number };
  /** The store's files at their largest during the first load and during the last run. */
  peakStoreMb: { firstLoad: number; lastRun: number };
  /** Errors the runs' summaries counted, all runs together. */
  errors: number;
  /** What the people did over all rounds, by kind. */
  played: PeopleRound;
  samples: SoakRun[];
}

export async function runSoak(records: number, runs: number, measuredAt: string, crm: CrmKind = "salesforce"): Promise<SoakFigures> {
  const host = forkEmulators(records);
  let world;
  try {
    world = await host.seed(records, "enterprise", crm);
  } catch (err) {
    await host.close();
    throw err;
  }
  const loop = await connectDefaultLoop(host, world, crm);
  try {
    const firstLoad = await measureRun(loop, "audit");
    const samples: SoakRun[] = [];
    const rounds: PeopleRound[] = [];
    for (let run = 1; run <= runs; run++) {
      await loop.advanceClock(DEFAULT_SCHEDULE_MS);
      rounds.push(await loop.playPeople(run));
      samples.push(soakRun(run, await measureRun(loop, "audit")));
    }
    return soakFigures(records, crm, measuredAt, firstLoad, samples, playedTotal(rounds));
  } finally {
    await loop.close();
  }
}

function soakRun(run: number, figures: PhaseFigures): SoakRun {
  return {
    run,
    retainedHeapMb: figures.retainedHeapMb ?? 0,
    peakRssMb: figures.peakRssMb,
    cpuSeconds: figures.cpuSeconds ?? 0,
    apiCalls: figures.apiCalls,
    recordsWritten: figures.records,
    errors: figures.errors.hubspot + figures.errors.salesforce,
    peakStoreMb: figures.peakStoreMb,
  };
}

function soakFigures(
  records: number,
  crm: CrmKind,
  measuredAt: string,
  firstLoad: PhaseFigures,
  samples: SoakRun[],
  played: PeopleRound,
): SoakFigures {
  const half = Math.floor(samples.length / 2);
  const later = samples.slice(half);
  const heap = samples.map((s) => s.retainedHeapMb);
  const spread = (values: number[]) => ({ median: median(values) ?? 0, max: Math.max(...values) });
  return {
    records,
    crm,
    runs: samples.length,
    scheduleMs: DEFAULT_SCHEDULE_MS,
    measuredAt,
    firstLoadRetainedHeapMb: firstLoad.retainedHeapMb ?? 0,
    retainedHeapMb: { first: heap[0]!, last: heap[heap.length - 1]!, min: Math.min(...heap), max: Math.max(...heap) },
    retainedHeapSlopeKbPerRun: round(
      leastSquaresSlope(later.map((s) => [s.run, s.retainedHeapMb * 1024] as const)),
      2,
    ),
    peakRssMb: {
      firstHalf: Math.max(...samples.slice(0, Math.max(half, 1)).map((s) => s.peakRssMb)),
      secondHalf: Math.max(...later.map((s) => s.peakRssMb)),
    },
    cpuSecondsPerRun: spread(samples.map((s) => s.cpuSeconds)),
    apiCallsPerRun: {
      hubspot: spread(samples.map((s) => s.apiCalls.hubspot)),
      salesforce: spread(samples.map((s) => s.apiCalls.salesforce)),
    },
    recordsWrittenPerRun: spread(samples.map((s) => s.recordsWritten)),
    peakStoreMb: { firstLoad: firstLoad.peakStoreMb, lastRun: samples[samples.length - 1]!.peakStoreMb },
    errors: samples.reduce((n, s) => n + s.errors, 0),
    played,
    samples,
  };
}

/** The soak's figures for a terminal: the trend first, then what a run costs. */
export function soakText(f: SoakFigures): string {
  const h = f.retainedHeapMb;
  return [
    `soak: ${f.runs} runs ${f.scheduleMs / 60_000} minutes apart after a first load of ${f.records} contacts, ${f.crm === "salesforce" ? "Salesforce" : "HubSpot"} as the CRM (${f.measuredAt})`,
    `  retained heap: ${f.firstLoadRetainedHeapMb} MB after the first load; ${h.first} → ${h.last} MB over the runs (min ${h.min}, max ${h.max}); ${f.retainedHeapSlopeKbPerRun} KB a run over the second half`,
    `  peak RSS: ${f.peakRssMb.firstHalf} MB in the first half, ${f.peakRssMb.secondHalf} MB in the second`,
    `  a run: CPU ${f.cpuSecondsPerRun.median} s median (max ${f.cpuSecondsPerRun.max}); calls HubSpot ${f.apiCallsPerRun.hubspot.median} (max ${f.apiCallsPerRun.hubspot.max}), Salesforce ${f.apiCallsPerRun.salesforce.median} (max ${f.apiCallsPerRun.salesforce.max}); records written ${f.recordsWrittenPerRun.median} (max ${f.recordsWrittenPerRun.max})`,
    `  store: ${f.peakStoreMb.firstLoad} MB at most during the first load, ${f.peakStoreMb.lastRun} MB during the last run`,
    `  errors: ${f.errors}; people: ${f.played.demoRequests} demo requests, ${f.played.working} leads worked, ${f.played.qualified} qualified, ${f.played.recycled} recycled, ${f.played.trashed} trashed, ${f.played.unreachable} unreachable, ${f.played.opportunitiesWon} won, ${f.played.opportunitiesLost} lost`,
  ].join("\n");
}
