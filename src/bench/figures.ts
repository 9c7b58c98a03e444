// The shapes the bench reports and the ratios in them. A ratio is calls used / the batch-size minimum
// (issue 3, "Speed and scale"): ceil(N/100) calls for HubSpot, ceil(N/200) for Salesforce, N being the
// records the phase changed. Ratios are null where the minimum is zero (nothing changed).

import type { ClassCalls } from "../core/forecast/api-forecast.js";

export type SystemName = "hubspot" | "salesforce";
export type PerSystem<T> = Record<SystemName, T>;

/** Records per write call: HubSpot batch endpoints and Salesforce sObject Collections. */
export const BATCH_SIZE: PerSystem<number> = { hubspot: 100, salesforce: 200 };

export type EndpointClass = "writes" | "reads" | "behaviour" | "match" | "auth";

export interface CallCounts {
  total: number;
  /** Calls that create, update or delete records. */
  writes: number;
  /** Calls that only read (change streams, reads by id, describes) and are neither behaviour nor match. */
  reads: number;
  /** A contact's activity: events API and the per-source activity APIs. */
  behaviour: number;
  /** Finding unlinked records' counterparts by match key (SOQL IN on email/domain, search IN, batch read by email). */
  match: number;
  /** OAuth token calls: neither. */
  auth: number;
  /** HubSpot CRM searches among the calls above (they have their own per-second limit). */
  search: number;
  byEndpoint: Record<string, number>;
}

/** One sync run of a scenario, measured over both emulators. */
export interface PhaseFigures {
  /** Records the phase changed (the N of the batch-size minimum). */
  records: number;
  seconds: number;
  recordsPerSecond: number | null;
  /**
   * leadloop's own CPU seconds (user + system) over the run; null when the emulators share the bench's
   * process (their work would be counted too).
   */
  cpuSeconds: number | null;
  /** cpuSeconds per 10,000 of the run's records (the N of recordsPerSecond); null as cpuSeconds, or with no records. */
  cpuSecondsPer10k: number | null;
  /** The bench process's highest RSS over the run: leadloop's own when the emulators run apart. */
  peakRssMb: number;
  /** The bench process's highest V8 used heap over the run (what leadloop's own objects take). */
  peakHeapUsedMb: number;
  /** The store's files (database and write-ahead log) at their largest over the run, sampled. */
  peakStoreMb: number;
  /**
   * V8's used heap after a full collection at the run's end: what leadloop keeps from one run to the
   * next (the peak also counts garbage not collected yet). Null where the process cannot force a
   * collection (only the default configuration's own process runs with --expose-gc).
   */
  retainedHeapMb: number | null;
  /** The emulator process's highest RSS over the run; null when the emulators share the bench's process. */
  emulatorsPeakRssMb: number | null;
  /** ceil(records / batch size) per system. */
  batchMinimum: PerSystem<number>;
  apiCalls: PerSystem<number>;
  writeCalls: PerSystem<number>;
  readCalls: PerSystem<number>;
  behaviourCalls: PerSystem<number>;
  matchCalls: PerSystem<number>;
  /** Calls by class per system, in the forecast model's shape (core/forecast). */
  classCalls: PerSystem<ClassCalls>;
  /** Records the run wrote per `system object` (from its audit), when the minimum was taken from it. */
  writtenByObject?: Record<string, number>;
  /**
   * Records the run wrote per `system object operation` (create, update, clear), the minimum's terms:
   * each operation is a request of its own in both APIs (test/bench/README.md "The batch-size minimum").
   */
  writtenByOperation?: Record<string, number>;
  /**
   * Why a run that wrote a few records (at most WRITE_REASONS_UP_TO) wrote them: `system object field:
   * rule` → the records written so, from its audit; where a run with nothing to do (noop, quiet) wrote
   * anyway, this says what decided it.
   */
  writeReasons?: Record<string, number>;
  /** All calls (reads and writes) / batch-size minimum. */
  apiCallRatio: PerSystem<number | null>;
  /** Write calls only / batch-size minimum. */
  writeCallRatio: PerSystem<number | null>;
  /** What the engine's run summary says it read, created and updated. */
  recordsRead: PerSystem<number>;
  created: PerSystem<number>;
  updated: PerSystem<number>;
  errors: PerSystem<number>;
  endpoints: PerSystem<Record<string, number>>;
}

export function batchMinimum(records: number): PerSystem<number> {
  return {
    hubspot: Math.ceil(records / BATCH_SIZE.hubspot),
    salesforce: Math.ceil(records / BATCH_SIZE.salesforce),
  };
}

export function ratio(used: number, minimum: number): number | null {
  return minimum > 0 ? round(used / minimum, 3) : null;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function mb(bytes: number): number {
  return round(bytes / (1024 * 1024), 1);
}
