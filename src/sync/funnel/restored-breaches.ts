// The breaches a lost store took with it (ARCHITECTURE.md "The follow-up SLA", a lost store): a breach
// leadloop raised left its alert task in the CRM, keyed by the clock it was raised for, so a restored clock
// whose task is there comes back breached, as the store held it: it keeps its rep when the record is given
// away since (sla-phase.ts `followCrmOwners` follows unbreached clocks only), and its breach is not raised,
// alerted or counted again (`breachesToRaise` leaves a clock with `breachedAt` out).
import type { SlaClock } from "../../store/port.js";
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";

/** The key of the alert task a clock's breach is raised with: one per clock, whatever the breach's kind. */
export function breachTaskKey(clock: Pick<SlaClock, "personId" | "handoffAt">): string {
  return `leadloop:breach:${clock.personId}:${clock.handoffAt}`;
}

/**
 * The people among these restored handoffs whose clock's breach leadloop raised before the loss: the CRM
 * holds its alert task. Their clock comes back breached at its due time (the key tells not which part was
 * missed: the board and the reports read that from the clock's touches, core/sla/state.ts). One search of
 * the tasks' key field per batch, open and completed alike (a manager may have closed the alert). A breach
 * raised with `onBreach.alert` off left no task: its clock comes back unbreached, and the SLA phase raises
 * the breach again.
 */
export async function raisedBreaches(
  ctx: RunContext,
  setup: FunnelSetup,
  handoffs: readonly Pick<SlaClock, "personId" | "handoffAt">[],
): Promise<Set<string>> {
  const { object, upsertOn } = setup.vocabulary.task;
  if (handoffs.length === 0 || !upsertOn) return new Set();
  const personOf = new Map(handoffs.map((h) => [breachTaskKey(h), h.personId]));
  const found = await ctx.crm.findBy(object, upsertOn, [...personOf.keys()], [upsertOn]);
  // The search compares without regard to case (findBy): the key's own case is checked here.
  return new Set(found.flatMap((t) => personOf.get(t.fields[upsertOn] ?? "") ?? []));
}
