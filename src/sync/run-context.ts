// What every step of one sync run shares: the two systems, the store, the run's identity and
// signpost, the mappings of each pair, the summary being filled, and the dry-run plan being collected.
import type { ObjectMapping } from "../core/mapping.js";
import type { SourceRecord } from "../core/records.js";
import type { Logger } from "../log/logger.js";
import type { StateStore } from "../store/port.js";
import type { PlannedWrite } from "./planned-write.js";
import type { RunSummary } from "./run-summary.js";
import type { SystemPort } from "./system-port.js";

export const SIDE_NAMES = ["marketing", "crm"] as const;
export type SideName = (typeof SIDE_NAMES)[number];

export interface RunContext {
  runId: string;
  /** The signpost: nothing modified after it is read in this run, and no cursor passes it. */
  until: string;
  dryRun: boolean;
  now: () => Date;
  log: Logger;
  store: StateStore;
  marketing: SystemPort;
  crm: SystemPort;
  summary: RunSummary;
  /** Filled in a dry run instead of writing. */
  plan: PlannedWrite[];
  /**
   * In a dry run only (a real run keeps them in the store): CRM records a rep created that this run
   * would link to an existing marketing contact, whose history the history fill would write.
   */
  crmMatches: { personId: string; crmType: string; crmId: string }[];
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
  /** In a dry run: the records already planned, so reading a pair again from its other side plans nothing. */
  dryRunPlanned?: Set<string>;
  /**
   * The inclusion rule: which of these marketing records, none of which has a CRM counterpart, may be
   * created in the CRM (by default only MQLs). Returns their ids.
   */
  includeInCrm(records: readonly SourceRecord[], mapping: ObjectMapping): Promise<Set<string>>;
  /** Renews the run lock's lease; every phase calls it after each group or batch it commits. */
  heartbeat?(): Promise<void>;
  /** Aborted when the run must stop after the batch in hand (SIGTERM). */
  signal?: AbortSignal;
  onProgress?(event: { phase: string; read: number; written: number }): void;
}

export function port(ctx: RunContext, side: SideName): SystemPort {
  return side === "marketing" ? ctx.marketing : ctx.crm;
}

export function otherSide(side: SideName): SideName {
  return side === "marketing" ? "crm" : "marketing";
}
