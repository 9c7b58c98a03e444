// The default configuration's loop, as users run it: the sandbox's seeded world (contacts with their
// behaviour, companies, reps, the CRM's own Leads, Contacts, Accounts and Opportunities), a leadloop.yaml
// with the shipped mappings, qualification and SLA (funnel on, `sync.include: mql`), the adapters'
// shipped look-backs (HubSpot 30 s, Salesforce 5 min) and the funnel wired by cli/compose.ts. Only the
// rate limiters are lifted, so wall time measures leadloop and the emulators: the time the same calls
// need under the vendors' limits is computed from the call counts (core/forecast). The emulators run in a
// process of their own (emulator-host.ts), so this process's memory is leadloop's.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { funnelSetup } from "../cli/compose.js";
import { preparation } from "../cli/preparation.js";
import { loadConfig } from "../config/load-config.js";
import type { CrmKind } from "../config/leadloop-config.js";
import { loadMappings } from "../config/mapping-file.js";
import { silentLogger } from "../log/logger.js";
import { writeSandboxConfig } from "../sandbox/sandbox-config.js";
import { openStore } from "../store/open-store.js";
import type { StoreSize } from "../store/port.js";
import { runSync } from "../sync/engine.js";
import { createHubspotAdapter } from "../systems/hubspot/adapter.js";
import { DEFAULT_LOOKBACK_MS as HUBSPOT_LOOKBACK_MS } from "../systems/hubspot/limits.js";
import { createSalesforceAdapter } from "../systems/salesforce/adapter.js";
import { DEFAULT_LOOKBACK_MS as SALESFORCE_LOOKBACK_MS } from "../systems/salesforce/limits.js";
import { emulatorConnection } from "../sandbox/sandbox-config.js";
import type { PeopleRound } from "../sandbox/play-people.js";
import { BENCH_RETRY, BURST_PER_10_SECONDS, SEARCH_PER_SECOND } from "./bench-loop.js";
import type { HostWorld } from "./emulator-protocol.js";
import type { EmulatorProcess } from "./emulator-process.js";
import type { MeasuredLoop } from "./measure-run.js";

export interface DefaultLoop extends MeasuredLoop {
  /** The longer of the adapters' look-backs: how far back a run re-reads before the last run's signpost. */
  lookbackMs: number;
  /** Bytes the store's files take on disk (database and its write-ahead log). */
  storeBytes(): number;
  /** Where the store's bytes go: rows and bytes per table (`leadloop store stats`). */
  storeSize(): Promise<StoreSize>;
  /** Marketing changes the job title of 10% of the contacts, between runs; how many changed. */
  editJobTitles(round: number): Promise<number>;
  /**
   * Moves time forward by `ms` for the systems and leadloop together (the run's signpost and every
   * time leadloop takes from its `now`), as if that long passed with nobody acting: what lets the
   * idle run follow the last write by more than both look-backs without waiting for them.
   */
  advanceClock(ms: number): Promise<void>;
  /** 10% of the contacts act once each (a form, an email click, a page view), between runs; how many. */
  playBehaviour(round: number): Promise<number>;
  /** One round of what the sandbox's people do between runs (sandbox/play-people.ts); what they did. */
  playPeople(round: number): Promise<PeopleRound>;
  close(): Promise<void>;
}

/**
 * Connects leadloop to the seeded emulators of `host`, with Salesforce as the CRM or, for `crm: hubspot`,
 * HubSpot's own objects (wired as cli/compose.ts wires them: no mappings, the marketing adapter is the
 * CRM); closing the loop closes the emulators too.
 */
export async function connectDefaultLoop(host: EmulatorProcess, world: HostWorld, crmKind: CrmKind = "salesforce"): Promise<DefaultLoop> {
  const { hubspot } = world;
  const dir = mkdtempSync(join(tmpdir(), "leadloop-bench-default-"));
  const configFile = join(dir, "leadloop.yaml");
  const storePath = join(dir, "state.db");
  writeSandboxConfig(configFile, world.routing, {
    hubspot,
    ...(crmKind === "salesforce" ? { salesforce: world.salesforce } : {}),
    storePath,
    crm: crmKind,
  });
  const { config } = loadConfig(configFile, {});
  const mappings = crmKind === "salesforce" ? loadMappings(config.mappings) : [];
  // The shipped look-backs (no lookbackMs given); only the limiters are lifted.
  const marketing = createHubspotAdapter({
    accessToken: hubspot.accessToken,
    baseUrl: hubspot.url,
    retry: BENCH_RETRY,
    searchPerSecond: SEARCH_PER_SECOND,
    burstPer10Seconds: BURST_PER_10_SECONDS,
  });
  const crm =
    crmKind === "salesforce"
      ? await createSalesforceAdapter({
          connection: emulatorConnection(world.salesforce),
          retry: BENCH_RETRY,
          apiShare: { share: 1, earlier: [] },
          bulkThreshold: config.sync.bulkThreshold,
          lookbackMs: config.salesforce?.lookback,
        })
      : marketing;
  // Prepared by the first run, as a leadloop process's first run is: the first load's calls count it.
  const { prepare, takeCalls } = preparation(marketing, crm, mappings);
  const funnel = funnelSetup(config, marketing, crm);
  const store = await openStore(config.store);
  const lookbackMs = Math.max(HUBSPOT_LOOKBACK_MS, config.salesforce?.lookback ?? SALESFORCE_LOOKBACK_MS);
  let aheadMs = 0;
  const now = () => new Date(Date.now() + aheadMs);
  return {
    storePath,
    ...(crmKind === "salesforce" ? { bulkThreshold: config.sync.bulkThreshold } : {}),
    lookbackMs,
    tally: async () => {
      await host.startTally();
      return {
        stop: async () => {
          const counts = await host.stopTally();
          return { hubspot: counts.hubspot, salesforce: counts.salesforce, emulatorsPeakRssBytes: counts.peakRssBytes };
        },
      };
    },
    sync: async () => {
      await prepare();
      return runSync({ store, marketing, crm, mappings, funnel, log: silentLogger, now, preparation: takeCalls() });
    },
    storeBytes: () => fileBytes(storePath) + fileBytes(`${storePath}-wal`),
    storeSize: () => store.size(),
    editJobTitles: (round) => host.editJobTitles(round),
    advanceClock: async (ms) => {
      aheadMs = await host.advanceClock(ms);
    },
    playBehaviour: (round) => host.playBehaviour(round),
    playPeople: (round) => host.playPeople(round),
    close: async () => {
      await store.close();
      await host.close();
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
