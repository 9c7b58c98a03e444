// The breaches and reroutes a lost store took with it (ARCHITECTURE.md "The follow-up SLA", a lost store): a
// breach's alert task and a reroute's "Re-routed lead" task stay in the CRM, so a restored handoff's clock
// comes back breached, and replaced by the clock of each reroute that followed it, as the store held them.
import { instantOf } from "../../core/records.js";
import { startedClock } from "../../core/sla/index.js";
import type { SlaBreachRow, SlaClock } from "../../store/port.js";
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";
import { breachTaskKey, NO_ALERT, raisedBreaches, restoredBreach } from "./restored-breaches.js";
import { followUpTaskNames } from "./task-write.js";

/** A restored handoff's follow-up as the CRM shows it. */
export interface RestoredFollowUp {
  /**
   * The person's clocks, oldest first: the handoff's, then each reroute's; the last is the one that runs,
   * the others go to the history as a reroute's replaced clock does (a commit keeps them in this order).
   */
  clocks: SlaClock[];
  /** The rows of the breaches raised on them, for `leadloop sla` and `report sla`. */
  breaches: SlaBreachRow[];
  /** The running clock's owner's email, the person's kept owner; null to look it up by the clock's owner. */
  ownerEmail: string | null;
}

/**
 * These restored handoff clocks (each with its owner's email), each with the breaches and reroutes that
 * followed it. A reroute gave the next rep a "Re-routed lead" task keyed by the person and the reroute's
 * instant (task-write.ts `followUpTaskKey`), read among leadloop's tasks on the clocks' records (one read,
 * open and completed alike): its clock comes back as the reroute started it, the task's holder's, handed off
 * at that instant and due by the SLA from then, and the clock it replaced comes back breached, raised then
 * and rerouted to that rep, with or without its alert task. Without this, a breach that left no alert
 * (`onBreach.alert: false`) came back unbreached, followed the CRM's owner to the rerouted rep, breached again
 * and rerouted the lead a second time; with its alert, the rerouted rep's own clock was lost, and a
 * follow-up she missed went unseen. A reroute's task handed on open by a later reroute names that later rep:
 * the CRM keeps no other holder. One search for the alert tasks of every clock (restored-breaches.ts).
 */
export async function restoredFollowUps(
  ctx: RunContext,
  setup: FunnelSetup,
  handoffs: readonly { clock: SlaClock; ownerEmail: string | null }[],
): Promise<Map<string, RestoredFollowUp>> {
  const reroutes = await rerouteTasks(ctx, setup, handoffs.map((h) => h.clock));
  const owners = [...new Set([...reroutes.values()].flat().flatMap((r) => r.ownerId ?? []))];
  const emailOf = owners.length > 0 ? await setup.vocabulary.ownerEmails(owners) : new Map<string, string>();
  const chains = handoffs.map(({ clock, ownerEmail }) => [
    { clock, ownerEmail },
    ...(reroutes.get(clock.personId) ?? []).map((r) => ({
      clock: startedClock({ personId: clock.personId, crmType: clock.crmType, crmId: clock.crmId, ownerId: r.ownerId }, r.at, setup.sla),
      ownerEmail: emailOf.get(r.ownerId ?? "")?.toLowerCase() ?? null,
    })),
  ]);
  const alerts = await raisedBreaches(ctx, setup, chains.flat().map((l) => l.clock));
  const out = new Map<string, RestoredFollowUp>();
  for (const chain of chains) {
    const clocks: SlaClock[] = [];
    const breaches: SlaBreachRow[] = [];
    for (const [i, { clock, ownerEmail }] of chain.entries()) {
      const next = chain[i + 1];
      const alert = alerts.get(breachTaskKey(clock));
      if (!next && !alert) {
        clocks.push(clock);
        continue;
      }
      const reroute = next ? { to: next.ownerEmail, at: next.clock.handoffAt } : null;
      const restored = restoredBreach(ctx, setup, clock, alert ?? NO_ALERT, ownerEmail, reroute);
      clocks.push(restored.clock);
      if (restored.row) breaches.push(restored.row);
    }
    out.set(chain[0]!.clock.personId, { clocks, breaches, ownerEmail: chain.at(-1)!.ownerEmail });
  }
  return out;
}

/**
 * The reroutes after each of these clocks' handoffs, oldest first, by person: leadloop's follow-up tasks on
 * the clocks' records whose key names the person and an instant after the handoff (a handoff's "New MQL"
 * key names its MQL's day), with each task's holder.
 */
async function rerouteTasks(
  ctx: RunContext,
  setup: FunnelSetup,
  clocks: readonly SlaClock[],
): Promise<Map<string, { at: string; ownerId: string | null }[]>> {
  const out = new Map<string, { at: string; ownerId: string | null }[]>();
  if (clocks.length === 0) return out;
  const handoffOf = new Map(clocks.map((c) => [c.personId, c.handoffAt]));
  const records = [...new Map(clocks.map((c) => [c.crmId, { object: c.crmType, id: c.crmId }])).values()];
  for (const t of await setup.vocabulary.task.keyed(records, ctx.crm, { closedToo: true })) {
    const names = followUpTaskNames(t.key);
    const handoffAt = names ? handoffOf.get(names.personId) : undefined;
    if (!names || !handoffAt || !isInstant(names.at) || names.at <= handoffAt) continue;
    out.set(names.personId, [...(out.get(names.personId) ?? []), { at: names.at, ownerId: t.ownerId }]);
  }
  for (const list of out.values()) list.sort((a, b) => a.at.localeCompare(b.at));
  return out;
}

/** A follow-up key's `at` naming an instant (a reroute's), not a day (a handoff's "New MQL"). */
function isInstant(at: string): boolean {
  return at.includes("T") && instantOf(at) === at;
}
