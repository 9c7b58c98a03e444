// Measures one sync run over both emulators: wall time, peak RSS, the calls each emulator answered
// (by endpoint class) and what the engine's summary says it did, as PhaseFigures. The batch-size
// minimum is either given (the records the phase changed) or taken from the run's own audit: the
// records written per system and object, each object's count divided by the system's batch size.
import Database from "better-sqlite3";
import type { RunningEmulator } from "../sandbox/emulator/server.js";
import type { SyncResult } from "../sync/engine.js";
import type { ClassCalls } from "../core/forecast/api-forecast.js";
import { BULK_JOB_RECORDS } from "../sync/outbox/drain.js";
import { startTally } from "./call-tally.js";
import { BATCH_SIZE, batchMinimum, type CallCounts, mb, type PerSystem, type PhaseFigures, ratio, round, type SystemName } from "./figures.js";
import { sampleRss } from "./rss-sampler.js";
import { sampleStoreFiles } from "./store-sampler.js";

/** What a measured run needs: the emulators' call counts, the store's file and one run of the engine. */
export interface MeasuredLoop {
  /** Starts counting both emulators' calls; `stop()` returns them. */
  tally(): Promise<{ stop(): Promise<RunTally> }>;
  storePath: string;
  sync(): Promise<SyncResult>;
  /** The Salesforce adapter's `sync.bulkThreshold`, when it has one: writes above it have a bulk job's minimum. */
  bulkThreshold?: number;
}

export interface RunTally {
  hubspot: CallCounts;
  salesforce: CallCounts;
  /** The emulators' own peak RSS over the run when they run in a process of their own, else null. */
  emulatorsPeakRssBytes: number | null;
}

/** The tally of emulators in this process: their RSS is the bench's own, so it is not reported apart. */
export function inProcessTally(hubspotEmulator: RunningEmulator, salesforceEmulator: RunningEmulator): MeasuredLoop["tally"] {
  return () => {
    const hubspot = startTally(hubspotEmulator);
    const salesforce = startTally(salesforceEmulator);
    return Promise.resolve({
      stop: () => Promise.resolve({ hubspot: hubspot.stop(), salesforce: salesforce.stop(), emulatorsPeakRssBytes: null }),
    });
  };
}

/**
 * Runs `loop.sync()` once. `records` is how many records the phase changed (the ratios' N); "audit"
 * takes the minimum from the records the run wrote.
 */
export async function measureRun(loop: MeasuredLoop, records: number | "audit"): Promise<PhaseFigures> {
  const tally = await loop.tally();
  const rss = sampleRss();
  const storeFiles = sampleStoreFiles(loop.storePath);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const { summary } = await loop.sync();
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  const peak = rss.stop();
  const peakStoreBytes = storeFiles.stop();
  const retained = retainedHeap();
  const { hubspot, salesforce, emulatorsPeakRssBytes } = await tally.stop();
  if (summary.status !== "succeeded") throw new Error(`bench sync run ended ${summary.status}`);

  const written = records === "audit" ? writtenByObject(loop.storePath, summary.runId) : undefined;
  const byOperation = records === "audit" ? writtenByOperation(loop.storePath, summary.runId) : undefined;
  const minimum = byOperation ? minimumOf(byOperation, loop.bulkThreshold) : batchMinimum(records as number);
  const n = written ? Object.values(written).reduce((a, b) => a + b, 0) : (records as number);
  const reasons = written && n > 0 && n <= WRITE_REASONS_UP_TO ? writeReasons(loop.storePath, summary.runId) : undefined;
  return {
    records: n,
    seconds: round(seconds, 3),
    recordsPerSecond: n > 0 ? Math.round(n / seconds) : null,
    ...ownCpu(used, n, emulatorsPeakRssBytes !== null),
    peakRssMb: mb(peak.rss),
    peakHeapUsedMb: mb(peak.heapUsed),
    retainedHeapMb: retained === null ? null : mb(retained),
    emulatorsPeakRssMb: emulatorsPeakRssBytes === null ? null : mb(emulatorsPeakRssBytes),
    peakStoreMb: mb(peakStoreBytes),
    batchMinimum: minimum,
    apiCalls: { hubspot: hubspot.total, salesforce: salesforce.total },
    writeCalls: { hubspot: hubspot.writes, salesforce: salesforce.writes },
    readCalls: { hubspot: hubspot.reads, salesforce: salesforce.reads },
    behaviourCalls: { hubspot: hubspot.behaviour, salesforce: salesforce.behaviour },
    matchCalls: { hubspot: hubspot.match, salesforce: salesforce.match },
    classCalls: { hubspot: classCalls(hubspot), salesforce: classCalls(salesforce) },
    apiCallRatio: {
      hubspot: ratio(hubspot.total, minimum.hubspot),
      salesforce: ratio(salesforce.total, minimum.salesforce),
    },
    writeCallRatio: {
      hubspot: ratio(hubspot.writes, minimum.hubspot),
      salesforce: ratio(salesforce.writes, minimum.salesforce),
    },
    recordsRead: bySystem(summary.read),
    created: bySystem(summary.created),
    updated: bySystem(summary.updated),
    errors: bySystem(summary.errors),
    ...(written ? { writtenByObject: written } : {}),
    ...(byOperation ? { writtenByOperation: byOperation } : {}),
    ...(reasons ? { writeReasons: reasons } : {}),
    endpoints: { hubspot: hubspot.byEndpoint, salesforce: salesforce.byEndpoint },
  };
}

