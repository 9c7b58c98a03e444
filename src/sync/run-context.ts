// What every step of one sync run shares: the two systems, the store, the run's identity and
// signpost, the mappings of each pair, the summary being filled, and a dry run's plan being collected.
import type { ObjectMapping } from "../core/mapping.js";
import type { SourceRecord } from "../core/records.js";
import type { Logger } from "../log/logger.js";
import type { OutboxWrite, SlaClock, StateStore } from "../store/port.js";
import type { KeptRead } from "./kept-reads.js";
import type { PlannedWrite } from "./planned-write.js";
import type { RunSummary } from "./run-summary.js";
import type { SystemPort } from "./system-port.js";

export const SIDE_NAMES = ["marketing", "crm"] as const;
export type SideName = (typeof SIDE_NAMES)[number];

export interface RunContext {
  runId: string;
  /** The signpost: nothing modified after it is read in this run, and no cursor passes it. */
  until: string;
  now: () => Date;
  log: Logger;
  store: StateStore;
  marketing: SystemPort;
  crm: SystemPort;
  summary: RunSummary;
  /** In a dry run: every write sent, with the record the system answered (the run's plan). */
  plan?: PlannedWrite[];
  /**
   * Marketing contacts this run created from CRM records: qualification scores them in the same run
   * (they were made after its read), so the next run has nothing left to write for them.
   */
  createdPeople: string[];
  /**
   * Marketing contacts this run linked for the first time (created or matched): their companies and
   * deals are included in the CRM from now on (funnel/inclusion.ts).
   */
  linkedPeople?: string[];
  /**
   * Creates the run's streams and inclusion asks held so far, per target (held-creates.ts): the bulk
   * threshold counts a run's creates of an object, which a first load's Accounts split between the
   * companies stream and the companies its new MQLs bring in.
   */
  heldCreates?: Map<string, number>;
  /**
   * The inclusion rule: which of these marketing records, none of which has a CRM counterpart, may be
   * created in the CRM (by default only MQLs). Returns their ids.
   */
  includeInCrm(records: readonly SourceRecord[], mapping: ObjectMapping): Promise<Set<string>>;
  /** Whether `includeInCrm` answers for this mapping from the store and the run alone, with no API call. */
  inclusionReadsNothing?(mapping: ObjectMapping): boolean;
  /**
   * Windows this run read (or probed) and found empty, per system and stream (empty-windows.ts: an
   * object's changes, or its removals): a later read of the same stream whose window lies inside one has
   * nothing to read either.
   */
  emptyWindows?: Map<SystemPort, Map<string, EmptyWindow[]>>;
  /**
   * Removal streams (`side \u0000 object`) this run has followed already (removals.ts): the contact pair's
   * marketing side may be followed ahead of the qualification, and is not read again with its pair.
   */
  removalsFollowed?: Set<string>;
  /**
   * With the funnel: what the deletion of these people's own contacts ends of their follow-up (Salesforce
   * as the CRM, where their clocks are on their Leads): the clocks to stop and the completion of
   * leadloop's open follow-up tasks, for the deletion's commit (follow-up-done.ts `followUpsEndedBy`).
   */
  followUpsEnded?(personIds: readonly string[], reason: string): Promise<{ clocks: SlaClock[]; outbox: OutboxWrite[] }>;
  /** Change reads kept for later streams of the same window (kept-reads.ts), at most one per stream. */
  keptReads?: KeptRead[];
  /**
   * Fields the run leaves out of its reads and writes of a system's object (by system name), because the
   * object lacks them and the loop does without them: an org that has not made the disposition reason
   * field (funnel/reason-field.ts). The drain asks before each batch. Absent: nothing is left out.
   */
  fieldsLeftOut?(system: string, object: string): Promise<ReadonlySet<string>>;
  /**
   * The funnel writes scores on CRM records (a CRM other than HubSpot): the links a lost store's run
   * restores go to the history fill's list, to know again the score each record carries, and so do the
   * links moved to a converted Lead's Contact, to carry the Lead's score there (page-sync.ts).
   */
  scoresCrmRecords?: boolean;
  /** Objects this run has sent writes to so far, per system (the executor notes each, execute/send-writes.ts). */
  written?: Map<SystemPort, Set<string>>;
  /** Renews the run lock's lease; every phase calls it after each group or batch it commits. */
  heartbeat?(): Promise<void>;
  /** Aborted when the run must stop after the batch in hand (SIGTERM). */
  signal?: AbortSignal;
  onProgress?(event: { phase: string; read: number; written: number }): void;
}

/** A change read that returned nothing: from its cursor's instant (epoch ms) up to its signpost. */
export interface EmptyWindow {
  fromMs: number;
  until: string;
}

/**
 * Where a phase that must see this run's own writes reads up to: now, if the run wrote to `object`
 * already, else the run's signpost (nothing of leadloop's lies past it; a change others make meanwhile is
 * read by the next run, from this signpost less the look-back). The signpost keeps the phase's window
 * inside an earlier phase's, so an empty read of the object earlier in the run answers it.
 */
export function signpostAfterOwnWrites(ctx: RunContext, system: SystemPort, object: string): string {
  return ctx.written?.get(system)?.has(object) ? ctx.now().toISOString() : ctx.until;
}

export function port(ctx: RunContext, side: SideName): SystemPort {
  return side === "marketing" ? ctx.marketing : ctx.crm;
}

export function otherSide(side: SideName): SideName {
  return side === "marketing" ? "crm" : "marketing";
}
