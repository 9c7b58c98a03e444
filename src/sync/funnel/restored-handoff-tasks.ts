// The handoffs a lost store took with it whose CRM record never got the handoff's write (ARCHITECTURE.md
// "Links", a lost store): the drain sends a handoff's tasks before its record write (drain.ts `takeUpdates`), so a
// run stopped between the two, or a record write refused since (its rep deactivated), leaves the rep's
// "New MQL" task in the CRM, keyed by the person and the MQL's day, as the handoff's one trace.
import { instantOf } from "../../core/records.js";
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";
import { followUpTaskKey } from "./task-write.js";

/** A handoff as its "New MQL" task shows it: the rep the task was given to, and when it reached them. */
export interface HandoffTask {
  ownerId: string | null;
  /** The task's creation (the CRM's stamp): when the rep got the lead. */
  handoffAt: string;
}

/**
 * The "New MQL" task leadloop gave for each of these restored MQLs, by person: found by the key the
 * handoff gave it (task-write.ts `followUpTaskKey`, the MQL's day), open or completed alike (the rep may
 * have done it). One search of the tasks' key field per call, as restored-breaches.ts finds alert tasks.
 */
export async function handoffTasks(
  ctx: RunContext,
  setup: FunnelSetup,
  mqls: readonly { personId: string; mqlAt: string }[],
): Promise<Map<string, HandoffTask>> {
  const { object, upsertOn, ownerField, createdField } = setup.vocabulary.task;
  const out = new Map<string, HandoffTask>();
  if (mqls.length === 0 || !upsertOn) return out;
  const personOf = new Map(mqls.map((m) => [followUpTaskKey(m.personId, m.mqlAt.slice(0, 10)), m.personId]));
  const found = await ctx.crm.findBy(object, upsertOn, [...personOf.keys()], [upsertOn, ownerField, createdField]);
  for (const t of found) {
    // The search compares without regard to case (findBy): the key's own case is checked here.
    const personId = personOf.get(t.fields[upsertOn] ?? "");
    const handoffAt = instantOf(t.fields[createdField] ?? null);
    if (personId && handoffAt) out.set(personId, { ownerId: t.fields[ownerField] ?? null, handoffAt });
  }
  return out;
}