/** The used heap after a full collection, when the process was started with --expose-gc; else null. */
function retainedHeap(): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== "function") return null;
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * leadloop's own CPU over the run (user + system of the bench process), when the emulators run in a
 * process of their own; with them in this process it would count their work too, so it is null.
 */
function ownCpu(
  used: NodeJS.CpuUsage,
  records: number,
  emulatorsApart: boolean,
): Pick<PhaseFigures, "cpuSeconds" | "cpuSecondsPer10k"> {
  if (!emulatorsApart) return { cpuSeconds: null, cpuSecondsPer10k: null };
  const cpuSeconds = (used.user + used.system) / 1e6;
  return {
    cpuSeconds: round(cpuSeconds, 3),
    cpuSecondsPer10k: records > 0 ? round((cpuSeconds * 10_000) / records, 3) : null,
  };
}

/** `system object` → records the run wrote there, from the audit rows it committed. */
function writtenByObject(storePath: string, runId: string): Record<string, number> {
  const db = new Database(storePath, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT system, object, COUNT(DISTINCT record_id) AS n FROM audit_log WHERE run_id = ? GROUP BY system, object`,
      )
      .all(runId) as { system: string; object: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [`${r.system} ${r.object}`, r.n]));
  } finally {
    db.close();
  }
}

/**
 * `system object operation` → records the run wrote with that operation: create (the audit's `create`
 * rows), clear (a lifecycle stage cleared before it is set back, its rule `cleared first: …`) or update
 * (the rest). A record created and then updated in one run counts under both: the update was decided by
 * a later phase that needed the created record (test/bench/README.md "The batch-size minimum").
 */
function writtenByOperation(storePath: string, runId: string): Record<string, number> {
  const db = new Database(storePath, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT system, object, op, COUNT(DISTINCT record_id) AS n FROM (
           SELECT system, object, record_id,
             CASE WHEN operation = 'create' THEN 'create' WHEN rule LIKE 'cleared first:%' THEN 'clear' ELSE 'update' END AS op
           FROM audit_log WHERE run_id = ?)
         GROUP BY system, object, op`,
      )
      .all(runId) as { system: string; object: string; op: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [`${r.system} ${r.object} ${r.op}`, r.n]));
  } finally {
    db.close();
  }
}

/** The most records a run may write for its figures to say why each was written (`writeReasons`). */
export const WRITE_REASONS_UP_TO = 10;

/** `system object field: rule` → records the run wrote so, from the audit rows it committed. */
function writeReasons(storePath: string, runId: string): Record<string, number> {
  const db = new Database(storePath, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT system, object, field, rule, COUNT(DISTINCT record_id) AS n FROM audit_log WHERE run_id = ?
         GROUP BY system, object, field, rule`,
      )
      .all(runId) as { system: string; object: string; field: string; rule: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [`${r.system} ${r.object} ${r.field}: ${r.rule}`, r.n]));
  } finally {
    db.close();
  }
}

/**
 * Each key's records (per object, or per object and operation) over its system's batch size, rounded up,
 * summed per system; a Salesforce key of more records than `bulkThreshold` goes in Bulk API 2.0 jobs
 * (outbox/drain.ts), whose minimum is BULK_JOB_CALLS per job, when that is fewer
 * (test/bench/README.md "The batch-size minimum").
 */
export function minimumOf(written: Record<string, number>, bulkThreshold: number | undefined): PerSystem<number> {
  const out: PerSystem<number> = { hubspot: 0, salesforce: 0 };
  for (const [key, n] of Object.entries(written)) {
    const system = key.split(" ", 1)[0] as SystemName;
    if (!(system in out)) continue;
    const batches = Math.ceil(n / BATCH_SIZE[system]);
    const jobs = system === "salesforce" && bulkThreshold !== undefined && n > bulkThreshold ? Math.ceil(n / BULK_JOB_RECORDS) : 0;
    out[system] += jobs > 0 ? Math.min(batches, jobs * BULK_JOB_CALLS) : batches;
  }
  return out;
}

/**
 * The fewest calls of one Bulk API 2.0 ingest job: create it, upload its CSV, close it, one Get Job Info
 * that finds it JobComplete, and its successful results (its failed results are not read: the rows it did
 * not save go again through Collections, bulk-writer.ts).
 */
export const BULK_JOB_CALLS = 5;

function classCalls(c: CallCounts): ClassCalls {
  // Token calls are reads for the budget: they count against the allocation like any call.
  return { writes: c.writes, reads: c.reads + c.auth, behaviour: c.behaviour, match: c.match, search: c.search };
}

function bySystem(counts: Record<string, number>): PerSystem<number> {
  return { hubspot: counts.hubspot ?? 0, salesforce: counts.salesforce ?? 0 };
}
