// Executes the writes a page of the field sync sends at once (its creates, whose new ids make the links;
// every write when re-syncing for `errors retry`), through the one executor: grouped by system and
// object, CRM side first (a create's new id is what the marketing side then stamps), then marketing.
import type { ObjectMapping } from "../core/mapping.js";
import type { MergeResult, SnapshotPair } from "../core/merge/types.js";
import type { FieldValue } from "../core/records.js";
import type { AuditEntry } from "../store/port.js";
import type { PlannedWrite } from "./planned-write.js";
import { port, type RunContext, type SideName } from "./run-context.js";
import { sendWrites } from "./execute/send-writes.js";
import type { RecordFailure, RecordWrite, WriteOptions } from "./system-port.js";
import { groupBy } from "../core/grouping.js";

/** What one record pair asks to write: at most one write per side. */
export interface PairWrite {
  /** The page's own record of the pair, handed back untouched. */
  pairing: unknown;
  mapping: ObjectMapping;
  merged: MergeResult;
  crm?: RecordWrite;
  marketing?: RecordWrite;
  planned: PlannedWrite[];
  /**
   * The link stamp entry's snapshot once the writes succeed (link-stamps.ts), kept beside
   * `merged.snapshots` rather than added to it: see planPair in page-sync.ts.
   */
  stamp?: SnapshotPair;
}

export interface PairOutcome {
  pair: PairWrite;
  crmId?: string;
  marketingId?: string;
  failedSides: SideName[];
  failure?: {
    system: string;
    object: string;
    recordId: string | null;
    operation: string;
    fields: Record<string, FieldValue>;
    error: RecordFailure;
  };
  snapshots: MergeResult["snapshots"];
  audit: AuditEntry[];
}

/**
 * Sends the pairs' writes (those `send` picks: all by default) and says what became of each pair; `how`:
 * as bulk jobs (the field sync's held creates of a large load, held-creates.ts).
 */
export async function writePairs(
  ctx: RunContext,
  pairs: readonly PairWrite[],
  send: (pair: PairWrite, side: SideName) => boolean = () => true,
  how?: WriteOptions,
): Promise<PairOutcome[]> {
  // Each pair's outcome sits beside it by position and travels with its items: a page's writes mostly
  // wait for the drain, so most pairs send nothing and need no look-up table.
  const outcomes = pairs.map((p): PairOutcome => ({ pair: p, failedSides: [], snapshots: p.merged.snapshots, audit: [] }));
  for (const side of ["crm", "marketing"] as const) {
    const system = port(ctx, side);
    const items: PairItem[] = [];
    for (let i = 0; i < pairs.length; i++) {
      const p = pairs[i]!;
      const write = p[side];
      if (!write || !send(p, side)) continue;
      const planned = plannedOn(p, side);
      if (!planned) continue;
      const outcome = outcomes[i]!;
      // A pair whose CRM create failed has no CRM record to keep in step with: skip its marketing write.
      if (side === "marketing" && outcome.failedSides.includes("crm") && !p.crm?.id) continue;
      items.push({ pair: p, write, planned, outcome });
    }
    if (items.length === 0) continue;
    for (const [object, group] of groupBy(items, (i) => i.planned.object)) {
      for (const { item, outcome: result, audit } of await sendWrites(ctx, system, object, group, how)) {
        const outcome = item.outcome;
        if (!result.ok) {
          outcome.failedSides.push(side);
          outcome.failure ??= {
            system: system.system,
            object,
            recordId: item.write.id ?? null,
            operation: item.write.id ? "update" : item.write.upsertOn ? "upsert" : "create",
            fields: item.write.fields,
            error: result.error,
          };
          continue;
        }
        if (side === "crm") outcome.crmId = result.id;
        else outcome.marketingId = result.id;
        outcome.audit.push(...audit);
      }
    }
  }
  return outcomes;
}

/** The pair's planned write on `side`: at most one per side. */
export function plannedOn(p: PairWrite, side: SideName): PlannedWrite | undefined {
  for (const w of p.planned) if (w.side === side) return w;
  return undefined;
}

interface PairItem {
  pair: PairWrite;
  write: RecordWrite;
  planned: PlannedWrite;
  outcome: PairOutcome;
}
