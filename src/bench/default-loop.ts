// The default configuration's loop, as users run it: the sandbox's seeded world (contacts with their
// behaviour, companies, reps, the CRM's own Leads, Contacts, Accounts and Opportunities), a leadloop.yaml
// with the shipped mappings, qualification and SLA (funnel on, `sync.include: mql`), the adapters'
// shipped look-backs (HubSpot 30 s, Salesforce 5 min) and the funnel wired by cli/compose.ts. Only the
// rate limiters are lifted, so wall time measures leadloop and the emulators: the time the same calls
// need under the vendors' limits is computed from the call counts (core/forecast).
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { funnelSetup } from "../cli/compose.js";
import { loadConfig } from "../config/load-config.js";
import { loadMappings } from "../config/mapping-file.js";
import { silentLogger } from "../log/logger.js";
import { loadSeed } from "../sandbox/load-seed.js";
import { writeSandboxConfig } from "../sandbox/sandbox-config.js";
import { sandboxRoutingText } from "../sandbox/sandbox-routing.js";
import { generateSeed } from "../sandbox/seed/generate.js";
import { openStore } from "../store/open-store.js";
import { runSync } from "../sync/engine.js";
import { createHubspotAdapter } from "../systems/hubspot/adapter.js";
import { ensureLeadloopProperties } from "../systems/hubspot/leadloop-properties.js";
import { createSalesforceAdapter } from "../systems/salesforce/adapter.js";
import { emulatorConnection } from "../sandbox/sandbox-config.js";
import { BENCH_RETRY, BURST_PER_10_SECONDS, type Emulators, SEARCH_PER_SECOND, startEmulators } from "./bench-loop.js";
import type { MeasuredLoop } from "./measure-run.js";

/** The seed the sandbox uses by default: the same world as `leadloop sandbox`. */
const SEED = 42;

export interface DefaultLoop extends MeasuredLoop {
  /** Bytes the store's files take on disk (database and its write-ahead log). */
  storeBytes(): number;
  close(): Promise<void>;
}

/** Seeds both emulators with `contacts` contacts of the sandbox's world; returns them and the seed. */
export async function seededWorld(contacts: number): Promise<{ emulators: Emulators; routing: string }> {
  const emulators = await startEmulators();
  const seed = generateSeed({ seed: SEED, now: new Date(), contacts });
  loadSeed(seed, { hubspot: emulators.hubspot, salesforce: emulators.salesforce });
  return { emulators, routing: sandboxRoutingText(seed) };
}

export async function connectDefaultLoop(world: { emulators: Emulators; routing: string }): Promise<DefaultLoop> {
  const { hubspot, salesforce } = world.emulators;
  const dir = mkdtempSync(join(tmpdir(), "leadloop-bench-default-"));
  const configFile = join(dir, "leadloop.yaml");
  const storePath = join(dir, "state.db");
  writeSandboxConfig(configFile, world.routing, {
    hubspot: { url: hubspot.url, accessToken: hubspot.accessToken },
    salesforce,
    storePath,
    crm: "salesforce",
  });
  const { config } = loadConfig(configFile, {});
  const mappings = loadMappings(config.mappings);
  // The shipped look-backs (no lookbackMs given); only the limiters are lifted.
  const marketing = createHubspotAdapter({
    accessToken: hubspot.accessToken,
    baseUrl: hubspot.url,
    retry: BENCH_RETRY,
    searchPerSecond: SEARCH_PER_SECOND,
    burstPer10Seconds: BURST_PER_10_SECONDS,
  });
  const crm = await createSalesforceAdapter({
    connection: emulatorConnection(salesforce),
    retry: BENCH_RETRY,
    apiShare: { share: 1, earlier: [] },
    bulkThreshold: config.sync.bulkThreshold,
    lookbackMs: config.salesforce?.lookback,
  });
  await ensureLeadloopProperties(marketing, mappings);
  const funnel = funnelSetup(config, marketing, crm);
  const store = await openStore(config.store);
  return {
    hubspot,
    salesforce,
    storePath,
    sync: () => runSync({ store, marketing, crm, mappings, funnel, log: silentLogger }),
    storeBytes: () => fileBytes(storePath) + fileBytes(`${storePath}-wal`),
    close: async () => {
      await store.close();
      await world.emulators.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
