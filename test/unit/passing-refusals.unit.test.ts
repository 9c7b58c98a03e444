// A record refused in passing inside a batch write is sent again within the run for a bounded time, not for
// the call's whole patience: a lock that lasts waits for the next run (systems/passing-refusals.ts), while
// the other records of the batch are written at once.
import type { RecordWrite, WriteOutcome } from "../../src/sync/system-port.js";
import { DEFAULT_RETRY_POLICY } from "../../src/systems/call-retry.js";
import { PASSING_PATIENCE_MS, writeThroughPassingRefusals } from "../../src/systems/passing-refusals.js";
import { FakeClock } from "../support/fake-clock.js";

const T0 = Date.parse("2026-12-06T09:00:00.000Z");
const WRITES: RecordWrite[] = [
  { ref: "lead:Ångström", id: "00QHs000000003kMAA", fields: { Title: "Présidente Directrice Générale" } },
  { ref: "lead:Berthelot", id: "00QHs000000003lMAA", fields: { Title: "Responsable Achats" } },
];
const LOCKED = {
  errorClass: "transient" as const,
  code: "UNABLE_TO_LOCK_ROW",
  message: "unable to obtain exclusive access to this record or 1 records",
};

describe("writeThroughPassingRefusals", () => {
  it("sends a record whose lock lasts again for at most PASSING_PATIENCE_MS of a five-minute patience, then leaves it refused", async () => {
    const clock = new FakeClock(T0);
    const sent: string[][] = [];
    const outcomes = await writeThroughPassingRefusals(
      WRITES,
      async (some) => {
        sent.push(some.map((w) => w.ref));
        return some.map((w): WriteOutcome => (w.ref === "lead:Ångström" ? { ref: w.ref, ok: false, error: LOCKED } : { ref: w.ref, ok: true, id: w.id!, created: false }));
      },
      { system: "salesforce", operation: "write Lead", policy: DEFAULT_RETRY_POLICY, clock, onRetry: undefined },
    );

    expect(DEFAULT_RETRY_POLICY.patienceMs).toBe(300_000);
    expect(clock.now() - T0).toBeLessThanOrEqual(PASSING_PATIENCE_MS);
    expect(clock.now() - T0).toBeGreaterThan(PASSING_PATIENCE_MS / 2);
    // The batch once, then the locked record alone, never the written one again.
    expect(sent[0]).toEqual(["lead:Ångström", "lead:Berthelot"]);
    expect(sent.slice(1).every((s) => s.length === 1 && s[0] === "lead:Ångström")).toBe(true);
    expect(sent.length).toBeGreaterThan(2);
    expect(outcomes).toEqual([
      { ref: "lead:Ångström", ok: false, error: LOCKED },
      { ref: "lead:Berthelot", ok: true, id: "00QHs000000003lMAA", created: false },
    ]);
  });
});
