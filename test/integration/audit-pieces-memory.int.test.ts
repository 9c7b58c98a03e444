// The store keeps the pieces of long audit values it has seen in memory (text-pieces.ts), so a text many
// people share is looked up once. A piece is cut from the value it belongs to, and kept as it was cut it
// would keep that whole value alive: a daemon writing new score reasons and activity summaries every run
// grew by the values, not the pieces, until the cache started over (test/bench/README.md "The soak").
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { AuditEntry } from "../../src/store/port.js";
import { openStore } from "../../src/store/open-store.js";

/** A full collection: the test measures what the store keeps, not garbage not collected yet. */
function collect(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

const PEOPLE = 3_000;

/** Each person's summary: their own first line, then the same long history every summary ends with. */
function summaryOf(i: number, history: string): string {
  return `Last visits: 2026-12-0${1 + (i % 5)} Tarifs (/fr/tarifs) for person n°${i}\n${history}`;
}

describe("the audit's long values in pieces", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "leadloop-pieces-memory-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps in memory the pieces it has seen, not the values they were cut from", async () => {
    const store = await openStore({ path: join(dir, "state.db") });
    try {
      // Written before measuring, so the store's statements and tables are made.
      await store.commitBatch({ runId: "run-0", at: "2026-12-05T09:00:00.000Z", audit: entries(0, 10) });
      collect();
      const before = process.memoryUsage().heapUsed;
      for (let from = 0; from < PEOPLE; from += 500) {
        await store.commitBatch({ runId: `run-${from}`, at: "2026-12-05T09:05:00.000Z", audit: entries(from, 500) });
      }
      collect();
      const kept = process.memoryUsage().heapUsed - before;
      // Each summary is about 4 KB; its own first line under 70 characters. Kept whole, 3,000 summaries
      // are 12 MB; their pieces well under one.
      expect(kept).toBeLessThan(3 * 1024 * 1024);
      // And the audit reads each value back whole.
      const written = await store.listAudit(["00QHs0000000042MAA"]);
      expect(written.map((w) => w.after)).toEqual([summaryOf(42, history())]);
    } finally {
      await store.close();
    }
  });
});

/** The same 4 KB of history, as a fresh string each time, as each run's summary text is. */
function history(): string {
  const lines = [];
  for (let d = 1; d <= 40; d++) {
    lines.push(`2026-10-${String((d % 28) + 1).padStart(2, "0")} Page vue: Pourquoi vos scores de leads doivent décroître (/blog/decroissance)`);
  }
  return lines.join("; ");
}

function entries(from: number, count: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = from; i < from + count; i++) {
    out.push({
      runId: `run-${from}`,
      at: "2026-12-05T09:05:00.000Z",
      system: "salesforce",
      object: "Lead",
      recordId: `00QHs${String(i).padStart(10, "0")}MAA`,
      operation: "update",
      field: "Leadloop_Activity_Summary__c",
      before: null,
      after: summaryOf(i, history()),
      rule: "score: 64.5 points (pricing-page, demo-request)",
    });
  }
  return out;
}
