// The bench's emulator process: both emulators, seeded with the sandbox's world, run here so that the
// bench process's RSS is leadloop's own (test/bench/README.md, "peakRssMb"). The bench drives it over
// the IPC channel of child_process.fork (emulator-process.ts holds the other end): seed, count calls
// around a run (with this process's own peak RSS), edit contacts and play their behaviour between runs,
// move the systems' clock forward (so a run can follow the last one by more than the look-backs without
// waiting), close.
import { getHeapStatistics } from "node:v8";
import type { CrmKind } from "../config/leadloop-config.js";
import { loadSeed } from "../sandbox/load-seed.js";
import { playPeople } from "../sandbox/play-people.js";
import { sandboxRoutingText } from "../sandbox/sandbox-routing.js";
import { generateSeed } from "../sandbox/seed/generate.js";
import { type Emulators, startEmulators } from "./bench-loop.js";
import { startTally } from "./call-tally.js";
import { editJobTitles, playBehaviour } from "./edit-contacts.js";
import type { HostReply, HostRequest, HostWorld } from "./emulator-protocol.js";
import type { CallCounts } from "./figures.js";
import { sampleRss, type RssSampler } from "./rss-sampler.js";

/** The objects the first load reads from the start, per system (the shipped mappings' pairs). */
const FIRST_LOAD_OBJECTS = {
  hubspot: ["contacts", "companies", "deals"] as const,
  salesforce: ["Lead", "Contact", "Account", "Opportunity"] as const,
};

/**
 * The emulator process's RSS is sampled every quarter second: it follows the seeded world, which moves
 * slowly, and reading it 40 times a second cost 2% of the process in a 100k bench.
 */
const EMULATOR_RSS_SAMPLE_MS = 250;

/** The seed the sandbox uses by default: the same world as `leadloop sandbox`. */
const SEED = 42;

let emulators: Emulators | undefined;
/** Where the seeded world's CRM side lives: the people's reps work there (play-people.ts). */
let crm: CrmKind = "salesforce";
/** How far the systems' clock runs ahead of real time: the bench moves it, never back. */
let aheadMs = 0;
const systemsNow = (): Date => new Date(Date.now() + aheadMs);
let tally: { hubspot: { stop(): CallCounts }; salesforce: { stop(): CallCounts }; rss: RssSampler } | undefined;

async function answer(request: HostRequest): Promise<unknown> {
  switch (request.op) {
    case "seed": {
      emulators = await startEmulators(systemsNow, request.tier);
      const seed = generateSeed({ seed: SEED, now: systemsNow(), contacts: request.contacts });
      crm = request.crm;
      loadSeed(seed, { hubspot: emulators.hubspot, salesforce: crm === "salesforce" ? emulators.salesforce : undefined });
      const world: HostWorld = {
        routing: sandboxRoutingText(seed),
        hubspot: { url: emulators.hubspot.url, accessToken: emulators.hubspot.accessToken },
        salesforce: {
          url: emulators.salesforce.url,
          clientId: emulators.salesforce.clientId,
          clientSecret: emulators.salesforce.clientSecret,
        },
        rssBytes: process.memoryUsage.rss(),
        heapUsedBytes: seededHeapBytes(),
        heapLimitBytes: getHeapStatistics().heap_size_limit,
        records: {
          hubspot: Object.fromEntries(
            FIRST_LOAD_OBJECTS.hubspot.map((o) => [o, emulators!.hubspot.data.records(o, false).length]),
          ),
          salesforce: Object.fromEntries(
            FIRST_LOAD_OBJECTS.salesforce.map((o) => [o, emulators!.salesforce.data.list(o).length]),
          ),
        },
      };
      return world;
    }
    case "tally-start": {
      const { hubspot, salesforce } = running();
      tally = { hubspot: startTally(hubspot), salesforce: startTally(salesforce), rss: sampleRss({ withHeap: false, everyMs: EMULATOR_RSS_SAMPLE_MS }) };
      return null;
    }
    case "tally-stop": {
      if (!tally) throw new Error("tally-stop without tally-start");
      const out = { hubspot: tally.hubspot.stop(), salesforce: tally.salesforce.stop(), peakRssBytes: tally.rss.stop().rss };
      tally = undefined;
      return out;
    }
    case "edit-job-titles":
      return editJobTitles(running().hubspot, request.round);
    case "advance-clock":
      if (!(request.ms >= 0)) throw new Error(`the clock only moves forward, not by ${request.ms} ms`);
      aheadMs += request.ms;
      return aheadMs;
    case "play-behaviour":
      return playBehaviour(running().hubspot, request.round);
    case "play-people": {
      const { hubspot, salesforce } = running();
      return playPeople(SEED, request.round, { hubspot, salesforce: crm === "salesforce" ? salesforce : undefined }, systemsNow());
    }
    case "close":
      await emulators?.close();
      emulators = undefined;
      return null;
  }
}

/** The used heap after a full collection when the process may run one (the bench forks it with --expose-gc). */
function seededHeapBytes(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

function running(): Emulators {
  if (!emulators) throw new Error("the emulators are not seeded yet");
  return emulators;
}

process.on("message", (message: { id: number; request: HostRequest }) => {
  answer(message.request).then(
    (result) => process.send?.({ id: message.id, result } satisfies HostReply),
    (err: unknown) =>
      process.send?.({ id: message.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies HostReply),
  );
});
// The bench going away (or crashing) must not leave the emulators running.
process.on("disconnect", () => process.exit(0));
