// One benchmark loop: both emulators on loopback, the real adapters over HTTP, a SQLite store in a temp
// folder and the shipped mappings, wired as test/support/loop-harness.ts does for the integration tests.
// Limits are set high on both the emulator and the adapter so the figures measure leadloop, not throttling.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadMappings } from "../config/mapping-file.js";
import type { ObjectMapping } from "../core/mapping.js";
import { silentLogger } from "../log/logger.js";
import { type HubspotEmulator, type HubspotTier, startHubspotEmulator } from "../sandbox/hubspot/emulator.js";
import { SHIPPED_MAPPINGS } from "../sandbox/package-paths.js";
import { emulatorConnection } from "../sandbox/sandbox-config.js";
import { type SalesforceEmulator, startSalesforceEmulator } from "../sandbox/salesforce/emulator.js";
import { openStore } from "../store/open-store.js";
import type { StateStore } from "../store/port.js";
import { runSync, type SyncResult } from "../sync/engine.js";
import { createHubspotAdapter } from "../systems/hubspot/adapter.js";
import { preparation } from "../cli/preparation.js";
import { createSalesforceAdapter } from "../systems/salesforce/adapter.js";
import { DEFAULT_RETRY_POLICY } from "../systems/retry-wait.js";
import { inProcessTally, type MeasuredLoop } from "./measure-run.js";

/** High enough that no limiter ever waits during a bench run. */
export const BURST_PER_10_SECONDS = 10_000_000;
export const SEARCH_PER_SECOND = 1_000_000;
/**
 * Retries stay quick (a bench that retries is reported through its call counts anyway), but as patient as
 * the default configuration (`sync.retryPatience`): with 10 s, a 1M bench on a machine at load 24 stopped
 * after 30 minutes when one search to the emulator's process took 15 s and its connection was reset.
 */
export const BENCH_RETRY = { patienceMs: DEFAULT_RETRY_POLICY.patienceMs, minTimeoutMs: 5, maxTimeoutMs: 50 };

export interface Emulators {
  hubspot: HubspotEmulator;
  salesforce: SalesforceEmulator;
  close(): Promise<void>;
}

export interface BenchLoop extends Emulators, MeasuredLoop {
  mappings: ObjectMapping[];
  store: StateStore;
  storePath: string;
  sync(): Promise<SyncResult>;
}

/**
 * Both emulators with HubSpot's burst and search limits lifted; Salesforce's daily allocation too. `now`
 * is the systems' clock (real time unless given): the default configuration's bench moves it forward to
 * space its idle run past the look-backs (default-scenarios.ts). `tier` is the HubSpot portal's.
 */
export async function startEmulators(now?: () => Date, tier: HubspotTier = "enterprise"): Promise<Emulators> {
  // Runs follow their edits at once with a 1 s look-back (below), so the search index lag is off.
  const hubspot = await startHubspotEmulator({
    tier,
    searchLagMs: 0,
    limits: { burstPer10Seconds: BURST_PER_10_SECONDS, searchPerSecond: SEARCH_PER_SECOND, daily: 1e12 },
    ...(now ? { now } : {}),
  });
  const salesforce = await startSalesforceEmulator({ dailyApiLimit: 1e12, ...(now ? { now } : {}) });
  return {
    hubspot,
    salesforce,
    close: async () => {
      await hubspot.close();
      await salesforce.close();
    },
  };
}

/** Connects leadloop to already seeded emulators; counters are reset so only leadloop's calls count. */
export async function connectLoop(emulators: Emulators): Promise<BenchLoop> {
  const { hubspot, salesforce } = emulators;
  const dir = mkdtempSync(join(tmpdir(), "leadloop-bench-"));
  const mappings = loadMappings(SHIPPED_MAPPINGS);
  const hubspotAdapter = createHubspotAdapter({
    accessToken: hubspot.accessToken,
    baseUrl: hubspot.url,
    retry: BENCH_RETRY,
    // The emulator has no search index lag; a short look-back still exercises the re-read path.
    lookbackMs: 1000,
    searchPerSecond: SEARCH_PER_SECOND,
    burstPer10Seconds: BURST_PER_10_SECONDS,
  });
  const salesforceAdapter = await createSalesforceAdapter({
    connection: emulatorConnection(salesforce),
    retry: BENCH_RETRY,
    // The whole org allocation: the budget guard must not stop a 1M-record bench.
    apiShare: { share: 1, earlier: [] },
    // The emulator commits each write at once; a short look-back still exercises the re-read path.
    lookbackMs: 1000,
  });
  // Prepared by the first run, as a leadloop process's first run is: the first load's calls count it.
  const { prepare, takeCalls } = preparation(hubspotAdapter, salesforceAdapter, mappings);
  const store = await openStore({ path: join(dir, "state.db") });
  return {
    ...emulators,
    tally: inProcessTally(hubspot, salesforce),
    mappings,
    store,
    storePath: join(dir, "state.db"),
    sync: async () => {
      await prepare();
      return runSync({ store, marketing: hubspotAdapter, crm: salesforceAdapter, mappings, log: silentLogger, preparation: takeCalls() });
    },
    close: async () => {
      await store.close();
      await emulators.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
