// A whole loop for integration tests: both emulators on loopback, the real adapters over HTTP, a
// SQLite store in a temp folder, the shipped mappings, and a `sync()` that runs the engine once.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadMappings } from "../../src/config/mapping-file.js";
import type { ObjectMapping } from "../../src/core/mapping.js";
import { type Logger, silentLogger } from "../../src/log/logger.js";
import { type HubspotEmulator, type HubspotEmulatorOptions, startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { SHIPPED_MAPPINGS } from "../../src/sandbox/package-paths.js";
import { emulatorConnection } from "../../src/sandbox/sandbox-config.js";
import {
  type SalesforceEmulator,
  type SalesforceEmulatorOptions,
  startSalesforceEmulator,
} from "../../src/sandbox/salesforce/emulator.js";
import { preparation } from "../../src/cli/preparation.js";
import { openStore } from "../../src/store/open-store.js";
import type { StateStore } from "../../src/store/port.js";
import { runSync, type SyncOptions, type SyncResult } from "../../src/sync/engine.js";
import type { CallsSoFar } from "../../src/sync/run-calls.js";
import { type RetryOptions, type RetryResult, retryQueuedErrors } from "../../src/sync/retry-errors.js";
import { createHubspotAdapter, type HubspotAdapter } from "../../src/systems/hubspot/adapter.js";
import { createSalesforceAdapter, type SalesforceAdapter } from "../../src/systems/salesforce/adapter.js";
import type { RetryPolicy } from "../../src/systems/call-retry.js";

export const FAST_RETRY = { patienceMs: 10_000, minTimeoutMs: 5, maxTimeoutMs: 50 };

export interface LoopHarness {
  hubspot: HubspotEmulator;
  salesforce: SalesforceEmulator;
  hubspotAdapter: HubspotAdapter;
  salesforceAdapter: SalesforceAdapter;
  store: StateStore;
  storePath: string;
  mappings: ObjectMapping[];
  sync(options?: Partial<SyncOptions>): Promise<SyncResult>;
  /** `leadloop errors retry` on the same parts as `sync` (its options as overrides). */
  retry(options?: Partial<RetryOptions>): Promise<RetryResult>;
  /**
   * New adapters and store on the same emulators and file, as after a process restart; `whileClosed`
   * runs between closing the store and opening it again (to lose or damage the file).
   */
  restart(whileClosed?: () => void): Promise<void>;
  close(): Promise<void>;
}

export interface LoopOptions {
  mappings?: ObjectMapping[];
  salesforce?: SalesforceEmulatorOptions;
  /** How the HubSpot emulator answers (its paging, its times); the limits and the clock are the loop's. */
  hubspot?: Pick<HubspotEmulatorOptions, "pagingCursors" | "objectTimestamps" | "rateLimitBodies">;
  /**
   * One clock for both emulators and every run. Without it the loop runs in real time with HubSpot's
   * search index lag off, since its runs follow their writes at once (the lag is tested on an injected
   * clock, with the emulator's default lag and leadloop's default look-back: search-lag.int.test.ts).
   */
  now?: () => Date;
  /** The HubSpot adapter's search look-back; 1 s unless given (the adapter's own default is 30 s). */
  hubspotLookbackMs?: number;
  /** Both adapters' retry policy (a patience to outlast); FAST_RETRY unless given. */
  retry?: RetryPolicy;
  /** Records in one Salesforce write above which Bulk API 2.0 is used; the adapter's 10,000 unless given. */
  bulkThreshold?: number;
  /** Where both adapters and every run log (their retry lines); silent unless given. */
  log?: Logger;
}

export async function startLoop(options: LoopOptions = {}): Promise<LoopHarness> {
  const hubspot = await startHubspotEmulator({
    ...options.hubspot,
    limits: { burstPer10Seconds: 100_000, searchPerSecond: 1000 },
    ...(options.now ? { now: options.now } : { searchLagMs: 0 }),
  });
  const salesforce = await startSalesforceEmulator({
    ...options.salesforce,
    ...(options.now ? { now: options.now } : {}),
  });
  const storePath = join(mkdtempSync(join(tmpdir(), "leadloop-loop-")), "state.db");
  const mappings = options.mappings ?? loadMappings(SHIPPED_MAPPINGS);
  const connect = async () => {
    const hubspotAdapter = createHubspotAdapter({
      accessToken: hubspot.accessToken,
      baseUrl: hubspot.url,
      retry: options.retry ?? FAST_RETRY,
      log: options.log ?? silentLogger,
      lookbackMs: options.hubspotLookbackMs ?? 1000,
      searchPerSecond: 1000,
      burstPer10Seconds: 100_000,
    });
    const salesforceAdapter = await createSalesforceAdapter({
      connection: emulatorConnection(salesforce),
      retry: options.retry ?? FAST_RETRY,
      log: options.log ?? silentLogger,
      ...(options.bulkThreshold === undefined ? {} : { bulkThreshold: options.bulkThreshold }),
    });
    // Tests run both CRM modes on one harness: the task key property of HubSpot-as-CRM is made too. Made
    // at once, as a process's preparation before its first run (cli/preparation.ts), whose calls that run
    // counts: after a restart, the next run's summary counts the property lists read again.
    const prepared = preparation(hubspotAdapter, salesforceAdapter, mappings, { crmIsMarketing: true });
    await prepared.prepare();
    return { hubspotAdapter, salesforceAdapter, prepared, store: await openStore({ path: storePath }) };
  };
  let parts = await connect();
  /** What a run and a retry work on: the parts as they are now (a restart replaces them). */
  const running = () => ({
    ...withPreparation(parts.prepared.takeCalls()),
    store: parts.store,
    marketing: parts.hubspotAdapter,
    crm: parts.salesforceAdapter,
    mappings,
    log: options.log ?? silentLogger,
    ...(options.now ? { now: options.now } : {}),
  });
  const harness: LoopHarness = {
    hubspot,
    salesforce,
    get hubspotAdapter() {
      return parts.hubspotAdapter;
    },
    get salesforceAdapter() {
      return parts.salesforceAdapter;
    },
    get store() {
      return parts.store;
    },
    storePath,
    mappings,
    sync: (overrides = {}) => runSync({ ...running(), ...overrides }),
    retry: (overrides = {}) => retryQueuedErrors({ ...running(), ...overrides }),
    restart: async (whileClosed) => {
      await parts.store.close();
      whileClosed?.();
      parts = await connect();
    },
    close: async () => {
      await parts.store.close();
      await hubspot.close();
      await salesforce.close();
    },
  };
  return harness;
}

function withPreparation(calls: CallsSoFar | undefined): { preparation?: CallsSoFar } {
  return calls ? { preparation: calls } : {};
}

/** Waits long enough for the next write to get a later modification stamp than the last run's signpost. */
export function tick(ms = 5): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
