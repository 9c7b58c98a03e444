// leadloop's open follow-up tasks for handed-off leads ("New MQL", a reroute's "Re-routed lead"), as the
// CRM holds them now: what a reroute or a reassignment hands on to the new rep, and what the end of the
// follow-up completes (ARCHITECTURE.md "The follow-up SLA").
import type { SlaClock } from "../../store/port.js";
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";
import type { KeyedTask } from "./handoff-vocabulary.js";
import { isFollowUpTaskOf } from "./task-write.js";

/** The clock owner's open follow-up tasks for its lead ("New MQL", a reroute's): what goes with the lead. */
export function heldFollowUps(tasks: ReadonlyMap<string, KeyedTask[]>, clock: SlaClock): KeyedTask[] {
  if (clock.ownerId === null) return [];
  return (tasks.get(clock.crmId) ?? []).filter((t) => t.ownerId === clock.ownerId && isFollowUpTaskOf(t.key, clock.personId));
}

/** leadloop's open tasks on these clocks' CRM records, by record: one read per batch of clocks. */
export async function openTasks(ctx: RunContext, setup: FunnelSetup, clocks: readonly SlaClock[]): Promise<Map<string, KeyedTask[]>> {
  const out = new Map<string, KeyedTask[]>();
  if (clocks.length === 0) return out;
  const records = [...new Map(clocks.map((c) => [c.crmId, { object: c.crmType, id: c.crmId }])).values()];
  for (const task of await setup.vocabulary.task.keyed(records, ctx.crm))
    out.set(task.personCrmId, [...(out.get(task.personCrmId) ?? []), task]);
  return out;
}
