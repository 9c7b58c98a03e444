// Error-queue bench: a `/metrics` scrape and the console's error tab over a store holding many open
// error-queue entries (a portal whose rep left, or a validation rule refusing a campaign's people), the
// queue's problems counted in both (ARCHITECTURE.md "error queue"). Only public interfaces (the store's
// batch commit, metricsText, errorsPage), so the same scenario times any commit. Prints one JSON line per
// queue size: { openEntries, seedSeconds, scrapeMs, consoleMs } (each the median of its repeats).
//   node dist/bench/error-queue-scrape.js [--open 20000,200000] [--repeats 5]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { loadSla } from "../config/sla-file.js";
import { DEFAULT_REPORT_SETTINGS } from "../core/report/index.js";
import { errorsPage } from "../daemon/console/errors-page.js";
import type { ConsoleSources } from "../daemon/console/sources.js";
import { metricsText } from "../daemon/metrics.js";
import type { DaemonState } from "../daemon/health-server.js";
import type { NewQueuedError, StateStore } from "../store/port.js";
import { openSqliteStore } from "../store/sqlite/index.js";

const SLA = fileURLToPath(new URL("../../config/sla.yaml", import.meta.url));
const RUN = "bench-error-queue";
const AT = "2026-12-01T09:00:00.000Z";
const CHUNK = 5_000;
/** The writes a deactivated owner refuses for one person: their Contact's two phases and their follow-up Task. */
const OWNED_WRITES = [
  ["Contact", "field sync"],
  ["Contact", "qualification"],
  ["Task", "sla"],
] as const;

export interface ErrorQueueScrapeResult {
  openEntries: number;
  seedSeconds: number;
  scrapeMs: number;
  consoleMs: number;
}

/**
 * The i-th open entry: most people's refusals come in threes (a deactivated owner refusing their Contact's
 * field sync and qualification and their follow-up Task), one in ten is a validation rule on a Lead naming
 * the person, one in twenty a HubSpot contact naming no person, one in fifty a create with no record yet.
 */
function refusal(i: number): NewQueuedError {
  const person = String(100_000 + Math.floor(i / 3));
  const email = `Hélène.Dupré-${person}@Société-Générale.fr`;
  const base = { runId: RUN, errorClass: "conflict" as const, at: AT };
  if (i % 50 === 7)
    return { ...base, system: "salesforce", object: "Lead", recordId: null, operation: "create", payload: { LastName: " ", Company: "Nordlicht AB" }, errorClass: "data", message: "REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]" };
  if (i % 20 === 3)
    return { ...base, system: "hubspot", object: "contacts", recordId: String(i), operation: "update", payload: { email: `josé.garcía.${i}@example` }, errorClass: "data", message: `INVALID_EMAIL: Email address josé.garcía.${i}@example is invalid` };
  if (i % 10 === 1)
    return { ...base, system: "salesforce", object: "Lead", recordId: `00Q5e${String(i).padStart(10, "0")}`, operation: "qualification", payload: { personId: person, email, Country: "Sverige" }, errorClass: "data", message: `FIELD_CUSTOM_VALIDATION_EXCEPTION: Le pays doit être un code ISO [${email}]` };
  const [object, operation] = OWNED_WRITES[i % OWNED_WRITES.length]!;
  return {
    ...base,
    system: "salesforce",
    object,
    recordId: `${object === "Task" ? "00T" : "003"}5e${person.padStart(10, "0")}`,
    operation,
    payload: { personId: person, email, Title: "Directrice Commerciale — Europe du Sud" },
    message: `INACTIVE_OWNER_OR_USER: operation performed with inactive user [0055e00000HeleneAAA] as owner of ${object.toLowerCase()} [${email}]`,
  };
}

export async function seed(store: StateStore, open: number): Promise<void> {
  for (let from = 0; from < open; from += CHUNK) {
    const errors = Array.from({ length: Math.min(CHUNK, open - from) }, (_, k) => refusal(from + k));
    await store.commitBatch({ runId: RUN, at: AT, errors });
  }
}

function sourcesOf(store: StateStore): ConsoleSources {
  const now = new Date(AT);
  const state: DaemonState = { startedAt: now, runs: 1, failures: 0, lastSummary: null, lastSuccessAt: now, running: false, lastProgressAt: now, unhealthyAfterMs: 3_600_000 };
  return {
    store,
    state,
    crm: "salesforce",
    mappings: [],
    sla: loadSla(SLA),
    report: { settings: DEFAULT_REPORT_SETTINGS, routing: null },
    salesforceApiShare: 0.25,
    usage: () => ({}),
    checkLive: async () => [],
    retry: async () => {
      throw new Error("the bench retries nothing");
    },
    now: () => now,
  };
}

async function medianMs(repeats: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const started = process.hrtime.bigint();
    await work();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]! * 10) / 10;
}

export async function runErrorQueueScrape(open: number, repeats: number): Promise<ErrorQueueScrapeResult> {
  const dir = mkdtempSync(join(tmpdir(), "leadloop-error-queue-"));
  try {
    const store = await openSqliteStore(join(dir, "state.db"));
    try {
      const started = process.hrtime.bigint();
      await seed(store, open);
      const seedSeconds = Math.round(Number(process.hrtime.bigint() - started) / 1e7) / 100;
      const sources = sourcesOf(store);
      const text = await metricsText(sources.state, sources);
      if (!text.includes("leadloop_error_queue_problems")) throw new Error("the scrape counted no problems");
      return {
        openEntries: open,
        seedSeconds,
        scrapeMs: await medianMs(repeats, () => metricsText(sources.state, sources)),
        consoleMs: await medianMs(repeats, () => errorsPage(sources, null)),
      };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { open: { type: "string", default: "20000,200000" }, repeats: { type: "string", default: "5" } } });
  for (const open of values.open.split(",").map(Number)) console.log(JSON.stringify(await runErrorQueueScrape(open, Number(values.repeats))));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
