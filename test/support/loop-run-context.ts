// A run's context over a loop harness's two adapters and store, for tests that decide writes themselves
// and drain them (outbox/drain.ts) without a whole run around them.
import { silentLogger } from "../../src/log/logger.js";
import type { RunContext } from "../../src/sync/run-context.js";
import { emptySummary } from "../../src/sync/run-summary.js";
import type { LoopHarness } from "./loop-harness.js";

export function loopRunContext(loop: LoopHarness, runId: string): RunContext {
  const now = new Date();
  return {
    runId,
    until: now.toISOString(),
    now: () => new Date(),
    log: silentLogger,
    store: loop.store,
    marketing: loop.hubspotAdapter,
    crm: loop.salesforceAdapter,
    summary: emptySummary(runId, false, now.toISOString(), ["hubspot", "salesforce"]),
    createdPeople: [],
    includeInCrm: async (records) => new Set(records.map((r) => r.id)),
  };
}
