// Closing the loop, the last phase of a run: a rep's lead status in the CRM becomes a disposition
// (qualified, recycle, trash, unreachable), a funnel event, and the marketing contact's lifecycle stage
// and leadloop status. A rep's status change or logged call is a touch on the follow-up clock; clocks
// past their due time are raised as breaches once. Events, touches and the contact writes (to the
// outbox) are kept with the page's cursor in one transaction.
import { dispositionFor, stageForDisposition } from "../../core/funnel/dispositions.js";
import { lifecycleFor } from "../../core/funnel/lifecycle-values.js";
import { canMove, type Stage } from "../../core/funnel/stages.js";
import { breachesToRaise } from "../../core/sla/index.js";
import type { FunnelEvent, OutboxWrite, SlaClock, SlaTouch } from "../../store/port.js";
import { readChangeGroups } from "../change-groups.js";
import { decide } from "../outbox/decide.js";
import { funnelWrite } from "../outbox/funnel-write.js";
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";

export async function readDispositions(ctx: RunContext, setup: FunnelSetup): Promise<void> {
  const { object, field } = setup.vocabulary.status;
  // Read up to now, not the run's signpost: the Leads this run's field sync and handoff wrote have
  // moved past it, and their statuses must be read in this run, not taken for new ones in the next.
  const phaseStart = ctx.now().toISOString();
  const clocks = new Map((await ctx.store.listSlaClocks()).map((c) => [c.crmId, c]));
  const read = {
    system: ctx.crm,
    object,
    fields: [field],
    cursorObject: `${object}#dispositions`,
    // The first run reads every status there is, so marketing starts from what sales already decided
    // (and a later run does not take those old statuses for new ones when leadloop's own writes bump them).
    startWhenNew: null,
    until: phaseStart,
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
    const writes: OutboxWrite[] = [];
    const touches: SlaTouch[] = [];
    for (const record of page.records) {
      const personId = personOf.get(record.id);
      if (!personId) continue;
      const clock = clocks.get(record.id);
      const disposition = dispositionFor(
        record.fields[field] ?? null,
        setup.qualification.definition,
        ctx.crm.system,
      );
      if (clock && disposition && record.modifiedAt >= clock.handoffAt)
        touches.push({ personId: clock.personId, key: `${object}:${record.id}:${record.modifiedAt}`, at: record.modifiedAt });
      if (!disposition) continue;
      const current = (stages.get(personId) ?? "lead") as Stage;
      const stage = stageForDisposition(disposition.disposition);
      if (current === stage || !canMove(current, stage)) continue;
      // The same status change read again (a look-back re-read after the person moved on, e.g. qualified
      // again) is not a new verdict: a rep's decision applies once.
      if (await alreadyApplied(ctx, personId, stage, record.modifiedAt)) continue;
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
      writes.push(
        funnelWrite(ctx, {
          key: `disposition:${personId}`,
          phase: "disposition",
          side: "marketing",
          object: "contacts",
          recordId: personId,
          fields: {
            lifecyclestage: lifecycleFor(stage),
            leadloop_status: stage,
            leadloop_disposition_reason: disposition.reason,
          },
          rule: `disposition ${disposition.disposition}: ${record.fields[field]}`,
          personId,
        }),
      );
      ctx.log.info("person.disposition", { personId, disposition: disposition.disposition, stage });
    }
    await decide(ctx, { funnelEvents: events, outbox: writes, slaTouches: touches, cursors: [page.cursor] });
  });
  await countLoggedTouches(ctx, setup, clocks, phaseStart);
  await raiseBreaches(ctx, setup);
}

/** Calls and emails a rep logged on a handed-off person count as touches (leadloop's own tasks do not). */
async function countLoggedTouches(
  ctx: RunContext,
  setup: FunnelSetup,
  clocks: Map<string, SlaClock>,
  phaseStart: string,
): Promise<void> {
  const t = setup.vocabulary.touches;
  if (!t || clocks.size === 0) return;
  const read = {
    system: ctx.crm,
    object: t.object,
    fields: t.fields,
    cursorObject: `${t.object}#touches`,
    startWhenNew: ctx.until,
    until: phaseStart,
  };
  await readChangeGroups(ctx, read, async (page) => {
    // Keyed by what the touch was, so a task read again by a look-back counts once (the store dedupes).
    const touches: SlaTouch[] = [];
    for (const task of page.records) {
      const clock = clocks.get(task.fields[t.whoField] ?? "");
      if (!clock || (t.ownKeyField && (task.fields[t.ownKeyField] ?? null) !== null)) continue;
      if (task.modifiedAt < clock.handoffAt) continue; // before the handoff: not a follow-up
      touches.push({ personId: clock.personId, key: `${t.object}:${task.id}`, at: task.modifiedAt });
    }
    await decide(ctx, { slaTouches: touches, cursors: [page.cursor] });
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
    await ctx.store.upsertSlaClock({ ...breach.clock, breachedAt: breach.breachedAt });
  }
}

async function alreadyApplied(ctx: RunContext, personId: string, stage: string, at: string): Promise<boolean> {
  const events = await ctx.store.listFunnelEvents({ personId, from: at });
  return events.some((e) => e.toStage === stage && e.at === at);
}
