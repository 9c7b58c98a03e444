// The counts one run reports (`sync --json`, the sandbox, the daemon's /metrics): per system where
// the contract says so, so a person sees at a glance what moved where.

import { type DispositionCounts, noDispositions } from "../core/funnel/dispositions.js";
import type { StateStore } from "../store/port.js";

export interface RunSummary {
  runId: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string | null;
  status: "running" | "succeeded" | "failed" | "stopped";
  /** Records read from each system's change streams, by every phase (one read by two phases counts twice). */
  read: Record<string, number>;
  created: Record<string, number>;
  updated: Record<string, number>;
  /** Changed records whose merge asked for no write. */
  unchanged: number;
  conflicts: number;
  /** Records sent to the error queue, per system written to. */
  errors: Record<string, number>;
  /** Entries open in the error queue when the run ended: this run's and earlier runs' not yet resolved. */
  openErrors: number;
  /** Links retired or re-pointed because a record was deleted, merged or converted. */
  relinked: number;
  /**
   * Links found again through the ids each linked record carries of the other (its stamps): non-zero when
   * the state store was lost or is new while the records were linked before.
   */
  restored: number;
  /** API calls per system, as the system counts them against its limit: session requests apart. */
  apiCalls: Record<string, number>;
  /** Session (OAuth token) requests per system, which no system counts against its API limit. */
  authCalls: Record<string, number>;
  /** People handed to sales in this run (qualification). */
  handoffs: number;
  /** People over the behaviour threshold missing exactly one requirement. */
  nearQualified: number;
  /** Reps' verdicts applied this run, per kind (`working` is a touch, not a move). */
  dispositions: DispositionCounts;
  /** Lead conversions (a deal for a contact, with HubSpot as CRM) followed to marketing in this run. */
  conversions: number;
  /** Opportunities (deals) closed won and lost in this run, counted per person moved. */
  outcomes: { won: number; lost: number };
  /** Follow-up SLA breaches raised in this run (each clock's breach once). */
  slaBreaches: number;
  /** The failure that stopped the run, if any. */
  failure: string | null;
}

export function emptySummary(
  runId: string,
  dryRun: boolean,
  startedAt: string,
  systems: string[],
): RunSummary {
  const zero = () => Object.fromEntries(systems.map((s) => [s, 0]));
  return {
    runId,
    dryRun,
    startedAt,
    finishedAt: null,
    status: "running",
    read: zero(),
    created: zero(),
    updated: zero(),
    unchanged: 0,
    conflicts: 0,
    errors: zero(),
    openErrors: 0,
    relinked: 0,
    restored: 0,
    apiCalls: zero(),
    authCalls: zero(),
    handoffs: 0,
    nearQualified: 0,
    dispositions: noDispositions(),
    conversions: 0,
    outcomes: { won: 0, lost: 0 },
    slaBreaches: 0,
    failure: null,
  };
}

/** What `sync --json` says of a run that failed or was stopped before it began: no run id, nothing counted. */
export type UnstartedRun = Omit<RunSummary, "runId" | "openErrors"> & { runId: null; openErrors: null };

/**
 * The summary of a run that failed before it began (its configuration, the run lock another run holds, the
 * store or a system's login): in a failed run's shape, so a script reads `status` and `failure` as it
 * always does. It has no run id (no run was recorded), counts nothing, and `openErrors` is null: the queue
 * was not read. `systems` are the configuration's, none when the configuration itself failed.
 */
export function unstartedRun(failure: string, dryRun: boolean, at: string, systems: string[]): UnstartedRun {
  const summary = emptySummary("", dryRun, at, systems);
  return { ...summary, runId: null, finishedAt: at, status: "failed", openErrors: null, failure };
}

/**
 * The summary of a run stopped (SIGTERM, Ctrl-C) before it began: status `stopped` as a run stopped later
 * is, with no run id since none was recorded (engine.ts `StoppedBeforeRun`), and no failure.
 */
export function stoppedBeforeRun(dryRun: boolean, at: string, systems: string[]): UnstartedRun {
  return { ...unstartedRun("", dryRun, at, systems), status: "stopped", failure: null };
}

/**
 * Sets `summary.openErrors` to the entries open in the error queue now, earlier runs' too: what a run
 * (a sync, an `errors retry`) leaves waiting. A store that cannot answer leaves the count as it was, so
 * the run's own error, if any, is what gets reported.
 */
export async function countOpenErrorsInto(summary: RunSummary, store: Pick<StateStore, "countOpenErrors">): Promise<void> {
  summary.openErrors = await store.countOpenErrors().then(
    (open) => open.reduce((n, e) => n + e.count, 0),
    () => summary.openErrors,
  );
}

export function bump(counts: Record<string, number>, system: string, by = 1): void {
  counts[system] = (counts[system] ?? 0) + by;
}
