// A contact the marketer restores from HubSpot's recycle bin (the same id, within 90 days) comes back as
// she was: the follow-up clock her deletion stopped runs again if it had not fallen due, and leadloop's
// follow-up tasks the deletion completed open again, in one commit through the outbox (ARCHITECTURE.md
// "The follow-up SLA", a deleted record). Her link to her Lead comes back by matching (page-sync.ts).
import { groupBy } from "../../core/grouping.js";
import type { SourceRecord } from "../../core/records.js";
import type { OutboxWrite, SlaClock } from "../../store/port.js";
import type { Decision } from "../outbox/decide.js";
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";
import { taskStatusWrite } from "./follow-up-done.js";
import { heldFollowUps, tasksByKey } from "./follow-up-tasks.js";

/**
 * The clocks a deletion stopped of these people: read once for a group of people (qualify-phase.ts), and
 * given to `backFromRecycleBin` for each step of them.
 */
export function clocksStoppedOf(ctx: RunContext, personIds: readonly string[]): Promise<SlaClock[]> {
  return personIds.length === 0 ? Promise.resolve([]) : ctx.store.listSlaClocks({ personIds, gone: true });
}

/**
 * For these contacts, read live: the clocks a deletion stopped (`gone`) that come back, and the reopening
 * of the follow-up tasks their stop completed. A clock comes back when it was running at the deletion (no
 * touch, no breach, something of the handoff reached the rep), is not due yet, and its CRM record reads
 * live under its own id: the person's contact with HubSpot as the CRM, else her Lead or Contact (one
 * sales deleted, or merged into another record, stays gone). A clock already due stays as the deletion
 * closed it: no breach for the time she was gone. Only tasks at the status the stop gave them, held by
 * the clock's owner, are reopened. `gone` is `clocksStoppedOf` these people or more (a group's, read
 * once); a CRM read only when such a clock exists.
 */
export async function backFromRecycleBin(
  ctx: RunContext,
  setup: FunnelSetup,
  records: readonly SourceRecord[],
  gone: readonly SlaClock[],
): Promise<Decision> {
  if (records.length === 0 || gone.length === 0) return {};
  const now = ctx.now().toISOString();
  const ids = new Set(records.map((r) => r.id));
  const stopped = gone.filter(
    (c) =>
      ids.has(c.personId) && !c.unreached && c.firstTouchAt === null && c.breachedAt === null && Date.parse(c.dueAt) > Date.parse(now),
  );
  if (stopped.length === 0) return {};
  const live = new Set<string>();
  for (const [object, clocks] of groupBy(stopped, (c) => c.crmType))
    for (const r of await ctx.crm.readByIds(object, clocks.map((c) => c.crmId), [])) live.add(r.id);
  const back = stopped.filter((c) => live.has(c.crmId));
  if (back.length === 0) return {};
  const { status } = setup.vocabulary.task;
  const tasks = await tasksByKey(ctx, setup, back, status.done);
  const outbox: OutboxWrite[] = [];
  const rule = `SLA: follow-up open again (${ctx.marketing.system} contact restored)`;
  for (const clock of back) {
    ctx.log.debug("sla.clock_back", { runId: ctx.runId, personId: clock.personId, crmId: clock.crmId, dueAt: clock.dueAt });
    for (const task of heldFollowUps(tasks, clock)) outbox.push(taskStatusWrite(ctx, setup, task, { key: "follow-up-back", to: status.open, rule }));
  }
  return { outbox, slaClocksBack: back.map((c) => ({ personId: c.personId, handoffAt: c.handoffAt })) };
}
