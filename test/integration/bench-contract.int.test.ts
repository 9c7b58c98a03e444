// The bench's JSON contract (test/bench/README.md): `npm run bench -- --records N --json` prints one object
// whose `default` key holds the default configuration's figures and `fieldOnly` the funnel-off mode's.
// Figures are checked for shape and sense, never for time: benchmarks report, they do not pass or fail.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "@jest/globals";

const run = promisify(execFile);
const BENCH = fileURLToPath(new URL("../../dist/bench/run.js", import.meta.url));

describe("npm run bench -- --json", () => {
  it("prints the default configuration's figures under `default` and the field-only mode's under `fieldOnly`", async () => {
    const { stdout } = await run(
      process.execPath,
      [BENCH, "--records", "120", "--json", "--engine-records", "1000", "--scoring-activities", "2000"],
      { maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 },
    );
    const out = JSON.parse(stdout) as Record<string, unknown>;
    const d = out.default as Record<string, unknown>;
    for (const key of [
      "writeCallRatio",
      "behaviourReadsPerChangedContact",
      "baselineRatio",
      "recordsPerSecond",
      "peakRssMb",
      "engineRecordsPerSecond",
      "storeBytesPerRecord",
    ]) {
      expect(d).toHaveProperty(key);
    }
    const ratio = d.writeCallRatio as Record<string, number | null>;
    // The first load writes to both systems, so both have a ratio, and no run writes less than the minimum.
    expect(ratio.hubspot).toBeGreaterThanOrEqual(1);
    expect(ratio.salesforce).toBeGreaterThanOrEqual(1);
    expect(d.behaviourReadsPerChangedContact as number).toBeGreaterThanOrEqual(0);
    expect(d.baselineRatio as number).toBeGreaterThan(0);
    expect(d.recordsPerSecond as number).toBeGreaterThan(0);
    expect(d.peakRssMb as number).toBeGreaterThan(20);
    expect(d.engineRecordsPerSecond as number).toBeGreaterThan(0);
    expect(d.storeBytesPerRecord as number).toBeGreaterThan(0);
    // Where the store's bytes go, per table: the tables add up to no more than the file.
    const tables = d.storeTableBytesPerRecord as Record<string, number>;
    expect(Object.keys(tables)).toEqual(expect.arrayContaining(["links", "audit_rows", "behaviour_activities"]));
    const summed = Object.values(tables).reduce((a, b) => a + b, 0);
    expect(summed).toBeGreaterThan(0);
    expect(summed).toBeLessThanOrEqual((d.storeBytesPerRecord as number) + Object.keys(tables).length);
    // The emulators run in a process of their own: their RSS is reported apart from leadloop's, and
    // every run names both.
    expect(d.emulatorsPeakRssMb as number).toBeGreaterThan(20);
    expect(d.emulatorsRssAfterSeedMb as number).toBeGreaterThan(20);
    expect(d.peakHeapUsedMb as number).toBeGreaterThan(0);
    expect(d.peakHeapUsedMb as number).toBeLessThan(d.peakRssMb as number);

    // Every run's calls by class, and the first load created what the funnel qualified.
    const runs = d.runs as Record<string, { classCalls: Record<string, Record<string, number>>; writeCalls: Record<string, number> }>;
    expect(Object.keys(runs)).toEqual(["firstLoad", "settle", "incremental", "noop", "quiet"]);
    expect(runs.firstLoad!.writeCalls.salesforce).toBeGreaterThan(0);
    expect(Object.keys(runs.firstLoad!.classCalls.hubspot!).sort()).toEqual(["behaviour", "match", "reads", "search", "writes"]);
    // An idle run writes nothing.
    expect(runs.quiet!.writeCalls).toEqual({ hubspot: 0, salesforce: 0 });
    const memory = runs.firstLoad as unknown as { emulatorsPeakRssMb: number | null; peakRssMb: number };
    expect(memory.emulatorsPeakRssMb).toBeGreaterThan(20);
    expect(memory.peakRssMb).toBeGreaterThan(20);
    // What the calls need under the vendors' limits, and the daily budget from the same model.
    const limited = d.rateLimited as Record<string, { hubspotSeconds: number }>;
    expect(limited.firstLoad!.hubspotSeconds).toBeGreaterThan(0);
    const budget = d.budget as { firstLoad: { calls: Record<string, { total: number }> }; counts: { contacts: number } };
    expect(budget.counts.contacts).toBe(120);
    expect(budget.firstLoad.calls.hubspot!.total).toBeGreaterThan(0);

    const fieldOnly = out.fieldOnly as Record<string, unknown>;
    expect(fieldOnly.records).toBe(120);
    expect(fieldOnly).toHaveProperty("writeCallRatio");
    expect(fieldOnly).toHaveProperty("baselineRatio");
    // The field-only scenario keeps its emulators in the bench's process: nothing to report apart.
    expect(fieldOnly.emulatorsPeakRssMb).toBeNull();
    expect((out.environment as { commit: string }).commit).toMatch(/^[0-9a-f]{7,}|unknown/);
  }, 10 * 60_000);
});
