// Closing the loop, the last phase of a run: a rep's lead status in the CRM becomes a disposition
// (qualified, recycle, trash, unreachable), a funnel event, and the marketing contact's lifecycle stage
// and leadloop status. A rep's status change or logged call is a touch on the follow-up clock; clocks
// past their due time are raised as breaches once.
import { dispositionFor, stageForDisposition } from "../../core/funnel/dispositions.js";
import { lifecycleFor } from "../../core/funnel/lifecycle-values.js";
import { canMove, type Stage } from "../../core/funnel/stages.js";
import { breachesToRaise } from "../../core/sla/index.js";
import type { FunnelEvent, SlaClock } from "../../store/port.js";
import { readChangeGroups } from "../change-groups.js";
import type { RunContext } from "../run-context.js";
import { bump } from "../run-summary.js";
import type { RecordWrite } from "../system-port.js";
import type { FunnelSetup } from "./funnel-setup.js";

export async function readDispositions(ctx: RunContext, setup: FunnelSetup): Promise<void> {
  const { object, field } = setup.vocabulary.status;
  const clocks = new Map((await ctx.store.listSlaClocks()).map((c) => [c.crmId, c]));
  const read = {
    system: ctx.crm,
    object,
    fields: [field],
    cursorObject: `${object}#dispositions`,
    startWhenNew: ctx.until,
  };
  await readChangeGroups(ctx, read, async (page) => {
    const ids = page.records.map((r) => r.id);
    const personOf = setup.crmIsMarketing
      ? new Map(ids.map((id) => [id, id]))
      : new Map(
          [...(await ctx.store.findLinksByCrmIds("contact", ids)).values()].map((l) => [
            l.crmId,
            l.marketingId,
          ]),
        );
    const stages = await ctx.store.currentStages([...personOf.values()]);
    const events: FunnelEvent[] = [];
    const writes: RecordWrite[] = [];
    const touched = new Set<SlaClock>();
    for (const record of page.records) {
      const personId = personOf.get(record.id);
      if (!personId) continue;
      const clock = clocks.get(record.id);
      const disposition = dispositionFor(
        record.fields[field] ?? null,
        setup.qualification.definition,
        ctx.crm.system,
      );
      if (clock && disposition) {
        touch(ctx, clock, record.modifiedAt);
        touched.add(clock);
      }
      if (!disposition) continue;
      const current = (stages.get(personId) ?? "lead") as Stage;
      const stage = stageForDisposition(disposition.disposition);
      if (current === stage || !canMove(current, stage)) continue;
      events.push({
        personId,
        email: null,
        fromStage: current,
        toStage: stage,
        at: record.modifiedAt,
        cause: `disposition ${disposition.disposition}: ${record.fields[field]}`,
        runId: ctx.runId,
        source: null,
        campaign: null,
        ownerId: clock?.ownerId ?? null,
        amount: null,
      });
      writes.push({
        ref: personId,
        id: personId,
        fields: {
          lifecyclestage: lifecycleFor(stage),
          leadloop_status: stage,
          leadloop_disposition_reason: disposition.reason,
        },
      });
      ctx.log.info("person.disposition", { personId, disposition: disposition.disposition, stage });
    }
    if (ctx.dryRun) return;
    if (writes.length > 0) {
      for (const o of await ctx.marketing.write("contacts", writes)) {
        if (o.ok) bump(ctx.summary.updated, ctx.marketing.system);
        else ctx.log.warn("person.disposition_not_written", { personId: o.ref, code: o.error.code });
      }
    }
    for (const clock of touched) await ctx.store.upsertSlaClock(clock);
    await ctx.store.commitBatch({
      runId: ctx.runId,
      at: ctx.now().toISOString(),
      funnelEvents: events,
      cursors: [page.cursor],
    });
  });
  await countLoggedTouches(ctx, setup, clocks);
  await raiseBreaches(ctx, setup);
}

function touch(ctx: RunContext, clock: SlaClock, at: string): void {
  clock.touches++;
  if (!clock.firstTouchAt || at < clock.firstTouchAt) clock.firstTouchAt = at;
  ctx.log.debug("sla.touched", { personId: clock.personId, touches: clock.touches });
}

/** Calls and emails a rep logged on a handed-off person count as touches (leadloop's own tasks do not). */
async function countLoggedTouches(
  ctx: RunContext,
  setup: FunnelSetup,
  clocks: Map<string, SlaClock>,
): Promise<void> {
  const t = setup.vocabulary.touches;
  if (!t || clocks.size === 0) return;
  const read = {
    system: ctx.crm,
    object: t.object,
    fields: t.fields,
    cursorObject: `${t.object}#touches`,
    startWhenNew: ctx.until,
  };
  await readChangeGroups(ctx, read, async (page) => {
    const touched = new Set<SlaClock>();
    for (const task of page.records) {
      const clock = clocks.get(task.fields[t.whoField] ?? "");
      if (!clock || (t.ownKeyField && (task.fields[t.ownKeyField] ?? null) !== null)) continue;
      touch(ctx, clock, task.modifiedAt);
      touched.add(clock);
    }
    if (ctx.dryRun) return;
    for (const clock of touched) await ctx.store.upsertSlaClock(clock);
    await ctx.store.commitBatch({ runId: ctx.runId, at: ctx.now().toISOString(), cursors: [page.cursor] });
  });
}

async function raiseBreaches(ctx: RunContext, setup: FunnelSetup): Promise<void> {
  // Touched clocks can breach too (too few touches in the window), so every unraised clock is checked.
  const unraised = (await ctx.store.listSlaClocks()).filter((c) => c.breachedAt === null);
  for (const breach of breachesToRaise(unraised, ctx.now(), setup.sla)) {
    ctx.log.warn("sla.breached", {
      personId: breach.clock.personId,
      crmId: breach.clock.crmId,
      ownerId: breach.clock.ownerId,
      kind: breach.kind,
      overdueMinutes: breach.overdueMinutes,
    });
    if (!ctx.dryRun) await ctx.store.upsertSlaClock({ ...breach.clock, breachedAt: breach.breachedAt });
  }
}
