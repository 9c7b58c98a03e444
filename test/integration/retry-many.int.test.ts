// `errors retry` over a big portal's queue: refused funnel writes that later runs wrote since (their keys
// left the outbox) are resolved without a call to either system, however many there are, a slice of
// entries at a time; an entry the retry itself queues meanwhile waits for the next retry.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../src/log/logger.js";
import type { NewQueuedError } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { retryQueuedErrors } from "../../src/sync/retry-errors.js";
import type { SystemPort } from "../../src/sync/system-port.js";

/** More entries than a call takes as spread arguments (about 120,000 on Node 20). */
const QUEUED = 150_000;

/** A system the retry must not call: every refused write here was written since. */
function untouchable(system: string): SystemPort {
  return new Proxy({ system } as SystemPort, {
    get: (target, name) => {
      if (name === "system" || name === "then") return Reflect.get(target, name);
      // Reading its call counters is no call.
      if (name === "apiCalls" || name === "authCalls") return () => 0;
      throw new Error(`the retry called ${system}.${String(name)}`);
    },
  });
}

describe("errors retry over a queue of a big portal's refusals", () => {
  const dir = mkdtempSync(join(tmpdir(), "leadloop-retry-many-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("resolves 150,000 refused score writes written since, and leaves none open", async () => {
    const store = await openSqliteStore(join(dir, "state.db"));
    try {
      const at = "2026-11-30T08:15:00.000Z";
      for (let i = 0; i < QUEUED; i += 10_000) {
        const errors: NewQueuedError[] = Array.from({ length: 10_000 }, (_, j) => ({
          runId: "run-nov-30",
          system: "hubspot",
          object: "contacts",
          recordId: String(20_000 + i + j),
          operation: "update",
          payload: { outboxKey: `score:${20_000 + i + j}`, fields: { hs_lead_status: "IN_PROGRESS", firstname: "Zoë" } },
          errorClass: "data",
          message: `Property values were not valid: "Müller-Lüdenscheidt" for contact ${20_000 + i + j}`,
          at,
        }));
        await store.commitBatch({ runId: "run-nov-30", at, errors });
      }
      expect(await store.listErrors({ status: "open" })).toHaveLength(QUEUED);

      const result = await retryQueuedErrors({
        store,
        marketing: untouchable("hubspot"),
        crm: untouchable("salesforce"),
        mappings: [],
        log: silentLogger,
        now: () => new Date("2026-12-01T09:00:00.000Z"),
      });

      expect(result.summary.status).toBe("succeeded");
      expect(result.resolved).toHaveLength(QUEUED);
      expect(result.stillFailing).toEqual([]);
      expect(await store.listErrors({ status: "open" })).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("leaves an entry the retry itself queued for the next retry, as still failing, instead of sending it again", async () => {
    const store = await openSqliteStore(join(dir, "own.db"));
    try {
      const at = "2026-11-30T08:15:00.000Z";
      const refusal = (runId: string, recordId: string): NewQueuedError => ({
        runId,
        system: "hubspot",
        object: "contacts",
        recordId,
        operation: "update",
        payload: { outboxKey: `score:${recordId}`, fields: { leadloop_score: "71.5", lastname: "Ñúñez-Größ" } },
        errorClass: "data",
        message: `Property values were not valid: "Ñúñez-Größ" for contact ${recordId}`,
        at,
      });
      await store.commitBatch({ runId: "run-nov-30", at, errors: [refusal("run-nov-30", "31001"), refusal("run-nov-30", "31002")] });
      // The retry's own write is refused and queued while the first slice is retried; the slices read on
      // by entry number, so the next one holds it.
      let retryRun = "";
      let queuedOwn = false;
      const retrying = new Proxy(store, {
        get(target, name, receiver) {
          const value = Reflect.get(target, name, receiver) as unknown;
          if (name === "startRun")
            return (run: { id: string; startedAt: string; dryRun: boolean }) => {
              retryRun = run.id;
              return target.startRun(run);
            };
          if (name === "listErrors")
            return async (filter: Parameters<typeof store.listErrors>[0]) => {
              if (filter?.afterId !== undefined && !queuedOwn) {
                queuedOwn = true;
                await target.commitBatch({ runId: retryRun, at, errors: [refusal(retryRun, "31003")] });
              }
              return target.listErrors(filter);
            };
          return value;
        },
      });

      const result = await retryQueuedErrors({
        store: retrying,
        marketing: untouchable("hubspot"),
        crm: untouchable("salesforce"),
        mappings: [],
        log: silentLogger,
        now: () => new Date("2026-12-01T09:00:00.000Z"),
      });

      const open = await store.listErrors({ status: "open" });
      expect(open.map((e) => e.recordId)).toEqual(["31003"]);
      expect(result.resolved).toHaveLength(2);
      expect(result.stillFailing).toEqual([open[0]!.id]);
    } finally {
      await store.close();
    }
  });
});
