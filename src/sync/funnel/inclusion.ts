// The inclusion rule: the CRM stays the database of qualified records, so by default only people who
// reached MQL (or any later stage) are created there; `inclusion: all` creates everyone. People already
// linked are synced whatever their stage: they never reach this rule.
import type { SourceRecord } from "../../core/records.js";
import type { RunContext } from "../run-context.js";
import type { FunnelRunState, FunnelSetup } from "./funnel-setup.js";

const QUALIFIED_STAGES: ReadonlySet<string> = new Set(["mql", "sal", "opportunity", "won", "lost"]);

export async function includedInCrm(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  records: readonly SourceRecord[],
): Promise<Set<string>> {
  const ids = records.map((r) => r.id);
  if (setup.inclusion === "all") return new Set(ids);
  const stages = await ctx.store.currentStages(ids);
  // In a dry run the qualification phase recorded nothing: its scores stand in for the stages.
  return new Set(
    ids.filter((id) => QUALIFIED_STAGES.has(stages.get(id) ?? "") || state.scores.get(id)?.qualified),
  );
}
