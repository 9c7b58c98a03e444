// The bench's JSON contract (test/bench/README.md): `npm run bench -- --records N --json` prints one object
// whose `default` key holds the default configuration's figures and `fieldOnly` the funnel-off mode's.
// Figures are checked for shape and sense, never for time: benchmarks report, they do not pass or fail.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "@jest/globals";
import { emulatorHeapMb } from "../../src/bench/emulator-process.js";
import type { ClassCalls } from "../../src/core/forecast/api-forecast.js";

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
    // The second baseline, beside the first: the first load's own work one record per call, modelled.
    const sameWork = d.sameWorkBaseline as { method: string; totalCalls: number; calls: Record<string, { behaviour: number; writes: number }> };
    expect(sameWork.method).toBe("modelled");
    expect(sameWork.calls.hubspot!.behaviour).toBe(120);
    expect(sameWork.calls.salesforce!.writes).toBeGreaterThan(0);
    expect(d.sameWorkBaselineRatio as number).toBeGreaterThan(d.baselineRatio as number);
    expect(d.recordsPerSecond as number).toBeGreaterThan(0);
    expect(d.peakRssMb as number).toBeGreaterThan(20);
    expect(d.engineRecordsPerSecond as number).toBeGreaterThan(0);
    // Every engine pair's job title changed in marketing: each record's page asks for a write, kept in the
    // outbox for the run's drain, and the page figure counts it.
    type PageFigures = {
      records: number;
      withWrites: number;
      seconds: number;
      recordsPerSecond: number;
      commit: { seconds: number };
      withoutCommit: { recordsPerSecond: number };
    };
    const engine = out.engine as Record<"merge" | "page" | "group", PageFigures>;
    expect(engine.page.records).toBe(1000);
    expect(engine.page.withWrites).toBe(engine.page.records);
    expect(engine.group.withWrites).toBe(engine.group.records);
    // The page path's commits are timed apart, inside its time: without them the same records go faster.
    for (const path of [engine.page, engine.group]) {
      expect(path.commit.seconds).toBeGreaterThan(0);
      expect(path.commit.seconds).toBeLessThan(path.seconds);
      expect(path.withoutCommit.recordsPerSecond).toBeGreaterThan(path.recordsPerSecond);
    }
    expect(engine.merge).not.toHaveProperty("commit");
    expect(d.storeBytesPerRecord as number).toBeGreaterThan(0);
    // Where the store's bytes go, per table: the tables add up to no more than the file.
    const tables = d.storeTableBytesPerRecord as Record<string, number>;
    expect(Object.keys(tables)).toEqual(expect.arrayContaining(["links", "audit_writes", "behaviour_activities"]));
    const summed = Object.values(tables).reduce((a, b) => a + b, 0);
    expect(summed).toBeGreaterThan(0);
    expect(summed).toBeLessThanOrEqual((d.storeBytesPerRecord as number) + Object.keys(tables).length);
    // The store's files are sampled during each run too: a first load holds rows (the outbox, and kept
    // reads past their bound) that it gives back at its end, so its peak is at least what any run ends with.
    expect(d.peakStoreBytesPerRecord as number).toBeGreaterThan(0);
    const firstLoadStore = (d.runs as Record<string, { peakStoreMb: number }>).firstLoad!.peakStoreMb;
    expect(firstLoadStore).toBeGreaterThan(0);
    // The emulators run in a process of their own: their RSS is reported apart from leadloop's, and
    // every run names both.
    expect(d.emulatorsPeakRssMb as number).toBeGreaterThan(20);
    expect(d.emulatorsRssAfterSeedMb as number).toBeGreaterThan(20);
    // The emulator process's heap is limited to what its world needs (emulator-process.ts), and the
    // seeded world fits well inside it.
    expect(d.emulatorsHeapLimitMb as number).toBeGreaterThanOrEqual(emulatorHeapMb(120));
    expect(d.emulatorsHeapLimitMb as number).toBeLessThan(emulatorHeapMb(120) + 256);
    expect(d.emulatorsHeapAfterSeedMb as number).toBeGreaterThan(1);
    expect(d.emulatorsHeapAfterSeedMb as number).toBeLessThan(d.emulatorsHeapLimitMb as number);
    expect(d.peakHeapUsedMb as number).toBeGreaterThan(0);
    expect(d.peakHeapUsedMb as number).toBeLessThan(d.peakRssMb as number);
    // The scenarios run in a process of their own, started with --expose-gc: each run's heap after a
    // full collection is measured, and it is no more than the run's peak.
    expect(d.retainedHeapMb as number).toBeGreaterThan(0);
    for (const run of Object.values(d.runs as Record<string, { retainedHeapMb: number | null; peakHeapUsedMb: number }>)) {
      expect(run.retainedHeapMb).not.toBeNull();
      expect(run.retainedHeapMb!).toBeLessThanOrEqual(run.peakHeapUsedMb + 1);
    }

    // Every run's calls by class, and the first load created what the funnel qualified.
    const runs = d.runs as Record<
      string,
      { classCalls: Record<string, Record<string, number>>; writeCalls: Record<string, number>; recordsRead: Record<string, number> }
    >;
    expect(Object.keys(runs)).toEqual(["firstLoad", "settle", "incremental", "behaviour", "noop", "quiet", "idle"]);
    expect(runs.firstLoad!.writeCalls.salesforce).toBeGreaterThan(0);
    expect(Object.keys(runs.firstLoad!.classCalls.hubspot!).sort()).toEqual(["behaviour", "match", "reads", "search", "writes"]);
    // An idle run writes nothing.
    expect(runs.quiet!.writeCalls).toEqual({ hubspot: 0, salesforce: 0 });
    // The idle run follows the last write by more than both look-backs: nothing to write, nothing read again.
    expect(runs.idle!.writeCalls).toEqual({ hubspot: 0, salesforce: 0 });
    expect(runs.idle!.recordsRead).toEqual({ hubspot: 0, salesforce: 0 });
    const memory = runs.firstLoad as unknown as { emulatorsPeakRssMb: number | null; peakRssMb: number };
    expect(memory.emulatorsPeakRssMb).toBeGreaterThan(20);
    expect(memory.peakRssMb).toBeGreaterThan(20);
    // leadloop's own CPU, apart from the emulators' process, per run and per 10,000 of the run's records.
    const cpu = runs.firstLoad as unknown as { cpuSeconds: number | null; cpuSecondsPer10k: number | null };
    expect(cpu.cpuSeconds).toBeGreaterThan(0);
    expect(cpu.cpuSecondsPer10k).toBeGreaterThan(0);
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
    expect((fieldOnly as { cpuSeconds: unknown }).cpuSeconds).toBeNull();
    expect((out.environment as { commit: string }).commit).toMatch(/^[0-9a-f]{7,}|unknown/);
  }, 10 * 60_000);

  it("leaves out the field-only scenario above --field-only-max, naming it, and the naive baseline above --baseline-max, and prints each size's headline on stderr once it is done", async () => {
    const ran = await run(
      process.execPath,
      [BENCH, "--records", "60", "--json", "--skip-engine", "--baseline-max", "59", "--field-only-max", "59"],
      { maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 },
    );
    const stderr = String(ran.stderr);
    const out = JSON.parse(ran.stdout) as { default: Record<string, unknown>; fieldOnly: Record<string, unknown> };
    // `--scale` reaches a million contacts, where neither fits in the bench's own process.
    expect(out.fieldOnly).toEqual({ skipped: "60 records is above --field-only-max 59" });
    // Each size's headline reaches stderr as soon as it is done, before the JSON at the end.
    expect(stderr).toMatch(
      /bench: 60 contacts done: writeCallRatio hs\/sf [\d.]+\/[\d.]+, behaviour reads per changed contact [\d.]+, baseline -× \(naive copy\), .*store \d+ bytes\/contact/,
    );
    expect(out.default.records).toBe(60);
    expect(out.default.baselineRatio).toBeNull();
    expect(out.default.writeCallRatio).toHaveProperty("salesforce");
  }, 10 * 60_000);

  it("measures behaviour reads on the portal tier --hubspot-tier names: a Professional portal's come from the bulk email API and the contacts' own conversion properties", async () => {
    const { stdout } = await run(
      process.execPath,
      [BENCH, "--records", "150", "--json", "--skip-engine", "--skip-field-only", "--skip-baseline", "--hubspot-tier", "professional"],
      { maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 },
    );
    const d = (JSON.parse(stdout) as { default: Record<string, unknown> }).default;
    expect(d.hubspotTier).toBe("professional");
    const behaviour = (d.runs as Record<string, { changedContacts: number; behaviourCalls: { hubspot: number }; endpoints: { hubspot: Record<string, number> } }>).behaviour!;
    // Every tenth contact of the portal acted once: the 150 seeded and the ones the first load created
    // from the CRM's own Leads and Contacts.
    expect(behaviour.changedContacts).toBeGreaterThanOrEqual(15);
    const endpoints = Object.keys(behaviour.endpoints.hubspot);
    // No events API below Enterprise (it answers 403); email events are read in bulk. Each person who
    // submitted a form did so once, which their conversion properties tell: the forms are listed to name
    // it, and no form's submissions are read.
    expect(endpoints).not.toContain("GET /events/v3/events");
    expect(endpoints).toContain("GET /email/public/v1/events");
    expect(behaviour.endpoints.hubspot["GET /marketing/v3/forms"]).toBe(1);
    expect(endpoints.some((e) => e.startsWith("GET /form-integrations/v1/submissions/forms/"))).toBe(false);
    // A read per source, not per contact: fewer behaviour calls than contacts that acted.
    expect(behaviour.behaviourCalls.hubspot).toBeGreaterThan(0);
    expect(behaviour.behaviourCalls.hubspot).toBeLessThan(behaviour.changedContacts);
    expect(d.behaviourReadsPerChangedContact).toBe(
      Math.round((behaviour.behaviourCalls.hubspot / behaviour.changedContacts) * 10_000) / 10_000,
    );
  }, 10 * 60_000);

  it.each(["salesforce", "hubspot"] as const)("soaks with %s as the CRM: a first load, then runs five minutes apart on the systems' clock with people acting between them, each run's retained heap and the trend", async (crm) => {
    const { stdout } = await run(process.execPath, [BENCH, "--records", "150", "--soak-runs", "4", "--crm", crm, "--json"], {
      maxBuffer: 16 * 1024 * 1024,
      timeout: 10 * 60_000,
    });
    const { soak } = JSON.parse(stdout) as {
      soak: {
        records: number;
        crm: string;
        runs: number;
        scheduleMs: number;
        firstLoadRetainedHeapMb: number;
        retainedHeapMb: { first: number; last: number; min: number; max: number };
        retainedHeapSlopeKbPerRun: number;
        errors: number;
        peakStoreMb: { firstLoad: number; lastRun: number };
        played: { demoRequests: number; working: number };
        samples: {
          run: number;
          retainedHeapMb: number;
          apiCalls: { hubspot: number; salesforce: number };
          classCalls: Record<"hubspot" | "salesforce", ClassCalls>;
          contactsChanged: number;
          recordsWritten: number;
        }[];
        quietRun: Record<"hubspot" | "salesforce", ClassCalls>;
        idleRun: Record<"hubspot" | "salesforce", ClassCalls>;
        steadyRun: { changed: number; calls: Record<"hubspot" | "salesforce", ClassCalls> };
      };
    };
    expect(soak).toMatchObject({ records: 150, crm, runs: 4, scheduleMs: 300_000, errors: 0 });
    expect(soak.samples.map((s) => s.run)).toEqual([1, 2, 3, 4]);
    // Each run is measured after a full collection, and the trend is read from those figures.
    for (const s of soak.samples) expect(s.retainedHeapMb).toBeGreaterThan(5);
    expect(soak.retainedHeapMb.first).toBe(soak.samples[0]!.retainedHeapMb);
    expect(soak.retainedHeapMb.last).toBe(soak.samples[3]!.retainedHeapMb);
    expect(soak.retainedHeapMb.min).toBeLessThanOrEqual(soak.retainedHeapMb.max);
    expect(Number.isFinite(soak.retainedHeapSlopeKbPerRun)).toBe(true);
    expect(soak.firstLoadRetainedHeapMb).toBeGreaterThan(5);
    expect(soak.peakStoreMb.firstLoad).toBeGreaterThan(0);
    expect(soak.peakStoreMb.lastRun).toBeGreaterThan(0);
    // People acted between the runs (prospects asked for demos, reps worked the leads handed to them), and
    // the runs carried it to both systems.
    expect(soak.played.demoRequests).toBeGreaterThan(0);
    expect(soak.played.working).toBeGreaterThan(0);
    // Every run reads HubSpot; Salesforce only when it is the CRM.
    expect(soak.samples.every((s) => s.apiCalls.hubspot > 0 && (crm === "salesforce") === s.apiCalls.salesforce > 0)).toBe(true);
    expect(soak.samples.some((s) => s.recordsWritten > 0)).toBe(true);
    // Each run's calls by class add up to its calls, and the people changed some contacts before each.
    const total = (c: ClassCalls) => c.writes + c.reads + c.behaviour + c.match;
    for (const s of soak.samples) {
      expect({ run: s.run, hubspot: total(s.classCalls.hubspot), salesforce: total(s.classCalls.salesforce) }).toEqual({ run: s.run, ...s.apiCalls });
      expect(s.contactsChanged).toBeGreaterThan(0);
    }
    // Its steady runs (the second half) as one run of their mean changes and calls.
    const later = soak.samples.slice(2);
    const mean = (values: number[]) => Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;
    const steady = soak.steadyRun;
    expect(steady.changed).toBe(mean(later.map((s) => s.contactsChanged)));
    for (const system of ["hubspot", "salesforce"] as const) {
      expect(steady.calls[system].reads).toBe(mean(later.map((s) => s.classCalls[system].reads)));
      expect(steady.calls[system].writes).toBe(mean(later.map((s) => s.classCalls[system].writes)));
    }
    // Nothing acted before the last two runs: the quiet run re-reads the last run's writes, the idle run
    // has nothing in its windows and makes a handful of calls.
    expect(total(soak.idleRun.hubspot)).toBeLessThanOrEqual(total(soak.quietRun.hubspot));
    expect(total(soak.idleRun.hubspot) + total(soak.idleRun.salesforce)).toBeLessThanOrEqual(12);
    expect(soak.idleRun.hubspot.writes + soak.idleRun.salesforce.writes).toBe(0);
  }, 10 * 60_000);

  it("prints its whole JSON to a pipe whose reader is slower than the bench, past the pipe's 64 KB", async () => {
    // A 100-run soak prints about 70 KB (about 12 s here). The pipe's reader starts reading 30 s after the
    // bench: a bench that exits before its output is out leaves the pipe's 64 KB and no more.
    const bench = [process.execPath, BENCH, "--records", "100", "--soak-runs", "100", "--json"].map((a) => `'${a}'`).join(" ");
    const { stdout } = await run("sh", ["-c", `${bench} 2>/dev/null | (sleep 30; cat)`], { maxBuffer: 16 * 1024 * 1024 });
    expect(stdout.length).toBeGreaterThan(65_536);
    const { soak } = JSON.parse(stdout) as { soak: { samples: unknown[] } };
    expect(soak.samples).toHaveLength(100);
  }, 5 * 60_000);

  it("refuses --crm without --soak-runs: the default scenarios always run with Salesforce", async () => {
    const refused = await run(process.execPath, [BENCH, "--records", "150", "--crm", "hubspot"]).catch((err: { code: number; stderr: string }) => err);
    expect(refused).toMatchObject({ code: 2 });
    expect((refused as { stderr: string }).stderr).toContain("--crm is the soak's: give --soak-runs too");
  });
});
