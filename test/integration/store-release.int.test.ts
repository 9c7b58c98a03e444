// The store gives the pages its prunes freed back to the file system a step at a time (ARCHITECTURE.md
// "The audit and its retention"): the pages a release moves down the file pass through the write-ahead
// log, which must not grow by the whole release while the file is still at its largest.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditEntry } from "../../src/store/port.js";
import { auditEntry } from "../contract/store-fixtures.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";

const MB = 1024 * 1024;
const TOWNS = ["Göteborg", "Kraków", "Zürich", "Logroño", "Besançon", "Ørestad", "Łódź", "Málaga"];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-release-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** An audited Lead description, its text long and its own (no piece shared with another). */
function described(i: number, at: string): AuditEntry {
  const town = TOWNS[i % TOWNS.length]!;
  const text = `Rencontre n°${i} au salon de ${town} : ${"budget validé, ".repeat(8)}rappel le ${i % 28 + 1} — ${i.toString(36).repeat(12)}`;
  return auditEntry(`00Q${String(i).padStart(15, "0")}`, at, "Description", text);
}

describe("releasing the pages a prune freed", () => {
  it("shrinks the file while the write-ahead log holds one step of the release", async () => {
    const path = join(dir, "state.db");
    const store = await openSqliteStore(path);
    // January's writes first, then December's after them in the file: releasing January's pages moves
    // December's down into them.
    for (const [month, at] of [[0, "2026-01-05T09:00:00.000Z"], [1, "2026-12-01T09:00:00.000Z"]] as const) {
      for (let i = 0; i < 60_000; i += 5_000) {
        const audit = Array.from({ length: 5_000 }, (_, k) => described(month * 100_000 + i + k, at));
        await store.commitBatch({ runId: "run-1", at, audit });
      }
    }
    await store.pruneAudit("2026-11-01T00:00:00.000Z");
    const fileBefore = statSync(path).size;

    const released = await store.releaseFreePages();
    const wal = statSync(`${path}-wal`).size;
    const fileAfter = statSync(path).size;
    // December's rows are still there, each whole.
    expect(await store.listAudit([described(100_123, "").recordId])).toEqual([
      expect.objectContaining({ after: described(100_123, "").after }),
    ]);
    expect(released).toBeGreaterThan(15 * MB);
    expect(fileAfter).toBeLessThanOrEqual(fileBefore - released);
    // One step is 2,048 pages of 4 KB; the log holds about that (with the step's pointer-map pages).
    expect(wal).toBeLessThan(10 * MB);
    await store.close();
  });
});
