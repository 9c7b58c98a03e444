// Scenarios 1-3 of the bench on one loop, in order: the first load of N marketing contacts into
// Salesforce, the runs that settle it, an incremental run after 10% of job titles changed, and two
// no-op runs. Seeding and editing happen between measurements and are not timed.
import { setTimeout as sleep } from "node:timers/promises";
import { connectLoop, startEmulators } from "./bench-loop.js";
import { editJobTitles } from "./edit-contacts.js";
import { mb, type PhaseFigures, round } from "./figures.js";
import { measureRun } from "./measure-run.js";
import { seedContacts } from "./seed-contacts.js";

export interface SyncScenarios {
  records: number;
  seedSeconds: number;
  /** RSS once both emulators hold the seed, before leadloop starts: the floor under every peakRssMb. */
  rssAfterSeedMb: number;
  /** Scenario 1: N creates in Salesforce. */
  firstLoad: PhaseFigures;
  /**
   * The run right after the first load, with no edits: Salesforce gave each new Lead a default Status,
   * which flows back to HubSpot's hs_lead_status (to_marketing), so this run writes N contacts.
   */
  settle: PhaseFigures;
  /** The run after that: it reads back leadloop's own HubSpot writes (echo) and must write nothing. */
  echo: PhaseFigures;
  /** Scenario 2: K = 10% of job titles changed in HubSpot. */
  incremental: PhaseFigures;
  /** Scenario 3: no edits since the incremental run (it reads back the K Leads leadloop wrote). */
  noop: PhaseFigures;
  /** A second no-op run: what a steady-state idle run reads. */
  quiet: PhaseFigures;
}

/** Long enough that edits made after a run carry a later modification stamp than its signpost. */
const TICK_MS = 20;

export async function runSyncScenarios(records: number): Promise<SyncScenarios> {
  const emulators = await startEmulators();
  const seedStarted = performance.now();
  seedContacts(emulators.hubspot, records);
  const seedSeconds = round((performance.now() - seedStarted) / 1000, 3);
  const rssAfterSeedMb = mb(process.memoryUsage.rss());
  const loop = await connectLoop(emulators);
  try {
    const firstLoad = await measureRun(loop, records);
    await sleep(TICK_MS);
    const settle = await measureRun(loop, firstLoad.created.salesforce);
    await sleep(TICK_MS);
    const echo = await measureRun(loop, 0);
    await sleep(TICK_MS);
    const changed = editJobTitles(loop.hubspot, 1);
    await sleep(TICK_MS);
    const incremental = await measureRun(loop, changed);
    await sleep(TICK_MS);
    const noop = await measureRun(loop, 0);
    await sleep(TICK_MS);
    const quiet = await measureRun(loop, 0);
    return { records, seedSeconds, rssAfterSeedMb, firstLoad, settle, echo, incremental, noop, quiet };
  } finally {
    await loop.close();
  }
}
