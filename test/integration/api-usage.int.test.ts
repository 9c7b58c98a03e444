// leadloop's own API calls over a rolling window, read back from the runs a SQLite store recorded: what
// a new process (a restarted daemon, the next `leadloop sync`) hands the Salesforce API budget.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/store/open-store.js";
import type { StateStore } from "../../src/store/port.js";
import { recentApiCalls } from "../../src/sync/api-usage.js";

const NOW = Date.parse("2026-11-20T08:00:00.000Z");
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

let store: StateStore;

beforeEach(async () => {
  store = await openStore({ path: join(mkdtempSync(join(tmpdir(), "leadloop-usage-")), "state.db") });
});
afterEach(async () => {
  await store.close();
});

async function recordRun(id: string, startedAt: number, finishedAt: number | null, apiCalls?: object) {
  await store.startRun({ id, startedAt: iso(startedAt), dryRun: false });
  if (finishedAt !== null) {
    await store.finishRun(id, {
      finishedAt: iso(finishedAt),
      status: "succeeded",
      summary: apiCalls ? { runId: id, apiCalls } : null,
    });
  }
}

describe("recentApiCalls", () => {
  it("sums nothing older than the window and counts each run at the time it finished", async () => {
    await recordRun("yesterday-early", NOW - 26 * HOUR, NOW - 25 * HOUR, { hubspot: 310, salesforce: 95 });
    // Started before the window, finished inside it: its calls may have been made late, so they count.
    await recordRun("across-the-edge", NOW - 24.5 * HOUR, NOW - 23.5 * HOUR, { hubspot: 20, salesforce: 40 });
    await recordRun("this-morning", NOW - 2 * HOUR, NOW - 2 * HOUR + 90_000, { hubspot: 12, salesforce: 7 });
    await recordRun("hubspot-only", NOW - HOUR, NOW - HOUR + 30_000, { hubspot: 4 });
    await recordRun("crashed", NOW - 10 * 60_000, null);

    const calls = await recentApiCalls(store, "salesforce", NOW, 24 * HOUR);
    expect(calls).toEqual([
      { at: NOW - 2 * HOUR + 90_000, calls: 7 },
      { at: NOW - 23.5 * HOUR, calls: 40 },
    ]);
    expect(await recentApiCalls(store, "hubspot", NOW, 24 * HOUR)).toHaveLength(3);
  });
});
