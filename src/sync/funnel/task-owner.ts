// Who a task about a lead is given to when its owner may have left the CRM: the SLA's breach alert and a
// rep's written digest both ask here (ARCHITECTURE.md "The follow-up SLA", "Digests").
import type { RunContext } from "../run-context.js";

export interface TaskOwner {
  /** The owner id the task is written with; null for no one named (the integration user owns it). */
  ownerId: string | null;
  /** The lead's owner is no active CRM user: the task went to `ownerId` instead. */
  ownerLeft: boolean;
}

/**
 * The lead's owner while the CRM has them as an active user; once deactivated (a Salesforce User the org
 * refuses a task with INACTIVE_OWNER_OR_USER, a HubSpot owner archived), the stand-in (the rep a reroute
 * gives the lead to), else no one named, and `event` is logged naming the owner: a task given to them
 * would be refused, an error-queue entry on every run, and the work lost.
 */
export function taskOwner(
  ctx: RunContext,
  lead: { ownerId: string | null; standIn: string | null },
  active: ReadonlySet<string>,
  event: { name: string; what: string; fields: Record<string, unknown> },
): TaskOwner {
  if (lead.ownerId === null || active.has(lead.ownerId)) return { ownerId: lead.ownerId, ownerLeft: false };
  ctx.log.warn(event.name, {
    ...event.fields,
    ownerId: lead.ownerId,
    message:
      `the owner ${lead.ownerId} of ${event.what} is no active ${ctx.crm.system} user: it goes to ` +
      `${lead.standIn ?? "the integration user"}; reassign their leads in the CRM`,
  });
  return { ownerId: lead.standIn, ownerLeft: true };
}
