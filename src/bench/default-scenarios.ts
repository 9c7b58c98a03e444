// The default configuration's scenarios on one loop, in order: the first load of the sandbox's world of
// N contacts (everyone scored, MQLs created in Salesforce and handed off), the run that settles it, an
// incremental run after 10% of job titles changed, a behaviour run after another 10% of the contacts acted
// (forms, email clicks, page views: what the behaviour reads cost on the portal's tier), two runs with no
// edits that still re-read the last writes inside the look-backs (no-op, quiet), and the idle run: time
// moved past both look-backs twice (before quiet and before idle), so nothing leadloop wrote is inside its
// windows and it shows what a scheduled run costs when nothing happened. Each run's write minimum comes
// from its own audit. Seeding, editing and moving the clock happen between runs, untimed. The emulators
// run in a process of their own, so the runs' peakRssMb is leadloop's and theirs is apart.
import { setTimeout as sleep } from "node:timers/promises";
import { type ClassCalls, type ForecastSystem, ratesFrom, type CallRates } from "../core/forecast/api-forecast.js";
import type { HubspotTier } from "../sandbox/hubspot/portal-tier.js";
import { connectDefaultLoop } from "./default-loop.js";
import { forkEmulators } from "./emulator-process.js";
import { mb, type PerSystem, type PhaseFigures, round } from "./figures.js";
import { measureRun } from "./measure-run.js";

export interface DefaultScenarios {
  records: number;
  seedSeconds: number;
  /** The bench process's RSS before leadloop starts (the emulators hold the seed in their own process). */
  rssAfterSeedMb: number;
  /** The emulator process's RSS once seeded. */
  emulatorsRssAfterSeedMb: number;
  /** The emulator process's used heap once seeded, and its heap limit (sized to the records). */
  emulatorsHeapAfterSeedMb: number;
  emulatorsHeapLimitMb: number;
  firstLoad: PhaseFigures;
  settle: PhaseFigures;
  incremental: PhaseFigures & { changedContacts: number };
  /** The run after 10% of the contacts acted; `changedContacts` is how many. */
  behaviour: PhaseFigures & { changedContacts: number };
  /** The HubSpot portal's tier (what the behaviour reads can use: the events API is Enterprise's). */
  hubspotTier: HubspotTier;
  noop: PhaseFigures;
  quiet: PhaseFigures;
  /** A run with nothing in its read windows: the last write lies more than the look-backs before it. */
  idle: PhaseFigures;
  storeBytes: number;
  /** Each table's bytes (its own pages and its indexes') after the runs. */
  storeTables: { name: string; rows: number; bytes: number }[];
  /** The calls per contact these runs measured, in the forecast model's terms (core/forecast). */
  rates: CallRates;
  /** Records of each object the first load reads, per system, as seeded. */
  seededRecords: PerSystem<Record<string, number>>;
}

const TICK_MS = 20;
/** How much later than the look-back the clock jumps: the idle run's windows end up a minute clear. */
export const PAST_LOOKBACK_MS = 60_000;

export async function runDefaultScenarios(
  records: number,
  measuredAt: string,
  hubspotTier: HubspotTier = "enterprise",
): Promise<DefaultScenarios> {
  const seedStarted = performance.now();
  const host = forkEmulators(records);
  let world;
  try {
    world = await host.seed(records, hubspotTier);
  } catch (err) {
    await host.close();
    throw err;
  }
  const seedSeconds = round((performance.now() - seedStarted) / 1000, 3);
  const rssAfterSeedMb = mb(process.memoryUsage.rss());
  const loop = await connectDefaultLoop(host, world);
  try {
    const firstLoad = await measureRun(loop, "audit");
    await sleep(TICK_MS);
    const settle = await measureRun(loop, "audit");
    await sleep(TICK_MS);
    const changedContacts = await loop.editJobTitles(1);
    await sleep(TICK_MS);
    const incremental = { ...(await measureRun(loop, "audit")), changedContacts };
    await sleep(TICK_MS);
    const acted = await loop.playBehaviour(1);
    await sleep(TICK_MS);
    const behaviour = { ...(await measureRun(loop, "audit")), changedContacts: acted };
    await sleep(TICK_MS);
    const noop = await measureRun(loop, "audit");
    // A run re-reads the look-back before the last run's signpost, so the idle run needs two jumps: quiet
    // still re-reads what incremental wrote (its window starts where noop's did), and idle's window then
    // starts a minute after noop, with nothing written since.
    const jump = loop.lookbackMs + PAST_LOOKBACK_MS;
    await loop.advanceClock(jump);
    const quiet = await measureRun(loop, "audit");
    await loop.advanceClock(jump);
    const idle = await measureRun(loop, "audit");
    const rates = ratesFrom(
      [
        {
          contacts: records,
          firstLoad: firstLoad.classCalls,
          changes: [
            { calls: incremental.classCalls, changed: changedContacts },
            { calls: behaviour.classCalls, changed: acted },
          ],
          idle: idle.classCalls,
        },
      ],
      measuredAt,
    );
    return {
      records,
      seedSeconds,
      rssAfterSeedMb,
      emulatorsRssAfterSeedMb: mb(world.rssBytes),
      emulatorsHeapAfterSeedMb: mb(world.heapUsedBytes),
      emulatorsHeapLimitMb: mb(world.heapLimitBytes),
      firstLoad,
      settle,
      incremental,
      behaviour,
      hubspotTier,
      noop,
      quiet,
      idle,
      storeBytes: loop.storeBytes(),
      storeTables: (await loop.storeSize()).tables.map((t) => ({ name: t.name, rows: t.rows, bytes: t.bytes + t.indexBytes })),
      rates,
      seededRecords: world.records,
    };
  } finally {
    await loop.close();
  }
}

/** The worst write ratio of any run that wrote, per system: the figure "≤ 1.1× in every scenario" is about. */
export function worstWriteRatio(runs: readonly PhaseFigures[]): PerSystem<number | null> {
  const worst = (s: ForecastSystem) => {
    const ratios = runs.map((r) => r.writeCallRatio[s]).filter((r): r is number => r !== null);
    return ratios.length > 0 ? Math.max(...ratios) : null;
  };
  return { hubspot: worst("hubspot"), salesforce: worst("salesforce") };
}

export function totalCalls(calls: PerSystem<ClassCalls>): number {
  let sum = 0;
  for (const c of Object.values(calls)) sum += c.writes + c.reads + c.behaviour + c.match;
  return sum;
}
