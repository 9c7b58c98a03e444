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
   * CRM records a rep created that this run linked to an existing marketing contact: the handoff fills
   * in their engagement history so the rep sees prior interest.
   */
  crmMatches: { personId: string; crmType: string; crmId: string }[];
  /**
   * The inclusion rule: which of these marketing records, none of which has a CRM counterpart, may be
   * created in the CRM (by default only MQLs). Returns their ids.
   */
  includeInCrm(records: readonly SourceRecord[], mapping: ObjectMapping): Promise<Set<string>>;
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
