// The messages between the bench and its emulator process (emulator-host.ts), over fork's IPC channel.
import type { CrmKind } from "../config/leadloop-config.js";
import type { HubspotTier } from "../sandbox/hubspot/portal-tier.js";
import type { CallCounts } from "./figures.js";

export type HostRequest =
  /** `crm`: where the seeded world's CRM side lives (HubSpot's own objects: Salesforce is left empty). */
  | { op: "seed"; contacts: number; tier: HubspotTier; crm: CrmKind }
  | { op: "tally-start" }
  | { op: "tally-stop" }
  | { op: "edit-job-titles"; round: number }
  /** Moves both emulators' clock forward by `ms` (leadloop's clock moves with it, default-loop.ts). */
  | { op: "advance-clock"; ms: number }
  | { op: "play-behaviour"; round: number }
  /** One round of what the sandbox's people do (sandbox/play-people.ts), at the systems' clock. */
  | { op: "play-people"; round: number }
  | { op: "close" };

/** What the seeded emulators tell the bench: where they listen and the routing for the seeded reps. */
export interface HostWorld {
  routing: string;
  hubspot: { url: string; accessToken: string };
  salesforce: { url: string; clientId: string; clientSecret: string };
  /** The emulator process's RSS once seeded. */
  rssBytes: number;
  /** Its used heap once seeded (after a collection): what the seeded world holds. */
  heapUsedBytes: number;
  /** Its heap limit (the --max-old-space-size the bench sized for the world, emulator-process.ts). */
  heapLimitBytes: number;
  /** Records of each object the first load reads, per system, as seeded (the same-work baseline's reads). */
  records: { hubspot: Record<string, number>; salesforce: Record<string, number> };
}

export interface HostTally {
  hubspot: CallCounts;
  salesforce: CallCounts;
  /** The emulator process's highest RSS during the run. */
  peakRssBytes: number;
}

export type HostReply = { id: number; result: unknown; error?: undefined } | { id: number; error: string; result?: undefined };
