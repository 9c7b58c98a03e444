// What `leadloop forecast --live` reads from the portal, the org and the configured store: the counts and
// limits the forecast would otherwise take from flags, each with where it came from, so a person can see
// which figures were counted and which were left to them (ARCHITECTURE.md "CLI", forecast).
import { loadConfig } from "../config/load-config.js";
import type { StateStore } from "../store/port.js";
import { binSizeFact } from "../sync/recycle-bin.js";
import { wire } from "./compose.js";
import { type CommandIo, type GlobalOptions, makeLogger } from "./context.js";
import { progressLine } from "./progress.js";
import { hubspotCrmRefusal } from "./forecast-scope.js";

const DAY_MS = 24 * 60 * 60_000;

/** Where the reps' updates of a day came from. */
export type SalesUpdatesSource =
  | { from: "flag" }
  | { from: "none" }
  /** Leads and Opportunities others than leadloop's integration user last modified since `since`. */
  | { from: "org"; leads: number; opportunities: number; since: string };

/** One object's recycle bin: the size the daemon's last listing kept in the store (and when), or listed now. */
export type BinCount = { object: string; records: number } & ({ from: "store"; at: string } | { from: "listed" });

export type ArchivedSource = { from: "flag" } | { from: "none" } | { from: "live"; objects: BinCount[] };

export interface LiveConfigured {
  schedule: { every: number };
  sync: { salesforceApiShare: number };
  hubspot: { recycleBinEvery: number };
}

export interface LiveCounts {
  config: LiveConfigured;
  contacts: number;
  hubspotBurst?: number;
  hubspotDaily?: number;
  salesforceDaily?: number;
  leads?: number;
  crmContacts?: number;
  /** The reps' updates of the last 24 hours, or why they were not counted; none when not asked. */
  salesUpdates?: { count: number; source: Extract<SalesUpdatesSource, { from: "org" }> };
  /** The recycle bins a run lists, each from the store or listed; none when not asked. */
  archived?: { count: number; source: Extract<ArchivedSource, { from: "live" }> };
}

/** What to count: a count a flag gives is not read (flags win). */
export interface LiveAsk {
  salesUpdates: boolean;
  archived: boolean;
}

export async function readLive(g: GlobalOptions, io: CommandIo, ask: LiveAsk, now = Date.now()): Promise<LiveCounts> {
  const loaded = loadConfig(g.config, io.env);
  if (loaded.config.crm === "hubspot") throw hubspotCrmRefusal("forecast --live", loaded.file);
  // The store lends its recorded runs' API calls to the Salesforce budget and the daemon's last listings
  // of the recycle bins: none is created for them.
  const wiring = await wire(loaded.config, makeLogger(io, g.logLevel, loaded.secrets), { store: { inMemoryWhenMissing: true }, now: io.now });
  try {
    const portal = await wiring.marketing.portalUsage();
    const org = await wiring.orgUsage(ask.salesUpdates ? new Date(now - DAY_MS).toISOString() : undefined);
    const salesUpdates = org?.salesUpdates
      ? { count: org.salesUpdates.leads + org.salesUpdates.opportunities, source: { from: "org", ...org.salesUpdates } as const }
      : undefined;
    // The objects whose bins a run lists: each pair's marketing object.
    const objects = [...new Set(wiring.mappings.map((m) => m.marketingObject))];
    const archived = !ask.archived
      ? undefined
      : await countBins(wiring.store, objects, (object, onPage) => wiring.marketing.recycleBinSize(object, onPage), io);
    return {
      config: loaded.config,
      contacts: portal.contacts,
      hubspotBurst: portal.burstPer10Seconds ?? undefined,
      hubspotDaily: portal.dailyCalls ?? undefined,
      salesforceDaily: org?.dailyCalls,
      leads: org?.leads,
      crmContacts: org?.contacts,
      ...(salesUpdates ? { salesUpdates } : {}),
      ...(archived ? { archived } : {}),
    };
  } finally {
    await wiring.close();
  }
}

/**
 * Each bin's size: the store's when the daemon listed it (sync/recycle-bin.ts keeps the last listing's
 * size), else listed now, page by page, with a progress line on a terminal.
 */
async function countBins(
  store: StateStore,
  objects: readonly string[],
  list: (object: string, onPage: (listed: number) => void) => Promise<number>,
  io: CommandIo,
): Promise<NonNullable<LiveCounts["archived"]>> {
  const counts: BinCount[] = [];
  const progress = progressLine(io, true);
  try {
    for (const object of objects) {
      const fact = await store.getFact(binSizeFact("hubspot", object));
      const kept = fact ? Number(fact.value) : Number.NaN;
      if (fact && Number.isInteger(kept) && kept >= 0) {
        counts.push({ object, records: kept, from: "store", at: fact.at });
        continue;
      }
      let seen = 0;
      const records = await list(object, (listed) => {
        progress.update({ phase: `HubSpot's recycle bin: ${object}`, read: listed - seen, written: 0 });
        seen = listed;
      });
      counts.push({ object, records, from: "listed" });
    }
  } finally {
    progress.done();
  }
  return { count: counts.reduce((sum, c) => sum + c.records, 0), source: { from: "live", objects: counts } };
}
