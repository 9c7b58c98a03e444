// The `default` object of `npm run bench -- --json`: the default configuration's headline figures (the
// JSON contract of ARCHITECTURE.md "Benchmarks"), what the same calls need under the vendors' limits,
// the daily budget of a portal of this size, and every run's own figures.
import {
  type CallRates,
  DEFAULT_LIMITS,
  type Forecast,
  forecast,
  type LoadForecast,
  loadForecast,
} from "../core/forecast/api-forecast.js";
import type { HubspotTier } from "../sandbox/hubspot/portal-tier.js";
import type { DefaultScenarios } from "./default-scenarios.js";
import { totalCalls, worstWriteRatio } from "./default-scenarios.js";
import type { PerSystem, PhaseFigures } from "./figures.js";
import { round } from "./figures.js";
import type { NaiveFigures } from "./naive-connector.js";
import { type SameWorkBaseline, sameWorkBaseline } from "./same-work-baseline.js";

/** Scheduled runs a day at the shipped `schedule.every` of 5 minutes. */
export const RUNS_PER_DAY = 288;
/** A typical day's changed contacts, as a share of the portal (the incremental run's share). */
export const DAILY_CHANGE_SHARE = 0.1;

/** The default configuration's runs, in the order they run (default-scenarios.ts). */
export type RunName = "firstLoad" | "settle" | "incremental" | "behaviour" | "noop" | "quiet" | "idle";

export interface DefaultResult {
  records: number;
  /** Write calls / batch-size minimum of the records each run wrote, the worst run per system. */
  writeCallRatio: PerSystem<number | null>;
  /** Behaviour calls of the behaviour run (10% of the contacts acted) per contact that acted. */
  behaviourReadsPerChangedContact: number;
  /** The HubSpot portal's tier the runs used (`--hubspot-tier`). */
  hubspotTier: HubspotTier;
  /** Naive per-record connector's calls / leadloop's, same first load; null when skipped. */
  baselineRatio: number | null;
  /**
   * A per-record connector doing the first load's own work (reads, behaviour, matches, writes), one record
   * per call, modelled from the seeded counts and the first load's audit / leadloop's calls (same-work-baseline.ts).
   */
  sameWorkBaselineRatio: number;
  sameWorkBaseline: SameWorkBaseline;
  /** Contacts per second of the first load's wall time (limiters lifted). */
  recordsPerSecond: number;
  /** The highest RSS of any run: leadloop's process only (the emulators run in their own). */
  peakRssMb: number;
  /** The highest V8 used heap of any run in leadloop's process. */
  peakHeapUsedMb: number;
  /** The highest heap any run left behind after a full collection (what leadloop keeps between runs). */
  retainedHeapMb: number | null;
  /** The emulator process's highest RSS over the runs (not leadloop's). */
  emulatorsPeakRssMb: number;
  /**
   * The engine's page path (store look-ups + map + merge + plan + commit), records per second; null when
   * skipped. `engine.page.withoutCommit` has the same without the commits.
   */
  engineRecordsPerSecond: number | null;
  /** The store's files after the runs, per contact. */
  storeBytesPerRecord: number;
  /** The store's files at their largest during any run (sampled, a first load's in practice), per contact. */
  peakStoreBytesPerRecord: number;
  /** `storeBytesPerRecord` per table (its pages and its indexes'), largest first; tables under 1 byte left out. */
  storeTableBytesPerRecord: Record<string, number>;
  seedSeconds: number;
  rssAfterSeedMb: number;
  emulatorsRssAfterSeedMb: number;
  emulatorsHeapAfterSeedMb: number;
  emulatorsHeapLimitMb: number;
  /** What each run's calls need under the vendors' limits (DEFAULT_LIMITS). */
  rateLimited: Record<RunName, LoadForecast>;
  /** A portal of this size: first load and a day of typical change, from the measured rates. */
  budget: Forecast;
  /** The measured calls per contact (core/forecast's CallRates): what `leadloop forecast` ships. */
  rates: CallRates;
  runs: Record<RunName, PhaseFigures>;
}

export function defaultResult(
  d: DefaultScenarios,
  naive: NaiveFigures | null,
  engineRecordsPerSecond: number | null,
): DefaultResult {
  const runs: Record<RunName, PhaseFigures> = {
    firstLoad: d.firstLoad,
    settle: d.settle,
    incremental: d.incremental,
    behaviour: d.behaviour,
    noop: d.noop,
    quiet: d.quiet,
    idle: d.idle,
  };
  const behaviour = d.behaviour.behaviourCalls.hubspot + d.behaviour.behaviourCalls.salesforce;
  const ours = totalCalls(d.firstLoad.classCalls);
  const sameWork = sameWorkBaseline({
    records: d.seededRecords,
    contacts: d.records,
    writtenByOperation: d.firstLoad.writtenByOperation ?? {},
    leadloopCalls: ours,
  });
  return {
    records: d.records,
    writeCallRatio: worstWriteRatio(Object.values(runs)),
    behaviourReadsPerChangedContact: round(behaviour / Math.max(1, d.behaviour.changedContacts), 4),
    hubspotTier: d.hubspotTier,
    baselineRatio: naive && ours > 0 ? round(naive.totalCalls / ours, 2) : null,
    sameWorkBaselineRatio: sameWork.ratio,
    sameWorkBaseline: sameWork,
    recordsPerSecond: Math.round(d.records / d.firstLoad.seconds),
    peakRssMb: Math.max(...Object.values(runs).map((r) => r.peakRssMb)),
    peakHeapUsedMb: Math.max(...Object.values(runs).map((r) => r.peakHeapUsedMb)),
    retainedHeapMb: Object.values(runs).some((r) => r.retainedHeapMb !== null)
      ? Math.max(...Object.values(runs).map((r) => r.retainedHeapMb ?? 0))
      : null,
    emulatorsPeakRssMb: Math.max(...Object.values(runs).map((r) => r.emulatorsPeakRssMb ?? 0)),
    engineRecordsPerSecond,
    storeBytesPerRecord: Math.round(d.storeBytes / d.records),
    peakStoreBytesPerRecord: Math.round((Math.max(...Object.values(runs).map((r) => r.peakStoreMb)) * 1024 * 1024) / d.records),
    storeTableBytesPerRecord: Object.fromEntries(
      d.storeTables
        .map((t) => [t.name, Math.round(t.bytes / d.records)] as const)
        .filter(([, bytes]) => bytes >= 1),
    ),
    seedSeconds: d.seedSeconds,
    rssAfterSeedMb: d.rssAfterSeedMb,
    emulatorsRssAfterSeedMb: d.emulatorsRssAfterSeedMb,
    emulatorsHeapAfterSeedMb: d.emulatorsHeapAfterSeedMb,
    emulatorsHeapLimitMb: d.emulatorsHeapLimitMb,
    rateLimited: Object.fromEntries(
      Object.entries(runs).map(([name, run]) => [name, loadForecast(run.classCalls)]),
    ) as Record<RunName, LoadForecast>,
    budget: forecast(
      d.rates,
      { contacts: d.records, changesPerDay: Math.round(d.records * DAILY_CHANGE_SHARE), runsPerDay: RUNS_PER_DAY },
      DEFAULT_LIMITS,
    ),
    rates: d.rates,
    runs,
  };
}
