// The daemon's life in fast forward (test/bench/README.md "The soak"): the sandbox's world of N contacts,
// a first load, then R runs a schedule apart, the systems' clock moved forward with leadloop's, each after
// one round of what the sandbox's people do (prospects act, a marketer edits, reps work and close the
// leads leadloop handed them, opportunities are won or lost: sandbox/play-people.ts). One store and the
// same adapters across all runs, as `leadloop daemon` keeps them (cli/commands/daemon.ts `wire`), so
// whatever a run leaves behind in memory adds up, and a loop in the funnel shows as writes that grow.
import { playedTotal, type PeopleRound, salesUpdates } from "../sandbox/play-people.js";
import { type CrmKind, DEFAULT_SCHEDULE_MS } from "../config/leadloop-config.js";
import { CALL_CLASSES, type ClassCalls } from "../core/forecast/api-forecast.js";
import type { HubspotTier } from "../sandbox/hubspot/portal-tier.js";
import { connectDefaultLoop } from "./default-loop.js";
import { PAST_LOOKBACK_MS } from "./default-scenarios.js";
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
  /** The run's calls by endpoint class, as the forecast counts them. */
  classCalls: PerSystem<ClassCalls>;
  /** Marketing contacts the people's round before the run changed (acted or were edited). */
  contactsChanged: number;
  /** CRM records the round's reps updated (play-people.ts `salesUpdates`). */
  salesUpdates: number;
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
  /**
   * Two runs after the last one, no people acting before them, each the longer look-back and a minute
   * later: `quiet` still re-reads what the last run wrote, `idle` has nothing in its windows.
   */
  quietRun: PerSystem<ClassCalls>;
  idleRun: PerSystem<ClassCalls>;
  /**
   * The second half's runs as one, in the forecast's terms (src/core/forecast): their mean contacts
   * changed, sales updates and calls by class. Each carries a round of people: contacts acting and reps
   * working the leads handed to them, which the scenarios' change runs (edits alone) do not.
   */
  steadyRun: { changed: number; salesUpdates: number; calls: PerSystem<ClassCalls> };
  samples: SoakRun[];
}

export async function runSoak(
  records: number,
  runs: number,
  measuredAt: string,
  crm: CrmKind = "salesforce",
  tier: HubspotTier = "enterprise",
): Promise<SoakFigures> {
  const host = forkEmulators(records);
  let world;
  try {
    world = await host.seed(records, tier, crm);
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
      const round = await loop.playPeople(run);
      rounds.push(round);
      samples.push(soakRun(run, round, await measureRun(loop, "audit")));
    }
    // Then quiet, as the default scenarios end: the first run still re-reads what the last one wrote inside
    // the look-backs, the second starts a minute after the first's signpost with nothing written since.
    const jump = loop.lookbackMs + PAST_LOOKBACK_MS;
    await loop.advanceClock(jump);
    const quiet = await measureRun(loop, "audit");
    await loop.advanceClock(jump);
    const idle = await measureRun(loop, "audit");
    return soakFigures(records, crm, measuredAt, firstLoad, samples, playedTotal(rounds), { quiet, idle });
  } finally {
    await loop.close();
  }
}

function soakRun(run: number, round: PeopleRound, figures: PhaseFigures): SoakRun {
  return {
    run,
    retainedHeapMb: figures.retainedHeapMb ?? 0,
    peakRssMb: figures.peakRssMb,
    cpuSeconds: figures.cpuSeconds ?? 0,
    apiCalls: figures.apiCalls,
    classCalls: figures.classCalls,
    contactsChanged: round.contactsChanged,
    salesUpdates: salesUpdates(round),
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
  { quiet, idle }: { quiet: PhaseFigures; idle: PhaseFigures },
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
    errors: [quiet, idle].reduce((n, r) => n + r.errors.hubspot + r.errors.salesforce, samples.reduce((n, s) => n + s.errors, 0)),
    played,
    quietRun: quiet.classCalls,
    idleRun: idle.classCalls,
    steadyRun: steadyRun(later),
    samples,
  };
}

/** A run's calls, all classes (searches are among the reads). */
function callTotal(c: ClassCalls): number {
  return round(CALL_CLASSES.reduce((sum, k) => sum + c[k], 0), 1);
}

/** Runs as one: their mean changed contacts, sales updates and calls by class, to a tenth. */
function steadyRun(runs: readonly SoakRun[]): SoakFigures["steadyRun"] {
  const mean = (values: number[]) => round(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length), 1);
  const classes = (system: keyof PerSystem<ClassCalls>): ClassCalls => ({
    writes: mean(runs.map((r) => r.classCalls[system].writes)),
    reads: mean(runs.map((r) => r.classCalls[system].reads)),
    behaviour: mean(runs.map((r) => r.classCalls[system].behaviour)),
    match: mean(runs.map((r) => r.classCalls[system].match)),
    search: mean(runs.map((r) => r.classCalls[system].search)),
  });
  return {
    changed: mean(runs.map((r) => r.contactsChanged)),
    salesUpdates: mean(runs.map((r) => r.salesUpdates)),
    calls: { hubspot: classes("hubspot"), salesforce: classes("salesforce") },
  };
}

/** The soak's figures for a terminal: the trend first, then what a run costs. */
export function soakText(f: SoakFigures): string {
  const h = f.retainedHeapMb;
  const steady = f.steadyRun;
  return [
    `soak: ${f.runs} runs ${f.scheduleMs / 60_000} minutes apart after a first load of ${f.records} contacts, ${f.crm === "salesforce" ? "Salesforce" : "HubSpot"} as the CRM (${f.measuredAt})`,
    `  retained heap: ${f.firstLoadRetainedHeapMb} MB after the first load; ${h.first} → ${h.last} MB over the runs (min ${h.min}, max ${h.max}); ${f.retainedHeapSlopeKbPerRun} KB a run over the second half`,
    `  peak RSS: ${f.peakRssMb.firstHalf} MB in the first half, ${f.peakRssMb.secondHalf} MB in the second`,
    `  a run: CPU ${f.cpuSecondsPerRun.median} s median (max ${f.cpuSecondsPerRun.max}); calls HubSpot ${f.apiCallsPerRun.hubspot.median} (max ${f.apiCallsPerRun.hubspot.max}), Salesforce ${f.apiCallsPerRun.salesforce.median} (max ${f.apiCallsPerRun.salesforce.max}); records written ${f.recordsWrittenPerRun.median} (max ${f.recordsWrittenPerRun.max})`,
    `  store: ${f.peakStoreMb.firstLoad} MB at most during the first load, ${f.peakStoreMb.lastRun} MB during the last run`,
    `  steady runs (second half) as the forecast counts them: ${steady.changed} contacts changed and ${steady.salesUpdates} sales updates a run, ${callTotal(steady.calls.hubspot)} HubSpot and ${callTotal(steady.calls.salesforce)} Salesforce calls; then a quiet run ${callTotal(f.quietRun.hubspot)} and ${callTotal(f.quietRun.salesforce)}, an idle one ${callTotal(f.idleRun.hubspot)} and ${callTotal(f.idleRun.salesforce)}`,
    `  errors: ${f.errors}; people: ${f.played.demoRequests} demo requests, ${f.played.working} leads worked, ${f.played.qualified} qualified, ${f.played.recycled} recycled, ${f.played.trashed} trashed, ${f.played.unreachable} unreachable, ${f.played.opportunitiesWon} won, ${f.played.opportunitiesLost} lost`,
  ].join("\n");
}
