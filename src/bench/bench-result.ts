// Puts one size's measurements together into the object `--json` prints: the first load's figures at
// the top level (the names issue 3 asks for), the later runs, the baseline and the engine beside them.
import type { EngineFigures } from "./engine-figures.js";
import { type PerSystem, type PhaseFigures, round } from "./figures.js";
import type { NaiveFigures } from "./naive-connector.js";
import type { SyncScenarios } from "./sync-scenarios.js";

export interface BaselineResult {
  /** Naive calls / leadloop's calls for the same first load, both systems together. */
  ratio: number;
  perSystem: PerSystem<number | null>;
  naive: NaiveFigures;
}

export interface BenchResult extends Omit<PhaseFigures, "endpoints"> {
  seedSeconds: number;
  rssAfterSeedMb: number;
  /** Naive connector calls / leadloop calls, same first load; null when skipped. */
  baselineRatio: number | null;
  baseline: BaselineResult | { skipped: string };
  endpoints: PhaseFigures["endpoints"];
  settle: PhaseFigures;
  echo: PhaseFigures;
  incremental: PhaseFigures;
  noop: PhaseFigures;
  quiet: PhaseFigures;
}

export function benchResult(sync: SyncScenarios, naive: NaiveFigures | string): BenchResult {
  const { firstLoad } = sync;
  const baseline = typeof naive === "string" ? { skipped: naive } : compare(firstLoad, naive);
  return {
    ...firstLoad,
    seedSeconds: sync.seedSeconds,
    rssAfterSeedMb: sync.rssAfterSeedMb,
    baselineRatio: "ratio" in baseline ? baseline.ratio : null,
    baseline,
    settle: sync.settle,
    echo: sync.echo,
    incremental: sync.incremental,
    noop: sync.noop,
    quiet: sync.quiet,
  };
}

function compare(ours: PhaseFigures, naive: NaiveFigures): BaselineResult {
  const total = ours.apiCalls.hubspot + ours.apiCalls.salesforce;
  const per = (n: number, o: number) => (o > 0 ? round(n / o, 2) : null);
  return {
    ratio: round(naive.totalCalls / total, 2),
    perSystem: {
      hubspot: per(naive.apiCalls.hubspot.total, ours.apiCalls.hubspot),
      salesforce: per(naive.apiCalls.salesforce.total, ours.apiCalls.salesforce),
    },
    naive,
  };
}

export interface EngineResult {
  /** The headline figures: the merge over the core alone. */
  records: number;
  recordsPerSecond: number;
  cpuSecondsPer10k: number;
  merge: EngineFigures;
  /** syncPage over pages of 100 (a HubSpot list page). */
  page: EngineFigures;
  /** syncPage over groups of 2,000, the size readChangeGroups gives the field sync. */
  group: EngineFigures;
}

export function engineResult(merge: EngineFigures, page: EngineFigures, group: EngineFigures): EngineResult {
  return {
    records: merge.records,
    recordsPerSecond: merge.recordsPerSecond,
    cpuSecondsPer10k: merge.cpuSecondsPer10k,
    merge,
    page,
    group,
  };
}
