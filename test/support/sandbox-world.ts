// A fresh sandbox world for tests that drive the built CLI: both emulators seeded from one seed, the
// config, routing and store files `leadloop sandbox` would write, all in a temp folder of its own.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type HubspotEmulator,
  type EventsObjectId,
  type HubspotTier,
  startHubspotEmulator,
} from "../../src/sandbox/hubspot/emulator.js";
import { loadSeed } from "../../src/sandbox/load-seed.js";
import { type SalesforceEmulator, startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import { writeSandboxConfig } from "../../src/sandbox/sandbox-config.js";
import { sandboxRoutingText } from "../../src/sandbox/sandbox-routing.js";
import type { SeedData } from "../../src/sandbox/seed/types.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { runCli } from "./cli-run.js";

export interface SandboxWorld {
  hubspot: HubspotEmulator;
  salesforce: SalesforceEmulator;
  dir: string;
  configPath: string;
  storePath: string;
  close(): Promise<void>;
}

/**
 * Starts both emulators, loads `seed` into them and writes the sandbox's config (shipped mappings and
 * qualification, routing for the seeded reps, `crm: salesforce` unless told) with a store file nobody used yet.
 */
export async function openSandboxWorld(
  seed: SeedData,
  label = "world",
  crm: "salesforce" | "hubspot" = "salesforce",
  /** The HubSpot portal's tier (enterprise unless told). */
  tier: HubspotTier = "enterprise",
  /** How strictly the portal's events API holds to its spec (emulator.ts `eventsObjectId`; lenient unless told). */
  eventsObjectId: EventsObjectId = "optional",
  /** The portal's ten-second burst limit, which its answers state (a test of leadloop's pacing sets it; else unlimited). */
  burstPer10Seconds = 1_000_000,
): Promise<SandboxWorld> {
  // leadloop paces itself at HubSpot's published limits within a process; the emulator's own rolling
  // window would otherwise carry one child run's calls over into the next one's.
  const hubspot = await startHubspotEmulator({
    searchLagMs: 0,
    limits: { burstPer10Seconds, searchPerSecond: 1_000_000 },
    tier,
    eventsObjectId,
  });
  const salesforce = await startSalesforceEmulator();
  loadSeed(seed, { hubspot, salesforce });
  const dir = mkdtempSync(join(tmpdir(), `leadloop-${label}-`));
  const storePath = join(dir, "state.db");
  const configPath = join(dir, "leadloop.yaml");
  writeSandboxConfig(configPath, sandboxRoutingText(seed), {
    hubspot: { url: hubspot.url, accessToken: hubspot.accessToken },
    salesforce,
    storePath,
    crm,
  });
  return {
    hubspot,
    salesforce,
    dir,
    configPath,
    storePath,
    close: async () => {
      await hubspot.close();
      await salesforce.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One `leadloop sync --json` over the world: its exit code, run summary and log lines. */
export async function syncWorld(
  world: SandboxWorld,
): Promise<{ code: number; summary: Record<string, unknown>; stderr: string }> {
  const r = await runCli(["sync", "-c", world.configPath, "--json"]);
  return { code: r.code, summary: r.stdout ? (JSON.parse(r.stdout) as Record<string, unknown>) : {}, stderr: r.stderr };
}

/** Emails of the people leadloop made MQLs, from the world's store, lower-cased and sorted. */
export async function mqlEmails(world: SandboxWorld): Promise<string[]> {
  const store = await openSqliteStore(world.storePath);
  try {
    const events = await store.listFunnelEvents();
    return [...new Set(events.filter((e) => e.toStage === "mql").map((e) => (e.email ?? "").toLowerCase()))].sort();
  } finally {
    await store.close();
  }
}
