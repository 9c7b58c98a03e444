// The follow-up SLA, after the dispositions: calls, emails and tasks a rep logged on a handed-off
// person count as touches on its clock, and clocks past their due time are raised as breaches once
// (ARCHITECTURE.md "One run").
import { breachesToRaise } from "../../core/sla/index.js";
import type { SlaClock, SlaTouch } from "../../store/port.js";
import { readChangeGroups } from "../change-groups.js";
import { decide } from "../outbox/decide.js";
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";

export async function followUpSla(ctx: RunContext, setup: FunnelSetup): Promise<void> {
  // Read up to now, like the dispositions: the tasks this run wrote are past the signpost.
  const phaseStart = ctx.now().toISOString();
  const clocks = new Map((await ctx.store.listSlaClocks()).map((c) => [c.crmId, c]));
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
    if (!ctx.dryRun) await ctx.store.upsertSlaClock({ ...breach.clock, breachedAt: breach.breachedAt });
  }
}
